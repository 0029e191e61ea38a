"""Process traces: storing points in blocks, reading them in bulk, finding excursions."""
