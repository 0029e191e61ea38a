"""Qt item models over core read models."""
