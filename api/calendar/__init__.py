"""The annual wheel (årshjul): a read-only view over events, series and the plan's initiatives."""
