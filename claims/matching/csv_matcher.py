"""The matcher over an interchange CSV, with no database: legacy and field data checked
before import (``flask --app wsgi claims match-csv IN.csv -o PAIRS.csv``).

Two claims in different governorates are never the same parcel, so the file is split into
one shard per governorate and the shards are matched in parallel worker processes; memory
is bounded by the largest governorate, not the whole file. Claims whose governorate is
missing or unreadable are *guests* in every shard: compared with that shard's claims, and
with each other only once, in a shard of their own. Within a shard, claims are normalised
once, blocked one key family at a time, and only pairs sharing a block are scored. Two
claims each strongly linked to a third in one small group are reported as a pair too.
"""

from __future__ import annotations

import csv
import logging
import multiprocessing
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, fields
from itertools import combinations
from os import PathLike
from pathlib import Path
from typing import Any

from claims.matching.blocking import FAMILY_KEYS, UNCAPPED_FAMILIES
from claims.matching.normalise import (
    ClaimFields,
    NormalisedClaim,
    normalise_claim,
)
from claims.matching.scoring import MatchThresholds, score_pair
from commission.governorates import UnknownGovernorate, resolve_governorate

logger = logging.getLogger(__name__)

OUTPUT_COLUMNS = ("ref_a", "ref_b", "kind", "score", "reasons")
#: Separates the reasons of one pair inside the single ``reasons`` cell.
REASON_SEPARATOR = "; "

_MATCHED_COLUMNS = tuple(field.name for field in fields(ClaimFields))
#: Shard name of the claims without a readable governorate.
_GUEST_SHARD = "unknown"

PairRow = tuple[str, str, str, int, str]


class InvalidMatchInput(ValueError):
    """The CSV cannot be matched: a missing ``ref`` column, an empty or repeated ref."""


@dataclass(frozen=True, slots=True)
class MatchSummary:
    claims: int
    candidate_pairs: int
    pairs_written: int


# --------------------------------------------------------------------------- reading


def _iter_claims(in_path: str | PathLike[str]) -> Iterator[ClaimFields]:
    """Claims from an interchange CSV (UTF-8, BOM or not), checked for a usable ref."""
    with open(in_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "ref" not in reader.fieldnames:
            raise InvalidMatchInput(f"{in_path}: the header row has no 'ref' column")
        seen: set[str] = set()
        for row in reader:
            values = {column: (row.get(column) or "").strip() for column in _MATCHED_COLUMNS}
            if not values["ref"]:
                raise InvalidMatchInput(f"line {reader.line_num}: ref is empty")
            if values["ref"] in seen:
                raise InvalidMatchInput(f"line {reader.line_num}: ref {values['ref']!r} repeats")
            seen.add(values["ref"])
            yield ClaimFields(**values)


def candidate_pairs(
    claims: list[NormalisedClaim], thresholds: MatchThresholds, guests_from: int | None = None
) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) where a probe key of one is a stored key of the other, each once.

    Claims from index ``guests_from`` on are guests: paired with the others, not with each
    other. One family at a time; only stored keys somebody probes are indexed, which keeps
    the wildcard keys every claim stores from costing memory.
    """
    seen: set[int] = set()
    count = len(claims)
    first_guest = count if guests_from is None else guests_from
    for family, keys_of in FAMILY_KEYS.items():
        probers: defaultdict[str, list[int]] = defaultdict(list)
        for index, claim in enumerate(claims):
            for key in keys_of(claim).probes:
                probers[key].append(index)
        members: dict[str, list[int]] = {key: [] for key in probers}
        for index, claim in enumerate(claims):
            for key in keys_of(claim).stored:
                block = members.get(key)
                if block is not None:
                    block.append(index)
        capped = family not in UNCAPPED_FAMILIES
        for key, block in members.items():
            if len(block) < 2 or (capped and len(block) > thresholds.max_block_size):
                continue
            for prober in probers[key]:
                for member in block:
                    low, high = min(prober, member), max(prober, member)
                    if low == high or low >= first_guest:
                        continue
                    pair = low * count + high
                    if pair not in seen:
                        seen.add(pair)
                        yield low, high
        del probers, members


def match_claims(
    claims: Iterable[ClaimFields],
    thresholds: MatchThresholds | None = None,
    guests: Iterable[ClaimFields] = (),
) -> tuple[list[PairRow], int]:
    """Output rows (ref_a < ref_b, sorted) for every pair scoring at least the threshold,
    and the number of candidate pairs scored. Guests are not paired with each other.

    Pairs linked through a third claim are reported too (see ``_linked_rows``)."""
    thresholds = thresholds or MatchThresholds()
    normalised = [normalise_claim(claim) for claim in claims]
    guests_from = len(normalised)
    normalised.extend(normalise_claim(claim) for claim in guests)
    rows: list[PairRow] = []
    reported: set[tuple[int, int]] = set()
    strong: defaultdict[int, dict[int, int]] = defaultdict(dict)
    scored = 0
    for first, second in candidate_pairs(normalised, thresholds, guests_from):
        scored += 1
        a, b = normalised[first], normalised[second]
        if a.fields.ref > b.fields.ref:
            a, b = b, a
        result = score_pair(a, b, thresholds)
        if result.score >= thresholds.min_score:
            reported.add((first, second))
            reasons = REASON_SEPARATOR.join(result.reasons)
            rows.append((a.fields.ref, b.fields.ref, result.kind.value, result.score, reasons))
        if result.score >= thresholds.link_score:
            strong[first][second] = strong[second][first] = result.score
    rows.extend(_linked_rows(normalised, strong, reported, thresholds))
    rows.sort()
    return rows, scored


def _linked_groups(strong: dict[int, dict[int, int]]) -> Iterator[list[int]]:
    """The groups of claims joined by strong links, each claim in one group."""
    seen: set[int] = set()
    for start in strong:
        if start in seen:
            continue
        seen.add(start)
        group: list[int] = []
        stack = [start]
        while stack:
            index = stack.pop()
            group.append(index)
            for other in strong[index]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        yield group


def _linked_rows(
    normalised: list[NormalisedClaim],
    strong: dict[int, dict[int, int]],
    reported: set[tuple[int, int]],
    thresholds: MatchThresholds,
) -> Iterator[PairRow]:
    """Rows for pairs A~B not reported on their own where A~C and C~B are strong links.

    A claim with a missing or mistyped parcel number may share little with one claim on its
    parcel and much with another. Only groups of at most ``max_linked_group`` strongly
    linked claims are linked through, so a large block never turns into all its pairs, and
    only claims of one governorate. A pair scoring at least ``min_score`` on its own (one no
    block put forward) is reported with that score; any other with the weaker of its two
    links, kept below ``link_score``, and the claim it is linked through as first reason.
    """
    for group in _linked_groups(strong):
        if len(group) > thresholds.max_linked_group:
            continue
        best: dict[tuple[int, int], tuple[int, int]] = {}  # pair -> (weaker link, through)
        for through in sorted(group, key=lambda index: normalised[index].fields.ref):
            links = strong[through]
            for first, second in combinations(sorted(links), 2):
                weaker = min(links[first], links[second])
                if (first, second) not in reported and weaker > best.get((first, second), (0,))[0]:
                    best[first, second] = (weaker, through)
        for (first, second), (weaker, through) in best.items():
            a, b = normalised[first], normalised[second]
            if not a.governorate or a.governorate != b.governorate:
                continue
            if a.fields.ref > b.fields.ref:
                a, b = b, a
            result = score_pair(a, b, thresholds)
            reasons = result.reasons
            score = result.score
            if score < thresholds.min_score:
                links = strong[through]
                via = (
                    f"linked through {normalised[through].fields.ref}: "
                    f"{links[first]} with {normalised[first].fields.ref}, "
                    f"{links[second]} with {normalised[second].fields.ref}"
                )
                reasons = (via, *reasons)
                score = max(thresholds.min_score, min(weaker, thresholds.link_score - 1))
            joined = REASON_SEPARATOR.join(reasons)
            yield a.fields.ref, b.fields.ref, result.kind.value, score, joined


# --------------------------------------------------------------------------- shards


def _shard_of(claim: ClaimFields) -> str:
    try:
        return resolve_governorate(claim.governorate).code if claim.governorate else _GUEST_SHARD
    except UnknownGovernorate:
        return _GUEST_SHARD


def _split_into_shards(in_path: str | PathLike[str], directory: Path) -> dict[str, Path]:
    """One CSV of matched columns per governorate, streamed so the input is never held whole."""
    writers: dict[str, Any] = {}
    with ExitStack() as open_files:
        for claim in _iter_claims(in_path):
            shard = _shard_of(claim)
            writer = writers.get(shard)
            if writer is None:
                path = directory / f"{shard}.csv"
                handle = open_files.enter_context(path.open("w", encoding="utf-8", newline=""))
                writer = writers[shard] = csv.writer(handle)
            writer.writerow([getattr(claim, column) for column in _MATCHED_COLUMNS])
    return {shard: directory / f"{shard}.csv" for shard in writers}


def _read_shard(path: Path | None) -> list[ClaimFields]:
    if path is None:
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [ClaimFields(*row) for row in csv.reader(handle)]


def _match_shard(
    shard: Path | None, guests: Path | None, thresholds: MatchThresholds
) -> tuple[list[PairRow], int, int]:
    """Rows and pairs scored for one governorate (with the guests), and its claim count."""
    claims = _read_shard(shard)
    rows, scored = match_claims(claims, thresholds, guests=_read_shard(guests))
    return rows, scored, len(claims)


def match_csv(
    in_path: str | PathLike[str],
    out_path: str | PathLike[str],
    thresholds: MatchThresholds | None = None,
    *,
    workers: int | None = None,
) -> MatchSummary:
    """Write ``ref_a, ref_b, kind, score, reasons`` for every pair of claims in ``in_path``
    scoring at least ``thresholds.min_score`` or linked through a third claim. Unreadable
    parcel numbers count as missing.

    ``workers`` processes match governorates in parallel (default: one per CPU; 1 runs
    everything in this process).
    """
    thresholds = thresholds or MatchThresholds()
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="qayd-match-") as scratch:
        shards = _split_into_shards(in_path, Path(scratch))
        guests = shards.pop(_GUEST_SHARD, None)
        # The guests among themselves are one more job, with no hosts.
        jobs = [(path, guests) for path in shards.values()] + ([(guests, None)] if guests else [])
        jobs.sort(key=lambda job: -(job[0].stat().st_size if job[0] else 0))  # largest first
        if workers == 1:
            results = [_match_shard(shard, guest, thresholds) for shard, guest in jobs]
        else:
            # Fresh interpreters, not forks: a forked child would share the caller's open
            # database connections (an SQLite WAL file among them) and close them on exit.
            with ProcessPoolExecutor(
                max_workers=min(workers, len(jobs)),
                mp_context=multiprocessing.get_context("spawn"),
            ) as pool:
                results = list(
                    pool.map(
                        _match_shard,
                        [shard for shard, _ in jobs],
                        [guest for _, guest in jobs],
                        [thresholds] * len(jobs),
                    )
                )
    rows = sorted(row for shard_rows, _, _ in results for row in shard_rows)
    with open(out_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        writer.writerows(rows)
    scored = sum(count for _, count, _ in results)
    claims = sum(count for _, _, count in results)
    logger.info("matched %d claims: %d pairs scored, %d written", claims, scored, len(rows))
    return MatchSummary(claims=claims, candidate_pairs=scored, pairs_written=len(rows))
