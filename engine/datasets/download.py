"""Fetching a data file over HTTP(S): resumable, verified, never a half file under the final name.

The bytes go to `<name>.part` beside the final file. A transfer that is cut off or cancelled keeps
the `.part`, and the next attempt asks the server for the rest (an HTTP Range request). Only when
the whole file is there and its sha256 matches the pinned value is it renamed to its final name;
a mismatch deletes the `.part`. Checksums guard downloads only: a file the user puts in place by
hand is judged by parsing it.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.datasets.errors import DownloadCancelledError, DownloadError

CHUNK = 1 << 16
TIMEOUT = 30.0  # seconds without a byte before a download is given up
ProgressCallback = Callable[[int, "int | None"], None]  # (bytes so far, total bytes or None)


@dataclass(frozen=True)
class RemoteFile:
    """A file to fetch: its name in the cache, where it lives and its pinned hash: a sha256, or an
    md5 where that is all Keras pins (told apart by length, as Keras' get_file does)."""

    name: str
    url: str
    sha256: str
    size: int | None = None  # bytes, for showing the size before asking the server


def offline() -> bool:
    """True when HORNBOOK_OFFLINE is set: `load_data()` then never downloads on its own."""
    return os.environ.get("HORNBOOK_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def fetch(remote: RemoteFile, folder: str | Path, *, progress: ProgressCallback | None = None,
          cancelled: Callable[[], bool] | None = None, timeout: float = TIMEOUT) -> Path:
    """Download `remote` into `folder` (resuming a `.part` left there) and return the final path.

    Raises DownloadError (with the reason) or DownloadCancelledError when `cancelled()` turns true.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"Cannot create the folder {folder} for {remote.name}: {exc}.") from exc
    final, part = folder / remote.name, folder / (remote.name + ".part")
    for attempt in (1, 2):
        resumed = part.is_file() and part.stat().st_size > 0
        _transfer(remote, part, progress, cancelled, timeout)
        if _digest(part, remote.sha256) == remote.sha256.lower():
            os.replace(part, final)
            return final
        part.unlink(missing_ok=True)
        if not resumed or attempt == 2:
            raise DownloadError(
                f"The download of {remote.name} from {remote.url} is corrupt: its "
                f"{_algorithm(remote.sha256)} does not match the pinned {remote.sha256}. The file was "
                "deleted; try again later.")
        # A stale .part (another version of the file) spoiled the resumed copy: start afresh once.
    raise AssertionError("unreachable")


def _transfer(remote: RemoteFile, part: Path, progress, cancelled, timeout: float) -> None:
    """Append the missing bytes of `remote` to `part`; the whole file is there when it returns."""
    start = part.stat().st_size if part.is_file() else 0
    headers = {"User-Agent": "Hornbook"}
    if start:
        headers["Range"] = f"bytes={start}-"
    request = urllib.request.Request(remote.url, headers=headers)
    done = start
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if start and response.status != 206:
                start = done = 0  # the server ignored the Range: it sends the whole file again
            total = _total_size(response, start) or remote.size
            if progress:
                progress(done, total)
            with open(part, "ab" if start else "wb") as out:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                    if cancelled is not None and cancelled():
                        raise DownloadCancelledError(
                            f"The download of {remote.name} was cancelled; {done:,} bytes are kept in "
                            f"{part} and the next download continues from there.")
            if total is not None and done < total:
                raise http.client.IncompleteRead(b"", total - done)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # nothing left to send: the .part is already whole
            return
        raise DownloadError(f"The server refused {remote.url}: HTTP {exc.code} {exc.reason}.") from exc
    except DownloadError:
        raise
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        reason = _reason(exc, timeout)
        kept = (f" {done:,} bytes are kept in {part}; the next download continues from there."
                if part.is_file() and part.stat().st_size else "")
        raise DownloadError(f"Downloading {remote.name} from {remote.url} failed: {reason}.{kept}") from exc


def _total_size(response, start: int) -> int | None:
    """The whole file's size from Content-Range (a resumed transfer) or Content-Length."""
    match = re.search(r"/(\d+)\s*$", response.headers.get("Content-Range", ""))
    if match:
        return int(match.group(1))
    length = response.headers.get("Content-Length")
    return start + int(length) if length and length.isdigit() else None


def _reason(exc: BaseException, timeout: float) -> str:
    inner = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(inner, TimeoutError):
        return f"no data arrived for {timeout:g} seconds (timed out)"
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed before the whole file arrived"
    if isinstance(exc, urllib.error.URLError):
        return f"could not connect ({getattr(inner, 'strerror', None) or inner}); are you offline?"
    if isinstance(exc, ConnectionError):
        return f"the connection failed ({exc.strerror or type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _algorithm(pinned: str) -> str:
    return "md5" if len(pinned) == 32 else "sha256"


def _digest(path: Path, pinned: str) -> str:
    digest = hashlib.new(_algorithm(pinned))
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class TerminalProgress:
    """A progress callback drawing `mnist.npz  42%  4.8/11.5 MB` on one terminal line."""

    def __init__(self, label: str, stream=None, interval: float = 0.1) -> None:
        self.label, self.stream, self.interval = label, stream or sys.stderr, interval
        self._last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < self.interval:
            return
        self._last = now
        if total:
            width = 30
            filled = int(width * done / total)
            line = (f"{self.label} [{'=' * filled}{'.' * (width - filled)}] {100 * done / total:3.0f}% "
                    f"{done / 1e6:.1f}/{total / 1e6:.1f} MB")
        else:
            line = f"{self.label} {done / 1e6:.1f} MB"
        end = "\n" if finished else ""
        self.stream.write(f"\r{line}{end}")
        self.stream.flush()


def fetch_all(remotes, folder: str | Path, *, progress: ProgressCallback | None = None,
              cancelled: Callable[[], bool] | None = None, timeout: float = TIMEOUT) -> list[Path]:
    """Fetch each of `remotes` not already complete in `folder`; progress counts all their bytes."""
    folder = Path(folder)
    todo = [r for r in remotes if not (folder / r.name).is_file()]
    planned = sum(r.size for r in todo) if all(r.size for r in todo) else None
    before = 0

    def overall(done: int, total: int | None) -> None:
        if progress:
            whole = planned if planned and len(todo) > 1 else total
            progress(before + done, whole)

    for remote in todo:
        final = fetch(remote, folder, progress=overall, cancelled=cancelled, timeout=timeout)
        before += final.stat().st_size
    return [folder / r.name for r in remotes]
