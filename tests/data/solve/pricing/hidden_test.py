from shop.invoice import render_invoice


def test_total_without_discount():
    text = render_invoice("Ada", [{"name": "pen", "price": 2.0, "quantity": 3}])
    assert text.splitlines()[-1] == "Total: 6.00"


def test_total_with_discount():
    text = render_invoice("Ada", [{"name": "pen", "price": 2.0, "quantity": 3, "discount": 10}])
    assert text.splitlines()[-1] == "Total: 5.40"
