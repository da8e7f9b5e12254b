"""Strategy, objectives, tracks, action plans and initiatives."""
