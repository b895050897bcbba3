"""A tiny shopping cart: items, quantities, coupons and tax."""

from .cart import Cart

__all__ = ["Cart"]
