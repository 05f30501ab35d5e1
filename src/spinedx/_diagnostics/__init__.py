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
from spinedx._diagnostics.validated import (
    DUPLICATE_ENTRY,
    is_validated,
    mark_validated,
)
from spinedx._diagnostics.weburl import is_web_address

__all__ = [
    "DUPLICATE_ENTRY",
    "Diagnostic",
    "PathPart",
    "PathwayChangedError",
    "PathwayError",
    "PatientError",
    "Span",
    "SpinedxError",
    "diagnostic",
    "is_validated",
    "is_web_address",
    "mark_validated",
    "md_code",
    "md_escape",
    "md_link",
    "render_all",
    "sort_diagnostics",
]
