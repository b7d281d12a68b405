"""Plotters of study `amplify`, one module per figure."""
