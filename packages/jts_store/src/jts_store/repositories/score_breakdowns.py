"""A score's breakdown as PostgreSQL prints it, and the fingerprint PostgreSQL generates.

``daily_scores.fingerprint`` is generated from the row (``SCORE_FINGERPRINT``): the md5 of
the score, the reliability and the breakdown as PostgreSQL prints them. Rendered here the
same way, the breakdown is sent in that form, and the fingerprint of a score not yet stored
can be worked out in Python and compared with a stored one's.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from jts_domain.model import DailyScore, ScoreMetric


def _line_json(m: ScoreMetric) -> str:
    """One line as JSONB prints it: keys shortest first, ``", "`` and ``": "`` between
    items. No value needs escaping: names are lower-case words and decimals print as
    digits, signs, points and exponents. (``str`` of a decimal, not ``format``: a fifth of
    the time.)"""
    return (
        '{"name": "'
        + m.name  # a str enum: its value
        + ('", "value": null' if m.value is None else '", "value": "' + str(m.value) + '"')
        + ', "weight": "'
        + str(m.weight)
        + '", "numerator": "'
        + str(m.numerator)
        + '", "denominator": "'
        + str(m.denominator)
        + '", "contribution": "'
        + str(m.contribution)
        + '"}'
    )


def _numeric_text(value: Decimal | None) -> str:
    """A numeric as PostgreSQL prints it (``::text``): fixed point, no negative zero;
    empty for NULL."""
    if value is None:
        return ""
    return format(value.copy_abs() if value.is_zero() else value, "f")


class BreakdownRenderer:
    """Renders breakdowns (``metrics::text``) and fingerprints, each line once.

    A whole organization's scores share most of their lines (a calculation's scorer
    hands out one line object per count it meets), so a rendered line is kept by the
    line's identity, with the line itself, which keeps that identity from being reused;
    :meth:`forget` lets them go.
    """

    def __init__(self) -> None:
        self._lines: dict[int, tuple[ScoreMetric, str]] = {}

    def breakdown(self, metrics: tuple[ScoreMetric, ...]) -> str:
        """The breakdown as ``metrics::text`` prints it."""
        lines = self._lines
        rendered = []
        for metric in metrics:
            known = lines.get(id(metric))
            if known is None or known[0] is not metric:
                known = lines[id(metric)] = (metric, _line_json(metric))
            rendered.append(known[1])
        return "[" + ", ".join(rendered) + "]"

    def fingerprint(self, score: DailyScore) -> str:
        """The ``fingerprint`` PostgreSQL generates for the stored row of ``score``."""
        shown = (
            f"{_numeric_text(score.score)}/{_numeric_text(score.reliability)}/"
            f"{self.breakdown(score.metrics)}"
        )
        return hashlib.md5(shown.encode(), usedforsecurity=False).hexdigest()

    def forget(self) -> None:
        """Let go of the lines kept so far."""
        self._lines.clear()
