"""The plan file: the shipped 2026 plan, its loader and exporter, and the first start. It reads and
writes every domain, so it sits above them all."""
