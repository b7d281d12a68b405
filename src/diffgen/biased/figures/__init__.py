"""Study 1's figures drawn from their tables; each module's ``plot`` draws one figure.

Plotters never recompute anything: every number they show is in the table they
are given, so a figure can be redrawn in seconds and audited against its CSV.
"""
