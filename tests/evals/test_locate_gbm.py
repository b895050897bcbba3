"""LambdaMART measurement: trees learn an interaction a linear ranker cannot, and hits need every gold id."""

from __future__ import annotations

import numpy as np

from repowright.evals.locate_gbm import lambdamart, top_hits
from repowright.evals.train_locate import fit


def xor_groups(seed: int, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Groups of 20 rows; the gold row is the one whose two features are on opposite sides of 0.5."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(n):
        a = rng.choice([0.1, 0.9], size=(20, 2))
        a[:, 1] = a[:, 0]  # every row agrees ...
        gold = int(rng.integers(20))
        a[gold, 1] = 1.0 - a[gold, 0]  # ... but the gold one
        groups.append((a + rng.normal(0, 0.01, a.shape), np.array([gold])))
    return groups


def test_lambdamart_ranks_an_interaction_first_on_held_out_groups():
    score = lambdamart(xor_groups(0, 80), {"min_data_in_leaf": 5})
    held = xor_groups(1, 40)
    first = [int(np.argmax(score(x))) == int(gold[0]) for x, gold in held]
    assert sum(first) >= 36
    w = fit(xor_groups(0, 80))  # the linear listwise ranker: one sign of (a - b) wins, the other loses
    linear = [int(np.argmax(x @ w)) == int(gold[0]) for x, gold in held]
    assert sum(linear) <= 30
    assert score(np.zeros((0, 2))).shape == (0,)


def test_top_hits_need_every_gold_id():
    ids = ["a", "b", "c"]
    scores = np.array([0.1, 0.9, 0.5])
    assert top_hits(scores, ids, {"b"})[:2] == [True, True]
    assert top_hits(scores, ids, {"a", "b"})[:2] == [False, True]  # k = 1, 3
    assert not any(top_hits(scores, ids, set()))
