"""The urgency scale: ordered, and carrying the guideline timings.

The scale is fixed by the engine rather than by each pathway so that
"no slower than" means the same thing in every pathway, scenario and audit.
The timings are the ones the guidelines use (for example NICE NG234: MRI
"always within 24 hours" for suspected MSCC; NICE QS56: MRI within 1 week for
spinal pain suggestive of metastasis; NICE NG12: "very urgent" = 48 hours,
"urgent" suspected-cancer referral = 2 weeks).
"""

from __future__ import annotations

from enum import StrEnum


class Urgency(StrEnum):
    """How soon a recommendation must be acted on, fastest first.

    Example:
        >>> Urgency.WITHIN_24_HOURS.no_slower_than(Urgency.WITHIN_1_WEEK)
        True
        >>> Urgency("within-1-week").max_hours
        168
    """

    IMMEDIATE = "immediate"
    WITHIN_24_HOURS = "within-24-hours"
    WITHIN_48_HOURS = "within-48-hours"
    WITHIN_1_WEEK = "within-1-week"
    WITHIN_2_WEEKS = "within-2-weeks"
    ROUTINE = "routine"
    ADVISORY = "advisory"

    @property
    def rank(self) -> int:
        """Position on the scale: 0 is the most urgent."""
        return _ORDER.index(self)

    @property
    def max_hours(self) -> int | None:
        """The latest time to act, in hours; None when the scale sets no deadline."""
        return _HOURS[self]

    @property
    def label(self) -> str:
        """Words for people: 'within 24 hours'."""
        return _LABELS[self]

    def no_slower_than(self, other: Urgency | str) -> bool:
        """Whether acting at this urgency meets a requirement of ``other``."""
        return self.rank <= Urgency(other).rank


_ORDER: tuple[Urgency, ...] = tuple(Urgency)
_HOURS: dict[Urgency, int | None] = {
    Urgency.IMMEDIATE: 0,
    Urgency.WITHIN_24_HOURS: 24,
    Urgency.WITHIN_48_HOURS: 48,
    Urgency.WITHIN_1_WEEK: 7 * 24,
    Urgency.WITHIN_2_WEEKS: 14 * 24,
    Urgency.ROUTINE: None,
    Urgency.ADVISORY: None,
}
_LABELS: dict[Urgency, str] = {
    Urgency.IMMEDIATE: "immediately",
    Urgency.WITHIN_24_HOURS: "within 24 hours",
    Urgency.WITHIN_48_HOURS: "within 48 hours",
    Urgency.WITHIN_1_WEEK: "within 1 week",
    Urgency.WITHIN_2_WEEKS: "within 2 weeks",
    Urgency.ROUTINE: "routine",
    Urgency.ADVISORY: "advice, no deadline",
}
