"""nuportal.detectors"""
