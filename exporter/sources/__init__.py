"""Sources: one module per kind of OpenStack data, the only code that calls the APIs.

Each subclasses ``exporter.contract.Source``; the scheduler discovers them by importing every
module here. Their docstrings state the cost of a full sync and of a delta.
"""
