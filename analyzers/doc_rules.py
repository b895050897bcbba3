"""Rules over documentation patterns: one function per constraint category, each returning value and sentence."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import yaml

from .api_docs import sentences

VOCABULARY = Path(__file__).parent / "data" / "doc_vocabulary.yaml"
Found = tuple[object, str]  # (value, the sentence it came from)


@cache
def vocabulary() -> dict:
    """The documentation vocabulary (structure words, dtype spellings) from its data file."""
    return yaml.safe_load(VOCABULARY.read_text())


def _word(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9_])" + re.escape(phrase) + r"(?![a-z0-9_])")


# ---------------------------------------------------------------- structure
def structure_from_type(type_text: str, description: str = "") -> list[str]:
    """Structures named by a type text such as `int or tuple, optional` or `list[float] | None`."""
    text = type_text.lower().replace("~", "").replace(":class:", "").replace("`", "")
    found: list[str] = []
    for phrase in sorted(vocabulary()["structure_words"], key=len, reverse=True):
        pattern = _word(phrase)
        if pattern.search(text):
            kind = vocabulary()["structure_words"][phrase]
            if kind not in found:
                found.append(kind)
            text = pattern.sub(" ", text)
    if QUOTED.search(type_text) and "str" not in found:  # `('L', 'U', optional)`: the values are strings
        found.append("str")
    for bare in ("tuple", "list", "sequence"):
        if _word(bare).search(text):
            element = "float" if "float" in found and "int" not in found else "int"
            tensors = found == ["tensor"] or re.search(
                r"\b(?:tuple|list) of (?:\w+ )?\(?`*Tensor", description, re.IGNORECASE
            )
            kind = "sequence(tensor)" if tensors else f"sequence({element})"
            if kind not in found:
                found.append(kind)
    return found


def container_words(type_text: str) -> list[str]:
    """DocTer's structure words for a documented container type: `list`, `tuple` (`torch.Size` is a tuple)."""
    text = type_text.lower()
    found = [w for w in ("list", "tuple") if re.search(rf"\b{w}\b", text)]
    if "size" in text and "tuple" not in found:
        found.append("tuple")
    return found


def says_optional(type_text: str) -> bool:
    return bool(re.search(r"\boptional\b|\bnone\b", type_text, re.IGNORECASE))


def structure_from_description(description: str) -> Found | None:
    """A fallback when no type is written: `input tensor of shape ...`, `Can be a single number or a tuple`."""
    for sentence in sentences(description)[:2]:
        if re.search(
            r"^(?:an? |the )?(?:optional )?(?:\w+ )?(?:tensor\b|\w+ of shape\b)|^(?:input )?tensor\b",
            sentence,
            re.IGNORECASE,
        ):
            return ["tensor"], sentence
    for sentence in sentences(description):
        if re.search(r"single (?:number|int)|\bor a tuple\b", sentence, re.IGNORECASE):
            kinds = ["str"] if re.search(r"\ba string\b", sentence) else []
            tuples = re.search(r"\btuple\b", sentence, re.IGNORECASE)  # `(single integer)` alone is an int
            return kinds + ["int"] + (["sequence(int)"] if tuples else []), sentence
    return None


def structure_from_default(default: str | None) -> list[str]:
    """`True` means bool, `'mean'` str, `0.5` float, `1` int; anything else says nothing."""
    value = literal(default)
    if isinstance(value, bool):
        return ["bool"]
    if isinstance(value, str):
        return ["str"]
    if isinstance(value, float):
        return ["float"]
    if isinstance(value, int):
        return ["int"]
    return []


def literal(text: str | None) -> object:
    """The Python value of a literal's source text, or a sentinel string when it is not a literal."""
    if text is None:
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_LITERAL


_NOT_LITERAL = object()


def normalize_default(text: str | None) -> str | None:
    """A canonical spelling of a default so `1e-5`, ``1e-05`` and `0.00001` compare equal."""
    if text is None:
        return None
    text = text.strip().strip("`").strip()
    value = literal(text)
    if value is _NOT_LITERAL:
        return text if re.fullmatch(r"torch\.\w+", text) else None
    return repr(value)


def default_from_doc(description: str) -> Found | None:
    """`Default: ``'mean'``` or `Default: 1`."""
    match = re.search(r"\bDefault(?:s to|:)\s*(``[^`]+``|`[^`]+`|[^\s,;]+)", description)
    if not match:
        return None
    token = match.group(1).strip("`").rstrip(".")
    value = normalize_default(token)
    sentence = next((s for s in sentences(description) if match.group(0) in s), match.group(0))
    return (value, sentence) if value is not None else None


# ---------------------------------------------------------------- dtype
DTYPE_CONDITIONAL = re.compile(
    r"^\s*(if|when|unless|for)\b|\bif (?:the )?:attr:|\bwhen\b|\bif\b", re.IGNORECASE
)


def dtypes(text: str) -> Found | None:
    """Element types a tensor parameter must have: `LongTensor`, `a boolean tensor`, `dtype torch.long`."""
    vocab = vocabulary()
    allowed: list[str] = []
    source = ""
    for sentence in sentences(text):
        if DTYPE_CONDITIONAL.search(sentence):
            continue
        hits: list[str] = []
        for klass, names in vocab["tensor_class_dtypes"].items():
            if re.search(rf"\b{klass}\b", sentence):
                hits += names
        for adjective, names in sorted(vocab["dtype_adjectives"].items(), key=lambda kv: -len(kv[0])):
            if re.search(
                rf"\b{re.escape(adjective)}\s+(?:``)?(tensors?|masks?|dtype|input|values?|type)\b",
                sentence,
                re.IGNORECASE,
            ):
                hits += names
                break
        for match in re.finditer(r"\btensor of (\w+(?:\s*/\s*\w+)+)\b", sentence):
            hits += [
                vocab["dtype_names"][w]
                for w in re.split(r"\s*/\s*", match.group(1))
                if w in vocab["dtype_names"]
            ]
        for match in re.finditer(
            r"(?:dtype|type)\s+(?:of\s+|either\s+)*((?:(?:``|`)?torch\.\w+(?:``|`)?(?:\s*,\s*|\s+or\s+|\s+and\s+)?)+)",
            sentence,
        ):  # `dtype torch.long`, `should have dtype either `torch.int64` or `torch.int32``
            for word in re.findall(r"torch\.(\w+)", match.group(1)):
                name = vocab["dtype_names"].get(word)
                if name:
                    hits.append(name)
        if hits:
            allowed += [h for h in dict.fromkeys(hits) if h not in allowed]
            source = source or sentence
    return (allowed, source) if allowed else None


SUPPORTED_DTYPES = re.compile(r"\bSupports inputs? of ((?:\w+,?\s+)+?)(?:and\s+(\w+)\s+)?dtypes\b")


def supported_dtypes(doc: str) -> Found | None:
    """An API-wide statement, `Supports input of float, double, cfloat and cdouble dtypes.`"""
    for sentence in sentences(doc):
        match = SUPPORTED_DTYPES.search(sentence)
        if match:
            words = re.split(r"[,\s]+", match.group(1).strip()) + [match.group(2) or ""]
            names = [vocabulary()["dtype_names"][w] for w in words if w in vocabulary()["dtype_names"]]
            if names:
                return list(dict.fromkeys(names)), sentence
    return None


# ---------------------------------------------------------------- shape and ndim
SHAPE = re.compile(
    r"\b(?:[Ss]hape|size)\s*(?:of\s*)?\(?(?::math:)?[`]*\s*(\([^`]*?\)|[^`(]*?\\times[^`]*|[A-Za-z]\w*)"
    r"[`]*\)?(?=[\s.,;]|$)"
)
MATH_SHAPE = re.compile(
    r"(?:^|\b(?:tensor|or|,))\s*:math:`(\([^`]*?\))`|\bor\s+`(\([^`]*?\))`"
    r"|\b(?:[Ss]hape|size)\s+(?:of\s+)?\((:math:`[^`()]*`)\)"  # `bias of shape (:math:`\text{out}`)`
)
LATEX = [
    (re.compile(r"\\text\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}"), r"\1/\2"),
    (re.compile(r"\\(?:mathrm|operatorname)\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\_"), "_"),
    (re.compile(r"\\(?:left|right|,|;|!|quad)"), ""),
    (re.compile(r"\\times"), ","),
    (re.compile(r"\\ldots|\\dots|\\cdots"), "..."),
    (re.compile(r"\\ "), ""),
    (re.compile(r"_\{(\w+)\}"), r"_\1"),
]


def shape_dims(shape_text: str) -> list[str]:
    """`(\\text{minibatch} , \\text{in\\_channels} , iH , iW)` becomes `[minibatch, in_channels, iH, iW]`."""
    text = shape_text.strip().strip("`")
    if "," in text:  # with commas, \times multiplies inside one dimension; without, it separates dimensions
        text = text.replace("\\times", "*")
    for pattern, replacement in LATEX:
        text = pattern.sub(replacement, text)
    text = text.strip().removeprefix("(").removesuffix(")")
    dims = [re.sub(r"\s+", "", part) for part in text.split(",")]
    return [d for d in dims if d]


def shapes(text: str) -> Found | None:
    """Shapes a tensor is documented with: `of shape (N, C)`, `shape :math:`(*)``, `of size `C``."""
    found: list[list[str]] = []
    source = ""
    for sentence in sentences(text):
        for match in [*SHAPE.finditer(sentence), *MATH_SHAPE.finditer(sentence)]:
            token = match.group(1) or match.group(2) or ""
            if match.re is MATH_SHAPE and match.group(3):
                token = "(" + match.group(3)[len(":math:`") : -1] + ")"
            latex = "\\times" in token
            if not token.startswith("(") and not latex and not re.fullmatch(r"[A-Z]\w{0,2}", token):
                continue  # `size` followed by an ordinary word is prose, not a shape
            dims = shape_dims(token) if token.startswith("(") or latex else [token]
            if (
                (dims or token.replace(" ", "") == "()")
                and dims not in found
                and all(re.fullmatch(r"[\w*/+\-.?]+", d) for d in dims)  # `B?`: an optional batch dimension
            ):
                found.append(dims)
                source = source or sentence
    return (found, source) if found else None


def ndims_from_shapes(found: list[list[str]], text: str = "") -> list[int]:
    """Fixed ranks of shapes that have no `*` or `...` wildcard (one less too where the batch is optional)."""
    if any(d == "*" or "..." in d for s in found for d in s):
        return []  # some form takes any number of dimensions
    ranks = {len(s) for s in found}
    if re.search(r"\b(?:mini-?batch|batch) (?:dim|dimension) (?:is )?optional", text, re.IGNORECASE):
        ranks |= {r - 1 for r in ranks}
    return sorted(ranks)


NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
NDIM = re.compile(
    r"\b(?:(\d)\s*-?\s*(?:D|d|dimensional)|(zero|one|two|three|four|five)-dimensional)\b"
    r"(?=\s*(?:tensors?|inputs?|matri|arrays?|case|,|or\b|and\b|\)|in shape|:attr:|$|\.))"
)


MIN_NDIM = re.compile(
    r"\bat least (\d)\s*-?\s*(?:D\b|d\b|dim)|\b(\d)\s*-?\s*D or higher\b|\b(\d)\s*-?\s*D or more\b"
)


def min_ndim(text: str) -> Found | None:
    """A lower bound on a tensor's rank: `Must be at least 2-dimensional`, `1-D or higher`."""
    for sentence in sentences(text):
        match = MIN_NDIM.search(sentence)
        if match:
            return int(next(g for g in match.groups() if g)), sentence
    return None


def ndims(text: str) -> Found | None:
    """Ranks a tensor must have: `1-D tensor`, `3-D, 4-D or 5-D`, `0-dimensional`, `a matrix`, `a vector`."""
    for sentence in sentences(text):
        if not re.search(r"tensor|input|shape|matri|vector|dimensional", sentence, re.IGNORECASE):
            continue
        if re.match(r"\s*(?:if|when)\b", sentence, re.IGNORECASE) and not re.search(
            r"\b(?:must|should)\b", sentence
        ):
            continue  # a conditional describes one case, not a requirement
        if re.search(r"\bconvolution|pooling|\bsamples?\b", sentence, re.IGNORECASE):
            continue  # `2D convolution` names the operator, not a rank
        found = sorted(
            {int(m.group(1)) if m.group(1) else NUMBER_WORDS[m.group(2)] for m in NDIM.finditer(sentence)}
        )
        if found:
            return found, sentence
    first = sentences(text)[0] if text.strip() else ""
    if re.search(r"\bbatch(?:es)? of matri", first, re.IGNORECASE):
        return [3], first
    if re.search(
        r"^(?:\w+\s+)?matrix\b|\b(?:a|the|first|second|input|square)\s+matrix\b", first, re.IGNORECASE
    ):
        return [2], first
    if re.search(
        r"^(?:\w+\s+)?vector\b|\b(?:a|the|first|second|input)\s+(?:1-D\s+)?vector\b", first, re.IGNORECASE
    ):
        return [1], first
    return None


# ---------------------------------------------------------------- range
INTERVAL = re.compile(
    r"([\[(])\s*(-?\d+(?:\.\d+)?|-?\\?infty|-?inf)\s*,\s*(-?\d+(?:\.\d+)?|\\?infty|inf)\s*([\])])"
)
NUM = r"(-?\d+(?:\.\d+)?)"
NOT_RANK = r"(?!\s*-?\s*(?:D\b|d\b|dim|\.\d))"  # `at least 2-dimensional` is a rank, not a value
CONDITION = re.compile(r"^\s*(?:[-*]\s*)?(?:if|when|unless|for)\b", re.IGNORECASE)
SIZE_LIKE = re.compile(
    r"^(?:the |an? )?(?:\w+ ){0,2}(?:number|size|length|stride|amount)s?\b(?! of (?:the )?(?:dim|axis))"
    r"|\b(?:number|size|length|amount) of\b|\bhow many\b|\bdefining the (?:shape|size)\b",
    re.IGNORECASE,
)
TYPE_PREFIX = re.compile(
    r"^(?:an? )?(?:single )?(?:int|integer|number)(?: or (?:a )?tuple)?\s*,\s*", re.IGNORECASE
)


def _fmt(value: str) -> str:
    value = value.replace("\\infty", "inf").replace("infty", "inf")
    if "inf" in value:
        return value
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def interval(low: str, high: str, closed_low: bool = True, closed_high: bool = True) -> str:
    """A canonical interval string: `[0, 1]`, `(0, inf)`."""
    low, high = _fmt(low), _fmt(high)
    return (
        ("[" if closed_low and "inf" not in low else "(")
        + f"{low}, {high}"
        + ("]" if closed_high and "inf" not in high else ")")
    )


RANGE_RULES: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"\bnon-?negative\b", re.IGNORECASE), lambda m: interval("0", "inf")),
    (
        re.compile(
            r"\b(?:strictly\s+)?positive\b(?!\(|[\s-]+(?:definite|semi|and negative|examples?|samples?|class"
            r"|pairs?|distances?|direction|side|part|sign|weights?))",  # `positive examples`, `positive(input)`
            re.IGNORECASE,
        ),
        lambda m: interval("0", "inf", closed_low=False),
    ),
    (
        re.compile(r"\bin\s+(?:the\s+)?(?:range|interval)?\s*(?::math:)?`*" + INTERVAL.pattern),
        lambda m: interval(m.group(2), m.group(3), m.group(1) == "[", m.group(4) == "]"),
    ),
    (re.compile(r"\bbetween\s+" + NUM + r"\s+and\s+" + NUM), lambda m: interval(m.group(1), m.group(2))),
    (re.compile(NUM + r"\s*\\leq?\s*[^`$]*?\\leq?\s*" + NUM), lambda m: interval(m.group(1), m.group(2))),
    (
        re.compile(r"(?:>=|greater than or equal to|at least)\s*" + NUM + NOT_RANK),
        lambda m: interval(m.group(1), "inf"),
    ),
    (
        re.compile(r"(?:>|greater than|larger than)\s*" + NUM + NOT_RANK),
        lambda m: interval(m.group(1), "inf", False),
    ),
    (
        re.compile(  # log-probabilities and a probability density are no probabilities
            r"(?<!log )(?<!log-)(?<!logarithmized )(?<!logarithmised )\bprobabilit(?:y|ies)\b"
            r"(?!\s+(?:density|distribution|mass|function))",
            re.IGNORECASE,
        ),
        lambda m: interval("0", "1"),
    ),
]


def value_range(text: str) -> Found | None:
    """The interval a number (or a tensor's elements) must lie in."""
    for sentence in sentences(text):
        if re.search(r"\bif\b.*\bpositive\b", sentence, re.IGNORECASE) or CONDITION.search(sentence):
            continue
        for pattern, make in RANGE_RULES:
            match = pattern.search(sentence)
            if match and not _conditional_clause(sentence[: match.start()]):
                found = make(match)  # type: ignore[operator]
                if _ordered(found):  # `p in (2, -2)` lists two values, it is no interval
                    return found, sentence
    return None


def _ordered(found: str) -> bool:
    """Whether an interval string's low end is at most its high end."""
    low, high = (part.strip("[]() ") for part in found.split(","))
    try:
        return float(low) <= float(high)
    except ValueError:
        return True


def clauses_naming(name: str, prose: list[str]) -> list[str]:
    """The pieces of prose sentences (split at sentence ends, list dashes and `Note:`) that name `:attr:`name``,
    so a run-on list such as `... dilation can be ... Note: where K is a positive integer` says nothing of it."""
    pieces = []
    for sentence in prose:
        for piece in re.split(r"(?<=[.;])\s+|\bNote:\s*|\s[-*]\s", sentence):
            if f":attr:`{name}`" in piece:
                pieces.append(piece)
    return pieces


def _conditional_clause(prefix: str) -> bool:
    """Whether the clause a match sits in is a condition (`- If :attr:`offset` > 0, ...`)."""
    clause = re.split(r"[.;:]\s|\s[-*]\s", prefix)[-1]
    return bool(re.search(r"\b(?:if|when|unless)\b", clause, re.IGNORECASE))


def size_like_range(description: str) -> Found | None:
    """DocTer's convention: a count, size, length or stride (`number of chunks`, `the size of the window`)
    is a non-negative integer."""
    first = (sentences(description) or [""])[0]
    if re.search(r"(?<![\w-])-1\b", description):
        return None  # `If a length -1 is specified ...`: a negative value is allowed, so no range
    text = TYPE_PREFIX.sub("", first)  # `a single int, the stride of the window`
    match = SIZE_LIKE.search(text)
    if match is None or re.search(r"\b(?:if|when|otherwise)\b", text[: match.start()], re.IGNORECASE):
        # `if specified, used as divisor, otherwise size of the region`: not this parameter's size
        return None
    return interval("0", "inf"), first


# ---------------------------------------------------------------- enum
QUOTED = re.compile(r"(?<![\w=])(?:``|`)?['\"]([A-Za-z][\w\-]*)['\"](?:``|`)?")


def enum_from_type(type_text: str) -> Found | None:
    """The strings a type text lists: `('L', 'U', optional)`, `Literal['zeros', 'reflect']`."""
    values = list(dict.fromkeys(QUOTED.findall(type_text)))
    return (values, type_text.strip()) if values else None


def enum_values(text: str) -> Found | None:
    """Allowed strings: ``'none'`` | ``'mean'``, `{'valid', 'same'}`, `one of 'a', 'b'`."""
    values: list[str] = []
    source = ""
    for sentence in sentences(text):
        if re.search(r"\be\.g\.|\bfor example\b", sentence, re.IGNORECASE):
            continue
        hits = QUOTED.findall(sentence)
        if not hits and re.search(r"\b(?:can be|one of|either|must be)\b", sentence, re.IGNORECASE):
            hits = re.findall(r"``([a-z][\w\-]*)``", sentence)
        if not hits and re.search(r"\b(?:options|values|choices) (?:are|is)\b", sentence, re.IGNORECASE):
            # `Available options are: `None`, `gesvd``
            hits = re.findall(r"(?<!`)`([a-z][\w\-]*)`(?!`)", sentence)
        if hits:
            values += [h for h in dict.fromkeys(hits) if h not in values]
            source = source or sentence
    return (values, source) if values else None
