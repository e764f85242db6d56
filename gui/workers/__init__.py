"""Objects that run on QThreads: training (and later downloads)."""
