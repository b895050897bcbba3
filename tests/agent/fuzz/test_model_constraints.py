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
    doc = ApiDoc(**DOCS["torch.nn.functional.unfold"])
    record = extract(doc)
    assert record.params["kernel_size"].structure == [] and record.params["dilation"].structure == ["int"]
    assert record.params["input"].ndim == []
    reply = {
        "params": {
            "kernel_size": {
                "structure": {
                    "value": ["int", "sequence(int)"],
                    "sentence": "Extract sliding local blocks from a batched input tensor.",
                },
            },
            "input": {
                "ndim": {"value": [3], "sentence": "the input must be a 3-D tensor"}
            },  # not in the docs
            "dilation": {
                "structure": {"value": ["float"], "sentence": "See :class:`torch.nn.Unfold` for details"}
            },
        }
    }
    with ScriptedServer([Reply(content=json.dumps(reply))]) as server:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x"))
        filled, added = fill_with_model(record, doc, llm)
        prompt = server.requests[0]["messages"][-1]["content"]
    assert "torch.nn.functional.unfold" in prompt and "Parameters: input" in prompt  # the names the docs use
    assert added == 1
    assert filled.params["kernel_size"].structure == ["int", "sequence(int)"]
    assert filled.params["kernel_size"].sources["structure"].startswith("model: ")
    assert filled.params["input"].ndim == []  # ungrounded: dropped
    assert filled.params["dilation"].structure == ["int"]  # the rules' answer is kept


def test_a_broken_reply_leaves_the_rules_record():
    doc = ApiDoc(**DOCS["torch.nn.functional.dropout"])
    before = extract(doc).to_record()
    with ScriptedServer([Reply(content="not json at all")]) as server:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x", max_retries=0))
        filled, added = fill_with_model(extract(doc), doc, llm)
    assert added == 0 and filled.to_record() == before
