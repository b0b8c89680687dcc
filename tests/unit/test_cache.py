"""Pruning the model cache: entries in use and the most recently used others stay, the rest goes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cache import prune_cache
from bot.settings import Settings

HASHES = [f"{i:016x}" for i in range(1, 7)]
NOW = 1_700_000_000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"KINDRED_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)})


def aged(path: Path, age_s: float) -> Path:
    """Make ``path`` look last used ``age_s`` seconds ago (every test gives distinct ages)."""
    os.utime(path, (NOW - age_s, NOW - age_s))
    return path


def model(settings: Settings, h: str, age_s: float) -> Path:
    path = settings.cache_dir / "models" / f"kindred-{h}.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"model")
    return aged(path, age_s)


def tone(settings: Settings, h: str, age_s: float) -> Path:
    path = settings.cache_dir / "tone" / f"tone-{h}"
    path.mkdir(parents=True)
    (path / "encoder.onnx").write_bytes(b"weights")
    return aged(path, age_s)


def test_keeps_what_is_in_use_and_the_two_most_recent_others(settings: Settings) -> None:
    models = [model(settings, h, age_s=100 * i) for i, h in enumerate(HASHES)]  # models[0] is the newest
    current = models[-1]  # the oldest file, but the one this checkout uses

    removed = prune_cache(settings, [current])

    assert sorted(removed) == sorted(models[2:5])
    assert [m.exists() for m in models] == [True, True, False, False, False, True]


def test_in_use_entries_become_the_most_recent(settings: Settings) -> None:
    old = tone(settings, HASHES[0], age_s=1000)
    newer = [tone(settings, h, age_s=10 * (i + 1)) for i, h in enumerate(HASHES[1:5])]

    prune_cache(settings, [old])
    assert [p.exists() for p in [old, *newer]] == [True, True, True, False, False]
    # A later training elsewhere uses another folder: the one used a moment ago is still kept.
    latest = tone(settings, HASHES[5], age_s=5)
    prune_cache(settings, [newer[1]])
    assert old.exists() and latest.exists() and newer[1].exists()
    assert not newer[0].exists(), "the least recently used of the others goes"


def test_folders_being_written_and_foreign_files_are_left_alone(settings: Settings) -> None:
    partial = settings.cache_dir / "tone" / f"tone-{HASHES[0]}.4242.partial"
    partial.mkdir(parents=True)
    (settings.cache_dir / "tone" / ".lock").touch()
    foreign = settings.cache_dir / "models" / "my-notes.txt"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("keep me")
    envs = settings.cache_dir / "envs"
    for i, h in enumerate(HASHES[1:]):
        tone(settings, h, age_s=i)
        model(settings, h, age_s=i)
        (envs / f"rasa-{h}").mkdir(parents=True)

    removed = prune_cache(settings, [])

    assert partial.exists() and (settings.cache_dir / "tone" / ".lock").exists() and foreign.exists()
    assert len(list(envs.iterdir())) == 5, "environments may be in use by another checkout's services"
    assert len(removed) == 3 + 3  # five of each kind, two kept
    assert not list((settings.cache_dir / "tone").glob("*.deleting")), "removed folders leave nothing behind"


def test_a_leftover_of_an_interrupted_prune_is_removed(settings: Settings) -> None:
    leftover = settings.cache_dir / "tone" / f"tone-{HASHES[0]}.99.deleting"
    leftover.mkdir(parents=True)
    (leftover / "encoder.onnx").write_bytes(b"half")

    prune_cache(settings, [])

    assert not leftover.exists()


def test_paths_outside_the_cache_are_never_touched(settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    aged(outside, 500)
    before = outside.stat().st_mtime

    assert prune_cache(settings, [outside, settings.cache_dir / "models" / "kindred-gone.tar.gz"]) == []
    assert outside.stat().st_mtime == before
