"""The A/B test report: a campaign's variants side by side (``ab.tallies``, the figures the
winner is chosen by), and whether each one's difference from the leader is larger than
chance, said in words.

The test is the two-proportion z-test with a pooled proportion, two-sided: the proportion
is the test's metric over the messages sent. At 95 % confidence, a difference is "larger
than chance" when a difference at least as large would come from two equal variants less
than 5 % of the time. With 3 or 4 variants each is compared with the leader on its own.
"""

import math
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from pregon.campaigns import ab
from pregon.campaigns.models import AbMetric, AbTest

CONFIDENCE = 0.95
METRICS = [AbMetric.OPENS, AbMetric.CLICKS, AbMetric.CONVERSIONS]


def two_proportion_p_value(hits_a: int, total_a: int, hits_b: int, total_b: int) -> float | None:
    """The two-sided p-value of the two-proportion z-test of ``hits_a / total_a`` against
    ``hits_b / total_b``; None when a side has nothing sent. Equal proportions of 0 or 1
    (no variation at all) give 1."""
    if not total_a or not total_b:
        return None
    pooled = (hits_a + hits_b) / (total_a + total_b)
    if pooled in (0, 1):
        return 1.0
    error = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    z = (hits_a / total_a - hits_b / total_b) / error
    return math.erfc(abs(z) / math.sqrt(2))


def points(difference: float) -> str:
    """A difference of rates (0 to 1) in percentage points, signed, in the current
    language: "+6,0" in Spanish."""
    sign = "+" if difference > 0 else "\N{MINUS SIGN}" if difference < 0 else ""
    return f"{sign}{formats.number_format(round(abs(difference) * 100, 1), 1, use_l10n=True)}"


@dataclass(frozen=True)
class Row:
    """One variant: its figures and rates, and how it compares with the leader on the
    test's metric (None for the leader itself)."""

    tally: ab.Tally
    rates: dict[str, float | None]
    is_leader: bool
    is_winner: bool
    # This variant's rate minus the leader's, 0 to 1 (zero or negative).
    difference: float | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 1 - CONFIDENCE

    @property
    def points(self) -> str:
        return points(self.difference) if self.difference is not None else ""

    @property
    def verdict(self) -> str:
        """Whether its difference from the leader could be chance, in plain words."""
        if self.is_leader:
            return ""
        if self.p_value is None:
            return _("Nothing sent yet to compare.")
        if self.significant:
            return _("The difference is larger than chance would give (%(level)s confidence).") % {
                "level": f"{round(CONFIDENCE * 100)} %"
            }
        return _(
            "The difference could be due to chance: these messages are not enough to say "
            "which variant is better."
        )


@dataclass(frozen=True)
class Comparison:
    test: AbTest
    rows: list[Row]
    leader: int

    @property
    def chart(self) -> dict[str, object]:
        """The rates of each variant, for the project's bar chart (account-charts.js)."""
        return {
            "type": "bar",
            "percent": True,
            "labels": [row.tally.letter for row in self.rows],
            "datasets": [
                {"label": str(metric.label), "data": [row.rates[metric] for row in self.rows]}
                for metric in METRICS
            ],
        }


def compare(test: AbTest) -> Comparison:
    """The test's variants side by side, each compared with the leader on its metric."""
    tallies = ab.tallies(test)
    leader_number = ab.leader(test, tallies)
    leader = next(tally for tally in tallies if tally.number == leader_number)
    metric = test.metric
    rows = []
    for tally in tallies:
        is_leader = tally.number == leader_number
        difference = None
        p_value = None
        if not is_leader:
            if tally.sent and leader.sent:
                difference = (tally.rate(metric) or 0.0) - (leader.rate(metric) or 0.0)
            p_value = two_proportion_p_value(
                tally.count(metric), tally.sent, leader.count(metric), leader.sent
            )
        rows.append(
            Row(
                tally=tally,
                rates={name: tally.rate(name) for name in METRICS},
                is_leader=is_leader,
                is_winner=test.winner == tally.number,
                difference=difference,
                p_value=p_value,
            )
        )
    return Comparison(test=test, rows=rows, leader=leader_number)
