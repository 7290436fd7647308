"""Hand-written claims in YAML and JSON, and telling them from text (cistrade.claims.io)."""

from __future__ import annotations

import json

import pytest

from cistrade.claims import ClaimKind, dump_claims, extract_claims, load_claims, read_input
from cistrade.claims.io import claims_from_data, decode, looks_structured
from cistrade.errors import InputError, UnknownCountry

YAML = """\
- text: Russia's share of Kazakhstan's trade in 2023 was 19.4%, second after China
  kind: share
  reporter: Kazakhstan
  partner: Russia
  period: "2023"
  value: 19.4%
  rank: 2
- reporter: Армения
  bloc: ЕАЭС
  period: January–September 2024
  value: more than a third
- kind: growth
  reporter: KZ
  partner: CHN
  flow: export
  period: 2024-01..2024-09
  value: -over 5%
- kind: role
  partner: Russia
  bloc: CIS
  period: latest
"""


def test_yaml_claims():
    share, bloc, growth, role = load_claims(YAML)
    assert share.key() == ("share", "KAZ", "RUS", None, "2023", (19.4, "exact"), 2)
    assert (bloc.kind, bloc.reporter, bloc.bloc, str(bloc.period)) == (
        ClaimKind.BLOC_SHARE, "ARM", "EAEU", "2024-01..2024-09")
    assert growth.stated.high == -5 and growth.flow.value == "export"
    assert role.period is None and role.rank == 1 and role.flow.value == "import"


def test_json_claims_and_round_trip():
    doc = {"claims": [{"reporter": "KAZ", "partner": "RUS", "period": "2023", "value": 19.4,
                       "rank": "second"}]}
    (claim,) = read_input(json.dumps(doc).encode())
    assert claim.key() == ("share", "KAZ", "RUS", None, "2023", (19.4, "exact"), 2)
    found = extract_claims("In January–September 2024 Armenia's exports to the EU dropped by "
                           "over 12%, while Russia's share of its trade rose to 41.1%.")
    again = claims_from_data(dump_claims(found))
    assert [c.key() for c in again] == [c.key() for c in found]


def test_text_and_claim_files_are_told_apart_by_content():
    assert looks_structured(YAML) and looks_structured('[{"reporter": "KAZ"}]')
    assert not looks_structured("Russia's share of Kazakhstan's trade was 19.4% in 2023.")
    (claim,) = read_input("- reporter: KAZ\n  partner: RUS\n  period: '2023'\n  rank: 2\n")
    assert claim.kind is ClaimKind.RANK
    bullets = "- Russia's share of Kazakhstan's trade was 19.4% in 2023.\n- Inflation: 7%\n"
    assert not looks_structured(bullets)
    assert [c.partner for c in read_input(bullets)] == ["RUS"]


@pytest.mark.parametrize(("text", "error", "words"), [
    ("- reporter: Narnia\n  partner: Russia\n  value: 5%\n", UnknownCountry, "Narnia"),
    ("- reporter: KAZ\n  partner: RUS\n  period: 2024-13\n  value: 5%\n", InputError, "period"),
    ("- reporter: KAZ\n  partner: RUS\n  period: sometime\n  value: 5%\n", InputError, "period"),
    ("- reporter: KAZ\n  partner: RUS\n  value: lots\n", InputError, "not a stated value"),
    ("- reporter: KAZ\n  partner: RUS\n", InputError, "needs a value"),
    ("- kind: share\n  reporter: KAZ\n  partner: RUS\n", InputError, "needs value"),
    ("- reporter: KAZ\n  colour: red\n", InputError, "unknown field"),
    ("- reporter: KAZ\n  bloc: Atlantis\n  value: 5%\n", InputError, "unknown bloc"),
    ("- reporter: CIS\n  partner: RUS\n  value: 5%\n", InputError, "is a bloc"),
    ("[1, 2", InputError, "not valid YAML/JSON"),
    ("- [1, 2]\n", InputError, "claim 1 is not a mapping"),
])
def test_bad_claim_files_name_the_claim_and_field(text, error, words):
    with pytest.raises(error) as info:
        read_input(text.encode(), name="claims.yaml")
    message = str(info.value)
    assert words in message and "claims.yaml" in message


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"), (b"   \n\t", "empty"), (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
    (b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4, "binary"),
])
def test_empty_and_binary_input(data, words):
    with pytest.raises(InputError, match=words):
        decode(data, name="x")


RU = "Доля России во внешнеторговом обороте Казахстана в 2023 году составила 19,4%."
EN = "Kazakhstan\u2019s exports to T\u00fcrkiye rose by 5% \u201cin 2023\u201d \u2013 a record."


@pytest.mark.parametrize(("data", "text", "used"), [
    (RU.encode("utf-8"), RU, "utf-8"),
    (b"\xef\xbb\xbf" + RU.encode("utf-8"), RU, "utf-8"),
    (RU.encode("utf-16"), RU, "utf-16"),
    # Russian texts saved on Windows, or by old mail and web tools; English with curly quotes
    (RU.encode("cp1251"), RU, "cp1251"),
    (RU.encode("koi8_r"), RU, "koi8_r"),
    (EN.encode("cp1252"), EN, "cp1252"),
])
def test_texts_in_legacy_encodings_are_read(data, text, used):
    from cistrade.claims.io import decode_text

    assert decode_text(data, name="x.txt") == (text, used)
    assert read_input(data, name="x.txt")[0].reporter == "KAZ"


def test_a_named_encoding_wins_and_a_wrong_one_is_said():
    from cistrade.claims.io import decode_text

    assert decode_text(RU.encode("cp1251"), name="x", encoding="cp1251")[0] == RU
    with pytest.raises(InputError, match="not utf-8 text"):
        decode_text(RU.encode("cp1251"), name="x", encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        decode_text(b"abc", name="x", encoding="klingon")


def test_hand_written_value_claims():
    (claim,) = read_input(b"- reporter: Kazakhstan\n  partner: Russia\n  period: '2023'\n"
                          b"  value: $27 billion\n", name="v.yaml")
    assert claim.kind is ClaimKind.VALUE and claim.stated.unit == "USD"
    assert (claim.stated.low, claim.stated.high) == (26.5e9, 27.5e9)
    (ru,) = read_input('- reporter: KAZ\n  value: "более 130 млрд долларов"\n'.encode(), name="v")
    assert ru.kind is ClaimKind.VALUE and ru.stated.low == 130e9 and ru.stated.high is None


@pytest.mark.parametrize(("text", "words"), [
    ("- kind: value\n  reporter: KAZ\n  value: 19.4%\n", "is not an amount of money"),
    ("- kind: share\n  reporter: KAZ\n  partner: RUS\n  value: $5 billion\n", "is an amount"),
    ("- reporter: KAZ\n  value: -$5 billion\n", "not negative"),
])
def test_bad_value_claims_name_the_field(text, words):
    with pytest.raises(InputError, match=words) as info:
        read_input(text.encode(), name="claims.yaml")
    assert "claims.yaml" in str(info.value) and "row 1" in str(info.value)


def test_a_hand_written_bloc_rank():
    (claim,) = read_input(b"- reporter: KAZ\n  bloc: EU\n  rank: first\n  period: '2023'\n",
                          name="r.yaml")
    assert (claim.kind, claim.bloc, claim.partner, claim.rank) == (ClaimKind.RANK, "EU", None, 1)


# -- hostile content (issue #14): a clear error or plain text, never a traceback ---------------

HUGE = "1" * 4301  # one digit past Python's int-conversion limit (4 300)


@pytest.mark.parametrize("text", [HUGE, "- " + HUGE, f"Trade rose {HUGE}% in 2023.",
                                  "- " * 3000 + "a"])
def test_text_that_yaml_cannot_read_safely_is_text(text):
    assert not looks_structured(text)
    assert read_input(text.encode(), name="t.txt") == []


@pytest.mark.parametrize(("text", "words"), [
    (f"[{HUGE}]", "more digits than any figure"),
    ('{"claims": [{"reporter": "KAZ", "rank": ' + HUGE + "}]}", "more digits than any figure"),
    (f"- reporter: KAZ\n  partner: RUS\n  rank: {HUGE}\n", "more digits than any figure"),
    ("[" * 20000 + "]" * 20000, "nested too deep"),
    ("[" * 20000, "nested too deep"),
    (f"- reporter: KAZ\n  partner: RUS\n  rank: '{HUGE}'\n", "rank: a whole number"),
])
def test_hostile_claim_files_are_clear_errors(text, words):
    with pytest.raises(InputError, match=words) as info:
        read_input(text.encode(), name="claims.yaml")
    assert "claims.yaml" in str(info.value)


def test_claim_files_are_read_with_a_safe_loader(tmp_path):
    """A YAML tag that would run code in an unsafe loader is refused, not run."""
    marker = tmp_path / "ran"
    text = f"- !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(InputError):
        load_claims(text, name="claims.yaml")
    assert not marker.exists()
