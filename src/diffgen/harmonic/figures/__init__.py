"""Plotters of study 2."""
