"""Installation and operational qualification (IQ/OQ) of an installed Lotbook, and its report."""
