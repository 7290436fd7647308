"""The child process that reads workbooks is started once and reused (issue #16: a start per
workbook was 40-60 ms, half a second of the national files' ingest), and a failure still
costs only its own file: the next workbook gets a new worker, never an answer meant for
another file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, shared
from test_hostile_files import huge_dimensions_xls

from cistrade.errors import InputError
from cistrade.sources.national import isolated
from cistrade.sources.national.isolated import read_sheets


def _pid() -> int:
    assert isolated._WORKERS and isolated._WORKERS[0].alive()
    return isolated._WORKERS[0].proc.pid


def _books() -> tuple:
    return (shared("national", "kz-bns", "by_country_2022.xls"),
            shared("national", "ru-fts", "94itog.xlsx"))


def test_one_worker_reads_one_workbook_after_another() -> None:
    kz, ru = _books()
    first = read_sheets(kz)
    pid = _pid()
    assert read_sheets(ru).names and _pid() == pid
    assert read_sheets(kz) == first and _pid() == pid


@pytest.mark.timeout(120)
def test_after_a_workbook_that_aborts_the_next_one_is_read(tmp_path) -> None:
    kz, ru = _books()
    expected = read_sheets(ru)
    before = _pid()
    with pytest.raises(InputError, match="memory") as info:
        read_sheets(huge_dimensions_xls(tmp_path))
    assert info.value.file.endswith("by_country_2023.xls")
    assert read_sheets(ru) == expected and _pid() != before


def test_a_workbook_past_its_time_limit_ends_the_worker_alone(monkeypatch) -> None:
    kz, ru = _books()
    expected = read_sheets(ru)
    monkeypatch.setattr(isolated, "time_limit", lambda size: 0.0)
    with pytest.raises(InputError, match="reading it took over 0 s"):
        read_sheets(kz)
    monkeypatch.undo()
    assert read_sheets(ru) == expected


def test_an_interrupted_read_leaves_no_answer_for_the_next_workbook(monkeypatch) -> None:
    kz, ru = _books()
    expected = read_sheets(ru)

    def interrupted(fd: int, n: int, deadline: float) -> bytes:
        time.sleep(0.2)  # the worker answers meanwhile: that answer is kz's, not ru's
        raise KeyboardInterrupt

    monkeypatch.setattr(isolated, "_read", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read_sheets(kz)
    monkeypatch.undo()
    assert read_sheets(ru) == expected


def test_a_worker_that_died_between_workbooks_is_replaced() -> None:
    kz, ru = _books()
    expected = read_sheets(ru)
    pid = _pid()
    os.kill(pid, signal.SIGKILL)
    isolated._WORKERS[0].proc.wait(timeout=10)
    assert read_sheets(ru) == expected and _pid() != pid


def test_the_worker_ends_with_the_process_that_started_it() -> None:
    kz, _ = _books()
    code = ("import sys; from pathlib import Path\n"
            "from cistrade.sources.national import isolated\n"
            "isolated.read_sheets(Path(sys.argv[1])); print(isolated._WORKERS[0].proc.pid)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code, str(kz)], capture_output=True, text=True,
                          env=env, timeout=60, check=True)
    pid = int(done.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"the worker {pid} outlived its parent")
