"""Handing a command to the running dashboard, which holds the store.

DuckDB lets one process at a time open a file for writing, and the dashboard keeps its store
open while it serves. So the dashboard process listens on a Unix socket beside the store
(``<store>.link``, mode 0600, same user only) and runs the command lines it receives in-process,
on its own connection, with the command's output captured: ``python -m analytics import x.csv``
and every read command work while the dashboard runs, and an import so handed over bumps the
data version the pages' caches are keyed on, so they show the new data on the next interaction.

One request per connection: a JSON line ``{"argv": [...], "cwd": "...", "stdin": "..."}``;
the answer a JSON object ``{"code": n, "stdout": "...", "stderr": "..."}``, then the socket
closes.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import json
import os
import socket
import socketserver
import struct
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, TextIO

from analytics import db

SUFFIX = ".link"
CONNECT_TIMEOUT = 2.0
MAX_REQUEST = 1 << 20  # a command line and its piped standard input, never more
_MAX_SOCKET_PATH = 100  # sockaddr_un holds 108 bytes


class LinkLost(Exception):
    """The dashboard took the command but closed the socket before answering."""


def socket_path(db_path: str | os.PathLike | None) -> Path:
    """The socket of a store: beside the file, or under the temporary folder (named by a hash
    of the store's path) when that path is too long for a Unix socket."""
    store = db.resolve_db_path(db_path).resolve()
    beside = Path(f"{store}{SUFFIX}")
    if len(os.fsencode(beside)) <= _MAX_SOCKET_PATH:
        return beside
    digest = hashlib.sha256(os.fsencode(store)).hexdigest()[:20]
    return Path(tempfile.gettempdir()) / f"analytics-{digest}{SUFFIX}"


# ------------------------------------------------------------------ captured output


class _Routed(io.TextIOBase):
    """sys.stdout / sys.stderr / sys.stdin that a thread can point at its own stream: the
    command a link thread runs prints into its answer while the server's own output (and every
    other thread's) goes where it always went."""

    def __init__(self, default: TextIO) -> None:
        self._default = default
        self._local = threading.local()

    def target(self) -> TextIO:
        return getattr(self._local, "stream", None) or self._default

    @contextlib.contextmanager
    def routed_to(self, stream: TextIO) -> Any:
        self._local.stream = stream
        try:
            yield stream
        finally:
            self._local.stream = None

    def write(self, text: str) -> int:
        return self.target().write(text)

    def flush(self) -> None:
        self.target().flush()

    def read(self, size: int | None = -1) -> str:
        return self.target().read(size)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self.target().readline(size)

    def isatty(self) -> bool:
        return self.target().isatty()

    def fileno(self) -> int:
        return self.target().fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target(), "encoding", None) or "utf-8"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target(), name)


def _routed(name: str) -> _Routed:
    current = getattr(sys, name)
    if not isinstance(current, _Routed):
        current = _Routed(current)
        setattr(sys, name, current)
    return current


def run_captured(argv: list[str], cwd: str, stdin: str, store: str) -> tuple[int, str, str]:
    """Run a command line on the store `store` in this process (see
    `analytics.__main__.run_handed_over`), its standard streams captured; (exit code, stdout,
    stderr)."""
    from analytics.__main__ import run_handed_over

    out, err, inp = io.StringIO(), io.StringIO(), io.StringIO(stdin)
    with (
        _routed("stdout").routed_to(out),
        _routed("stderr").routed_to(err),
        _routed("stdin").routed_to(inp),
    ):
        code = run_handed_over(argv, cwd, store)
    return code, out.getvalue(), err.getvalue()


# ------------------------------------------------------------------ server


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        if not _same_user(self.request):
            return
        line = self.rfile.readline(MAX_REQUEST)
        try:
            request = json.loads(line)
            argv = [str(arg) for arg in request["argv"]]
            cwd, stdin = str(request.get("cwd") or "/"), str(request.get("stdin") or "")
        except (ValueError, KeyError, TypeError):
            return
        code, out, err = run_captured(argv, cwd, stdin, self.server.store)  # type: ignore[attr-defined]
        answer = json.dumps({"code": code, "stdout": out, "stderr": err}, ensure_ascii=False)
        with contextlib.suppress(OSError):
            self.wfile.write(answer.encode("utf-8"))


def _same_user(sock: socket.socket) -> bool:
    """Only the dashboard's own user may hand it commands (the socket's mode says the same)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    credentials = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return uid == os.getuid()


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    store = ""


_SERVERS: dict[str, tuple[_Server, Path]] = {}
_SERVERS_LOCK = threading.Lock()


def serve(db_path: str | os.PathLike | None = None) -> Path | None:
    """Listen for handed-over commands for the store `db_path`, once per process (later calls
    return the same socket). The store must be open in this process (``db.connect``); the
    socket closes at exit and on ``db.close_all()``. None when the socket cannot be made (a
    read-only folder) or another live process already answers on it."""
    path = socket_path(db_path)
    key = str(path)
    with _SERVERS_LOCK:
        if key in _SERVERS:
            return path
        if path.exists() or path.is_symlink():
            if _answers(path):
                return None
            with contextlib.suppress(OSError):
                path.unlink()  # left by a dashboard that was killed
        try:
            server = _Server(key, _Handler)
            os.chmod(key, 0o600)
        except OSError:
            return None
        server.store = str(db.resolve_db_path(db_path).resolve())
        threading.Thread(target=server.serve_forever, name=f"analytics-link {path.name}", daemon=True).start()
        _SERVERS[key] = (server, path)
    return path


def stop(db_path: str | os.PathLike | None = None) -> None:
    """Stop the link of `db_path` (every link when None) and remove its socket."""
    with _SERVERS_LOCK:
        keys = list(_SERVERS) if db_path is None else [str(socket_path(db_path))]
        for key in keys:
            found = _SERVERS.pop(key, None)
            if found is None:
                continue
            server, path = found
            server.shutdown()
            server.server_close()
            with contextlib.suppress(OSError):
                path.unlink()


def serving(db_path: str | os.PathLike | None = None) -> bool:
    return str(socket_path(db_path)) in _SERVERS


db.ON_CLOSE.append(stop)
atexit.register(stop)


# ------------------------------------------------------------------ client


def answers(db_path: str | os.PathLike | None) -> bool:
    """True when a running dashboard listens beside the store `db_path`."""
    return _answers(socket_path(db_path))


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(CONNECT_TIMEOUT)
            probe.connect(str(path))
        return True
    except OSError:
        return False


def hand_over(
    argv: list[str], db_path: str | os.PathLike | None, cwd: str | None = None, stdin: str = ""
) -> tuple[int, str, str] | None:
    """Have the dashboard serving `db_path` run `argv`; (exit code, stdout, stderr), or None
    when no dashboard answers. Raises LinkLost when it stops before answering."""
    path = socket_path(db_path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(str(path))
        except OSError:
            return None
        request = {"argv": list(argv), "cwd": cwd or os.getcwd(), "stdin": stdin}
        sock.sendall(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
        sock.settimeout(None)  # an import may take minutes
        chunks = []
        while chunk := sock.recv(1 << 16):
            chunks.append(chunk)
    except OSError as error:
        raise LinkLost(str(error)) from error
    finally:
        sock.close()
    try:
        answer = json.loads(b"".join(chunks))
        return int(answer["code"]), str(answer["stdout"]), str(answer["stderr"])
    except (ValueError, KeyError, TypeError) as error:
        raise LinkLost("no answer") from error
