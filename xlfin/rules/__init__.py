"""The validator: rules with stable ids over a Book (pure core, no I/O)."""

from xlfin.rules import cross, inputs, review, structure, totals  # noqa: F401  (registration)
from xlfin.rules.engine import RULES, Finding, Report, Rule, run

__all__ = ["RULES", "Finding", "Report", "Rule", "run"]
