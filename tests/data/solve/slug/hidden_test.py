from slugkit.text import slugify


def test_title():
    assert slugify("Hello,  World!") == "hello-world"


def test_already_slug():
    assert slugify("a-b") == "a-b"
