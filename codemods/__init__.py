"""LibCST codemods, one transformation per module."""
