"""nuportal.stats"""
