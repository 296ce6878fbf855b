"""Every write to papers and their links goes through these services."""
