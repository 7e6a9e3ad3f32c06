"""Targets: defaults, per-year rules, committee posts, the on-roll test and pro-rating by months."""

from __future__ import annotations

import datetime as dt

import pytest

from services.assessment import targets
from services.errors import ValidationError
from services.safety.storage import Database

D = dt.date


@pytest.mark.parametrize(("joined", "joined_org", "left", "year", "months"), [
    ("2000-07", None, None, 2023, 12),
    ("2023-06-28", None, None, 2023, 7),  # joined 28 Jun: on the roll at the end of June … December
    ("2023-06", None, None, 2023, 7),  # month only: the first of the month
    ("2000-01", "2023-06-28", None, 2023, 7),  # the later of the two dates
    ("2000-01", None, "2023-06-30", 2023, 6),  # left 30 Jun: January … June
    ("2000-01", None, "2023-06-29", 2023, 5),  # left before the end of June
    ("2000-01", None, "2023-06", 2023, 6),  # month only: the last day of the month
    ("2023-12-31", None, None, 2023, 1),
    ("2024-01-01", None, None, 2023, 0),
    ("2000-01", None, "2022-12-31", 2023, 0),
    ("2023-03-15", None, "2023-09-30", 2023, 7),  # March … September
])
def test_months_on_the_roll(joined: str, joined_org: str | None, left: str | None, year: int, months: int) -> None:
    span = targets.roll_span(joined, joined_org, left, "转出" if left else "在册")
    assert span.months_in_year(year) == months


def test_on_roll_in_year_rule() -> None:
    assert targets.roll_span("2023-12-31", None, None).on_roll_in_year(2023)
    assert not targets.roll_span("2024-01-01", None, None).on_roll_in_year(2023)
    assert targets.roll_span("2000-01", None, "2023-01-01", "转出").on_roll_in_year(2023)
    assert not targets.roll_span("2000-01", None, "2022-12-31", "转出").on_roll_in_year(2023)
    assert targets.roll_span(None, None, None).on_roll_in_year(1990)
    # Left without a date: the data cannot say when, so never counted.
    assert not targets.roll_span("2000-01", None, None, "去世").on_roll_in_year(2023)


def test_months_restricted_to_a_period() -> None:
    span = targets.roll_span("2024-03-15", None, None)
    assert span.months_in_year(2024, D(2024, 1, 1), D(2024, 6, 30)) == 4
    assert span.months_in_year(2024, D(2024, 1, 1), D(2024, 6, 29)) == 3


def test_defaults_and_prorating(db: Database) -> None:
    with db.session_factory() as s:
        yt = targets.load_year_targets(s, 2023)
    assert yt.target_for(None).hours == 32
    secretary = yt.target_for("支部书记")
    assert (secretary.hours, secretary.class_required, secretary.group) == (56, True, "committee")
    assert yt.target_for("支部副书记、纪检委员").hours == 56
    assert yt.target_for("党小组长").hours == 32
    assert yt.target_for(None, 7).hours == round(32 * 7 / 12, 2) == 18.67
    assert yt.target_for("组织委员", 6).hours == 28
    assert yt.rules["bureau"].enabled is False


def test_rules_per_year_and_group(db: Database) -> None:
    with db.session_factory.begin() as s:
        targets.set_rule(s, "tester", 2023, "bureau", 50)
        targets.set_rule(s, "tester", 2025, "all", 32, enabled=False)
        targets.set_rule(s, "tester", 2025, "committee", 56, enabled=False)
        targets.set_extra_committee_posts(s, "tester", ["青年委员"])
    with db.session_factory() as s:
        y23 = targets.load_year_targets(s, 2023)
        y24 = targets.load_year_targets(s, 2024)
        y25 = targets.load_year_targets(s, 2025)
    assert y23.target_for(None).hours == 50  # the bureau's own, higher target
    assert y23.target_for("支部书记").hours == 56
    assert y23.target_for("青年委员").hours == 56  # a post the office added
    assert y24.target_for(None).hours == 32  # 2023's rule does not leak into 2024
    assert y25.target_for("支部书记").hours is None  # no fixed number
    with db.session_factory.begin() as s, pytest.raises(ValidationError):
        targets.set_rule(s, "tester", 2025, "everyone", 10)


def test_excluded_types(db: Database) -> None:
    with db.session_factory.begin() as s:
        before = targets.countable_type_ids(s, 2024)
        targets.set_type_excluded(s, "tester", 2024, "自学", True)
        after = targets.countable_type_ids(s, 2024)
        assert len(before) - len(after) == 1
        assert targets.countable_type_ids(s, 2023) == before
        targets.set_type_excluded(s, "tester", 2024, "自学", False)
        assert targets.countable_type_ids(s, 2024) == before
