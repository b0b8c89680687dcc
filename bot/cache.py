"""Keeping the cache bounded: models that older inputs produced are removed once newer ones are in use.

Rasa models and tone folders are cached by a hash of their inputs, so every edit to the data leaves
one more behind (a tone folder is about 95 MB). After ``scripts/bot train`` or ``run``, each kind
keeps the entries this checkout uses plus the most recently used others, so switching between two
branches does not retrain; "used" is the modification time, and the entries in use are touched
first. Removing one is safe for a process that already runs on it: Rasa and the tone scorer read
their model once, when they start, and a folder is renamed before it is deleted, so it is whole or
absent. Tone folders still being written (``*.partial``) are not matched.

Environments (``envs/``, about 1.7 GB each) are not pruned: another checkout's services may be
running in one, and removing it would break them. Old ones are safe to delete by hand.
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
    """One kind of cache entry: where it lives, how its names look, how many unused ones to keep."""

    folder: str  # relative to the cache folder
    name: re.Pattern[str]
    keep: int  # besides those in use


DELETING = ".deleting"  # a folder on its way out; one left behind by an interrupted prune goes next time
KINDS = (
    CachedKind("models", re.compile(r"kindred-[0-9a-f]{16}\.tar\.gz"), keep=2),
    CachedKind("tone", re.compile(r"tone-[0-9a-f]{16}"), keep=2),
)


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # another process removed it meanwhile: the oldest of all
        return float("-inf")


def stale_entries(folder: Path, kind: CachedKind, in_use: Iterable[Path] = ()) -> list[Path]:
    """The entries of ``kind`` in ``folder`` beyond the ``keep`` most recently used, never one in use."""
    keep_always = {p.resolve() for p in in_use}
    if not folder.is_dir():
        return []
    entries = [p for p in folder.iterdir() if kind.name.fullmatch(p.name) and p.resolve() not in keep_always]
    entries.sort(key=_last_used, reverse=True)
    return entries[kind.keep :]


def _remove(path: Path) -> None:
    """A folder is renamed first, so no reader ever sees half of it."""
    if path.is_dir():
        doomed = path.with_name(f"{path.name}.{os.getpid()}{DELETING}")
        path.rename(doomed)
        shutil.rmtree(doomed)
    else:
        path.unlink()


def prune_cache(settings: Settings, in_use: Iterable[Path]) -> list[Path]:
    """Touch the entries in use, remove the stale ones of every kind; returns what was removed.

    Only paths inside the cache are touched. Pruning never fails a command: a problem is logged."""
    cache = settings.cache_dir.resolve()
    in_use = [p for p in in_use if p.exists() and p.resolve().is_relative_to(cache)]
    removed: list[Path] = []
    try:
        for path in in_use:
            os.utime(path)
        for kind in KINDS:
            folder = settings.cache_dir / kind.folder
            for leftover in folder.glob(f"*{DELETING}") if folder.is_dir() else []:
                shutil.rmtree(leftover, ignore_errors=True)
            for path in stale_entries(folder, kind, in_use):
                try:
                    _remove(path)
                except FileNotFoundError:
                    continue  # another process pruned it first
                removed.append(path)
    except OSError:
        log.warning("pruning the cache stopped early", exc_info=True)
    if removed:
        log.info("removed %d stale cache entries: %s", len(removed), ", ".join(p.name for p in removed))
    return removed
