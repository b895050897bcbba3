"""DocTer-convention rules on hand-written docstring fragments: each case is a documentation form torch uses and
the value DocTer's annotation guide gives it (written from the guide, not from the extractor's output)."""

from __future__ import annotations

from repowright.analyzers.api_docs import ApiDoc, param_docs
from repowright.analyzers.doc_constraints import extract
from repowright.analyzers.doc_rules import (
    clauses_naming,
    dtypes,
    shapes,
    size_like_range,
    value_range,
)
from repowright.analyzers.docter_format import docter_param


def cells(signature: str, doc: str, name: str) -> dict:
    """One parameter's DocTer cells for an API documented by `doc`."""
    return docter_param(extract(ApiDoc("torch.fake", signature, doc)).params[name])


def test_quoted_values_in_the_type_are_strings_and_an_enum() -> None:
    doc = "Does it.\n\nArgs:\n    UPLO ('L', 'U', optional): which triangle to use. Default: `'L'`.\n"
    c = cells("(A, UPLO='L')", doc, "UPLO")
    assert c["dtype"] == ["string"] and c["enum"] == ["L", "U"]
    doc = "Does it.\n\nArgs:\n    ord (int, float, inf, -inf, 'fro', 'nuc', optional): order of norm. Default: `2`\n"
    c = cells("(x, ord=2)", doc, "ord")
    assert set(c["dtype"]) == {"int", "float", "string"} and c["enum"] == ["fro", "nuc"]


def test_available_options_in_single_backticks() -> None:
    doc = "Does it.\n\nArgs:\n    driver (str, optional): name of the method. Available options are: `None`, `gesvd`, and `gesvda`.\n"
    assert cells("(A, *, driver=None)", doc, "driver")["enum"] == ["gesvd", "gesvda"]


def test_literal_annotation_gives_the_enum() -> None:
    c = cells("(padding_mode: Literal['zeros', 'reflect'] = 'zeros')", "", "padding_mode")
    assert c["enum"] == ["zeros", "reflect"]


def test_either_dtype_list() -> None:
    found = dtypes("indices to select, should have dtype either `torch.int64` or `torch.int32`")
    assert found is not None and found[0] == ["int64", "int32"]


def test_single_integer_is_no_tuple_but_or_a_tuple_is() -> None:
    doc = "Does it.\n\nArgs:\n    output_size: the target output size (single integer)\n"
    assert "structure" not in cells("(input, output_size)", doc, "output_size")
    doc = "Does it.\n\nArgs:\n    output_size: the target output size (single integer or double-integer tuple)\n"
    assert cells("(input, output_size)", doc, "output_size")["structure"] == ["tuple"]


def test_output_tuple_of_tensors_is_no_tuple_of_ints() -> None:
    doc = "Does it.\n\nArgs:\n    out (tuple, optional): output tuple of two tensors. Default: `None`.\n"
    c = cells("(A, *, out=None)", doc, "out")
    assert c["structure"] == ["tuple"] and "dtype" not in c and "ndim" not in c


def test_untyped_input_is_the_input_tensor() -> None:
    doc = "fake(input, output_size) -> Tensor\n\nArgs:\n    output_size: the size (single integer)\n"
    assert cells("", doc, "input") == {"tensor_t": ["torch.tensor"]}


def test_ranges_that_are_not_ranges() -> None:
    assert value_range("The logarithmized probabilities of the outputs.") is None
    assert value_range("log probabilities of each class") is None
    assert value_range("a weight of positive examples to be broadcasted with target.") is None
    assert value_range("the area under the standard Gaussian probability density function") is None
    assert value_range("tensor of shape `(*, m, n)` for :attr:`p` in `(2, -2)`") is None
    assert value_range("batches of symmetric positive-definite matrices") is None
    assert value_range("positive(input) -> Tensor Returns :attr:`input`.") is None
    assert value_range("This value must be positive.") == ("(0, inf)", "This value must be positive.")
    assert value_range("probability of an element to be zeroed.") == (
        "[0, 1]",
        "probability of an element to be zeroed.",
    )


def test_size_like_forms() -> None:
    assert size_like_range("a single int, the stride of the window.") is not None
    assert size_like_range(
        "a list, tuple, or torch.Size of integers defining the shape of the output tensor."
    )
    assert size_like_range("amount of neighbouring channels used for normalization") is not None
    assert (
        size_like_range("if specified, it will be used as divisor, otherwise size of the pooling region")
        is None
    )
    assert (
        size_like_range(
            "Signal size in the transformed dimensions. If a length ``-1`` is specified, no padding."
        )
        is None
    )


def test_range_only_from_clauses_about_the_parameter() -> None:
    run_on = (
        "The parameters :attr:`stride`, :attr:`dilation` can be a single int. "
        "Note: When groups == in_channels, where `K` is a positive integer, this is a depthwise convolution."
    )
    pieces = clauses_naming("dilation", [run_on])
    assert pieces and all("positive" not in p for p in pieces)
    doc = (
        "Does it.\n\nArgs:\n    dilation (int or tuple, optional): Spacing between kernel elements. Default: 1\n\n"
        + run_on
    )
    assert "range" not in cells("(dilation=1)", doc, "dilation")


def test_shape_forms() -> None:
    assert shapes(r"bias of shape (:math:`\text{out\_channels}`)") == (
        [["out_channels"]],
        r"bias of shape (:math:`\text{out\_channels}`)",
    )
    found = shapes(r":math:`(T, N, C)` or :math:`(T, C)` where `C = number of characters`")
    assert found is not None and found[0] == [["T", "N", "C"], ["T", "C"]]


def test_shape_item_broken_over_lines_and_a_middle_star() -> None:
    doc = (
        "fake(input1, weight) -> Tensor\n\nShape:\n\n"
        "    - input1: :math:`(N, *, H_{in1})` where :math:`*` means any number of additional dimensions.\n"
        "    - weight: :math:`(\\text{out\\_features}, \\text{in1\\_features},\n"
        "      \\text{in2\\_features})`\n"
    )
    entries = param_docs(doc, ["input1", "weight"])
    assert "in2" in entries["weight"].description
    assert cells("", doc, "weight")["shape"] == ["[out_features,in1_features,in2_features]"]
    assert cells("", doc, "input1")["ndim"] == [">=2"]


def test_shape_stated_as_is_a_math_tensor() -> None:
    doc = (
        "fake(input, mat1, mat2) -> Tensor\n\nMultiplies.\n\n"
        "If :attr:`mat1` is a :math:`(n \\times m)` tensor, :attr:`mat2` is a :math:`(m \\times p)` tensor, then\n"
        ":attr:`input` must be broadcastable with a :math:`(n \\times p)` tensor.\n\n"
        "Args:\n    input (Tensor): matrix to be added\n    mat1 (Tensor): the first matrix\n"
        "    mat2 (Tensor): the second matrix\n"
    )
    assert cells("", doc, "mat1")["shape"] == ["[n,m]"] and cells("", doc, "mat2")["shape"] == ["[m,p]"]
    assert "shape" not in cells("", doc, "input")  # broadcastable with a shape is no shape of its own
    assert shapes("the input tensor of shape `(B?, L)` where `B?` is an optional batch dimension")
