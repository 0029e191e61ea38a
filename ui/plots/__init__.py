"""pyqtgraph curves: process traces and growth curves (imported only when first shown)."""
