"""(door, generated)"""
