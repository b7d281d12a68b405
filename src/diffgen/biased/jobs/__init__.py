"""Job kinds of study 1: one module per kind, run as ``diffgen biased <kind>``."""
