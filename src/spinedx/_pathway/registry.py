"""The one registry of checks, manifest, stage and graph alike, and its runner.

A check is a small free function that takes the :class:`CheckContext` and
*yields* diagnostics; it is registered here by name with the level it runs at
(see :data:`~spinedx._pathway.context.Level`). The loader calls
:func:`run_checks` once per level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from spinedx._diagnostics import Diagnostic
from spinedx._pathway.checks import (
    conflicting_recommendations,
    cycles,
    duplicate_node_ids,
    facts_set_before_read,
    later_stage_data,
    missing_otherwise,
    missing_targets,
    no_path_to_end,
    unreachable,
    unused_declarations,
)
from spinedx._pathway.context import CheckContext, Level
from spinedx._pathway.document_checks import conclusions, unknown_sections


@dataclass(frozen=True)
class Check:
    """One registered check: when it runs, and the function that runs it."""

    level: Level
    run: Callable[[CheckContext], Iterator[Diagnostic]]


CHECKS: Mapping[str, Check] = MappingProxyType(
    {
        "unknown-sections": Check("manifest", unknown_sections),
        "conclusions": Check("stage", conclusions),
        "missing-targets": Check("graph", missing_targets),
        "cycles": Check("graph", cycles),
        "unreachable": Check("graph", unreachable),
        "no-path-to-end": Check("graph", no_path_to_end),
        "missing-otherwise": Check("graph", missing_otherwise),
        "facts-set-before-read": Check("graph", facts_set_before_read),
        "later-stage-data": Check("graph", later_stage_data),
        "duplicate-node-ids": Check("graph", duplicate_node_ids),
        "conflicting-recommendations": Check("graph", conflicting_recommendations),
        "unused-declarations": Check("graph", unused_declarations),
    }
)
"""Every check by name, in the order they run within a level."""


def run_checks(ctx: CheckContext, level: Level) -> list[Diagnostic]:
    """Every diagnostic of every check registered at ``level``."""
    return [found for check in CHECKS.values() if check.level == level for found in check.run(ctx)]
