"""(door, generated)"""

from spinedx._diagnostics.diagnostics import (
    Diagnostic,
    PathPart,
    Span,
    diagnostic,
    render_all,
    sort_diagnostics,
)
from spinedx._diagnostics.errors import (
    PathwayChangedError,
    PathwayError,
    PatientError,
    SpinedxError,
)
from spinedx._diagnostics.markdown import (
    md_code,
    md_escape,
    md_link,
)
from spinedx._diagnostics.suggest import (
    SUGGESTION,
    Suggestion,
    SuggestionBudget,
    closest,
    did_you_mean,
    suggest,
)
from spinedx._diagnostics.validated import (
    DUPLICATE_ENTRY,
    is_validated,
    mark_validated,
)
from spinedx._diagnostics.weburl import is_web_address
from spinedx._diagnostics.words import as_written, describe_value

__all__ = [
    "DUPLICATE_ENTRY",
    "SUGGESTION",
    "Diagnostic",
    "PathPart",
    "PathwayChangedError",
    "PathwayError",
    "PatientError",
    "Span",
    "SpinedxError",
    "Suggestion",
    "SuggestionBudget",
    "as_written",
    "closest",
    "describe_value",
    "diagnostic",
    "did_you_mean",
    "is_validated",
    "is_web_address",
    "mark_validated",
    "md_code",
    "md_escape",
    "md_link",
    "render_all",
    "sort_diagnostics",
    "suggest",
]
