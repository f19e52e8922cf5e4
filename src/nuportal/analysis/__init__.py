"""nuportal.analysis"""
