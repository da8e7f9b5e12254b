"""Imports every domain's metrics module so each registers itself with the goal registry."""

from api.goals import metrics as goals_metrics

__all__ = ["goals_metrics"]
