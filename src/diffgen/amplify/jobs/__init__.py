"""Job kinds of study 4 (``diffgen amplify <kind>``), one module each."""
