"""Study-agnostic measurements: divergences and nearest-neighbour search."""
