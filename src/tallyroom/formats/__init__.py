"""Ballot file formats: one module per format, each registered in :mod:`tallyroom.registry`."""
