"""The estimation model on hand-made inputs: the CIF/FOB rule, the band, carried shares,
shares, rank ranges and blocs (pure functions: no store)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cistrade.errors import InputError
from cistrade.estimate.model import (
    Figure,
    Gap,
    Known,
    Method,
    Report,
    Settings,
    bloc_row,
    estimate,
    flow_estimate,
    rank_ranges,
    rank_text,
    share_rows,
)

B = 1e9


def reports() -> list[Report]:
    """Three partners of a target T: A reports both flows, B only its exports to T."""
    return [Report("A", "import", 10 * B, "FOB", "imf"), Report("A", "export", 21.2 * B, "CIF", "imf"),
            Report("B", "import", 5 * B, "FOB", "eurostat"), Report("C", "export", 1 * B, "CIF", "kz-bns")]


def test_the_point_is_the_dots_rule() -> None:
    est = estimate("T", "2024", 2024, reports())
    a = est.partners["A"]
    assert a.flows["import"].figure.value == pytest.approx(10.6 * B)  # exports × 1.06
    assert a.flows["export"].figure.value == pytest.approx(20 * B)  # imports ÷ 1.06
    assert a.flows["import"].method is Method.MIRROR and a.flows["import"].factor == 1.06
    assert a.figure("turnover").value == pytest.approx(30.6 * B)
    assert est.partners["B"].figure("export") == Figure.zero()
    assert est.partners["B"].sources() == ["eurostat"]


def test_the_factor_is_configurable_and_other_valuations_are_kept() -> None:
    est = estimate("T", "2024", 2024, reports(), settings=Settings(cif_fob=1.0))
    assert est.partners["A"].flows["import"].figure.value == pytest.approx(10 * B)
    odd = flow_estimate(Report("X", "import", 7.0, "CIF"), None, Settings())
    assert (odd.figure.value, odd.figure.low, odd.figure.high, odd.factor) == (7.0, 7.0, 7.0, 1.0)
    with pytest.raises(InputError):
        Settings(cif_fob_range=(1.1, 1.0))
    with pytest.raises(InputError):
        flow_estimate(Report("X", "re-export", 1.0, "FOB"), None, Settings())


def test_the_band_is_the_cif_fob_range_and_the_historical_gap() -> None:
    plain = flow_estimate(Report("A", "import", 100.0, "FOB"), None, Settings())
    assert (plain.figure.low, plain.figure.high) == pytest.approx((100.0, 110.0))
    exp = flow_estimate(Report("A", "export", 110.0, "CIF"), None, Settings())
    assert (exp.figure.low, exp.figure.high) == pytest.approx((100.0, 110.0))
    gap = Gap("A", "import", ((2019, 0.9), (2020, 1.25), (2021, 1.05)))
    wide = flow_estimate(Report("A", "import", 100.0, "FOB"), gap, Settings())
    assert (wide.figure.value, wide.figure.low, wide.figure.high) == pytest.approx((106, 90, 125))
    assert wide.gap == (0.9, 1.25)
    off = flow_estimate(Report("A", "import", 100.0, "FOB"), gap, Settings(use_gap=False))
    assert off.figure.high == pytest.approx(110.0) and off.gap is None


def test_a_partner_without_a_report_carries_its_last_known_share() -> None:
    known = {("D", "import"): Known("D", "import", 0.10, 2021, rise=0.2),
             ("D", "export"): Known("D", "export", 0.05, 2021)}
    est = estimate("T", "2024", 2024, reports(), known=known,
                   published={"import": 200 * B, "export": 300 * B})
    d = est.partners["D"]
    assert d.flows["import"].method is Method.CARRIED
    assert d.flows["import"].figure.value == pytest.approx(20 * B)
    assert d.flows["import"].figure.low == 0
    assert d.flows["import"].figure.high == pytest.approx(0.10 * 1.2**3 * 200 * B)
    # no rise known: the default 10 % a year
    assert d.flows["export"].figure.high == pytest.approx(0.05 * 1.1**3 * 300 * B)
    assert est.coverage == {"export": 0.0, "import": 0.0}  # D is the only one known
    assert est.known_year == 2021


def test_without_a_published_total_the_carried_shares_gross_up_the_seen() -> None:
    known = {("D", "import"): Known("D", "import", 0.25, 2023)}
    est = estimate("T", "2024", 2024, reports(), known=known)
    seen = (10 + 5) * 1.06 * B
    assert est.partners["D"].flows["import"].figure.value == pytest.approx(seen / 0.75 * 0.25)
    assert est.total_basis("import") == "sum of the estimate"
    assert est.total("import").value == pytest.approx(seen / 0.75)


def test_shares_of_the_published_total_are_exact_ratios() -> None:
    est = estimate("T", "2024", 2024, reports(), published={"import": 100 * B, "export": 100 * B})
    rows = {r.partner: r for r in share_rows(est, "import")}
    assert rows["A"].share.value == pytest.approx(0.106)
    assert (rows["A"].share.low, rows["A"].share.high) == pytest.approx((0.10, 0.11))
    assert est.total("turnover").value == 200 * B


def test_shares_of_the_sum_of_the_estimate_add_to_one() -> None:
    est = estimate("T", "2024", 2024, reports())
    rows = share_rows(est)
    assert sum(r.share.value for r in rows) == pytest.approx(1.0)
    for r in rows:
        assert r.share.low <= r.share.value <= r.share.high
    assert [r.partner for r in rows] == ["A", "B", "C"]


def test_ranks_only_where_the_band_separates() -> None:
    bands = {"A": Figure(10, 9, 11), "B": Figure(8, 7.5, 9.5), "C": Figure(2, 1, 3)}
    assert rank_ranges(bands) == {"A": (1, 2), "B": (1, 2), "C": (3, 3)}
    assert rank_text(1, 2) == "1–2" and rank_text(3, 3) == "3"
    est = estimate("T", "2024", 2024, reports())
    rows = share_rows(est, rankable=["A", "B"])
    assert [r.rank_text for r in rows] == ["1", "2", None]


def test_bloc_members_reporting_carried_and_unknown() -> None:
    known = {("D", "import"): Known("D", "import", 0.10, 2021),
             ("A", "import"): Known("A", "import", 0.05, 2021),
             ("A", "export"): Known("A", "export", 0.05, 2021)}
    pub = {"import": 100 * B, "export": 100 * B}
    est = estimate("T", "2024", 2024, reports(), known=known, published=pub)
    row = bloc_row(est, "X", ["A", "D", "E", "T"], "import")
    assert row.reporting == ("A",) and row.carried == ("D",) and row.unknown == ("E",)
    # E has no figure at all: the top is all of the total not surely another partner's
    assert row.value.high == pytest.approx(100 * B - 5 * B)  # B's low at factor 1.00
    assert row.coverage == pytest.approx(0.05 / 0.15)
    closed = bloc_row(est, "X", ["A", "D"], "import")
    assert closed.unknown == () and closed.share.high == pytest.approx(closed.value.high / (100 * B))
    open_ = bloc_row(estimate("T", "2024", 2024, reports(), known=known), "X", ["A", "E"], "import")
    assert open_.value.high is None and open_.share.high is None


def test_a_group_remainder_is_carried_like_a_partner() -> None:
    pub = {"import": 100 * B, "export": 100 * B}
    est = estimate("T", "2024", 2024, reports(), published=pub)
    rem = {"import": Known("rest of X", "import", 0.2, 2021, rise=0.0)}
    row = bloc_row(est, "X", ["A", "E"], "import", remainder=rem)
    assert row.value.value == pytest.approx(10.6 * B + 20 * B)
    assert row.value.high == pytest.approx(11 * B + 20 * B)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(1e6, 1e11), st.floats(1.0, 1.1), st.sampled_from(["import", "export"])),
                min_size=1, max_size=20))
def test_truth_within_the_models_assumptions_is_inside_the_band(pairs: list) -> None:
    """Whatever the true CIF/FOB margin within 1.00–1.10, the truth is inside every band and
    inside the share's band of a published total."""
    reps, truth = [], {}
    for i, (fob, margin, flow) in enumerate(pairs):
        p = f"P{i}"
        if flow == "import":  # the partner exports FOB; the target records CIF
            reps.append(Report(p, "import", fob, "FOB"))
            truth[p] = fob * margin
        else:  # the partner imports CIF; the target records FOB
            reps.append(Report(p, "export", fob * margin, "CIF"))
            truth[p] = fob
    total = sum(truth.values()) * 1.3
    est = estimate("T", "2024", 2024, reps, published={"import": total / 2, "export": total / 2})
    for r in share_rows(est):
        assert r.value.contains(truth[r.partner], rel=1e-9)
        assert r.share.contains(truth[r.partner] / total, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 50), st.booleans()), min_size=1,
                max_size=30))
def test_rank_ranges_count_the_bands_above(items: list) -> None:
    bands = {f"P{i}": Figure(lo, lo, None if open_ else lo + w) for i, (lo, w, open_) in enumerate(items)}
    got = rank_ranges(bands)
    for p, f in bands.items():
        hi = float("inf") if f.high is None else f.high
        surely = sum(1 for q, g in bands.items() if q != p and g.low > hi)
        maybe = sum(1 for q, g in bands.items() if q != p and (g.high is None or g.high > f.low))
        assert got[p] == (1 + surely, 1 + maybe)
