"""nuportal.generation"""
