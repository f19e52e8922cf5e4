"""nuportal.recast"""
