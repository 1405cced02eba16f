"""A real PostgreSQL server on 127.0.0.1 for tests: ``initdb`` into a temporary folder, ``pg_ctl start``.

PostgreSQL refuses to run as root, so under root (CI, these machines) the server runs as the
``postgres`` system user (``runuser``), with its data folder handed to that user.  Trust
authentication on loopback only; the server is stopped (``pg_ctl stop -m immediate``) at the end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "kabar"


@dataclass(frozen=True)
class Postgres:
    port: int
    database: str

    def conninfo(self, database: str | None = None) -> str:
        return f"dbname={database or self.database} host=127.0.0.1 port={self.port} user={USER}"

    @property
    def warehouse(self) -> str:
        """The Kabar warehouse string for this database: ``postgres:<conninfo>``."""
        return f"postgres:{self.conninfo()}"

    def create_database(self, name: str) -> str:
        """Create another database on this server; return its warehouse string."""
        subprocess.run(
            [str(_binary("psql")), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
             "-c", f"CREATE DATABASE {name}"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return f"postgres:{self.conninfo(name)}"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available() -> str | None:
    """Why PostgreSQL cannot run here, or None when it can."""
    for name in ("initdb", "pg_ctl", "psql"):
        if _binary(name) is None:
            return f"{name} not found (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def running_postgres(folder: Path, database: str | None = None) -> Iterator[Postgres]:
    """Start a fresh PostgreSQL under ``folder`` (and create ``database`` if given; else the server's
    ``postgres`` database is the default one); stop it on exit."""
    why = available()
    if why is not None:
        raise RuntimeError(why)
    folder.mkdir(parents=True, exist_ok=True)
    data, sock = folder / "pgdata", folder / "sock"
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        ent = pwd.getpwnam("postgres")
        for path in (folder, sock):
            os.chown(path, ent.pw_uid, ent.pw_gid)
        os.chmod(folder, 0o755)
        parent = folder.parent  # the server user must be able to reach its folder
        while parent != parent.parent:
            os.chmod(parent, os.stat(parent).st_mode | 0o011)
            parent = parent.parent
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    subprocess.run(
        _as_server_user(
            [str(_binary("initdb")), "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    options = f"-h 127.0.0.1 -p {port} -k {sock} -F -c fsync=off -c max_connections=50"
    subprocess.run(
        _as_server_user(
            [str(_binary("pg_ctl")), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
        ),
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    try:
        server = Postgres(port, database or "postgres")
        if database is not None:
            server.create_database(database)
        yield server
    finally:
        subprocess.run(
            _as_server_user([str(_binary("pg_ctl")), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            env=env,
            timeout=120,
        )
