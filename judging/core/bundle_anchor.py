"""A bundle against the digests recorded with its publication: which publication it names, and which
of its files differ from the recorded checksums."""

from __future__ import annotations

import io
import json
import zipfile

from judging.core.bundle import SUMS_NAME


def bundle_publication(data: bytes) -> int | None:
    """The publication a bundle names in its manifest (None for a bundle made from files, or no bundle)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
        return int(manifest["edition"]["publication"])
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
        return None


def _sums(text: str) -> dict[str, str]:
    return {name: digest for digest, _, name in (line.partition("  ") for line in text.splitlines() if line)}


def changed_files(recorded_sums: str, data: bytes) -> list[str]:
    """The files whose checksum differs from the recorded ``SHA256SUMS`` (or that were added or removed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            now = _sums(archive.read(SUMS_NAME).decode("utf-8"))
    except (KeyError, UnicodeDecodeError, zipfile.BadZipFile):
        return [SUMS_NAME]
    then = _sums(recorded_sums)
    return sorted(name for name in set(now) | set(then) if now.get(name) != then.get(name))
