"""The model's relevance judgement as the explorer's value function, through the real client and a scripted server."""

from __future__ import annotations

import json
import re

from repowright.agent.config import LLMConfig
from repowright.agent.llm import LLM
from repowright.agent.mcts import explore
from tests.examples import minicart_graph
from tests.scripted_server import Reply, ScriptedServer


def test_model_judgement_reorders_within_budget(tmp_path):
    kg = minicart_graph(tmp_path)

    def responder(body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        node = re.search(r"Candidate \w+ `([^`]+)`", prompt).group(1)
        return Reply(content="10" if node.endswith("cart.py::Cart.total") else "2")

    issue = "Totals are wrong when a coupon is used."
    with ScriptedServer(responder=responder) as server:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x"))
        found = explore(kg, issue, llm=llm, max_model_calls=12, simulations=60, seed=0)
        requests = list(server.requests)
    assert len(requests) == 12 and found.model_calls == 12  # the budget is spent, and not exceeded
    prompts = [r["messages"][-1]["content"] for r in requests]
    assert all("Totals are wrong when a coupon is used." in p for p in prompts)
    assert any("`minicart/cart.py::Cart.total`" in p for p in prompts)
    # Lexically Cart.apply_coupon leads (it shares "coupon"); the model's 10 puts Cart.total first instead.
    assert found.functions[0].name == "Cart.total"
    assert "model rates it 10/10" in found.functions[0].reason
    assert "model rates it 2/10" in found.functions[1].reason
    assert json.dumps(found.to_dict(trace=True))


def test_without_model_the_lexical_order_holds(tmp_path):
    kg = minicart_graph(tmp_path)
    found = explore(kg, "Totals are wrong when a coupon is used.", simulations=60, seed=0)
    assert found.functions[0].name == "Cart.apply_coupon" and found.model_calls == 0
