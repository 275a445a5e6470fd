"""Naming and reading the inputs of an import: files, folders, globs and standard input.

`expand` turns what the user named into `Input`s (and an `Outcome` for each name that cannot be one);
`read_input` reads one of them as bytes. Both refuse what is not an article before reading it: links out
of an imported folder, FIFOs, devices, files of /proc and /sys, anything over --max-size. They run in the
pool's worker processes as well as in the main one (`importers.pipeline`), so they keep no state but the
device numbers of the system's file systems (found once per process).
"""
from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from importers.readers import ReadError

DEFAULT_MAX_SIZE = 20_000_000  # 20 MB, as the command line's --max-size default says (the browser's imports use this)
READ_CHUNK = 1024 * 1024  # standard input is read in pieces of this size, up to --max-size
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv"}


@dataclass
class Input:
    origin: str  # path as the user named it (printable, see `shown`), or "-" for stdin
    path: Path | None = None
    data: bytes | None = None  # stdin content
    root: str | None = None  # the real path of the folder it was found in; None: named by the user


@dataclass
class Outcome:
    origin: str
    status: str  # imported, completed, unchanged, failed, skipped
    sources: int = 0
    unchanged: int = 0
    incidents: int = 0
    completed: int = 0  # known sources it filled in (a better copy: a title, a date, a URL they lacked)
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


def expand(args: Iterable[str | Input], stdin: bytes | None = None,
           max_size: int = DEFAULT_MAX_SIZE) -> Iterator[Input | Outcome]:
    """Files, folders (recursively), globs and '-'. Names that match nothing come out as failures.
    Standard input is read up to max_size + 1 bytes: what is over the limit is refused, never held."""
    for arg in args:
        if isinstance(arg, Input):  # already read by the caller (a TAXII pull: importers/taxii.py)
            yield arg
            continue
        if arg == "-":
            yield _stdin(stdin, max_size)
            continue
        p = Path(arg).expanduser()
        if p.is_dir():
            yield from _walk(p)
        elif p.exists() or p.is_symlink():
            yield Input(shown(str(p)), path=p)
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(os.path.expanduser(arg), recursive=True))
            if not matches:
                yield Outcome(shown(arg), "failed", reason="no file matches this pattern")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    yield from _walk(mp)
                else:
                    yield Input(shown(m), path=mp)
        else:
            yield Outcome(shown(arg), "failed", reason="no such file or folder")


def shown(name: str) -> str:
    """A file name as text that can be stored and printed: bytes of a name that are not UTF-8 (which Python
    carries as lone surrogates) become \\xNN escapes. The file itself is still opened by its real name."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _stdin(given: bytes | None, max_size: int) -> Input | Outcome:
    if given is not None:
        return Input("-", data=given)
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return Outcome("-", "failed", reason="there is no standard input to read")
    try:
        data = _read_bounded(stream.read, max_size)
    except OSError as exc:
        return Outcome("-", "failed", reason=f"cannot read standard input: {exc.strerror or exc}")
    if len(data) > max_size:
        return Outcome("-", "failed", reason=f"standard input is over the {_mb(max_size)} limit (--max-size); "
                                              "stopped reading it")
    return Input("-", data=data)


def _read_bounded(read: Callable[[int], bytes], limit: int, first: int = READ_CHUNK) -> bytes:
    """At most limit + 1 bytes from `read`, in pieces: a stream without end costs limit + 1 bytes of memory."""
    parts: list[bytes] = []
    total, want = 0, first
    while total <= limit:
        part = read(min(want, limit + 1 - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
        want = READ_CHUNK
    return b"".join(parts)


def _walk(folder: Path) -> Iterator[Input | Outcome]:
    """The files under a folder. Links that lead out of it are not followed (one line each): a link to
    /etc/shadow dropped into a folder of articles is not an article. Linked folders inside it are not walked
    twice (os.walk does not follow them; their target is walked anyway)."""
    root = os.path.realpath(folder)
    errors: list[OSError] = []
    for top, dirs, files in os.walk(folder, onerror=errors.append):
        while errors:
            exc = errors.pop(0)
            yield Outcome(shown(str(exc.filename or top)), "failed",
                          reason=f"cannot read this folder: {(exc.strerror or str(exc)).lower()}")
        keep = []
        for d in sorted(dirs):
            if d in SKIP_DIRS or d.startswith("."):
                continue
            p = os.path.join(top, d)
            if os.path.islink(p):
                if not _inside(os.path.realpath(p), root):
                    yield Outcome(shown(p), "failed", reason="link to a folder outside the imported folder; not followed")
                continue
            keep.append(d)
        dirs[:] = keep
        for name in sorted(files):
            if name.startswith("."):
                continue
            p = Path(top) / name
            yield Input(shown(str(p)), path=p, root=root)
    for exc in errors:
        yield Outcome(shown(str(exc.filename or folder)), "failed",
                      reason=f"cannot read this folder: {(exc.strerror or str(exc)).lower()}")


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def read_input(item: Input, max_size: int) -> bytes:
    """The bytes of an input, refusing oversized files before reading them."""
    if item.data is not None:
        if len(item.data) > max_size:
            raise ReadError(f"input is {_mb(len(item.data))}, over the {_mb(max_size)} limit (--max-size)")
        return item.data
    try:
        fd, st = _open_regular(item)
        try:
            if st.st_size > max_size:
                raise ReadError(f"file is {_mb(st.st_size)}, over the {_mb(max_size)} limit (--max-size)")
            data = _read_bounded(lambda n: os.read(fd, n), max_size, first=st.st_size + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise ReadError("file disappeared before it could be read") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except IsADirectoryError:
        raise ReadError("is a folder") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_size:
        raise ReadError(f"file grew over the {_mb(max_size)} limit (--max-size) while being read")
    return data


def _open_regular(item: Input) -> tuple[int, os.stat_result]:
    """Open an input that is a regular file. A link found in a folder is followed only when it stays inside
    the folder; a link the user named is followed. Whatever it leads to must be a regular file outside /proc
    and /sys: a FIFO, a device or /proc/kmsg would block the import for ever, and reading some of them has
    effects. It is checked before opening, and again on the open file (opened without blocking) in case the
    file was swapped in between."""
    target = os.fspath(item.path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if item.root is not None:
        if os.path.islink(target):
            real = os.path.realpath(target)
            if not _inside(real, item.root):
                raise ReadError("link to a file outside the imported folder; not followed")
            target = real
        flags |= getattr(os, "O_NOFOLLOW", 0)
    _check_kind(os.stat(target))
    fd = os.open(target, flags)
    try:
        st = os.fstat(fd)
        _check_kind(st)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def _check_kind(st: os.stat_result) -> None:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise ReadError("is a folder")
    if not stat.S_ISREG(mode):
        kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "a special file")
        raise ReadError(f"not a regular file ({kind}); not read")
    if st.st_dev in _system_devices():
        raise ReadError("a file of the system (/proc, /sys); not read")


# File systems whose files are the kernel's, not data: their "regular" files can block (/proc/kmsg), never
# end, or change the system when read.
_SYSTEM_FS = frozenset({"proc", "sysfs", "debugfs", "tracefs", "securityfs", "configfs", "cgroup", "cgroup2",
                        "bpf", "pstore", "efivarfs", "fusectl", "binfmt_misc", "devpts", "mqueue", "rpc_pipefs",
                        "nsfs", "selinuxfs"})
_SYSTEM_DEVICES: list[frozenset[int] | None] = [None]


def _system_devices() -> frozenset[int]:
    """The device numbers (st_dev) of the system's pseudo file systems, from /proc/self/mountinfo (once)."""
    devs = _SYSTEM_DEVICES[0]
    if devs is not None:
        return devs
    found: set[int] = set()
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                left, _, right = line.partition(" - ")
                fields, fstype = left.split(), (right.split() or [""])[0]
                if fstype in _SYSTEM_FS and len(fields) > 2:
                    major, _, minor = fields[2].partition(":")
                    found.add(os.makedev(int(major), int(minor)))
    except (OSError, ValueError):
        pass
    for mount, probe in (("/proc", "/proc/self"), ("/sys", "/sys/kernel")):
        try:  # (mounted: their own device, not the root file system's)
            if os.path.exists(probe) and os.stat(mount).st_dev != os.stat("/").st_dev:
                found.add(os.stat(mount).st_dev)
        except OSError:
            pass
    _SYSTEM_DEVICES[0] = devs = frozenset(found)
    return devs


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"

