"""The browser in a real terminal (tmux), and over real SSH: keys go in as terminal input, the screen is read
back with `tmux capture-pane -p`, and we assert what a person would see."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.tui.conftest import build_db

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


class Tmux:
    """One tmux server on its own socket, one session, one pane."""

    def __init__(self, command: str, width: int = 120, height: int = 36, env: dict | None = None):
        self.socket = f"incidex-test-{uuid.uuid4().hex[:8]}"
        self.env = dict(os.environ, **(env or {}))
        for var in ("TMUX", "COLUMNS", "LINES"):  # Textual would believe COLUMNS over the terminal
            self.env.pop(var, None)
        self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command)
        self._tmux("set-option", "-t", "t", "remain-on-exit", "on")

    def _tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env,
                             timeout=20)
        return out.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def send(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout}s; the screen shows:\n{screen}")

    def wait_until(self, predicate, what: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{what} did not happen within {timeout}s; the screen shows:\n{screen}")

    def dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", "t", "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


def _browse_command(db: Path, home: Path) -> str:
    env = {"PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "TEXTUAL_ANIMATIONS": "none", "TERM": "xterm-256color"}
    envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return f"env -u COLUMNS -u LINES {envs} {shlex.quote(sys.executable)} -m importers.cli browse --db {shlex.quote(str(db))}"


def _walkthrough(t: Tmux) -> None:
    """The steps a person takes; shared by the local and the SSH test."""
    t.wait_for("Killnet DDoS on the hospital website")
    screen = t.wait_for("4 of 4")
    assert "1 Incidents" in screen
    # filter: `/`, a query, enter
    t.send("/")
    t.send("lyon", literal=True)
    t.wait_for("1 of 4")
    screen = t.wait_for("#1 Fibre optic cables cut in Lyon")  # the detail pane follows the list cursor
    assert "Killnet DDoS on the hospital website" not in screen
    t.send("Enter")  # to the results
    t.send("Enter")  # open the detail pane
    screen = t.wait_for("9,156 breakdowns")
    assert "Far-left anarchists" in screen and "Le Monde" in screen
    # actors view
    t.send("2")
    screen = t.wait_for("6 of 6")
    assert "Killnet" in screen and "LockBit" in screen
    # help for the focused pane
    t.send("?")
    screen = t.wait_for("Help:")
    assert "Quit" in screen
    t.send("Escape")
    t.wait_until(lambda s: "Help:" not in s, "closing help")
    t.send("q")
    t.wait_until(lambda s: t.dead(), "quitting")


@pytest.fixture
def tmux_available():
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")


def test_browse_in_tmux(tmux_available, tmp_path):
    db = build_db(tmp_path / "fixture.db")
    t = Tmux(_browse_command(db, tmp_path / "home"), env={"NO_COLOR": "1"})
    try:
        _walkthrough(t)
    finally:
        t.close()


def _filter_line(screen: str) -> str:
    """The filter bar's row: the one with the view's title and its count."""
    return next(line for line in screen.splitlines() if " of " in line)


def test_filter_keys_in_tmux(tmux_available, tmp_path):
    """Issue 30, as an fzf user types: the list moves while typing, esc leaves the filter and keeps the query,
    and the next `2` and `q` are commands, not letters of the query."""
    db = build_db(tmp_path / "fixture.db")
    t = Tmux(_browse_command(db, tmp_path / "home"), env={"NO_COLOR": "1"})
    ransomware = "Ransomware attack"
    try:
        t.wait_for("4 of 4")
        t.send("/")
        t.send("hospital", literal=True)
        screen = t.wait_for("2 of 4")
        assert screen.count(ransomware) == 1  # in the list; the detail shows the first row
        t.send("C-n")  # down while typing: the detail pane follows the cursor
        t.wait_until(lambda s: s.count(ransomware) == 2, "the detail following ctrl+n")
        t.send("C-k")  # up again (not Input's delete-to-the-end)
        t.wait_until(lambda s: s.count(ransomware) == 1, "the detail following ctrl+k")
        t.send("C-j")
        t.wait_until(lambda s: s.count(ransomware) == 2, "the detail following ctrl+j")
        t.send("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
        t.send("lyon", literal=True)
        t.wait_for("1 of 4")
        t.send("Escape")  # leaves the filter, keeps the query
        time.sleep(0.5)  # a person's pause: esc then `2` in one read would be alt+2
        assert "lyon" in _filter_line(t.screen())
        t.send("2")  # a command now, not a letter of the query
        screen = t.wait_for("6 of 6")
        assert "Killnet" in screen and "LockBit" in screen
        t.send("1")
        screen = t.wait_for("1 of 4")
        assert "lyon" in _filter_line(screen) and "lyon2" not in screen
        t.send("Escape")  # in the list: clears the query
        screen = t.wait_for("4 of 4")
        assert "lyon" not in _filter_line(screen)
        t.send("q")
        t.wait_until(lambda s: t.dead(), "quitting")
    finally:
        t.close()


def test_browse_in_tmux_ascii_80x24(tmux_available, tmp_path):
    db = build_db(tmp_path / "fixture.db")
    t = Tmux(_browse_command(db, tmp_path / "home") + " --ascii --no-mouse", width=80, height=24)
    try:
        screen = t.wait_for("Killnet DDoS on the hospital")
        body = screen.splitlines()[:-2]
        assert all(ord(c) < 128 for line in body for c in line), screen
        # type-ahead: everything in one write, as a fast typist over SSH produces it
        t.send("/", "lyon", "Enter", "2")
        screen = t.wait_for("6 of 6")
        assert "2 Actors" in screen and "lyon" not in screen.splitlines()[1]
        t.send("1")
        screen = t.wait_for("1 of 4")
        assert "lyon" in screen.splitlines()[1]
        t.send("C-q")
        t.wait_until(lambda s: t.dead(), "quitting with ctrl+q")
    finally:
        t.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_browse_over_ssh(tmux_available, tmp_path):
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    if sshd is None or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("sshd/ssh/ssh-keygen are not installed (apt-get install openssh-server openssh-client)")
    db = build_db(tmp_path / "fixture.db")
    keys = tmp_path / "ssh"
    keys.mkdir()
    for name in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True,
                       timeout=30)
    (keys / "authorized_keys").write_text((keys / "user_key.pub").read_text())
    os.chmod(keys / "authorized_keys", 0o600)
    port = _free_port()
    user = os.environ.get("USER") or __import__("getpass").getuser()
    config = keys / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {keys / 'host_key'}",
        f"AuthorizedKeysFile {keys / 'authorized_keys'}", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "StrictModes no", "UsePAM no",
        "PermitRootLogin yes", f"PidFile {keys / 'sshd.pid'}", "LogLevel ERROR", "PrintMotd no", "",
    ]))
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"sshd exited: {proc.stdout.read().decode(errors='replace')}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        remote = _browse_command(db, tmp_path / "home")
        ssh = " ".join(shlex.quote(a) for a in [
            "ssh", "-tt", "-i", str(keys / "user_key"), "-p", str(port), "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
            f"{user}@127.0.0.1", remote])
        t = Tmux(ssh)
        try:
            _walkthrough(t)
        finally:
            t.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_import_while_browsing_keeps_the_browser_responsive_and_refreshes_it(tmux_available, tmp_path):
    """Two processes on one file: `incidex import` writes while `incidex browse` is open in tmux."""
    db = build_db(tmp_path / "fixture.db")
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(40):
        (folder / f"n{i:02d}.md").write_text(
            f"---\ntitle: Portal outage number {i}\npublished: 2025-0{1 + i % 9}-1{i % 10}\n---\n"
            f"A distributed denial of service (DDoS) attack knocked the booking portal of ferry operator Nordwave"
            f" Lines offline on Monday, the company said, and service {i} came back after a few hours.\n",
            encoding="utf-8")
    t = Tmux(_browse_command(db, tmp_path / "home"), env={"NO_COLOR": "1"})
    try:
        t.wait_for("4 of 4")
        importer = subprocess.Popen([sys.executable, "-m", "importers.cli", "import", "--db", str(db), str(folder)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # while it writes, the browser keeps answering keys
        t.send("2")
        t.wait_for("2 Actors")
        t.send("1")
        out, err = importer.communicate(timeout=300)
        assert importer.returncode == 0, err
        assert "locked" not in err
        # the view refreshes by itself with the new incidents, without a key press
        def total(screen: str) -> int:
            m = re.search(r"(\d[\d,]*) of (\d[\d,]*)", screen.splitlines()[1] if screen.count("\n") else "")
            return int(m.group(2).replace(",", "")) if m else 0

        screen = t.wait_until(lambda s: total(s) > 4, "the list counting the imported incidents", timeout=30)
        assert "DDoS attack" in screen and "Killnet DDoS on the hospital website" in screen
        t.send("/")
        t.send("type:ddos", literal=True)
        t.wait_until(lambda s: total(s) > 4 and "DDoS attack" in s, "filtering the new incidents")
        t.send("C-q")
        t.wait_until(lambda s: t.dead(), "quitting")
    finally:
        t.close()
