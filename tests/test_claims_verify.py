"""Verdict logic with injected fake indicator functions (no store needed)."""

from __future__ import annotations

import pytest

from cistrade.claims import (
    VerdictKind,
    Verifier,
    check_text,
    claim_from_dict,
)
from cistrade.errors import NoData
from cistrade.indicators import Result

KZ_AVAILABLE = {"reporter": "KAZ", "sources": [{
    "source": "kz-bns", "datasets": ["kz-bns-1"], "freqs": {"annual": {"first": "2018", "last": "2023"}},
    "first": "2018-01-01", "last": "2023-12-31"}]}
AM_AVAILABLE = {"reporter": "ARM", "sources": [{
    "source": "am-armstat", "datasets": ["am-1"], "freqs": {"monthly": {"first": "2007-01", "last": "2024-12"}},
    "first": "2007-01-01", "last": "2024-12-31"}]}
DATASET = {"id": "kz-bns-1", "source": "kz-bns", "vintage": "2023", "file": "by_country_2023.xls"}


def _share_rows(reporter, table, certain=True):
    return [{"reporter": reporter, "partner": p, "share": s, "rank": r, "basis": "reported",
             "partner_basis": "origin", "rank_certain": certain} for p, s, r in table]


#: what the fake's figures cover: like the indicators' query.coverage (issue #13 §2); the
#: verifier judges nothing without it
COMPLETE = {"total_basis": "published world total", "complete": True, "partners_listed": 150,
            "covered": 1.0}
PARTIAL = {"total_basis": "sum of listed partners (partial table)", "complete": False,
           "partners_listed": 29, "covered": None}


class Fake:
    """Indicator functions over a few canned answers; anything else is NoData."""

    def __init__(self):
        self.calls = []
        self.shares = {
            ("KAZ", "2023"): [("CHN", 0.215, 1), ("RUS", 0.194, 2)],
            ("ARM", "2024-01..2024-09"): [("RUS", 0.418, 1), ("ARE", 0.19, 2)],
        }
        self.growths = {("RUS", "2024-01..2024-09", "CIS"): 0.105,
                        ("KAZ", "2023", "CHN"): 0.12}
        self.members = [{"member": m, "status": "reported"} for m in ("ARM", "KAZ", "BLR")]
        self.coverage = {"KAZ": COMPLETE, "ARM": COMPLETE}
        self.certain = True

    def _missing(self, reporter, period):
        raise NoData(f"no data for {reporter} in {period}", available={"reporter": reporter})

    def share(self, eng, reporter, period, flow="turnover"):
        self.calls.append(("share", reporter, period, flow))
        if (reporter, period) not in self.shares:
            self._missing(reporter, period)
        return Result("share", {"reporter": reporter, "period": period,
                                "coverage": {reporter: self.coverage.get(reporter, PARTIAL)}},
                      _share_rows(reporter, self.shares[reporter, period], self.certain),
                      [DATASET], ["a note"])

    def bloc_share(self, eng, reporter, bloc, period, flow="turnover"):
        if (reporter, period) != ("KAZ", "2023"):
            self._missing(reporter, period)
        rows = [{"partner": "G:EAEU", "share": 0.25, "aggregate": True, "basis": "reported"},
                {"partner": "RUS", "share": 0.194, "aggregate": False}]
        coverage = {**COMPLETE, "method": "members", "members_missing": []}
        return Result("bloc_share", {"coverage": {reporter: coverage}, "members": ["RUS"]},
                      rows, [DATASET])

    def growth(self, eng, reporter, period, partner=None, flow="turnover"):
        key = (reporter, period, partner)
        if key not in self.growths:
            self._missing(reporter, period)
        return Result("growth", {}, [{"growth": self.growths[key], "basis": "reported"}], [DATASET])

    def roles(self, eng, group, period, *, top=10):
        rows = [{"partner": "RUS", "supplier_rank": 1, "supplier_share": 0.3, "market_rank": 2,
                 "market_share": 0.2, "basis": "reported"}]
        return Result("roles", {}, rows, [DATASET], sections={"members": self.members})

    def availability(self, eng, reporter):
        return {"KAZ": KZ_AVAILABLE, "ARM": AM_AVAILABLE}.get(
            reporter, {"reporter": reporter, "sources": []})


@pytest.fixture
def fake():
    return Fake()


def verify(fake, **claim):
    return Verifier(object(), indicators=fake).verify(claim_from_dict(claim))


def test_supported_within_precision_and_rank(fake):
    v = verify(fake, kind="share", reporter="Kazakhstan", partner="Russia", period="2023",
               value="19.4%", rank=2)
    assert v.verdict is VerdictKind.SUPPORTED
    assert v.computed == pytest.approx(19.4) and v.computed_rank == 2
    assert v.basis == "reported, origin" and v.datasets == [DATASET]


def test_close_within_one_point(fake):
    v = verify(fake, reporter="ARM", partner="RUS", period="2024-01..2024-09", value="41.1%", rank=1)
    assert v.verdict is VerdictKind.CLOSE
    assert v.difference == pytest.approx(0.7) and "0.7 points above" in v.message


@pytest.mark.parametrize(("value", "rank", "why"), [("25%", 2, "points below"),
                                                   ("19.4%", 1, "not first")])
def test_contradicted_by_value_or_rank(fake, value, rank, why):
    v = verify(fake, reporter="KAZ", partner="RUS", period="2023", value=value, rank=rank)
    assert v.verdict is VerdictKind.CONTRADICTED and why in v.message


def test_rank_only_claims(fake):
    assert verify(fake, kind="rank", reporter="KAZ", partner="CHN", period="2023",
                  rank=1).verdict is VerdictKind.SUPPORTED
    assert verify(fake, kind="rank", reporter="KAZ", partner="RUS", period="2023",
                  rank=1).verdict is VerdictKind.CONTRADICTED


@pytest.mark.parametrize(("stated", "verdict"), [
    ("over 10%", VerdictKind.SUPPORTED), ("over 11%", VerdictKind.CLOSE),
    ("15%", VerdictKind.CONTRADICTED), ("10.5%", VerdictKind.SUPPORTED)])
def test_growth_tolerance_is_ten_percent_of_the_stated_rate(fake, stated, verdict):
    v = verify(fake, kind="growth", reporter="RUS", bloc="CIS", period="2024-01..2024-09",
               value=stated)
    assert v.verdict is verdict
    assert v.tolerance == pytest.approx(0.1 * abs(float(stated.split()[-1].rstrip("%"))))


def test_unverifiable_says_what_exists_and_gives_context(fake):
    v = verify(fake, reporter="Kazakhstan", partner="Russia", period="2024-01..2024-09",
               value="18.7%", rank=2)
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert "no data for Kazakhstan in 2024-01..2024-09" in v.message
    assert "available: kz-bns annual 2018–2023" in v.message
    assert v.context == "in 2023 Russia was second with 19.4%"
    assert "BNS Kazakhstan (stat.gov.kz)" in v.message


def test_unverifiable_without_any_data_names_the_office(fake):
    v = verify(fake, reporter="Belarus", partner="Russia", period="2024-01..2024-09",
               value="52.7%", rank=1)
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert v.message == ("no data for Belarus in 2024-01..2024-09; available: none; "
                         "Belstat (belstat.gov.by) publishes this")


def test_no_period_means_the_latest_full_year(fake):
    v = verify(fake, reporter="KAZ", partner="CHN", rank=1)
    assert v.verdict is VerdictKind.SUPPORTED and v.period == "2023"
    assert "latest data: 2023" in v.message
    assert fake.calls[-1] == ("share", "KAZ", "2023", "turnover")


def test_partner_missing_from_the_data_is_unverifiable(fake):
    v = verify(fake, reporter="KAZ", partner="Brazil", period="2023", value="1%")
    assert v.verdict is VerdictKind.UNVERIFIABLE and "does not appear" in v.message


def test_bloc_share_uses_the_bloc_row(fake):
    v = verify(fake, reporter="KAZ", bloc="EAEU", period="2023", value="about a quarter")
    assert v.verdict is VerdictKind.SUPPORTED and v.computed == pytest.approx(25)


def test_role_needs_half_the_members_reporting(fake):
    claim = {"kind": "role", "partner": "Russia", "bloc": "CIS", "period": "2024"}
    assert verify(fake, **claim).verdict is VerdictKind.SUPPORTED
    fake.members = [{"member": "ARM", "status": "reported"},
                    *({"member": m, "status": "mirror"} for m in ("KAZ", "BLR", "UZB"))]
    v = verify(fake, **claim)
    assert v.verdict is VerdictKind.UNVERIFIABLE and "only 1 of the 4" in v.message
    assert "Russia ranks first" in v.context


def test_role_needs_every_member_covered(fake):
    """§2: a member with no data at all (neither its own nor its partners' reports) leaves the
    group's ranking uncovered, however many of the others report."""
    claim = {"kind": "role", "partner": "Russia", "bloc": "CIS", "period": "2024"}
    fake.members = [*({"member": m, "status": "reported"} for m in ("ARM", "KAZ", "BLR")),
                    {"member": "TKM", "status": "none"}]
    v = verify(fake, **claim)
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert "3 of the 4" in v.message and "TKM not at all" in v.message


def test_verdict_json_object(fake):
    v = verify(fake, reporter="ARM", partner="RUS", period="2024-01..2024-09", value="41.1%",
               rank=1, text="Russia … Armenia (41.1%)")
    d = v.to_dict()
    for key in ("text", "kind", "reporter", "partner", "period", "stated", "computed", "verdict",
                "difference", "datasets"):
        assert key in d
    assert d["verdict"] == "close" and d["stated"] == "41.1%, rank 1"
    assert d["period"] == "2024-01..2024-09" and d["datasets"][0]["file"] == "by_country_2023.xls"


def test_check_text_extracts_then_verifies(fake):
    verdicts = check_text("In 2023 Kazakhstan's trade with China grew by 12%.", object(),
                          indicators=fake)
    assert [(v.claim.kind.value, v.verdict.value) for v in verdicts] == [("growth", "supported")]


def test_evidence_rows_are_attached_when_the_indicators_offer_them(fake):
    fake.evidence = lambda eng, result, row, limit: [
        {"row_ref": "sheet=2023;row=14;col=D", "file": "by_country_2023.xls", "value": 1.0}]
    v = verify(fake, reporter="KAZ", partner="RUS", period="2023", value="19.4%")
    assert v.evidence == [{"file": "by_country_2023.xls", "row_ref": "sheet=2023;row=14;col=D",
                           "value": 1.0}]


def test_a_claim_that_cannot_be_computed_does_not_stop_the_others(fake):
    from cistrade.errors import MixedUnits

    def mixed(*args, **kwargs):
        raise MixedUnits("USD and EUR rows would be added")

    fake.bloc_share = mixed
    v = verify(fake, reporter="KAZ", bloc="EU", period="2023", value="30%")
    assert v.verdict is VerdictKind.UNVERIFIABLE and "USD and EUR" in v.message


@pytest.mark.parametrize(("computed", "verdict"), [
    (27.3e9, "supported"),  # within 26.5-27.5 bn
    (28.5e9, "close"),  # 1 bn above the interval; the tolerance is 5% of 27 bn = 1.35 bn
    (29.0e9, "contradicted"),
])
def test_a_value_claim_is_judged_in_its_currency(computed, verdict):
    from cistrade.claims.verdict import judge

    claim = claim_from_dict({"reporter": "KAZ", "partner": "RUS", "period": "2023",
                             "value": "$27 billion"})
    kind, text, difference, tolerance = judge(claim, computed, None)
    assert kind.value == verdict and tolerance == pytest.approx(1.35e9)
    assert difference == pytest.approx(computed - 27e9)
    assert "bn USD" in text and "$27 billion" in text


@pytest.mark.parametrize(("text", "computed", "said"), [
    ("Russia's imports from Germany fell by 20% in 2023.", -37.8, "below the stated -20% ("),
    ("Товарооборот Армении с Россией в 2024 году сократился в 2 раза.", -30.0,
     "above the stated -50% (в 2 раза)"),
    ("Russia's imports from Germany fell by over 20% in 2023.", -10.0,
     "above the stated fall of over 20%"),
    ("Kazakhstan's exports to China grew by 12% in 2023.", 15.0, "above the stated 12%"),
])
def test_a_stated_fall_is_shown_as_a_fall(text, computed, said):
    from cistrade.claims import extract_claims
    from cistrade.claims.verdict import judge

    (claim,) = extract_claims(text)
    assert said in judge(claim, computed, None)[1]


# -- verdicts that know their coverage (issue #13 §2) ------------------------------------------


def test_a_share_of_a_partial_table_is_not_judged(fake):
    fake.coverage["KAZ"] = PARTIAL
    v = verify(fake, reporter="KAZ", partner="RUS", period="2023", value="19.4%")
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert "partial table of 29 partners" in v.message and v.reasons
    assert v.coverage["total_basis"] == PARTIAL["total_basis"]
    assert v.coverage["complete"] is False


def test_a_rank_no_partner_left_out_could_beat_is_needed(fake):
    fake.certain = False
    fake.coverage["KAZ"] = {**COMPLETE, "complete": False, "partners_listed": 29}
    v = verify(fake, reporter="KAZ", partner="RUS", period="2023", value="19.4%", rank=2)
    assert v.verdict is VerdictKind.PARTIAL
    assert v.parts == {"value": "supported", "rank": "unverifiable"}
    assert "lists only 29 partners" in v.reasons[0]
    alone = verify(fake, kind="rank", reporter="KAZ", partner="CHN", period="2023", rank=1)
    assert alone.verdict is VerdictKind.UNVERIFIABLE


def test_a_claim_whose_period_the_text_leaves_unknown_is_not_checked_against_another(fake):
    (v,) = check_text("Kazakhstan's trade with China grew by 12% this year.", object(),
                      indicators=fake, date="2024-05-20")
    assert v.verdict is VerdictKind.UNVERIFIABLE and "does not say which period" in v.message
    assert not any(c[2] == "2023" for c in fake.calls)


def test_a_blocs_own_trade_is_not_added_up(fake):
    v = verify(fake, kind="value", bloc="EAEU", scope="within", period="2022",
               value="$84 billion")
    assert v.verdict is VerdictKind.UNVERIFIABLE and "among its members" in v.message


def test_every_verdict_carries_its_coverage_in_json(fake):
    d = verify(fake, reporter="KAZ", partner="RUS", period="2023", value="19.4%").to_dict()
    assert d["verdict"] == "supported"
    assert d["coverage"] == {"period": "2023", "total_basis": "published world total",
                             "complete": True, "partners_listed": 150, "rank_certain": True,
                             "side": "KAZ"}
    assert d["reasons"] == [] and d["parts"] == {}


def test_a_mutual_value_is_read_from_whichever_side_reports_the_pair(fake):
    fake.shares[("KAZ", "2023")] = [("CHN", 0.215, 1)]
    fake.shares[("ARM", "2023")] = [("KAZ", 0.01, 9)]
    original = fake.share

    def with_values(eng, reporter, period, flow="turnover"):
        r = original(eng, reporter, period, flow)
        rows = [{**row, "value": 5e9, "currency": "USD"} for row in r.rows]
        return Result("share", r.query, rows, r.datasets)

    fake.share = with_values
    v = verify(fake, kind="value", reporter="ARM", partner="KAZ", mutual=True, period="2023",
               value="$5 billion")
    assert v.verdict is VerdictKind.SUPPORTED and v.coverage["side"] == "ARM"
    flipped = verify(fake, kind="value", reporter="CHN", partner="KAZ", mutual=True,
                     period="2023", value="$5 billion")
    assert flipped.verdict is VerdictKind.SUPPORTED and flipped.coverage["side"] == "KAZ"
