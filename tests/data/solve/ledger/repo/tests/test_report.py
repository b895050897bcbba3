import humanize

from ledger.report import total


def test_total_reads_well():
    assert humanize.intcomma(total([{"amount": 1000}, {"amount": 2500}])) == "3,500"
