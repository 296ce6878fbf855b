"""HTML pages of papers: reading (browse) and curating (curate)."""
