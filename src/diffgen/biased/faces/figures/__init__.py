"""Plotters of the face figures: ``plot(table, pdf, png, style, options)``, the table only."""
