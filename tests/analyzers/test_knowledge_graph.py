"""Exact nodes and edges of the knowledge graph on one small fixture repository per language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from repowright.analyzers.knowledge_graph import build_knowledge_graph

DATA = Path(__file__).resolve().parents[1] / "data" / "kg"

# Every edge except folder/file containment, as "source kind target".
EXPECTED_EDGES = {
    "python": """
main.py contains main.py::helper
main.py contains main.py::run
main.py contains main.py::twice
main.py::twice calls main.py::helper
main.py imports pkg/__init__.py
main.py imports pkg/base.py
main.py imports pkg/shapes.py
main.py::helper calls main.py::helper.inner
main.py::helper contains main.py::helper.inner
main.py::helper references pkg/base.py::Shape
main.py::run calls main.py::helper
main.py::run calls pkg/shapes.py::Circle
main.py::run calls pkg/shapes.py::Circle.describe
main.py::run calls pkg/shapes.py::square
pkg/__init__.py contains pkg/__init__.py::__all__
pkg/__init__.py imports pkg/shapes.py
pkg/base.py contains pkg/base.py::LIMIT
pkg/base.py contains pkg/base.py::LIMIT#2
pkg/base.py contains pkg/base.py::Shape
pkg/base.py contains pkg/base.py::TAU
pkg/base.py::Shape contains pkg/base.py::Shape.name
pkg/shapes.py imports pkg/base.py
pkg/shapes.py contains pkg/shapes.py::Circle
pkg/shapes.py contains pkg/shapes.py::PI2
pkg/shapes.py contains pkg/shapes.py::square
pkg/shapes.py::Circle inherits pkg/base.py::Shape
pkg/shapes.py::Circle contains pkg/shapes.py::Circle.__init__
pkg/shapes.py::Circle contains pkg/shapes.py::Circle.area
pkg/shapes.py::Circle contains pkg/shapes.py::Circle.describe
pkg/shapes.py::Circle.area references pkg/shapes.py::PI2
pkg/shapes.py::Circle.area calls pkg/shapes.py::square
pkg/shapes.py::Circle.describe calls pkg/base.py::Shape.name
pkg/shapes.py::Circle.describe calls pkg/shapes.py::Circle.area
""",
    "c": """
main.c contains main.c::counter
main.c contains main.c::main
main.c imports util.h
main.c::main calls util.c::add
main.c::main references util.h::point
util.c contains util.c::add
util.c contains util.c::twice
util.c imports util.h
util.c::twice calls util.c::add
util.h contains util.h::point
""",
    "cpp": """
circle.cpp contains circle.cpp::Circle.Circle
circle.cpp contains circle.cpp::Circle.area
circle.cpp contains circle.cpp::scale
circle.cpp imports circle.hpp
circle.cpp::Circle.area calls circle.cpp::scale
circle.hpp contains circle.hpp::Circle
circle.hpp imports shape.h
circle.hpp::Circle inherits shape.h::Shape
main.cpp imports circle.hpp
main.cpp contains main.cpp::main
main.cpp::main calls circle.hpp::Circle
main.cpp::main calls circle.cpp::Circle.area
main.cpp::main references shape.h::Shape
shape.h contains shape.h::Shape
shape.h::Shape contains shape.h::Shape.area
""",
    "rust": """
src/geometry.rs contains src/geometry.rs::Circle
src/geometry.rs contains src/geometry.rs::Shape
src/geometry.rs imports src/util.rs
src/geometry.rs::Circle contains src/geometry.rs::Circle.area
src/geometry.rs::Circle contains src/geometry.rs::Circle.diameter
src/geometry.rs::Circle contains src/geometry.rs::Circle.new
src/geometry.rs::Circle inherits src/geometry.rs::Shape
src/geometry.rs::Circle.diameter calls src/util.rs::double
src/geometry.rs::Circle.new references src/geometry.rs::Circle
src/lib.rs imports src/geometry.rs
src/lib.rs contains src/lib.rs::total_area
src/lib.rs imports src/util.rs
src/lib.rs::total_area references src/geometry.rs::Circle
src/lib.rs::total_area calls src/util.rs::double
src/lib.rs::total_area calls src/geometry.rs::Circle.area
src/util.rs contains src/util.rs::SCALE
src/util.rs contains src/util.rs::double
""",
    "go": """
geom/circle.go contains geom/circle.go::Circle
geom/circle.go::Circle contains geom/circle.go::Circle.Area
geom/circle.go::Circle contains geom/circle.go::Circle.Double
geom/circle.go::Circle.Area references geom/circle.go::Circle
geom/circle.go::Circle.Area calls geom/util.go::square
geom/circle.go::Circle.Double references geom/circle.go::Circle
geom/circle.go::Circle.Double calls geom/circle.go::Circle.Area
geom/util.go contains geom/util.go::square
main.go imports geom/
main.go contains main.go::describe
main.go contains main.go::main
main.go::main calls main.go::describe
main.go::main calls geom/circle.go::Circle.Area
""",
    "java": """
src/com/app/Main.java contains src/com/app/Main.java::Main
src/com/app/Main.java imports src/com/ex/Circle.java
src/com/app/Main.java::Main contains src/com/app/Main.java::Main.main
src/com/app/Main.java::Main.main calls src/com/ex/Circle.java::Circle
src/com/app/Main.java::Main.main calls src/com/ex/Circle.java::Circle.area
src/com/ex/Circle.java contains src/com/ex/Circle.java::Circle
src/com/ex/Circle.java::Circle contains src/com/ex/Circle.java::Circle.Circle
src/com/ex/Circle.java::Circle contains src/com/ex/Circle.java::Circle.area
src/com/ex/Circle.java::Circle contains src/com/ex/Circle.java::Circle.twice
src/com/ex/Circle.java::Circle inherits src/com/ex/Shape.java::Shape
src/com/ex/Circle.java::Circle.area calls src/com/ex/Util.java::Util.square
src/com/ex/Circle.java::Circle.twice calls src/com/ex/Circle.java::Circle.area
src/com/ex/Shape.java contains src/com/ex/Shape.java::Shape
src/com/ex/Shape.java::Shape contains src/com/ex/Shape.java::Shape.area
src/com/ex/Util.java contains src/com/ex/Util.java::Util
src/com/ex/Util.java::Util contains src/com/ex/Util.java::Util.square
""",
    "javascript": """
index.js contains index.js::main
index.js contains index.js::shapes
index.js imports src/math.js
index.js imports src/shapes.js
index.js::main calls src/math.js::double
index.js::main calls src/shapes.js::Circle
index.js::main calls src/shapes.js::Circle.area
src/math.js contains src/math.js::UNIT
src/math.js contains src/math.js::double
src/math.js contains src/math.js::square
src/shapes.js imports src/math.js
src/shapes.js contains src/shapes.js::Circle
src/shapes.js contains src/shapes.js::Shape
src/shapes.js::Circle contains src/shapes.js::Circle.area
src/shapes.js::Circle contains src/shapes.js::Circle.constructor
src/shapes.js::Circle contains src/shapes.js::Circle.describe
src/shapes.js::Circle inherits src/shapes.js::Shape
src/shapes.js::Circle.area calls src/math.js::square
src/shapes.js::Circle.describe calls src/shapes.js::Circle.area
src/shapes.js::Circle.describe calls src/shapes.js::Shape.name
src/shapes.js::Shape contains src/shapes.js::Shape.name
""",
    "typescript": """
src/circle.ts contains src/circle.ts::Circle
src/circle.ts imports src/shape.ts
src/circle.ts imports src/util.ts
src/circle.ts::Circle contains src/circle.ts::Circle.area
src/circle.ts::Circle contains src/circle.ts::Circle.constructor
src/circle.ts::Circle inherits src/shape.ts::Base
src/circle.ts::Circle.area calls src/util.ts::square
src/shape.ts contains src/shape.ts::Base
src/shape.ts contains src/shape.ts::Shape
src/shape.ts::Base contains src/shape.ts::Base.describe
src/shape.ts::Base inherits src/shape.ts::Shape
src/util.ts contains src/util.ts::Num
src/util.ts contains src/util.ts::square
""",
}

# Definition nodes as "id kind start-end".
EXPECTED_DEFS = {
    "python": """
main.py::helper function 14-17
main.py::helper.inner function 15-16
main.py::run function 7-11
main.py::twice function 20-20
pkg/__init__.py::__all__ variable 4-4
pkg/base.py::LIMIT variable 14-14
pkg/base.py::LIMIT#2 variable 16-16
pkg/base.py::Shape class 1-5
pkg/base.py::TAU variable 11-11
pkg/base.py::Shape.name method 4-5
pkg/shapes.py::Circle class 9-21
pkg/shapes.py::Circle.__init__ method 14-15
pkg/shapes.py::Circle.area method 17-18
pkg/shapes.py::Circle.describe method 20-21
pkg/shapes.py::PI2 variable 6-6
pkg/shapes.py::square function 24-25
""",
    "c": """
main.c::counter variable 4-4
main.c::main function 6-11
util.c::add function 4-4
util.c::twice function 6-6
util.h::point class 4-4
""",
    "cpp": """
circle.cpp::Circle.Circle method 5-5
circle.cpp::Circle.area method 7-7
circle.cpp::scale function 3-3
circle.hpp::Circle class 3-9
main.cpp::main function 3-7
shape.h::Shape class 2-5
shape.h::Shape.area method 4-4
""",
    "rust": """
src/geometry.rs::Circle class 7-9
src/geometry.rs::Circle.area method 22-24
src/geometry.rs::Circle.diameter method 16-18
src/geometry.rs::Circle.new method 12-14
src/geometry.rs::Shape class 3-5
src/lib.rs::total_area function 7-9
src/util.rs::SCALE variable 5-5
src/util.rs::double function 1-3
""",
    "go": """
geom/circle.go::Circle class 6-8
geom/circle.go::Circle.Area method 11-13
geom/circle.go::Circle.Double method 16-18
geom/util.go::square function 3-5
main.go::describe function 14-16
main.go::main function 9-12
""",
    "java": """
src/com/app/Main.java::Main class 5-10
src/com/app/Main.java::Main.main method 6-9
src/com/ex/Circle.java::Circle class 3-17
src/com/ex/Circle.java::Circle.Circle method 6-8
src/com/ex/Circle.java::Circle.area method 10-12
src/com/ex/Circle.java::Circle.twice method 14-16
src/com/ex/Shape.java::Shape class 4-6
src/com/ex/Shape.java::Shape.area method 5-5
src/com/ex/Util.java::Util class 3-7
src/com/ex/Util.java::Util.square method 4-6
""",
    "javascript": """
index.js::main function 4-7
index.js::shapes variable 1-1
src/math.js::UNIT variable 3-3
src/math.js::double function 2-2
src/math.js::square function 1-1
src/shapes.js::Circle class 7-11
src/shapes.js::Circle.area method 9-9
src/shapes.js::Circle.constructor method 8-8
src/shapes.js::Circle.describe method 10-10
src/shapes.js::Shape class 3-5
src/shapes.js::Shape.name method 4-4
""",
    "typescript": """
src/circle.ts::Circle class 4-7
src/circle.ts::Circle.area method 6-6
src/circle.ts::Circle.constructor method 5-5
src/shape.ts::Base class 5-8
src/shape.ts::Base.describe method 7-7
src/shape.ts::Shape class 1-3
src/util.ts::Num class 2-2
src/util.ts::square function 1-1
""",
}


def _lines(text: str) -> set[str]:
    return {line for line in text.strip().splitlines() if line}


@pytest.fixture(scope="module", params=sorted(EXPECTED_EDGES))
def mapped(request, tmp_path_factory):
    lang = request.param
    repo = tmp_path_factory.mktemp(lang) / "repo"
    shutil.copytree(DATA / lang, repo)
    return lang, build_knowledge_graph(repo, workers=1)


def test_exact_edges(mapped):
    lang, kg = mapped
    got = {f"{u} {k} {v}" for u, v, k in kg.graph.edges(keys=True) if k != "contains" or "::" in v}
    assert got == _lines(EXPECTED_EDGES[lang])


def test_exact_definitions(mapped):
    lang, kg = mapped
    got = {
        f"{n} {a['kind']} {a['start_line']}-{a['end_line']}"
        for n, a in kg.graph.nodes(data=True)
        if "::" in n
    }
    assert got == _lines(EXPECTED_DEFS[lang])


def test_hierarchy_and_attributes(mapped):
    lang, kg = mapped
    graph = kg.graph
    assert graph.nodes["."]["kind"] == "repository"
    for node, attrs in graph.nodes(data=True):
        assert {
            "kind",
            "name",
            "qualname",
            "path",
            "language",
            "start_line",
            "end_line",
            "signature",
            "doc",
            "hash",
        } <= set(attrs), node
        if node != ".":  # everything but the root has exactly one container
            parents = [u for u, _, k in graph.in_edges(node, keys=True) if k == "contains"]
            assert len(parents) == 1, (node, parents)
    for u, v, k in graph.edges(keys=True):
        assert u in graph and v in graph and "kind" in graph.nodes[v], (u, v, k)
