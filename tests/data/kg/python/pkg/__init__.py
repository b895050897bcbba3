"""A tiny geometry package."""
from .shapes import Circle

__all__ = ["Circle"]
