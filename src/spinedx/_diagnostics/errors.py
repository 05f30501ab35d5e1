"""The exception hierarchy: one root, each subclass also a natural builtin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from spinedx._diagnostics.diagnostics import Diagnostic, render_all, sort_diagnostics


class SpinedxError(Exception):
    """Root of every exception spinedx raises on purpose."""


class PathwayChangedError(SpinedxError, RuntimeError):
    """A pickled pathway whose texts do not match its digest (a damaged or altered pickle).

    A ``Pathway`` pickles as the texts of its files, its record model and its
    digest; it is built again from the texts on arrival, and they must match the
    digest, so that every process of a cohort run applies the same text.
    """


class _DiagnosticError(SpinedxError):
    """An error that carries every diagnostic found, sorted by position."""

    subject = "input"

    def __init__(
        self,
        diagnostics: Iterable[Diagnostic],
        sources: Mapping[str, str] | None = None,
    ) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sort_diagnostics(diagnostics))
        self.sources: dict[str, str] = dict(sources or {})
        errors = sum(1 for d in self.diagnostics if d.is_error)
        head = f"{errors} error{'' if errors == 1 else 's'} in {self.subject}"
        first = f": {self.diagnostics[0]}" if self.diagnostics else ""
        super().__init__(head + first)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Rebuilt from its diagnostics, not its message: it crosses processes (cohorts).
        return type(self), (self.diagnostics, self.sources)

    def render(self) -> str:
        """Every diagnostic as a compiler would print it, with source excerpts."""
        return render_all(self.diagnostics, self.sources)


class PathwayError(_DiagnosticError, ValueError):
    """A pathway (manifest, stage files) or scenario could not be loaded.

    ``str(error)`` starts with the number of errors; ``error.diagnostics``
    holds them all.
    """

    subject = "pathway"


class PatientError(_DiagnosticError, ValueError):
    """A patient record does not fit the record model the pathway reads."""

    subject = "patient record"
