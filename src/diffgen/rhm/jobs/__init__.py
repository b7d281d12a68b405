"""Job kinds of study 5 (``diffgen rhm <kind>``), one module each."""
