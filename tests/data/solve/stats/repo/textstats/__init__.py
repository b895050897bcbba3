"""Small statistics over word counts."""
