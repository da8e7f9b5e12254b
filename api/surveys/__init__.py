"""Satisfaction surveys: their questions, the answers imported from the survey tool, and metrics."""
