"""nuportal.sources"""
