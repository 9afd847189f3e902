"""The risk ranking in use and its backtest, as the page, the command line and the store see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd


@dataclass
class CandidateResult:
    """One candidate's backtest: ROC AUC per test date (None where it could not be measured),
    their mean, the mean precision in the top 10 %, and the message key of why it could not be
    fitted (None when it could)."""

    name: str
    aucs: list[float | None] = field(default_factory=list)
    mean_auc: float | None = None
    top_precision: float | None = None
    reason: str | None = None


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype=object), "risk_score": pd.Series(dtype="float64")})


@dataclass
class RiskRanking:
    """The chosen risk ranking as of a date, its backtest and its scores.

    trained: a ranking exists (False only on an empty store, reason "no_data"). chosen: the
    candidate in use; chosen_reason: a message key saying why. candidates: every candidate's
    backtest at test_dates. list_backtest: per test date the action list's listed customers,
    precision and value_recall. messages: message keys of what could not be fitted or read.
    scores: customer_id, risk_score (probability of no order in the next horizon_days) for every
    customer with an order in the 365 days up to as_of. ranker: the fitted ranking (score())."""

    as_of: date | None
    trained: bool
    reason: str | None = None
    horizon_days: int = 90
    chosen: str | None = None
    chosen_reason: str | None = None
    test_dates: list[date] = field(default_factory=list)
    candidates: list[CandidateResult] = field(default_factory=list)
    list_backtest: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    test_rows: int = 0
    test_positive_share: float | None = None
    train_rows: int = 0
    seconds: float = 0.0
    stored: bool = False
    ranker: Any | None = field(default=None, repr=False)
    scores: pd.DataFrame = field(default_factory=_empty_scores, repr=False)

    def candidate(self, name: str) -> CandidateResult | None:
        return next((c for c in self.candidates if c.name == name), None)

    @property
    def auc(self) -> float | None:
        chosen = self.candidate(self.chosen or "")
        return chosen.mean_auc if chosen else None

    @property
    def top_precision(self) -> float | None:
        chosen = self.candidate(self.chosen or "")
        return chosen.top_precision if chosen else None

    @property
    def baseline_auc(self) -> float | None:
        base = self.candidate("days_since_last_order")
        return base.mean_auc if base else None

    @property
    def baseline_top_precision(self) -> float | None:
        base = self.candidate("days_since_last_order")
        return base.top_precision if base else None

    @property
    def test_snapshot(self) -> date | None:
        return self.test_dates[0] if self.test_dates else None

    @property
    def model(self) -> Any | None:
        return self.ranker

    @property
    def beats_baseline(self) -> bool | None:
        if self.auc is None or self.baseline_auc is None:
            return None
        return self.auc > self.baseline_auc

    def backtest(self) -> pd.DataFrame:
        """Every candidate's backtest as a table: candidate, chosen, auc_<date> per test date (the
        latest first), mean_auc, top_precision, reason."""
        rows = []
        for c in self.candidates:
            row: dict[str, Any] = {"candidate": c.name, "chosen": c.name == self.chosen}
            for d, value in zip(self.test_dates, c.aucs, strict=False):
                row[f"auc_{d.isoformat()}"] = value
            row.update(mean_auc=c.mean_auc, top_precision=c.top_precision, reason=c.reason)
            rows.append(row)
        return pd.DataFrame(rows)

    def list_figures(self) -> pd.DataFrame:
        """The action list's backtest: test_date, listed, precision, value_recall."""
        columns = ["test_date", "listed", "precision", "value_recall"]
        return pd.DataFrame(self.list_backtest, columns=columns)

    def to_json(self) -> dict[str, Any]:
        """The backtest (everything but the ranker and the scores) as JSON-ready values."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "trained": self.trained,
            "reason": self.reason,
            "horizon_days": self.horizon_days,
            "chosen": self.chosen,
            "chosen_reason": self.chosen_reason,
            "test_dates": [d.isoformat() for d in self.test_dates],
            "candidates": [vars(c) for c in self.candidates],
            "list_backtest": [
                {**row, "test_date": row["test_date"].isoformat()} for row in self.list_backtest
            ],
            "messages": list(self.messages),
            "test_rows": self.test_rows,
            "test_positive_share": self.test_positive_share,
            "train_rows": self.train_rows,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], ranker: Any, scores: pd.DataFrame) -> RiskRanking:
        return cls(
            as_of=date.fromisoformat(data["as_of"]) if data["as_of"] else None,
            trained=data["trained"],
            reason=data["reason"],
            horizon_days=data["horizon_days"],
            chosen=data["chosen"],
            chosen_reason=data["chosen_reason"],
            test_dates=[date.fromisoformat(d) for d in data["test_dates"]],
            candidates=[CandidateResult(**c) for c in data["candidates"]],
            list_backtest=[
                {**row, "test_date": date.fromisoformat(row["test_date"])} for row in data["list_backtest"]
            ],
            messages=list(data["messages"]),
            test_rows=data["test_rows"],
            test_positive_share=data["test_positive_share"],
            train_rows=data["train_rows"],
            seconds=data["seconds"],
            stored=True,
            ranker=ranker,
            scores=scores,
        )


# The names the warning page and the tests knew before the rolling backtest.
TrainedModel = RiskRanking
RiskAssessment = RiskRanking
Backtest = RiskRanking
