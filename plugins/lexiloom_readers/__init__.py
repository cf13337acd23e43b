"""Built-in corpus readers."""
