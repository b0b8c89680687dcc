"""Pruning the model and environment cache: recent and in-use entries stay, the rest goes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cache import prune_cache
from bot.settings import Settings

HASHES = [f"{i:016x}" for i in range(1, 7)]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"KINDRED_CACHE_DIR": str(tmp_path), "HOME": str(tmp_path)})


def aged(path: Path, age_s: float) -> Path:
    """Make ``path`` (or an environment's marker) look last used ``age_s`` seconds ago."""
    stamp = 1_700_000_000 - age_s
    marker = path / ".complete"
    os.utime(marker if marker.exists() else path, (stamp, stamp))
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


def env(settings: Settings, kind: str, h: str, age_s: float, complete: bool = True) -> Path:
    path = settings.cache_dir / "envs" / f"{kind}-{h}"
    (path / "bin").mkdir(parents=True)
    path.with_name(f"{path.name}.install.log").write_text("pip output")
    if complete:
        (path / ".complete").touch()
    return aged(path, age_s)


def test_keeps_what_is_in_use_and_the_two_most_recent_others(settings: Settings) -> None:
    models = [model(settings, h, age_s=100 * i) for i, h in enumerate(HASHES)]  # models[0] is the newest
    current = models[-1]  # the oldest file, but the one this checkout uses

    removed = prune_cache(settings, [current])

    assert sorted(removed) == sorted(models[2:5])
    assert [m.exists() for m in models] == [True, True, False, False, False, True]


def test_in_use_entries_become_the_most_recent(settings: Settings) -> None:
    old = tone(settings, HASHES[0], age_s=1000)
    newer = [tone(settings, h, age_s=10) for h in HASHES[1:4]]

    prune_cache(settings, [old])
    assert old.exists()
    # A later training elsewhere uses a newer folder: the one used a moment ago is still kept.
    prune_cache(settings, [newer[0]])
    assert old.exists() and newer[0].exists()
    assert sum(p.exists() for p in newer[1:]) == 1


def test_environments_of_each_kind_keep_one_besides_the_current(settings: Settings) -> None:
    rasa = [env(settings, "rasa", h, age_s=100 * i) for i, h in enumerate(HASHES[:3])]
    handoff = [env(settings, "handoff", h, age_s=100 * i) for i, h in enumerate(HASHES[:3])]

    prune_cache(settings, [rasa[2], handoff[0]])

    assert [p.exists() for p in rasa] == [True, False, True]
    assert [p.exists() for p in handoff] == [True, True, False]
    assert not rasa[1].with_name(f"{rasa[1].name}.install.log").exists()
    assert rasa[0].with_name(f"{rasa[0].name}.install.log").exists()


def test_entries_still_being_made_and_foreign_files_are_left_alone(settings: Settings) -> None:
    building_env = env(settings, "rasa", HASHES[0], age_s=5000, complete=False)
    partial = settings.cache_dir / "tone" / f"tone-{HASHES[1]}.4242.partial"
    partial.mkdir(parents=True)
    lock = settings.cache_dir / "tone" / ".lock"
    lock.touch()
    foreign = settings.cache_dir / "models" / "my-notes.txt"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("keep me")
    for i, h in enumerate(HASHES[2:]):
        tone(settings, h, age_s=i)
        model(settings, h, age_s=i)
        env(settings, "rasa", h, age_s=i)

    removed = prune_cache(settings, [])

    assert building_env.exists() and partial.exists() and lock.exists() and foreign.exists()
    assert len(removed) == 2 + 2 + 3  # four of each kind: two models, two tone folders, three environments


def test_an_empty_or_missing_cache_is_fine(settings: Settings) -> None:
    assert prune_cache(settings, [settings.cache_dir / "models" / "kindred-gone.tar.gz"]) == []
