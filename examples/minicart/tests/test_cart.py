from minicart import Cart


def test_total_with_coupon_and_tax():
    cart = Cart(tax_rate=0.1)
    cart.add("pen", 2.0, 5)
    cart.apply_coupon("SAVE10")
    assert cart.total() == 9.9


def test_coupon_codes_ignore_case():
    cart = Cart()
    cart.add("pen", 2.0, 5)
    cart.apply_coupon("save10")
    assert cart.total() == 9.0
