"""Scale data and benchmarks for Survey Atlas.

``python -m bench.generate`` fills the configured database with synthetic papers
(citation keys start with ``syn`` followed by a digit, so they never mix with the
survey); ``python -m bench.run`` measures the API against raw-SQL and bare
bibtexparser baselines and writes BENCHMARKS.md.
"""
