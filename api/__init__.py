"""Erhverv Lejre action-plan service."""
