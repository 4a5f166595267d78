"""One module per command; each exposes a function the CLI calls with plain arguments."""
