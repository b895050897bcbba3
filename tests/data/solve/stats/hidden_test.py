from textstats.stats import mean
from textstats.words import average_word_length


def test_mean_of_three():
    assert mean([2, 4, 6]) == 4.0


def test_average_word_length():
    assert average_word_length("ab abcd") == 3.0
