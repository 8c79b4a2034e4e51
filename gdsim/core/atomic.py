"""Atomic file writes: a failure mid-write leaves the old file whole.

Every file gdsim writes (``--history``, ``code -o``, ``--save-data``,
``animate --out``, sessions, exports, ``--screenshot``) goes through here:

* a symbolic link is followed, and its target is replaced atomically (the
  link stays a link);
* a target that exists but is not a regular file (a device such as
  /dev/null, a FIFO, a directory) is refused with one sentence: renaming a
  temporary file over it would replace the device itself;
* any error names the user's path, never the temporary file.

``read_regular`` is the reading side: a CSV or session is read only from a
regular file (a FIFO would block forever, /dev/zero never ends) and only up to
a size limit.
"""

from __future__ import annotations

import errno as errnos
import os
import secrets
import stat
from pathlib import Path


class WriteError(OSError):
    """A file that could not be written: ``str()`` is one sentence naming the user's path;
    ``strerror`` is the reason alone (for messages that name the file themselves)."""

    def __init__(self, path: str | os.PathLike, reason: str, code: int | None = None) -> None:
        super().__init__(f"Cannot write {os.fspath(path)}: {reason}.")
        self.errno = code
        self.strerror = reason
        self.user_path = os.fspath(path)

    def __str__(self) -> str:
        return self.args[0]


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str | None:
    """'a folder', 'a device', ... for a mode that is not a regular file's; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


class ReadError(OSError):
    """A file that cannot be read as data; ``str()`` is one sentence naming it."""

    def __str__(self) -> str:
        return self.args[0]


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (symbolic links followed), at most ``limit`` of them.

    Raises FileNotFoundError, PermissionError or IsADirectoryError as ``open`` would, and
    ReadError (one sentence) for a device, FIFO or socket, or a file larger than ``limit``.
    """
    mode = os.stat(path).st_mode
    kind = file_kind(mode)
    if kind == "a folder":
        raise IsADirectoryError(errnos.EISDIR, "is a folder", os.fspath(path))
    if kind is not None:
        raise ReadError(f"'{os.fspath(path)}' is {kind}, not a regular file; gdsim reads data only from files.")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)  # a file that grows while read still stops here
    if len(data) > limit:
        raise ReadError(f"'{os.fspath(path)}' is larger than {limit // 2**20:,} MB, the most gdsim reads.")
    return data


def writable_target(path: str | os.PathLike) -> Path:
    """The file a write to ``path`` replaces: ``path`` itself, or the end of its chain of
    symbolic links. Raises WriteError when that exists and is not a regular file."""
    if str(path).strip() == "":
        raise WriteError(path, "no file name was given")
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise WriteError(path, _reason(exc), exc.errno) from None
    kind = file_kind(mode)
    if kind is not None:
        raise WriteError(path, f"it is {kind}, not a regular file; choose a file name",
                         errnos.EISDIR if stat.S_ISDIR(mode) else None)
    return target


def _reason(exc: OSError) -> str:
    if exc.errno == errnos.ENOSPC:
        return "the disk is full (the old file, if any, is unchanged)"
    return (exc.strerror or str(exc)).rstrip(".")


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` atomically (see ``atomic_write_bytes``)."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write a temporary file beside the target, fsync it, then ``os.replace`` it over the target.

    The target is ``path`` or, for a symbolic link, the file it points to
    (``writable_target``). If anything fails, an existing file is left whole,
    the temporary file is removed and a WriteError naming ``path`` is raised.
    A new file gets the usual permissions (0666 less the umask); an existing
    file keeps its own.
    """
    target = writable_target(path)
    folder = target.parent
    tmp = folder / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except OSError as exc:
        raise WriteError(path, _reason(exc), exc.errno) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        except OSError:
            pass  # no previous file (or no right to read its mode): keep the umask default
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(path, _reason(exc), exc.errno) from None
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows it (best effort)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
