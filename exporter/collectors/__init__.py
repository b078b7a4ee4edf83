"""Collectors: one module per admin question, a pure function from the model to metric
families (and findings). Each registers itself with ``exporter.contract.collector``; modules
are discovered, so adding one touches only its own file (and its test)."""
