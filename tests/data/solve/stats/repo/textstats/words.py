"""Word counting."""

from .stats import mean


def word_lengths(text):
    """Lengths of the whitespace-separated words of `text`."""
    return [len(word) for word in text.split()]


def average_word_length(text):
    """The mean word length of `text`."""
    return mean(word_lengths(text))
