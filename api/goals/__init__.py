"""Goals, yearly targets, measurements, the metric registry and progress."""
