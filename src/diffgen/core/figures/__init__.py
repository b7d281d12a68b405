"""Figure style and drawing primitives shared by every study's plotters."""
