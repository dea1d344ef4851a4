"""Schedule factories, one module per family; pure numpy, no framework imported."""
