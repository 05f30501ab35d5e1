"""The review of a pathway change, for people: Markdown for a committee, or plain text.

The order is the order of the questions a committee asks: which versions, what
changes for patients (each recommendation that appears, disappears or moves,
with the reasons on both sides), which patients are unaffected, and then the
edits in the files, stage by stage. Every text that comes from a pathway or a
record is escaped for Markdown, and conditions are shown as code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from spinedx._authoring.diff import Decision, PathwayDiff, RecChange, ScenarioDiff, Side
from spinedx._authoring.diff_structure import Change
from spinedx._diagnostics import md_code, md_escape
from spinedx._evaluation import Check

_HEADINGS = {
    "appears": "New recommendation",
    "disappears": "No longer recommended",
    "sooner": "Now sooner",
    "later": "Now later",
    "now-conditional": "Now conditional",
    "now-definite": "Now definite",
    "reworded": "Action reworded",
}


def report_markdown(diff: PathwayDiff) -> str:
    """The review as Markdown: summary, changes for patients, then changes in the files."""
    return "\n".join(_Writer(markdown=True).document(diff)) + "\n"


def report_text(diff: PathwayDiff) -> str:
    """The review as plain text, in the same order as the Markdown."""
    return "\n".join(_Writer(markdown=False).document(diff)) + "\n"


def _name(scenario: ScenarioDiff) -> str:
    return Path(scenario.file).name


class _Writer:
    def __init__(self, *, markdown: bool) -> None:
        self.md = markdown

    # -- formatting primitives

    def text(self, value: str) -> str:
        return md_escape(value) if self.md else " ".join(value.split())

    def code(self, value: str) -> str:
        return md_code(value) if self.md else " ".join(value.split())

    def strong(self, value: str) -> str:
        return f"**{value}**" if self.md else value

    def heading(self, level: int, value: str) -> list[str]:
        if self.md:
            return [f"{'#' * level} {value}", ""]
        underline = "=" if level == 1 else "-"
        return [value, underline * len(value), ""] if level <= 2 else [f"» {value}", ""]

    def item(self, depth: int, value: str) -> str:
        return "  " * depth + "- " + value

    # -- the document

    def document(self, diff: PathwayDiff) -> Iterator[str]:
        new, old = diff.new, diff.old
        yield from self.heading(1, f"Review of a pathway change: {self.text(new.title)}")
        yield from self.versions(diff)
        yield from self.heading(2, "Summary")
        yield from self.summary(diff)
        yield ""
        yield from self.heading(2, "What changes for patients")
        yield from self.patients(diff)
        yield from self.heading(2, "Changes in the pathway files")
        yield from self.structure(diff.structural)
        if old.digest == new.digest:
            yield "The two versions are the same files (same digest)."

    def versions(self, diff: PathwayDiff) -> Iterator[str]:
        rows = [
            ("Pathway", diff.old.id, diff.new.id),
            ("Version", diff.old.version, diff.new.version),
            ("Digest", diff.old.digest, diff.new.digest),
        ]
        if self.md:
            yield "| | Before | After |"
            yield "|---|---|---|"
            for name, before, after in rows:
                yield f"| {name} | {self.code(before)} | {self.code(after)} |"
        else:
            for name, before, after in rows:
                yield f"{name + ':':9} {before}  →  {after}"
        yield ""
        if diff.scenario_folder is not None:
            yield f"Scenario patients from {self.code(diff.scenario_folder)}."
            yield ""

    def summary(self, diff: PathwayDiff) -> Iterator[str]:
        failed = [s for s in diff.scenarios if s.failed]
        total = len(diff.scenarios) - len(failed)
        changed = [s for s in diff.scenarios if s.changed]
        if failed:
            noun = "patient" if len(failed) == 1 else "patients"
            yield self.item(
                0,
                self.strong(f"{len(failed)} scenario {noun} could not be compared")
                + ": the errors are listed below.",
            )
        if not diff.scenarios:
            yield self.item(0, "No scenario patients were given, so only the files are compared.")
        elif changed:
            yield self.item(
                0,
                self.strong(f"{len(changed)} of {total} scenario patients")
                + " get different recommendations or data requests.",
            )
        elif total:
            yield self.item(
                0, f"None of the {total} scenario patients gets a different recommendation."
            )
        counts: dict[str, int] = {}
        for scenario in changed:
            for change in scenario.changes:
                counts[change.change] = counts.get(change.change, 0) + 1
        for kind, heading in _HEADINGS.items():
            if counts.get(kind):
                yield self.item(1, f"{heading}: {counts[kind]}")
        risky = sum(c.safety_relevant for s in changed for c in s.changes)
        if risky:
            yield self.item(
                0,
                self.strong(f"{risky} safety-relevant change{'' if risky == 1 else 's'}")
                + ": a recommendation no longer given, given later, or now given only"
                " for some values of the missing data.",
            )
        stages = sorted({c.stage for c in diff.structural if c.stage is not None})
        noun = "stage" if len(stages) == 1 else "stages"
        where = f" in {noun} {self.text(', '.join(stages))}" if stages else ""
        manifest = sum(1 for c in diff.structural if c.stage is None)
        yield self.item(
            0,
            f"{len(diff.structural)} change{'' if len(diff.structural) == 1 else 's'} "
            f"in the files{where}" + (f" ({manifest} in the manifest)" if manifest else "") + ".",
        )
        unseen = [c for c in diff.structural if c.patients == 0]
        if unseen:
            yield self.item(
                0,
                self.strong(f"{len(unseen)} of them at nodes no scenario patient reaches")
                + ": their effect is untested; consider adding scenarios.",
            )

    def patients(self, diff: PathwayDiff) -> Iterator[str]:
        failed = [s for s in diff.scenarios if s.failed]
        changed = [s for s in diff.scenarios if s.changed]
        same = [s for s in diff.scenarios if not s.changed and not s.failed]
        if not changed:
            yield "No scenario patient is affected." if diff.scenarios else "No scenarios given."
            yield ""
        for scenario in changed:
            yield from self.scenario(scenario)
        if failed:
            yield from self.heading(3, f"Patients that could not be compared ({len(failed)})")
            for scenario in failed:
                yield self.item(0, f"{self.text(scenario.name)} ({self.code(_name(scenario))})")
                for found in scenario.diagnostics:
                    yield self.item(1, self.text(str(found)))
            yield ""
        if same:
            yield from self.heading(3, f"Patients with no change ({len(same)})")
            for scenario in same:
                yield self.item(0, f"{self.text(scenario.name)} ({self.code(_name(scenario))})")
            yield ""

    def scenario(self, scenario: ScenarioDiff) -> Iterator[str]:
        yield from self.heading(3, f"{self.text(scenario.name)} ({self.code(_name(scenario))})")
        for change in scenario.changes:
            yield from self.rec_change(change)
        if scenario.needs_added:
            fields = ", ".join(self.code(f) for f in scenario.needs_added)
            yield self.item(0, f"{self.strong('Newly asks for data')}: {fields}")
        if scenario.needs_removed:
            fields = ", ".join(self.code(f) for f in scenario.needs_removed)
            yield self.item(0, f"{self.strong('No longer asks for data')}: {fields}")
        if scenario.unchanged:
            same = ", ".join(self.code(r) for r in scenario.unchanged)
            yield self.item(0, f"Unchanged for this patient: {same}")
        yield ""

    def rec_change(self, change: RecChange) -> Iterator[str]:
        side = change.new if change.new.reached else change.old
        urgency = f" ({side.urgency.label})" if side.urgency else ""
        head = (
            f"{self.strong(_HEADINGS[change.change])}: {self.code(change.id)} — "
            f"{self.text(side.action or '')}{urgency}"
        )
        yield self.item(0, head + (" (safety-relevant)" if change.safety_relevant else ""))
        if change.change == "now-conditional":
            on = change.new.condition or "for some values of the missing data"
            yield self.item(1, f"{self.strong('Now conditional')}: given only {self.text(on)}")
        elif change.change == "now-definite":
            was = (
                f" (before: only {self.text(change.old.condition)})" if change.old.condition else ""
            )
            yield self.item(
                1,
                f"{self.strong('Now definite')}: given whatever the missing data turns out to be"
                + was,
            )
        old_urgency, new_urgency = change.old.urgency, change.new.urgency
        if old_urgency and new_urgency and old_urgency != new_urgency:
            yield self.item(1, f"Urgency: {old_urgency.label} → {self.strong(new_urgency.label)}")
        if change.change == "reworded" or (
            change.old.action and change.new.action and change.old.action != change.new.action
        ):
            yield self.item(1, f"Action before: {self.text(change.old.action or '')}")
        yield from self.side("Before", change.old)
        shown = change.change == "now-conditional"  # the line above says on what
        yield from self.side("After", change.new, same_as=change.old, condition=not shown)

    def side(
        self, label: str, side: Side, same_as: Side | None = None, *, condition: bool = True
    ) -> Iterator[str]:
        state = "reached" if side.reached else "not reached"
        if side.certainty == "conditional":
            state += " conditionally"
            state += f" ({self.text(side.condition)})" if side.condition and condition else ""
        note = f"; {self.text(side.note)}" if side.note else ""
        if same_as is not None and same_as.reached and side.decisions == same_as.decisions:
            yield self.item(1, f"{self.strong(label)}: {state}, by the same decisions")
            return
        yield self.item(1, f"{self.strong(label)}: {state}{note}")
        for decision in side.decisions:
            yield from self.decision(decision)

    def decision(self, decision: Decision) -> Iterator[str]:
        where = self.code(f"{decision.stage}/{decision.node}")
        yield self.item(
            2, f"{where} “{self.text(decision.question)}” → {self.text(decision.taken)}"
        )
        for check in decision.checks:
            yield self.item(3, self.check(check))

    def check(self, check: Check) -> str:
        values = "; ".join(v.text for v in check.values)
        shown = f" [{self.text(values)}]" if values else ""
        return f"{self.code(check.condition)} is {check.result}{shown}"

    def structure(self, changes: list[Change]) -> Iterator[str]:
        if not changes:
            yield "No change in the stages, nodes, facts or sources."
            yield ""
            return
        groups: dict[str | None, list[Change]] = {}
        for change in changes:
            groups.setdefault(change.stage, []).append(change)
        for stage, found in groups.items():
            title = "Manifest" if stage is None else f"Stage {self.code(stage)}"
            yield from self.heading(3, title)
            for change in found:
                yield from self.change(change)
            yield ""

    def change(self, change: Change) -> Iterator[str]:
        where = f"node {self.code(change.node)}: " if change.node else ""
        reach = ""
        if change.patients == 0:
            reach = f" ({self.strong('no scenario patient reaches this node')})"
        elif change.patients is not None:
            plural = "patient reaches" if change.patients == 1 else "patients reach"
            reach = f" ({change.patients} scenario {plural} this node)"
        yield self.item(0, f"{where}{self.text(change.what)}{reach}")
        if change.old is not None:
            yield self.item(1, f"before: {self.value(change.what, change.old)}")
        if change.new is not None:
            yield self.item(1, f"after: {self.value(change.what, change.new)}")

    def value(self, what: str, value: str) -> str:
        return self.code(value) if "condition" in what else self.text(value)
