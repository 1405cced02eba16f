"""A managed local Prefect server: one ``prefect server start`` per warehouse, started on demand.

Prefect's ephemeral mode (no server) is slow to start and lost run records in our measurements, and
``serve()`` never schedules runs against it, so Kabar runs a real server in the background:

    ensure_server(home, 4200)   # reuse a live one, or start one detached and wait for /api/health
    server_status(home)         # ServerInfo of the recorded server, or None
    stop_server(home)           # SIGINT (graceful), SIGTERM/SIGKILL fallback to the group, forget it

State lives in ``home`` (``<warehouse dir>/.kabar-prefect/`` by default): the Prefect SQLite DB,
``server.pid``, ``server.port``, ``server.log`` and ``server.lock`` (an ``fcntl.flock`` that keeps
two Kabar processes from starting two servers at once).

This module must not import prefect at import time: the CLI calls it before it decides on the
Prefect environment, and ``import prefect`` costs about 3 s. Only the standard library and psutil.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

HOST = "127.0.0.1"
PID_FILE = "server.pid"
PORT_FILE = "server.port"
LOG_FILE = "server.log"
LOCK_FILE = "server.lock"
HOME_DIR_NAME = ".kabar-prefect"
PORT_SEARCH_SPAN = 50
PROGRESS_EVERY = 5.0

Echo = Callable[[str], None]

# Popen handles of servers this process started, so stop_server can reap them (no zombies).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ServerInfo:
    """Where a Prefect server answers and whether this call started it."""

    api_url: str
    ui_url: str
    pid: int | None  # None when the server on the port is not one Kabar started
    home: Path
    started: bool
    log_path: Path

    @property
    def port(self) -> int:
        return int(self.api_url.rsplit(":", 1)[1].split("/", 1)[0])


def prefect_home_for(warehouse: Path | str) -> Path:
    """The PREFECT_HOME kept beside a warehouse: ``<catalog file's dir>/.kabar-prefect/`` (for a
    PostgreSQL catalog: beside its data folder, else the current directory)."""
    from warehouse.location import parse_location

    return parse_location(warehouse).local_dir / HOME_DIR_NAME


def api_url_for(port: int) -> str:
    return f"http://{HOST}:{port}/api"


def ui_url_for(port: int) -> str:
    return f"http://{HOST}:{port}"


def server_env(home: Path, port: int) -> dict[str, str]:
    """Environment for the server process (and for clients that should talk to it)."""
    api_url = api_url_for(port)
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_API_HOST": HOST,
        "PREFECT_SERVER_API_PORT": str(port),
        # The UI's JS calls this URL; its default is :4200, wrong for any other port.
        "PREFECT_SERVER_UI_API_URL": api_url,
        "PREFECT_UI_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }


# --- probes (stdlib only) -------------------------------------------------------------------------


def _http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes] | None:
    """(status, body) of a GET, ignoring proxy variables; None if nothing answered."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as resp:
            return resp.status, resp.read(4096)
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (OSError, ValueError):
        return None


def is_prefect_healthy(port: int, timeout: float = 2.0) -> bool:
    """True if a Prefect API on 127.0.0.1:port answers ``GET /api/health`` with 200 ``true``."""
    got = _http_get(f"{api_url_for(port)}/health", timeout=timeout)
    return got is not None and got[0] == 200 and got[1].strip() == b"true"


def port_is_free(port: int) -> bool:
    """True if 127.0.0.1:port can be bound (with SO_REUSEADDR, as uvicorn binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port the OS says is free right now (racy by nature; fine for tests and fallbacks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _next_free_port(start: int) -> int:
    for candidate in range(start + 1, start + 1 + PORT_SEARCH_SPAN):
        if candidate <= 65535 and port_is_free(candidate):
            return candidate
    return free_port()


# --- state files ----------------------------------------------------------------------------------


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _is_our_server(pid: int) -> bool:
    """A live, non-zombie process that looks like ``prefect server start``."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            _reap(pid)
            return False
        cmdline = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return "prefect" in cmdline and "server" in cmdline and "start" in cmdline


def _reap(pid: int) -> None:
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=0.1)
        return
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _forget(home: Path) -> None:
    for name in (PID_FILE, PORT_FILE):
        with contextlib.suppress(FileNotFoundError):
            (home / name).unlink()


def _recorded(home: Path) -> tuple[int, int] | None:
    """(pid, port) of the recorded server if that process is alive; stale files are removed."""
    pid = _read_int(home / PID_FILE)
    port = _read_int(home / PORT_FILE)
    if pid is None or port is None:
        if pid is not None or port is not None:
            _forget(home)
        return None
    if not _is_our_server(pid):
        _forget(home)
        return None
    return pid, port


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK_FILE, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _log_tail(log_path: Path, lines: int = 30) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


def _info(home: Path, port: int, pid: int | None, started: bool) -> ServerInfo:
    return ServerInfo(
        api_url=api_url_for(port),
        ui_url=ui_url_for(port),
        pid=pid,
        home=home,
        started=started,
        log_path=home / LOG_FILE,
    )


# --- public API -----------------------------------------------------------------------------------


def _wait_healthy(
    port: int, pid: int, log_path: Path, timeout: float, echo: Echo | None, began: float
) -> None:
    """Poll /api/health until 200; RuntimeError with the log tail if the process dies or time runs out."""
    next_note = began + PROGRESS_EVERY
    while True:
        if is_prefect_healthy(port):
            return
        if not _is_our_server(pid):
            raise RuntimeError(
                f"Prefect server (pid {pid}) exited before it became healthy on port {port}.\n"
                f"Last lines of {log_path}:\n{_log_tail(log_path)}"
            )
        now = time.monotonic()
        if now - began > timeout:
            raise TimeoutError(
                f"Prefect server (pid {pid}) did not answer {api_url_for(port)}/health "
                f"within {timeout:.0f} s.\nLast lines of {log_path}:\n{_log_tail(log_path)}"
            )
        if echo is not None and now >= next_note:
            echo(f"waiting for Prefect server… {now - began:.0f} s")
            next_note = now + PROGRESS_EVERY
        time.sleep(0.5)


def _spawn(home: Path, port: int) -> int:
    log_path = home / LOG_FILE
    env = {**os.environ, **server_env(home, port), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port)]
    with open(log_path, "ab") as log:
        log.write(f"\n--- kabar: {' '.join(cmd)} ({time.strftime('%Y-%m-%d %H:%M:%S')})\n".encode())
        log.flush()
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the CLI; its own process group for stop_server
        )
    _CHILDREN[proc.pid] = proc
    (home / PID_FILE).write_text(f"{proc.pid}\n")
    (home / PORT_FILE).write_text(f"{port}\n")
    return proc.pid


def ensure_server(
    home: Path, port: int = 4200, *, timeout: float = 180.0, echo: Echo | None = None
) -> ServerInfo:
    """Return a healthy Prefect server for ``home``, starting one detached if needed.

    - the server recorded in ``home`` is alive → reuse it (``started=False``), waiting for
      health if it is still starting;
    - the port already serves a Prefect API that is not ours → reuse it, and say so;
    - the port is taken by something else → start ours on the next free port, and say so;
    - otherwise start ``prefect server start`` on the port and wait for ``/api/health``.

    Raises RuntimeError (with the server log tail) if the server dies or is not healthy in
    ``timeout`` seconds; a server this call started is stopped in that case.
    """
    home = Path(home).expanduser().resolve()
    say = echo or (lambda _msg: None)
    began = time.monotonic()
    with _locked(home):
        recorded = _recorded(home)
        if recorded is not None:
            pid, rec_port = recorded
            if not is_prefect_healthy(rec_port):
                say(f"Prefect server (pid {pid}) is starting on port {rec_port}; waiting…")
                try:
                    _wait_healthy(rec_port, pid, home / LOG_FILE, timeout, echo, began)
                except TimeoutError as exc:
                    raise RuntimeError(str(exc)) from None
            return _info(home, rec_port, pid, started=False)

        if is_prefect_healthy(port):
            say(
                f"Port {port} already serves a Prefect API that Kabar did not start; using it "
                f"({ui_url_for(port)})."
            )
            return _info(home, port, None, started=False)

        if not port_is_free(port):
            taken = port
            port = _next_free_port(port)
            say(f"Port {taken} is in use by another program; starting Prefect on port {port}.")

        pid = _spawn(home, port)
        say(f"Starting Prefect server (pid {pid}) on {ui_url_for(port)}; log: {home / LOG_FILE}")
        try:
            _wait_healthy(port, pid, home / LOG_FILE, timeout, echo, began)
        except (RuntimeError, TimeoutError) as exc:
            _terminate(pid, 10.0)
            _forget(home)
            raise RuntimeError(str(exc)) from None
        say(f"Prefect server ready after {time.monotonic() - began:.0f} s.")
        return _info(home, port, pid, started=True)


def server_status(home: Path) -> ServerInfo | None:
    """The server recorded in ``home`` if its process is alive (healthy or still starting)."""
    home = Path(home).expanduser().resolve()
    if not home.is_dir():
        return None
    recorded = _recorded(home)
    if recorded is None:
        return None
    pid, port = recorded
    return _info(home, port, pid, started=False)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        if os.getpgid(pid) == pid:  # started with start_new_session: also reach its children
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            raise


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not psutil.pid_exists(pid) or not _is_our_server(pid):
            return True
        time.sleep(0.1)
    return False


def _terminate(pid: int, timeout: float) -> None:
    """SIGINT first (uvicorn shuts down gracefully on it and prints "Server stopped!"; on SIGTERM
    the ``prefect server start`` process just dies), then SIGTERM, then SIGKILL to the group."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    if not _wait_gone(pid, timeout):
        _signal_group(pid, signal.SIGTERM)
        if not _wait_gone(pid, 5.0):
            _signal_group(pid, signal.SIGKILL)
            _wait_gone(pid, 5.0)
    _reap(pid)


def stop_server(home: Path, timeout: float = 15.0) -> bool:
    """Stop the server recorded in ``home``: SIGINT, wait, SIGTERM, SIGKILL. False if none was running."""
    home = Path(home).expanduser().resolve()
    if not home.is_dir():
        return False
    with _locked(home):
        recorded = _recorded(home)
        if recorded is None:
            return False
        pid, _port = recorded
        _terminate(pid, timeout)
        _forget(home)
        return True


def server_command(action: str, warehouse: Path | str, port: int) -> int:
    """``kabar server start|status|stop`` for the server beside ``warehouse``; returns an exit code."""
    from rich.console import Console

    console = Console(stderr=False, highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    home = prefect_home_for(warehouse)

    def show(info: ServerInfo) -> None:
        console.print(f"Prefect UI:  [bold]{info.ui_url}[/bold]")
        console.print(f"Prefect API: {info.api_url}  (home {info.home})")
        console.print(f"export PREFECT_API_URL={info.api_url}", markup=False, soft_wrap=True)

    if action == "start":
        try:
            info = ensure_server(home, port, echo=lambda msg: err.print(msg, markup=False))
        except RuntimeError as exc:
            err.print(f"[red]Prefect server failed to start:[/red] {exc}")
            return 1
        if not info.started:
            console.print(f"Prefect server already running (pid {info.pid or 'not ours'}).")
        show(info)
        return 0
    if action == "status":
        status = server_status(home)
        if status is None:
            if is_prefect_healthy(port):
                console.print(f"No Kabar-managed server in {home}, but a Prefect API answers on port {port}.")
                show(_info(home, port, None, started=False))
                return 0
            console.print(f"No Prefect server running for {warehouse} (home {home}).")
            return 3
        state = "healthy" if is_prefect_healthy(status.port) else "starting (not healthy yet)"
        console.print(f"Prefect server pid {status.pid}: {state}")
        show(status)
        return 0
    if action == "stop":
        if stop_server(home):
            console.print(f"Stopped the Prefect server for {warehouse}.")
            return 0
        console.print(f"No Prefect server running for {warehouse}.")
        return 0
    err.print(f"[red]unknown server action {action!r}[/red] (use start, status or stop)")
    return 2
