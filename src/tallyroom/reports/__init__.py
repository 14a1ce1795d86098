"""Reports: pure functions of a :class:`~tallyroom.count.Count`, registered in the registry."""
