"""The Spinal Instability Neoplastic Score (SINS) and its six components.

SINS is a published scoring system, not a local threshold, so its point values
and category cut-offs live here beside the record rather than in a pathway.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar


class SinsLocation(StrEnum):
    """SINS location class of the involved level."""

    JUNCTIONAL = "junctional"
    MOBILE = "mobile"
    SEMI_RIGID = "semi_rigid"
    RIGID = "rigid"


class LesionPain(StrEnum):
    """SINS pain: mechanical, occasional non-mechanical, or none."""

    MECHANICAL = "mechanical"
    OCCASIONAL = "occasional"
    PAIN_FREE = "pain_free"


class BoneQuality(StrEnum):
    """SINS bone lesion quality."""

    LYTIC = "lytic"
    MIXED = "mixed"
    BLASTIC = "blastic"


class Alignment(StrEnum):
    """SINS radiographic spinal alignment."""

    SUBLUXATION_TRANSLATION = "subluxation_translation"
    DE_NOVO_DEFORMITY = "de_novo_deformity"
    NORMAL = "normal"


class Collapse(StrEnum):
    """SINS vertebral body collapse."""

    OVER_50 = "over_50"
    UNDER_50 = "under_50"
    NONE_OVER_50_INVOLVED = "none_over_50_involved"
    NONE = "none"


class Posterolateral(StrEnum):
    """SINS posterolateral involvement of the spinal elements."""

    BILATERAL = "bilateral"
    UNILATERAL = "unilateral"
    NONE = "none"


class SinsCategory(StrEnum):
    """SINS stability category: 0–6 stable, 7–12 potentially unstable, 13–18 unstable."""

    STABLE = "stable"
    POTENTIALLY_UNSTABLE = "potentially_unstable"
    UNSTABLE = "unstable"


LOCATION_POINTS: Mapping[SinsLocation, int] = {
    SinsLocation.JUNCTIONAL: 3,
    SinsLocation.MOBILE: 2,
    SinsLocation.SEMI_RIGID: 1,
    SinsLocation.RIGID: 0,
}
PAIN_POINTS: Mapping[LesionPain, int] = {
    LesionPain.MECHANICAL: 3,
    LesionPain.OCCASIONAL: 1,
    LesionPain.PAIN_FREE: 0,
}
BONE_POINTS: Mapping[BoneQuality, int] = {
    BoneQuality.LYTIC: 2,
    BoneQuality.MIXED: 1,
    BoneQuality.BLASTIC: 0,
}
ALIGNMENT_POINTS: Mapping[Alignment, int] = {
    Alignment.SUBLUXATION_TRANSLATION: 4,
    Alignment.DE_NOVO_DEFORMITY: 2,
    Alignment.NORMAL: 0,
}
COLLAPSE_POINTS: Mapping[Collapse, int] = {
    Collapse.OVER_50: 3,
    Collapse.UNDER_50: 2,
    Collapse.NONE_OVER_50_INVOLVED: 1,
    Collapse.NONE: 0,
}
POSTEROLATERAL_POINTS: Mapping[Posterolateral, int] = {
    Posterolateral.BILATERAL: 3,
    Posterolateral.UNILATERAL: 1,
    Posterolateral.NONE: 0,
}

_JUNCTIONAL = {"C1", "C2", "C7", "T1", "T2", "T11", "T12", "L1", "L5", "S1"}
_MOBILE = {"C3", "C4", "C5", "C6", "L2", "L3", "L4"}
_SEMI_RIGID = {f"T{n}" for n in range(3, 11)}
_RIGID = {"S2", "S3", "S4", "S5"}
LEVEL_LOCATIONS: Mapping[str, SinsLocation] = {
    **dict.fromkeys(_JUNCTIONAL, SinsLocation.JUNCTIONAL),
    **dict.fromkeys(_MOBILE, SinsLocation.MOBILE),
    **dict.fromkeys(_SEMI_RIGID, SinsLocation.SEMI_RIGID),
    **dict.fromkeys(_RIGID, SinsLocation.RIGID),
}
"""SINS location class of every vertebral level the record accepts (C1–S5)."""

SINS_MAXIMUM = 18

_Component = TypeVar("_Component", bound=StrEnum)


def sins_category(total: int) -> SinsCategory:
    """The SINS category of a total: 0–6 stable, 7–12 potentially unstable, 13–18 unstable."""
    if total <= 6:
        return SinsCategory.STABLE
    if total <= 12:
        return SinsCategory.POTENTIALLY_UNSTABLE
    return SinsCategory.UNSTABLE


def sins_bounds(
    *,
    location: SinsLocation | None,
    pain: LesionPain | None,
    bone_quality: BoneQuality | None,
    alignment: Alignment | None,
    collapse: Collapse | None,
    posterolateral: Posterolateral | None,
) -> tuple[int, int]:
    """The lowest and highest SINS total the known components allow.

    Implements the Spinal Instability Neoplastic Score of Fisher CG et al.,
    Spine 2010;35(22):E1221–E1229 (validated by Fourney DR et al., J Clin Oncol
    2011;29(22):3072–3077): six components scored location 0–3, pain 0–3, bone
    lesion 0–2, alignment 0–4, collapse 0–3 and posterolateral involvement 0–3,
    for a total of 0–18. An unknown component contributes its full range, so the
    two bounds are equal exactly when every component is known.

    Example:
        >>> sins_bounds(location=SinsLocation.JUNCTIONAL, pain=LesionPain.MECHANICAL,
        ...             bone_quality=BoneQuality.LYTIC, alignment=Alignment.DE_NOVO_DEFORMITY,
        ...             collapse=Collapse.OVER_50, posterolateral=Posterolateral.BILATERAL)
        (16, 16)
        >>> sins_bounds(location=SinsLocation.SEMI_RIGID, pain=None, bone_quality=None,
        ...             alignment=None, collapse=None, posterolateral=None)
        (1, 16)
    """
    parts = (
        _points(location, LOCATION_POINTS),
        _points(pain, PAIN_POINTS),
        _points(bone_quality, BONE_POINTS),
        _points(alignment, ALIGNMENT_POINTS),
        _points(collapse, COLLAPSE_POINTS),
        _points(posterolateral, POSTEROLATERAL_POINTS),
    )
    return sum(low for low, _ in parts), sum(high for _, high in parts)


def _points(value: _Component | None, points: Mapping[_Component, int]) -> tuple[int, int]:
    if value is None:
        return min(points.values()), max(points.values())
    return points[value], points[value]


def category_within(low: int, high: int) -> SinsCategory | None:
    """The category every total in ``low..high`` shares, or ``None`` if they differ."""
    category = sins_category(low)
    return category if sins_category(high) == category else None
