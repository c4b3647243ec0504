"""Directory health: how each directory has been answering, and whether it still works."""
