from shop.invoice import render_invoice


def test_header():
    assert render_invoice("Ada", []).splitlines()[0] == "Invoice for Ada"
