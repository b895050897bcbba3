from slugkit.text import slugify


def test_plain_word():
    assert slugify("hello") == "hello"
