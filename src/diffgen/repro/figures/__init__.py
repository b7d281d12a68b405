"""Study 3's plotters, one module per figure."""
