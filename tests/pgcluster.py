"""A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary folder, `pg_ctl start` on 127.0.0.1
and a free port, trust authentication for one user, stopped and deleted at the end.

Used two ways: `.ci/run` starts one (``python tests/pgcluster.py start DIR`` prints its URL, exported as
``INCIDEX_TEST_PG``) and the suite's fixture (tests/conftest.py) starts its own when that variable is unset.
PostgreSQL refuses to run as root: as root, the cluster runs as the ``postgres`` user (the Debian package
creates it), or ``nobody``.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path

USER = "incidex"


class Unavailable(RuntimeError):
    """No server can be started here; the message says why."""


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    # Debian keeps the server programs out of PATH
    for path in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return path
    raise Unavailable(f"{name} not found (install PostgreSQL: apt-get install postgresql)")


def _runner() -> list[str]:
    """Prefix that runs a command as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        tool = shutil.which("runuser") or shutil.which("su")
        if tool and tool.endswith("runuser"):
            return [tool, "-u", user, "--"]
    raise Unavailable("running as root with no 'postgres' or 'nobody' user (and no runuser) to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path) -> str:
    """Create and start a cluster in `folder` (which must not hold one); return its admin URL."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    run_as = _runner()
    folder.mkdir(parents=True, exist_ok=True)
    if run_as:
        shutil.chown(folder, user=run_as[2])
        folder.chmod(0o700)
    data = folder / "data"
    port = _free_port()
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    done = subprocess.run([*run_as, initdb, "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync"],
                          capture_output=True, text=True, env=env, cwd=folder)
    if done.returncode:
        raise Unavailable(f"initdb failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    done = subprocess.run([*run_as, pg_ctl, "-D", str(data), "-o", opts, "-l", str(folder / "log"), "-w", "start"],
                          capture_output=True, text=True, env=env, cwd=folder)
    if done.returncode:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else done.stderr
        raise Unavailable(f"pg_ctl start failed: {log.strip().splitlines()[-1:]}")
    return f"postgresql://{USER}@127.0.0.1:{port}/postgres"


def stop(folder: Path) -> None:
    data = folder / "data"
    if data.exists():
        subprocess.run([*_runner(), _bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, cwd=folder)
    shutil.rmtree(folder, ignore_errors=True)


def new_database(admin_url: str, name: str) -> str:
    """Create an empty database on the cluster; return its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit("usage: pgcluster.py start|stop FOLDER")
    where = Path(sys.argv[2])
    if sys.argv[1] == "stop":
        stop(where)
    else:
        try:
            print(start(where))
        except Unavailable as exc:
            sys.exit(f"pgcluster: {exc}")
