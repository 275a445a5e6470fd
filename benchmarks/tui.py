"""The browser's speed in a real terminal (targets: docs/ARCHITECTURE.md, Speed targets). Not a test: prints figures.

    python -m benchmarks.tui                 # 100k and 1M incidents (generated once by benchmarks.gen)
    python -m benchmarks.tui --sizes 100000 --runs 5
    python -m benchmarks.tui --sizes 100000 --engine postgresql [--pg URL]   # the same rows on PostgreSQL

Everything goes through tmux like a person's terminal: the app is started with `incidex browse`, keys are
fed with `send-keys` (terminal input, not Textual's pilot) and the screen is read with `capture-pane`,
both through one tmux control-mode client. tmux tells that client when the app writes to its terminal,
so a change is dated by the app's output that brought it, not by a poll that noticed it later. (Until
November 2026 this script spawned a tmux process per key and polled `capture-pane` in a loop: that
added ~3-5 ms per spawn and the overshoot of the poll, and took CPU from the app.)

* cold start: from spawning the process to the output that shows the list's first row (median of N
  fresh starts), against a bare Textual app's start to its first frame, the two interleaved;
* keystroke: typing queries one key at a time; from send-keys to the output after which the hint line
  shows the new query's interpretation (it is drawn in the same refresh as the new rows);
* scroll: ctrl+d in the list; from send-keys to the output that changed the first list row;
* peak RSS: VmHWM of the browser process after the session.
"""
from __future__ import annotations

import argparse
import os
import queue
import shlex
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = ["killnet lyon", "ransomware hospital", "type:ddos paris", "noname057", "sabotage cable", "apt28 ministry"]


class Tmux:
    """A detached tmux session driven through one control-mode client (`tmux -C`).

    Keys and captures go down the client's stdin, so no tmux process is spawned per key or per look
    (each spawn costs ~3-5 ms here and competes with the app for the two cores). tmux reports every
    chunk the app writes to its terminal as a `%output` line as it happens: `wait` looks at the screen
    only after new output and dates a change by the output that brought it, not by when a poll noticed.
    """

    def __init__(self, command: str, width: int = 200, height: int = 50):
        self.socket = f"incidex-bench-{uuid.uuid4().hex[:8]}"
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
        self.env = env
        self.t0 = time.perf_counter()
        subprocess.run(["tmux", "-L", self.socket, "new-session", "-d", "-s", "b", "-x", str(width), "-y",
                        str(height), command], env=env, check=True)
        self.ctl = subprocess.Popen(["tmux", "-L", self.socket, "-C", "attach-session", "-t", "b"], env=env,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.lines: queue.Queue[tuple[float, bytes]] = queue.Queue()
        self.last_output: float | None = None  # when the app last wrote to its terminal
        self.shown: float | None = None  # last_output as of the latest reply: what that capture shows
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.ctl.stdout is not None
        for line in self.ctl.stdout:
            self.lines.put((time.perf_counter(), line))
        self.lines.put((time.perf_counter(), b""))

    def _next(self, timeout: float | None) -> tuple[float, bytes] | None:
        try:
            t, line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if not line:
            raise EOFError("the tmux control client ended")
        if line.startswith(b"%output "):
            self.last_output = t
        return t, line

    def _command(self, cmd: str) -> list[str]:
        """Run one tmux command on the control client; its reply lines (notifications are consumed)."""
        assert self.ctl.stdin is not None
        self.ctl.stdin.write(cmd.encode() + b"\n")
        self.ctl.stdin.flush()
        body: list[str] | None = None
        while True:
            got = self._next(30)
            if got is None:
                raise TimeoutError(f"tmux did not answer {cmd!r} within 30 s")
            line = got[1]
            if body is None:
                if line.startswith(b"%begin "):
                    body, self.shown = [], self.last_output
            elif line.startswith((b"%end ", b"%error ")):
                return body
            else:
                body.append(line.decode("utf-8", "replace").rstrip("\n"))

    def screen(self) -> str:
        return "\n".join(self._command("capture-pane -p -t b"))

    def send(self, *keys: str, literal: bool = False) -> float:
        t = time.perf_counter()
        self._command("send-keys -t b " + ("-l " if literal else "") + " ".join(shlex.quote(k) for k in keys))
        return t

    def pid(self) -> int:
        return int(self._command("display-message -p -t b '#{pane_pid}'")[0].strip())

    def wait(self, predicate, timeout: float = 30.0) -> tuple[float, str]:
        """The time of the terminal output that made the screen satisfy `predicate`, and the screen."""
        deadline = time.perf_counter() + timeout
        while True:
            s = self.screen()
            if predicate(s):
                # (no output seen at all: the screen showed it before the client attached)
                return (self.shown if self.shown is not None else time.perf_counter()), s
            before = self.last_output
            while self.last_output == before:  # look again only once the app has written something
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(s)
                self._next(left)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env)
        try:
            self.ctl.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.ctl.kill()


def command(db: Path) -> str:
    env = "env -u COLUMNS -u LINES TEXTUAL_ANIMATIONS=none TERM=xterm-256color"
    return f"exec {env} {shlex.quote(sys.executable)} -m importers.cli browse --db {shlex.quote(str(db))}"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def first_title(db: Path) -> str:
    from tui.data import Data

    d = Data(db)
    try:
        rows = d.page("incidents", "", limit=1).rows
        return rows[0].title[:30]
    finally:
        d.close()


def _start(cmd: str, needle: str) -> float:
    """Milliseconds from spawning `cmd` in a fresh tmux to the output that shows `needle`."""
    t = Tmux(cmd)
    try:
        seen, _ = t.wait(lambda s: needle in s)
        return (seen - t.t0) * 1000
    finally:
        t.close()
        time.sleep(0.2)


def cold_start(db: Path, runs: int) -> tuple[list[float], list[float]]:
    """Cold starts of the bare Textual app and of incidex, interleaved (bare, incidex, bare, ...): on this
    shared 2-core machine the import phase alone swings by 100 ms from one minute to the next, so starts
    taken in two separate batches compared the machine's moods as much as the two apps."""
    needle = first_title(db)
    bare, ours = [], []
    for _ in range(runs):
        bare.append(_start(BARE_COMMAND, "BARE 0"))
        ours.append(_start(command(db), needle))
    return bare, ours


def hint_for(query: str) -> str:
    from db.search.parser import parse

    return f"matching: {parse(query).understood}"[:60]


def session(db: Path) -> dict:
    """Type the queries key by key, then scroll; returns latencies and the peak RSS."""
    t = Tmux(command(db))
    out = {"keystroke": [], "scroll": [], "rss_mib": None}
    try:
        needle = first_title(db)
        t.wait(lambda s: needle in s)
        time.sleep(0.5)
        t.send("/")
        time.sleep(0.2)
        for q in QUERIES:
            for i in range(1, len(q) + 1):
                prefix = q[:i]
                if prefix.endswith(" "):
                    t.send(" ", literal=True)
                    time.sleep(0.05)
                    continue
                want = hint_for(prefix)
                sent = t.send(q[i - 1], literal=True)
                try:
                    seen, _ = t.wait(lambda s, w=want: w in s, timeout=10)
                except TimeoutError:
                    continue
                out["keystroke"].append((seen - sent) * 1000)
            t.send("C-u")  # clear the filter (Input: delete to the start)
            time.sleep(0.6)
        # scrolling: unfiltered list, focus it, then ctrl+d half pages
        t.send("Escape")
        time.sleep(0.5)
        t.send("Escape")
        time.sleep(0.8)

        def first_row(s: str) -> str:
            lines = s.splitlines()
            return lines[4] if len(lines) > 4 else ""

        for _ in range(40):
            before = first_row(t.screen())
            sent = t.send("C-d")
            try:
                seen, _ = t.wait(lambda s, b=before: first_row(s) != b, timeout=10)
            except TimeoutError:
                continue
            out["scroll"].append((seen - sent) * 1000)
            time.sleep(0.05)
        pid = t.pid()
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    out["rss_mib"] = int(line.split()[1]) / 1024
    finally:
        t.close()
    return out


def orm_free_startup(db: Path) -> bool:
    """True when the app reaches its first frame without importing sqlmodel/sqlalchemy."""
    code = (
        "import asyncio, sys\n"
        "from tui.app import IncidexApp\n"
        "async def main():\n"
        f"    app = IncidexApp({str(db)!r}, poll=False)\n"
        "    async with app.run_test(size=(120, 36)) as pilot:\n"
        "        await pilot.pause(0.5)\n"
        "        print('ORM' if {'sqlmodel', 'sqlalchemy'} & set(sys.modules) else 'clean')\n"
        "asyncio.run(main())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return out.stdout.strip().endswith("clean")


BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    n = 0
    def compose(self):
        yield Static("BARE 0", id="c")
    def on_key(self, event):
        self.n += 1
        self.query_one("#c", Static).update(f"BARE {self.n}")
Bare().run()
"""


BARE_COMMAND = f"exec env -u COLUMNS -u LINES {shlex.quote(sys.executable)} -c {shlex.quote(BARE_APP)}"


def key_echo() -> list[float]:
    """For scale, on the same machine at the same moment: a bare Textual app's key echo."""
    keys = []
    t = Tmux(BARE_COMMAND)
    try:
        t.wait(lambda s: "BARE 0" in s)
        for k in range(1, 31):
            sent = t.send("x")
            seen, _ = t.wait(lambda s, k=k: f"BARE {k}" in s)
            keys.append((seen - sent) * 1000)
            time.sleep(0.03)
    finally:
        t.close()
    return keys


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--sources", default="0", help="sources per generated db; one number or one per size (5000,20000)")
    ap.add_argument("--engine", default="sqlite", help="sqlite or postgresql (the generated file copied once, as "
                                                       "benchmarks.search does)")
    ap.add_argument("--pg", default=None, help="a PostgreSQL server URL where databases can be created")
    a = ap.parse_args(argv)
    # A pip install compiles the package's bytecode; a checkout run with PYTHONDONTWRITEBYTECODE=1 (as here)
    # would recompile every module edited since its last .pyc on every start and inflate the cold start.
    import compileall

    from benchmarks.gen import ensure_db

    for pkg in ("db", "importers", "tui"):
        compileall.compile_dir(str(ROOT / pkg), quiet=2)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    bk = key_echo()
    print(f"for scale, a bare Textual app in the same tmux: key echo p50 {pct(bk, 50):.0f} ms, p95 {pct(bk, 95):.0f} ms")
    sizes = [int(x) for x in a.sizes.split(",")]
    sources = [int(x) for x in a.sources.split(",")]
    sources += [sources[-1]] * (len(sizes) - len(sources))
    for n, src in zip(sizes, sources, strict=False):
        db = ensure_db(n, workdir=a.workdir, sources=src, log=lambda *x: print(*x, file=sys.stderr))
        print(f"== {n:,} incidents ({db.name}, {db.stat().st_size / 2**20:.0f} MiB), {a.engine}")
        if a.engine == "postgresql":
            from benchmarks.search import on_server

            db = on_server(db, n, a.pg)  # type: ignore[assignment]  # a URL: every use below takes str(db)
        print(f"startup without sqlmodel/sqlalchemy: {'yes' if orm_free_startup(db) else 'NO'}")
        bs, cs = cold_start(db, a.runs)
        ratio = statistics.median(cs) / statistics.median(bs)
        print(f"cold start to first row (tmux), {len(cs)} starts interleaved with a bare Textual app's: median "
              f"{statistics.median(cs):.0f} ms (min {min(cs):.0f}, max {max(cs):.0f}), bare "
              f"{statistics.median(bs):.0f} ms: {ratio:.2f}x (target <= 1.2x)")
        s = session(db)
        k, sc = s["keystroke"], s["scroll"]
        if k:
            print(f"keystroke to redrawn results, {len(k)} keys: p50 {pct(k, 50):.0f} ms, p95 {pct(k, 95):.0f} ms, "
                  f"max {max(k):.0f} ms (target p95 <= 50)")
        if sc:
            print(f"scroll half a page (ctrl+d), {len(sc)} times: p50 {pct(sc, 50):.0f} ms, p95 {pct(sc, 95):.0f} ms "
                  f"(target p95 <= 20)")
        if s["rss_mib"] is not None:
            print(f"peak RSS of the browser: {s['rss_mib']:.0f} MiB (target @1M <= 300)")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
