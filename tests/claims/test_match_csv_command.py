"""`flask claims match-csv`: the matcher over a file, through the CLI, no database."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent / "matching" / "data"


def _pairs(path: Path) -> set[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {(row["ref_a"], row["ref_b"], row["kind"]) for row in csv.DictReader(handle)}


def test_match_csv_finds_the_labelled_pairs(runner, tmp_path):
    out = tmp_path / "pairs.csv"
    result = runner.invoke(
        args=[
            "claims",
            "match-csv",
            str(DATA / "claims_small.csv"),
            "-o",
            str(out),
            "--workers",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert _pairs(out) == _pairs(DATA / "expected_pairs.csv")
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["ref_a"] < row["ref_b"] for row in rows)
    assert all(0 <= int(row["score"]) <= 100 and row["reasons"] for row in rows)


def test_match_csv_refuses_a_file_without_refs(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("governorate,parcel_no\nIQ-BG,345\n", encoding="utf-8")
    result = runner.invoke(args=["claims", "match-csv", str(bad), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert "ref" in result.output
    assert not (tmp_path / "o.csv").exists()
