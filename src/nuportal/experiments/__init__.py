"""nuportal.experiments"""
