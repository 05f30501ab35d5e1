"""Checks of the manifest and of the compiled stages, each yielding diagnostics.

They are registered, with the graph checks, in ``registry.CHECKS``.
"""

from __future__ import annotations

from collections.abc import Iterator

from spinedx._compiled import Conclude
from spinedx._conditions import check_value
from spinedx._diagnostics import Diagnostic, diagnostic, suggest
from spinedx._pathway.context import CheckContext


def unknown_sections(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX204: a stage claims (``data:``) a record section the record model lacks."""
    sections = set(ctx.schema.root.fields)
    seen: set[str] = set()
    for index, entry in enumerate(ctx.manifest.stages):
        if entry.id in seen:
            continue  # a stage listed twice is reported by the loader, which skips it
        seen.add(entry.id)
        for j, section in enumerate(entry.data or ()):
            if section not in sections:
                yield diagnostic(
                    "SPX204",
                    f"stage '{entry.id}' claims record section '{section}', "
                    "which the record model does not have",
                    ctx.manifest_spans.value(("stages", index, "data", j)),
                    hint="sections: " + ", ".join(sorted(sections)),
                )


def conclusions(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX410/SPX411: a concluded fact is declared, and its value fits the fact's type."""
    for stage in ctx.stages:
        for step in stage.steps.values():
            if not isinstance(step, Conclude):
                continue
            fact_type = ctx.facts.get(step.fact)
            if fact_type is None:
                path = ("nodes", step.id, "conclude")
                near = suggest(step.fact, sorted(ctx.facts), otherwise="declare it under 'facts:'")
                yield diagnostic(
                    "SPX410",
                    f"fact '{step.fact}' is not declared in the manifest",
                    step.fact_span or step.span,
                    path=path,
                    hint=near.hint,
                    suggestion=near.value,
                )
                continue
            problem = check_value(step.value, fact_type)
            if problem is not None:
                yield diagnostic(
                    "SPX411",
                    f"fact '{step.fact}': {problem}",
                    step.value_span or step.span,
                    path=("nodes", step.id, "value"),
                )
