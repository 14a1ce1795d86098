"""RCTab compatibility: contest configs, RCTab's tie-breaks and its report formats."""
