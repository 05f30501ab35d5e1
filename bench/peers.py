"""The triage decisions on peer engines: zen-engine (GoRules), rule-engine and CEL.

Each engine gets the same decision graph, read from the pathway's own YAML
files (plain ``yaml.safe_load``: these are our files), and the same condition
texts, translated only where the syntax differs (CEL writes ``&&``, ``||``,
``!``). zen-engine runs the whole graph itself (a JDM graph of switch and
expression nodes); rule-engine and CEL are expression engines, so a small
walker here takes each decision's first true branch, as spinedx does.

Every engine reads plain data: the patients as dicts (JSON-shaped, prepared
before timing) and the facts as a dict; what an engine converts that data to
(CEL values, zen's own) is part of its time. Peers are optional (``pip install -e
.[bench]``); ``available()`` says which ones import here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Patient = dict[str, Any]
Engine = Callable[[Patient], list[str]]


@dataclass(frozen=True)
class Node:
    """One node of the graph as written: its kind and fields."""

    kind: str
    branches: tuple[tuple[str, str], ...] = ()
    otherwise: str = "end"
    value: object = None
    name: str = ""
    then: str = "end"


@dataclass(frozen=True)
class Graph:
    """The stages in order: (start, nodes by id)."""

    stages: tuple[tuple[str, dict[str, Node]], ...]


def read_graph(folder: Path) -> Graph:
    """The pathway's decision graph, from its manifest and stage files."""
    manifest = yaml.safe_load((folder / "pathway.yaml").read_text(encoding="utf-8"))
    stages = []
    for entry in manifest["stages"]:
        name = entry if isinstance(entry, str) else entry["id"]
        stage = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
        stages.append((stage["start"], {k: _node(v) for k, v in stage["nodes"].items()}))
    return Graph(tuple(stages))


def _node(raw: Mapping[str, Any]) -> Node:
    if "decide" in raw:
        branches = tuple((b["when"], b["then"]) for b in raw["branches"])
        return Node("decide", branches, raw.get("otherwise", "end"))
    if "recommend" in raw:
        return Node("recommend", name=raw["recommend"], then=raw["then"])
    if "conclude" in raw:
        return Node("conclude", name=raw["conclude"], value=raw["value"], then=raw["then"])
    if "end" in raw:
        return Node("end")
    raise ValueError(f"the peers support decide, recommend, conclude and end, not {raw}")


def walker(
    graph: Graph,
    compile_condition: Callable[[str], Callable[[Any], bool]],
    context: Callable[[Patient, dict[str, object]], Any] = lambda p, f: {**p, "facts": f},
    concluded: Callable[[Any, dict[str, object]], None] = lambda c, f: None,
) -> Engine:
    """A graph walk over conditions compiled by an expression engine.

    Each compiled condition is called with one context per patient, by default
    a mapping of the patient's data and the facts (under ``facts``); an engine
    with its own context type passes ``context``, and ``concluded`` to hear of
    each fact set.
    """
    compiled: list[tuple[str, dict[str, tuple[Any, ...]]]] = []
    for start, nodes in graph.stages:
        table: dict[str, tuple[Any, ...]] = {}
        for node_id, node in nodes.items():
            if node.kind == "decide":
                branches = tuple((compile_condition(w), t) for w, t in node.branches)
                table[node_id] = (0, branches, node.otherwise)
            elif node.kind == "recommend":
                table[node_id] = (1, node.name, node.then)
            elif node.kind == "conclude":
                table[node_id] = (2, node.name, node.value, node.then)
            else:
                table[node_id] = (3,)
        compiled.append((start, table))

    def run(patient: Patient) -> list[str]:
        facts: dict[str, object] = {}
        state = context(patient, facts)
        fired: list[str] = []
        for start, table in compiled:
            node = start
            while node != "end":
                entry = table[node]
                kind = entry[0]
                if kind == 0:
                    node = entry[2]
                    for test, target in entry[1]:
                        if test(state):
                            node = target
                            break
                elif kind == 1:
                    fired.append(entry[1])
                    node = entry[2]
                elif kind == 2:
                    facts[entry[1]] = entry[2]
                    concluded(state, facts)
                    node = entry[3]
                else:
                    break
        return fired

    return run


# ------------------------------------------------------------------ engines


def rule_engine(graph: Graph) -> Engine:
    """rule-engine: each condition a ``Rule``, evaluated on the context mapping."""
    import rule_engine as engine  # noqa: PLC0415  (optional)

    return walker(graph, lambda text: engine.Rule(text).matches)


def cel_python(graph: Graph) -> Engine:
    """cel-python (``celpy``): each condition compiled to a program; the activation
    holds the patient converted to CEL values once, and the facts, converted again
    whenever one is set."""
    import celpy  # noqa: PLC0415  (optional)

    environment = celpy.Environment()

    def compile_condition(text: str) -> Callable[[Any], bool]:
        program = environment.program(environment.compile(to_cel(text)))
        return lambda activation: bool(program.evaluate(activation))

    def context(patient: Patient, facts: dict[str, object]) -> dict[str, Any]:
        activation = {name: celpy.json_to_cel(section) for name, section in patient.items()}
        activation["facts"] = celpy.json_to_cel(facts)
        return activation

    def concluded(activation: dict[str, Any], facts: dict[str, object]) -> None:
        activation["facts"] = celpy.json_to_cel(facts)

    return walker(graph, compile_condition, context, concluded)


def cel_rust(graph: Graph) -> Engine:
    """common-expression-language (``cel``, Rust): each condition a compiled ``Program``,
    run in one ``cel.Context`` per patient (the patient converted once, the facts
    again whenever one is set)."""
    import cel  # noqa: PLC0415  (optional)

    return walker(
        graph,
        lambda text: cel.compile(to_cel(text)).execute,
        context=lambda patient, facts: cel.Context({**patient, "facts": facts}),
        concluded=lambda state, facts: state.add_variable("facts", facts),
    )


def to_cel(text: str) -> str:
    """Our condition syntax in CEL's: only the boolean operators differ here."""
    text = re.sub(r"\band\b", "&&", text)
    text = re.sub(r"\bor\b", "||", text)
    return re.sub(r"\bnot\s+", "!", text)


def zen_variants(graph: Graph) -> dict[str, Engine]:
    """zen-engine, loaded three ways: a decision created from the JDM text, one
    created from pre-parsed ``ZenDecisionContent``, and the engine's static loader."""
    import zen  # noqa: PLC0415  (optional)

    document = json.dumps(to_jdm(graph))
    from_text = zen.ZenEngine().create_decision(document)
    precompiled = zen.ZenEngine().create_decision(zen.ZenDecisionContent(document))
    static = zen.ZenEngine({"loader": {"type": "static", "content": {"triage": to_jdm(graph)}}})
    by_key = static.get_decision("triage")

    def result(run: Callable[[Patient], Any]) -> Engine:
        return lambda patient: run({**patient, "recs": [], "facts": {}})["result"]["recs"]

    return {
        "zen-engine create_decision(JDM).evaluate": result(from_text.evaluate),
        "zen-engine ZenDecisionContent (precompiled)": result(precompiled.evaluate),
        "zen-engine static loader get_decision().evaluate": result(by_key.evaluate),
    }


def to_jdm(graph: Graph) -> dict[str, Any]:
    """The graph as a GoRules JSON Decision Model: a switch node (first hit) per
    decision, a pass-through expression node per recommendation (appending to
    ``recs``) and per conclusion (setting ``facts.<name>``); the ends of one
    stage lead to the start of the next, the last stage's to the output."""
    nodes: list[dict[str, Any]] = [{"id": "input", "type": "inputNode", "name": "input"}]
    edges: list[dict[str, Any]] = []
    ends = [(s, "end") for s in ("input",)]
    for start, stage in graph.stages:
        for source, handle in ends:
            edges.append(_edge(source, start, handle))
        ends = []
        for node_id, node in stage.items():
            if node.kind == "decide":
                statements = [{"id": f"{node_id}#{i}", "condition": w} for i, (w, _) in
                              enumerate(node.branches)]  # fmt: skip
                statements.append({"id": f"{node_id}#else", "condition": ""})
                nodes.append(_switch(node_id, statements))
                targets = [t for _, t in node.branches] + [node.otherwise]
                for statement, target in zip(statements, targets, strict=True):
                    if target == "end":
                        ends.append((node_id, statement["id"]))
                    else:
                        edges.append(_edge(node_id, target, statement["id"]))
                continue
            if node.kind == "recommend":
                expression = {"key": "recs", "value": f"flatten([recs, ['{node.name}']])"}
            elif node.kind == "conclude":
                value = json.dumps(node.value).replace('"', "'")
                expression = {"key": f"facts.{node.name}", "value": value}
            else:
                expression = {"key": "recs", "value": "recs"}
            nodes.append(_expression(node_id, expression))
            if node.kind == "end" or node.then == "end":
                ends.append((node_id, "end"))
            else:
                edges.append(_edge(node_id, node.then, None))
    nodes.append({"id": "output", "type": "outputNode", "name": "output"})
    for source, handle in ends:
        edges.append(_edge(source, "output", handle))
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def _switch(node_id: str, statements: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": node_id,
        "name": node_id,
        "type": "switchNode",
        "content": {"hitPolicy": "first", "statements": statements},
    }


def _expression(node_id: str, expression: dict[str, str]) -> dict[str, Any]:
    return {
        "id": node_id,
        "name": node_id,
        "type": "expressionNode",
        "content": {"expressions": [{"id": f"{node_id}#e", **expression}], "passThrough": True},
    }


_edge_ids = iter(range(10**9))


def _edge(source: str, target: str, handle: str | None) -> dict[str, Any]:
    edge = {"id": f"e{next(_edge_ids)}", "type": "edge", "sourceId": source, "targetId": target}
    if handle not in (None, "end"):
        edge["sourceHandle"] = handle
    return edge


def available() -> dict[str, str | None]:
    """Each peer package and why it cannot be used here (``None`` when it can)."""
    found: dict[str, str | None] = {}
    for module, package in (
        ("zen", "zen-engine"),
        ("rule_engine", "rule-engine"),
        ("celpy", "cel-python"),
        ("cel", "common-expression-language"),
    ):
        try:
            __import__(module)
        except ImportError as error:
            found[package] = f"{type(error).__name__}: {error}"
        else:
            found[package] = None
    return found
