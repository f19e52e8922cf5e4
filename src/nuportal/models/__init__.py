"""nuportal.models"""
