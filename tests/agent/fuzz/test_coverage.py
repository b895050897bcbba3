"""What `fuzz torch` covers: module classes (constructed, then called), Tensor methods (called on a generated
self), linalg/fft/special, every public torch.* callable; and how such calls render."""

from __future__ import annotations

from repowright.agent.fuzz.adapters import FORWARD, TorchAdapter
from repowright.agent.fuzz.generate import generate_cases
from repowright.agent.fuzz.reproduce import render_case
from repowright.analyzers.library_docs import TorchDocs


def test_torch_means_every_part():
    docs = TorchDocs()
    nn, methods, everything = (
        docs.enumerate("torch.nn"),
        docs.enumerate("torch.Tensor"),
        docs.enumerate("torch"),
    )
    assert "torch.nn.Conv1d" in nn and "torch.nn.LSTM" in nn and "torch.nn.Sequential" not in nn
    assert "torch.Tensor.index_fill_" in methods and "torch.Tensor.share_memory_" not in methods
    for part in (
        "torch.gather",
        "torch.nn.functional.conv2d",
        "torch.linalg.solve",
        "torch.fft.fft",
        "torch.special.logit",
        "torch.nn.Conv1d",
        "torch.Tensor.index_fill_",
    ):
        assert part in everything, part
    assert len(everything) == len(set(everything)) > 1000
    assert not any(api in ("torch.save", "torch.load", "torch.manual_seed") for api in everything)


def test_module_class_is_constructed_then_called_on_its_documented_input():
    adapter = TorchAdapter()
    record = adapter.constraints("torch.nn.Conv1d")
    assert list(record.params)[-1] == FORWARD and record.params[FORWARD].shape  # from `Shape: - Input: ...`
    case = next(c for c in generate_cases(record, 20, seed=0) if c.kind == "ci")
    script = render_case(adapter, record, case)
    assert "module = torch.nn.Conv1d(in_channels_, out_channels_, kernel_size_" in script
    assert script.rstrip().endswith(f"result = module({FORWARD}_)") and f"{FORWARD}=" not in script


def test_tensor_method_gets_a_generated_self():
    adapter = TorchAdapter()
    record = adapter.constraints("torch.Tensor.index_fill_")
    assert list(record.params)[:2] == ["self", "dim"]
    case = next(c for c in generate_cases(record, 20, seed=0) if c.kind == "ci")
    assert "result = torch.Tensor.index_fill_(self_, dim_, index_, value_)" in render_case(
        adapter, record, case
    )
