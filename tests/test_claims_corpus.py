"""The real-sentence corpus (tests/data/claims/real.yaml, README.md beside it): well formed,
as large as issue #13 asks, split as its README says; and the extractor's figures on the
development part pinned, so that a change that loses ground shows. The held-out part is
only checked for form here: it is scored by benchmarks/extraction.py, never tuned to."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from cistrade.claims.evaluate import evaluate_corpus, load_corpus

CORPUS = Path(__file__).parent / "data" / "claims" / "real.yaml"

#: the development part's strict figures when these floors were set were precision 0.790
#: and recall 0.407; the floors leave room for noise-free small changes, not for losses
DEV_PRECISION, DEV_RECALL = 0.75, 0.38


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    return yaml.safe_load(CORPUS.read_text("utf-8"))


def test_size_and_sources(raw):
    articles = load_corpus(CORPUS)
    sentences = [s for a in articles for s in a.sentences]
    assert len(sentences) >= 300 and len(articles) >= 40
    assert {a.lang for a in articles} == {"en", "ru"}
    sites = {urlparse(a.url).netloc.removeprefix("www.") for a in articles}
    assert len(sites) >= 30, sites
    assert any(not s.gold for s in sentences)  # sentences without claims measure precision
    assert all(e.get("publisher") for e in raw)


def test_split_by_article(raw):
    for entry in raw:
        number = int(hashlib.sha1(entry["id"].encode("utf-8")).hexdigest(), 16)
        assert entry["split"] == ("heldout" if number % 3 == 0 else "dev"), entry["id"]
    assert len({e["id"] for e in raw}) == len(raw)
    assert len({e["url"] for e in raw}) == len(raw)


def test_sentences_are_whole_and_in_order():
    for a in load_corpus(CORPUS):
        starts = [s.start for s in a.sentences]
        assert starts == sorted(starts), a.id
        for s in a.sentences:
            assert a.text[s.start:s.end] == s.text
            assert s.text.strip() == s.text and s.text, a.id


def test_development_figures_hold():
    score = evaluate_corpus(load_corpus(CORPUS, "dev"))
    assert score.precision("all") >= DEV_PRECISION, score.precision("all")
    assert score.recall("all") >= DEV_RECALL, score.recall("all")
