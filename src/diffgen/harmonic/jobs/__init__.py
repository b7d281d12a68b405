"""Job kinds of study 2 (`diffgen harmonic <kind>`)."""
