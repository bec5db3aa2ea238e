"""Backup timestamps, names and retention: pure, table-driven, plus properties."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lila_desktop.core.backup_naming import (
    ASIDE_KEEP,
    InvalidBackupTimestamp,
    RetentionEntry,
    aside_file_name,
    asides_to_delete,
    backup_file_name,
    backups_to_delete,
    format_timestamp,
    is_timestamp,
    next_timestamp,
    parse_backup_file_name,
    parse_timestamp,
    reason_slug,
)

SEED_TS = "2026-01-28T12-30-45-123Z"  # the seed's example
SEED_EPOCH = datetime(2026, 1, 28, 12, 30, 45, 123000, tzinfo=UTC).timestamp()


def test_seed_example_round_trips() -> None:
    assert parse_timestamp(SEED_TS) == pytest.approx(SEED_EPOCH)
    assert format_timestamp(SEED_EPOCH) == SEED_TS


def test_format_is_utc_with_milliseconds() -> None:
    assert format_timestamp(0) == "1970-01-01T00-00-00-000Z"
    assert format_timestamp(0.0015) == "1970-01-01T00-00-00-002Z"  # rounds to the millisecond
    assert format_timestamp(59.9996) == "1970-01-01T00-01-00-000Z"  # carries into the minute


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "latest",
        "..",
        "../../etc/passwd",
        "/etc/passwd",
        "..\\..\\windows\\system32",
        SEED_TS + "/../../x",
        "../" + SEED_TS,
        SEED_TS + "\n",  # "$" in a regex would accept this
        " " + SEED_TS,
        SEED_TS.lower(),
        SEED_TS.replace("Z", ""),
        "2026-01-28T12-30-45Z",  # no milliseconds
        "2026-01-28T12:30:45.123Z",  # ISO punctuation
        "2026-01-28 12-30-45-123Z",
        "٢٠٢٦-01-28T12-30-45-123Z",  # Arabic-Indic digits match \d
        "2026-02-30T12-30-45-123Z",  # no such day
        "2026-13-01T12-30-45-123Z",
        "2026-01-28T24-00-00-000Z",
        "2026-01-28T12-60-00-000Z",
        "2026-01-28T12-30-45-123Z\x00",
        "creds-2026-01-28T12-30-45-123Z.lila",
    ],
)
def test_parse_refuses_anything_but_the_exact_form(bad: str) -> None:
    with pytest.raises(InvalidBackupTimestamp, match="2026-01-28T12-30-45-123Z"):
        parse_timestamp(bad)
    assert not is_timestamp(bad)


@pytest.mark.parametrize("bad", [None, 20260128, b"2026-01-28T12-30-45-123Z", ["x"]])
def test_parse_refuses_non_text(bad: object) -> None:
    with pytest.raises(InvalidBackupTimestamp):
        parse_timestamp(bad)


def test_leap_day_is_a_real_date() -> None:
    assert is_timestamp("2028-02-29T00-00-00-000Z")
    assert not is_timestamp("2027-02-29T00-00-00-000Z")


@given(st.text(alphabet=string.printable + "./\\٣", max_size=40))
def test_whatever_parses_is_safe_in_a_path(text: str) -> None:
    try:
        parse_timestamp(text)
    except InvalidBackupTimestamp:
        return
    assert len(text) == 24
    assert set(text) <= set("0123456789-TZ")
    assert format_timestamp(parse_timestamp(text)) == text


@given(st.integers(min_value=0, max_value=253402300799999))
def test_format_parse_round_trip(millis: int) -> None:
    text = format_timestamp(millis / 1000)
    assert is_timestamp(text)
    assert round(parse_timestamp(text) * 1000) == millis


def test_backup_file_names() -> None:
    assert backup_file_name(SEED_TS) == f"creds-{SEED_TS}.lila"
    assert parse_backup_file_name(f"creds-{SEED_TS}.lila") == SEED_TS
    with pytest.raises(InvalidBackupTimestamp):
        backup_file_name("../x")


@pytest.mark.parametrize(
    "name",
    [
        f".creds-{SEED_TS}.lila.0123456789abcdef.tmp",  # a temp file left by a crash
        f"creds-{SEED_TS}.lila.tmp",
        f"creds-{SEED_TS}.json",
        f"corrupt-{SEED_TS}-bad-mac.lila",
        "creds-2026-02-30T12-30-45-123Z.lila",
        f"creds-{SEED_TS}.lila\n",
        "store.sealed",
    ],
)
def test_only_real_backup_names_are_backups(name: str) -> None:
    assert parse_backup_file_name(name) is None


def test_reason_slug_and_aside_names() -> None:
    assert reason_slug("Bad MAC: tag mismatch!") == "bad-mac-tag-mismatch"
    assert reason_slug("../../etc") == "etc"
    assert reason_slug("¿¡") == "unknown"
    assert len(reason_slug("x" * 500)) == 40
    assert aside_file_name("corrupt", SEED_TS, "undecryptable store") == (
        f"corrupt-{SEED_TS}-undecryptable-store.lila"
    )
    with pytest.raises(ValueError, match="unknown kind of file set aside: 'creds'"):
        aside_file_name("creds", SEED_TS, "x")
    # Cut at 40 characters, never ending on a dash; x at the edges is a letter.
    assert reason_slug("a" * 39 + " b") == "a" * 39
    assert reason_slug("xenon box") == "xenon-box"


def test_next_timestamp_is_strictly_after_existing() -> None:
    assert next_timestamp(SEED_EPOCH, ()) == SEED_TS
    # Same millisecond as an existing backup: one millisecond later.
    assert next_timestamp(SEED_EPOCH, {SEED_TS}) == "2026-01-28T12-30-45-124Z"
    # The clock stepped back an hour: still after the newest existing name.
    assert next_timestamp(SEED_EPOCH - 3600, {SEED_TS}) == "2026-01-28T12-30-45-124Z"
    assert next_timestamp(SEED_EPOCH + 1, {SEED_TS}) == "2026-01-28T12-30-46-123Z"


def _entries(spec: str) -> list[RetentionEntry]:
    """'cdd' -> oldest first: connected, disconnected, disconnected (1 s apart)."""
    return [
        RetentionEntry(format_timestamp(SEED_EPOCH + i), flag == "c") for i, flag in enumerate(spec)
    ]


@pytest.mark.parametrize(
    ("spec", "keep", "deleted_indexes"),
    [
        ("", 5, []),
        ("ddd", 5, []),
        ("ddddd", 5, []),
        ("ddddddd", 5, [0, 1]),
        ("cdddddd", 5, [1]),  # the only connected one survives beyond the newest 5
        ("ccddddd", 5, [0]),  # only the *newest* connected one is protected
        ("dddddcd", 5, [0, 1]),  # the newest connected is among the newest 5 already
        ("ddd", 1, [0, 1]),
        ("cdd", 1, [1]),
    ],
)
def test_retention_table(spec: str, keep: int, deleted_indexes: list[int]) -> None:
    entries = _entries(spec)
    assert backups_to_delete(entries, keep) == [entries[i].timestamp for i in deleted_indexes]


def test_retention_order_does_not_matter_and_protected_survive() -> None:
    entries = _entries("ddddddd")
    shuffled = [entries[3], entries[0], entries[6], entries[1], entries[5], entries[2], entries[4]]
    assert backups_to_delete(shuffled, 5) == [entries[0].timestamp, entries[1].timestamp]
    assert backups_to_delete(entries, 5, protected={entries[0].timestamp}) == [entries[1].timestamp]


def test_retention_refuses_keep_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        backups_to_delete(_entries("dd"), 0)


@given(st.text(alphabet="cd", max_size=20), st.integers(min_value=1, max_value=8))
def test_retention_properties(spec: str, keep: int) -> None:
    entries = _entries(spec)
    deleted = set(backups_to_delete(entries, keep))
    kept = [e for e in entries if e.timestamp not in deleted]
    newest = entries[-keep:]
    assert all(e in kept for e in newest)
    connected = [e for e in entries if e.connected]
    if connected:
        assert connected[-1] in kept
    extra = 1 if connected and connected[-1] not in newest else 0
    assert len(kept) == min(len(entries), keep) + extra


def test_timestamps_are_utc_whatever_the_laptops_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names sort and read the same on a laptop in Lima (mutation testing found
    the tests ran only where local time is UTC)."""
    import time

    monkeypatch.setenv("TZ", "America/Lima")
    time.tzset()
    try:
        assert format_timestamp(SEED_EPOCH) == SEED_TS
        assert parse_timestamp(SEED_TS) == SEED_EPOCH
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_refused_timestamp_shows_what_was_given_and_the_form() -> None:
    with pytest.raises(InvalidBackupTimestamp) as refused:
        parse_timestamp("x" * 100)
    assert str(refused.value) == (
        f"{repr('x' * 100)[:60]} is not a backup timestamp; use the form "
        "e.g. 2026-01-28T12-30-45-123Z (UTC, as listed with the backups)."
    )


def test_only_the_newest_files_set_aside_of_each_kind_stay() -> None:
    stamps = [format_timestamp(SEED_EPOCH + i) for i in range(ASIDE_KEEP + 3)]
    resets = [aside_file_name("reset", ts, "logged out 401") for ts in stamps]
    corrupt = [aside_file_name("corrupt", ts, "bad mac") for ts in stamps[:4]]
    others = [backup_file_name(stamps[0]), "notes.txt", "reset-garbage.lila"]
    names = [*reversed(resets), *corrupt, *others]  # any order
    assert asides_to_delete(names) == resets[:3]  # the three oldest resets only
    assert asides_to_delete(names, keep=2) == sorted([*resets[:-2], *corrupt[:2]])
    assert asides_to_delete(others) == []
    with pytest.raises(ValueError, match="at least 1"):
        asides_to_delete(names, keep=0)
