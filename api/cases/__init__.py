"""Building-permit and other case records pushed by the case-processing system, and their times."""
