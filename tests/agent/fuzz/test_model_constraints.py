"""Optional model extraction through the real client and a scripted server: it fills only what the rules left
empty, and only with facts it can quote from the documentation."""

from __future__ import annotations

import json
from pathlib import Path

from repowright.agent.config import LLMConfig
from repowright.agent.fuzz.model_constraints import fill_with_model
from repowright.agent.llm import LLM
from repowright.analyzers.api_docs import ApiDoc
from repowright.analyzers.doc_constraints import extract
from tests.scripted_server import Reply, ScriptedServer

DOCS = json.loads((Path(__file__).resolve().parents[2] / "data" / "fuzz" / "docstrings.json").read_text())


def test_model_fills_gaps_with_grounded_facts_only():
    doc = ApiDoc(**DOCS["torch.nn.functional.gelu"])
    record = extract(doc)
    assert record.params["input"].structure == [] and record.params["approximate"].enum == ["none", "tanh"]
    reply = {
        "params": {
            "input": {
                "structure": {"value": ["tensor"], "sentence": "it applies element-wise the function"},
                "ndim": {"value": [4], "sentence": "the input must be a 4-D tensor"},
            },  # not in the docs
            "approximate": {
                "enum": {
                    "value": ["none", "tanh", "exact"],
                    "sentence": "When the approximate argument is 'tanh'",
                }
            },
        }
    }
    with ScriptedServer([Reply(content=json.dumps(reply))]) as server:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x"))
        filled, added = fill_with_model(record, doc, llm)
        prompt = server.requests[0]["messages"][-1]["content"]
    assert "torch.nn.functional.gelu" in prompt and "input, approximate" in prompt
    assert added == 1
    assert filled.params["input"].structure == ["tensor"]
    assert filled.params["input"].sources["structure"].startswith("model: ")
    assert filled.params["input"].ndim == []  # ungrounded: dropped
    assert filled.params["approximate"].enum == ["none", "tanh"]  # the rules' answer is kept


def test_a_broken_reply_leaves_the_rules_record():
    doc = ApiDoc(**DOCS["torch.nn.functional.dropout"])
    before = extract(doc).to_record()
    with ScriptedServer([Reply(content="not json at all")]) as server:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x", max_retries=0))
        filled, added = fill_with_model(extract(doc), doc, llm)
    assert added == 0 and filled.to_record() == before
