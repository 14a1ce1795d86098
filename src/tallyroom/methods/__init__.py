"""Counting methods: one module per method or rule set, registered in :mod:`tallyroom.registry`."""
