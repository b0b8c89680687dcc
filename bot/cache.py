"""Keeping the cache bounded: what older inputs produced is removed once newer things are in use.

Rasa models, tone folders and environments are cached by a hash of their inputs, so every edit to
the data or a lock file leaves one more behind (a tone folder is about 95 MB, an environment
about 1.7 GB). After ``scripts/bot train`` or ``run``, each kind keeps the entries in use now plus
the most recently used others, so switching between two branches does not retrain. "Used" is the
modification time: the entries in use are touched first, and ``scripts/env.sh`` touches an
environment each time it hands one out. Entries another process is still creating
(``*.partial``, an environment without ``.complete``) are not ours to remove and are left alone.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedKind:
    """One kind of cache entry: where it lives, how its names look, how many to keep."""

    folder: str  # relative to the cache folder
    name: re.Pattern[str]
    keep: int  # besides those in use
    complete_marker: str | None = None  # a folder without this file is still being created


KINDS = (
    CachedKind("models", re.compile(r"kindred-[0-9a-f]{16}\.tar\.gz"), keep=2),
    CachedKind("tone", re.compile(r"tone-[0-9a-f]{16}"), keep=2),
    CachedKind("envs", re.compile(r"rasa-[0-9a-f]{16}"), keep=1, complete_marker=".complete"),
    CachedKind("envs", re.compile(r"handoff-[0-9a-f]{16}"), keep=1, complete_marker=".complete"),
)


def mark_used(path: Path) -> None:
    """Record that ``path`` is in use now (its modification time; environments by their marker)."""
    marker = path / ".complete"
    os.utime(marker if marker.exists() else path)


def last_used(path: Path) -> float:
    marker = path / ".complete"
    return (marker if marker.exists() else path).stat().st_mtime


def stale_entries(folder: Path, kind: CachedKind, in_use: Iterable[Path] = ()) -> list[Path]:
    """The entries of ``kind`` in ``folder`` beyond the ``keep`` most recently used, never one in use."""
    keep_always = {p.resolve() for p in in_use}
    if not folder.is_dir():
        return []
    entries = [
        p
        for p in folder.iterdir()
        if kind.name.fullmatch(p.name)
        and (kind.complete_marker is None or (p / kind.complete_marker).exists())
        and p.resolve() not in keep_always
    ]
    entries.sort(key=last_used, reverse=True)
    return entries[kind.keep :]


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    path.with_name(f"{path.name}.install.log").unlink(missing_ok=True)  # an environment's install log


def prune_cache(settings: Settings, in_use: Iterable[Path]) -> list[Path]:
    """Touch the entries in use, remove the stale ones of every kind; returns what was removed."""
    in_use = [p for p in in_use if p.exists()]
    for path in in_use:
        mark_used(path)
    removed: list[Path] = []
    for kind in KINDS:
        for path in stale_entries(settings.cache_dir / kind.folder, kind, in_use):
            try:
                remove(path)
            except OSError:  # another process removed or holds it: it is not worth failing a training
                log.warning("could not remove the stale cache entry %s", path, exc_info=True)
                continue
            removed.append(path)
    if removed:
        log.info("removed %d stale cache entries: %s", len(removed), ", ".join(p.name for p in removed))
    return removed
