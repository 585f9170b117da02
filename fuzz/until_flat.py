#!/usr/bin/env python3
"""Runs one libFuzzer target until its coverage stops growing, measured in the
fuzzer's own CPU time.

Usage (from anywhere, after `cargo fuzz build -s none -a` in fuzz/):

    python3 fuzz/until_flat.py TARGET [--flat-cpu-min 10] [--max-cpu-min 120]
        [--max-wall-min 600] [--log-dir DIR] [-- extra libFuzzer args]

"Flat" means libFuzzer's `cov:` (covered edges) has not grown during the last
`--flat-cpu-min` minutes of the fuzzer process's own CPU time (utime + stime
of its pid, read from /proc/<pid>/stat). Wall time is not used for the
criterion: on a shared machine a fuzzer that gets a quarter of a core for ten
wall minutes has fuzzed for two and a half minutes, and calling that flat
would be a lie. The run then gets SIGINT (libFuzzer prints its final stats and
exits). `--max-cpu-min` and `--max-wall-min` bound the run; a run stopped by a
bound is reported as not flat. SIGTERM or SIGINT to this script stops the
fuzzer the same way ("stopped by hand").

The fuzzer runs on `fuzz/corpus/TARGET` (never deleted; a rerun continues it)
with `fuzz/dicts/TARGET.dict` when that file exists, `-timeout=60
-rss_limit_mb=2048` (libFuzzer's timeout is wall time: at nice 19 beside
builds, a 0.26 s input of the manual target was starved past 10 s and
reported as a timeout; a real hang still passes 60 s), and writes crashes, timeouts and OOMs to
`fuzz/artifacts/TARGET/`. libFuzzer's output goes to `DIR/TARGET.log`
(default DIR: fuzz/logs). `DIR/TARGET.status` is rewritten every 30 s with the
run's state so far. At the end one summary line is printed and appended to
`fuzz/runs.log` and `DIR/runs.log` (neither is in git): wall and CPU minutes,
runs, cov/ft when the corpus was loaded and at the end, corpus size, CPU and
wall minute of the last new coverage, peak RSS, crashes/timeouts/OOMs, and
whether the run flattened. With `--copy-corpus-to D` the corpus is then copied
into `D/TARGET/` (adding files, never deleting).

A second criterion, reported separately and never in place of the first:
"flat in tebiki's own code", no new edge in a function of the tebiki crate
for `--flat-cpu-min` CPU minutes. Much of the coverage that keeps coming is a
dependency's (the YAML or Markdown parser), so a run can be flat in tebiki's
code long before `cov:` stops growing. How it is measured:

- at the start, the corpus is replayed once (`-runs=0 -print_coverage=1`,
  `fuzz/cov_split.py`'s `replay`) for the covered edges by crate;
- the fuzzer runs with `-print_pcs=1`, so libFuzzer prints every newly
  covered edge (`NEW_PC: 0x...`, from the end of the corpus load on); each
  address, minus the binary's load address (from /proc/PID/maps), is named
  by the binary's symbol table (`nm`, read once) and classified by crate as
  `cov_split.py` does, stamped with the fuzzer's CPU time when it was read.

tebiki's own edges at the end = at the start + the new ones. The summary
gives both figures, the CPU minute tebiki's own coverage last grew, the new
edges by crate, and both verdicts. `--no-own` turns this off.
"""

import argparse
import collections
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
BIN = os.path.join(FUZZ, "target", "x86_64-unknown-linux-gnu", "release")
TICK = os.sysconf("SC_CLK_TCK")
NEW_PC = re.compile(r"^\s*NEW_PC: 0x([0-9a-f]+)")

# "#1234  NEW    cov: 3362 ft: 16290 corp: 6103/1919Kb lim: 4096 exec/s: 3257 rss: 38Mb ..."
STAT = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+)(?: corp: (\d+)/(\S+))?")
FINAL = re.compile(r"^stat::(\w+):\s+(\d+)")


def cpu_seconds(pid):
    """utime + stime of a live process, in seconds (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; fields after ')' start at 3.
    fields = s[s.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def load_address(pid, binary):
    """Where the (position-independent) binary is mapped in process PID."""
    real = os.path.realpath(binary)
    try:
        with open(f"/proc/{pid}/maps") as f:
            for line in f:
                p = line.split(maxsplit=5)
                if len(p) == 6 and p[2] == "00000000" and p[5].strip().split(" (deleted)")[0] == real:
                    return int(p[0].split("-")[0], 16)
    except OSError:
        pass
    return None


def yes_no(flat):
    return "yes" if flat else "no"


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


class Run:
    def __init__(self, target):
        self.target = target
        self.started = datetime.datetime.now()
        self.t0 = time.monotonic()
        self.cpu = 0.0
        self.runs = self.cov = self.ft = self.corp = 0
        self.corp_size = "?"
        self.start_cov = self.start_ft = None  # when the corpus was loaded (INITED)
        self.last_cov = -1
        self.last_new_cpu = 0.0
        self.last_new_wall = 0.0
        self.rss = 0
        self.final = {}
        self.state = "running"
        # tebiki's own edges (None: not measured)
        self.symbols = None
        self.split_start = None  # Counter of covered edges by origin, from the replay
        self.replay_cov = None
        self.replay_cpu = 0.0
        self.base = None
        self.pending = []  # NEW_PC addresses read before the load address was known
        self.new_pcs = collections.Counter()  # new edges by origin
        self.last_new_by = {}  # origin -> fuzzer CPU s of its last new edge
        self.inited_cpu = None
        self.flat_s = 600.0

    def wall(self):
        return time.monotonic() - self.t0

    def pc(self, addr):
        o = self.symbols.origin(addr - self.base - 1)
        self.new_pcs[o] += 1
        self.last_new_by[o] = self.cpu

    def own_start(self):
        return None if self.split_start is None else self.split_start["tebiki"]

    def own_end(self):
        s = self.own_start()
        return None if s is None else s + self.new_pcs["tebiki"]

    def own_last_new_cpu(self):
        """CPU s of the last new tebiki edge (the end of the corpus load if none)."""
        return self.last_new_by.get("tebiki", self.inited_cpu or 0.0)

    def own_flat(self):
        return self.inited_cpu is not None and self.cpu - self.own_last_new_cpu() >= self.flat_s

    def total_flat(self):
        return self.start_cov is not None and self.cpu - self.last_new_cpu >= self.flat_s

    def line(self, text):
        if self.symbols is not None:
            m = NEW_PC.match(text)
            if m:
                if self.base is None:
                    self.pending.append(int(m[1], 16))
                else:
                    self.pc(int(m[1], 16))
                return
        m = FINAL.match(text)
        if m:
            self.final[m[1]] = int(m[2])
            return
        m = STAT.match(text)
        if not m:
            return
        self.runs, self.cov, self.ft = int(m[1]), int(m[3]), int(m[4])
        if m[5]:
            self.corp, self.corp_size = int(m[5]), m[6]
        if m[2] == "INITED":
            self.start_cov, self.start_ft = self.cov, self.ft
            self.inited_cpu = self.cpu
        if self.cov > self.last_cov:
            self.last_cov = self.cov
            self.last_new_cpu, self.last_new_wall = self.cpu, self.wall()

    def summary(self, corpus, artifacts, exit_code=None):
        # libFuzzer adds and removes corpus files while we look: a file that
        # is gone by the time we stat it is not counted.
        def stat(folder):
            out = {}
            for f in os.listdir(folder):
                try:
                    out[f] = os.stat(os.path.join(folder, f))
                except FileNotFoundError:
                    pass
            return out

        found = {
            k: len(
                [
                    f
                    for f, st in stat(artifacts).items()
                    if f.startswith(k + "-") and st.st_mtime >= self.started.timestamp()
                ]
            )
            for k in ("crash", "timeout", "oom", "slow-unit")
        }
        files = stat(corpus)
        size = sum(st.st_size for st in files.values())
        runs = self.final.get("number_of_executed_units", self.runs)
        rss = self.final.get("peak_rss_mb", self.rss)
        ended = "" if exit_code is None else f", exit {exit_code}"
        return (
            f"{self.started:%Y-%m-%d %H:%M} {self.target}: {self.state}{ended}; "
            f"runs {runs}, cpu {self.cpu / 60:.1f} min, wall {self.wall() / 60:.1f} min, "
            f"cov/ft start {self.start_cov}/{self.start_ft} end {self.cov}/{self.ft}, "
            f"corpus {len(files)} files / {size // 1024} KB (libFuzzer corp {self.corp}/{self.corp_size}), "
            f"last new cov at cpu {self.last_new_cpu / 60:.1f} min / wall {self.last_new_wall / 60:.1f} min, "
            f"peak RSS {rss} MB, crashes {found['crash']}, timeouts {found['timeout']}, "
            f"OOMs {found['oom']}, slow units {found['slow-unit']}; "
            f"flat by total cov: {yes_no(self.total_flat())}"
            + self.own_summary()
        )

    def own_summary(self):
        if self.symbols is None:
            return ""
        new = sum(self.new_pcs.values())
        by = ", ".join(f"{o} +{n}" for o, n in self.new_pcs.most_common(6)) or "none"
        check = ""
        if self.start_cov is not None:
            check = f" (cov start {self.start_cov} + {new} new = {self.start_cov + new}, libFuzzer says {self.cov})"
        replay = ""
        if self.split_start is not None:
            replay = f", start split from a replay of {self.replay_cpu:.0f} CPU s (its cov {self.replay_cov})"
        unplaced = f", {len(self.pending)} new edges not placed (load address unknown)" if self.pending else ""
        return (
            f"; tebiki's own edges start {self.own_start()} end {self.own_end()} "
            f"(+{self.new_pcs['tebiki']}), last new own edge at cpu {self.own_last_new_cpu() / 60:.1f} min, "
            f"flat in tebiki's own code: {yes_no(self.own_flat())} "
            f"(no new tebiki edge for {(self.cpu - self.own_last_new_cpu()) / 60:.1f} CPU min); "
            f"new edges by crate{check}: {by}{replay}{unplaced}"
        )


def own_autogroup_nice():
    """Give our scheduler autogroup our nice (Linux with autogroups).

    `setsid nice -n 19 until_flat.py` starts a new session, which is a new
    autogroup whose nice is 0 whatever our own nice is: the corpus replay we run
    before the fuzzer would compete with builds in other sessions as an equal.
    """
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(os.nice(0)))
    except OSError:
        pass


def main():
    own_autogroup_nice()
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--flat-cpu-min", type=float, default=10.0)
    ap.add_argument("--max-cpu-min", type=float, default=120.0)
    ap.add_argument("--max-wall-min", type=float, default=600.0)
    ap.add_argument("--log-dir", default=os.path.join(FUZZ, "logs"))
    ap.add_argument(
        "--copy-corpus-to",
        metavar="DIR",
        help="at the end, copy the corpus's files into DIR/TARGET/ (nothing is deleted there)",
    )
    ap.add_argument(
        "--no-own",
        action="store_true",
        help="do not measure tebiki's own edges (no replay, no -print_pcs)",
    )
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()

    corpus = os.path.join(FUZZ, "corpus", a.target)
    artifacts = os.path.join(FUZZ, "artifacts", a.target)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    os.makedirs(a.log_dir, exist_ok=True)
    cmd = [
        os.path.join(BIN, a.target),
        corpus,
        "-timeout=60",
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        "-artifact_prefix=" + artifacts + "/",
    ]
    if not a.no_own:
        cmd.append("-print_pcs=1")
    d = os.path.join(FUZZ, "dicts", a.target + ".dict")
    if os.path.exists(d):
        cmd.append("-dict=" + d)
    cmd += a.extra
    log_path = os.path.join(a.log_dir, a.target + ".log")
    status_path = os.path.join(a.log_dir, a.target + ".status")
    print(" ".join(cmd), flush=True)

    r = Run(a.target)
    r.flat_s = a.flat_cpu_min * 60
    stop = {"why": None}
    env = dict(os.environ)
    # The harnesses write each input to a scratch file; on a disk with online
    # discard every truncation waits for the device, so scratch files go to
    # tmpfs when there is one.
    if os.access("/dev/shm", os.W_OK) and "TMPDIR" not in env:
        env["TMPDIR"] = "/dev/shm"
    if not a.no_own:
        import cov_split

        r.symbols = cov_split.Symbols(cmd[0], a.target)
        try:
            split, _, stats, r.replay_cpu = cov_split.replay(a.target, corpus, r.symbols, env)
            r.split_start = split
            r.replay_cov = stats[0] if stats else "?"
            print(
                f"start: tebiki's own edges {split['tebiki']} of {sum(split.values())} "
                f"(replay {r.replay_cpu:.0f} CPU s)",
                flush=True,
            )
        except RuntimeError as e:
            print(f"no start split (tebiki's own edges at the start unknown): {e}", file=sys.stderr)

    def by_hand(signum, _frame):
        stop["why"] = "stopped by hand (not flat)"

    signal.signal(signal.SIGTERM, by_hand)
    signal.signal(signal.SIGINT, by_hand)

    with open(log_path, "a") as log:
        log.write(f"== {r.started:%Y-%m-%d %H:%M:%S} {' '.join(cmd)}\n")
        log.flush()
        # The fuzzer ignores our terminal's ^C (own session); we forward it.
        p = subprocess.Popen(
            cmd, stderr=subprocess.PIPE, stdout=log, start_new_session=True, env=env
        )
        # A new session is a new scheduler autogroup, whose nice starts at 0 whatever
        # our own nice is (Linux with autogroups): give it our nice, so a fuzzer started
        # with `nice -n 19` yields the cores to builds and tests in other sessions.
        try:
            with open(f"/proc/{p.pid}/autogroup", "w") as f:
                f.write(str(os.nice(0)))
        except OSError:
            pass
        with open(status_path, "w") as f:
            f.write(f"pid {p.pid}\n")
        os.set_blocking(p.stderr.fileno(), False)
        buf = b""
        status = None
        last_status = 0.0
        interrupted = False
        try:
            while True:
                try:
                    raw = os.read(p.stderr.fileno(), 1 << 16)
                except BlockingIOError:
                    raw = None
                cpu = cpu_seconds(p.pid)
                if cpu is not None:
                    r.cpu = cpu
                if r.symbols is not None and r.base is None:
                    r.base = load_address(p.pid, cmd[0])
                    if r.base is not None:
                        for addr in r.pending:
                            r.pc(addr)
                        r.pending = []
                rss = peak_rss_mb(p.pid)
                if rss is not None:
                    r.rss = max(r.rss, rss)
                if raw:
                    log.write(raw.decode("utf-8", "replace"))
                    log.flush()
                    buf += raw
                    *lines, buf = buf.split(b"\n")
                    for line in lines:
                        r.line(line.decode("utf-8", "replace"))
                elif raw == b"" or raw is None:
                    pid, st, ru = os.wait4(p.pid, os.WNOHANG)
                    if pid:
                        status = os.waitstatus_to_exitcode(st)
                        r.cpu = ru.ru_utime + ru.ru_stime
                        r.rss = max(r.rss, ru.ru_maxrss // 1024)
                        # Drain what is left in the pipe.
                        try:
                            rest = p.stderr.read() or b""
                        except (BlockingIOError, ValueError):
                            rest = b""
                        log.write(rest.decode("utf-8", "replace"))
                        for line in (buf + rest).split(b"\n"):
                            r.line(line.decode("utf-8", "replace"))
                        break
                if not interrupted:
                    flat_for = r.cpu - r.last_new_cpu
                    if stop["why"]:
                        r.state = stop["why"]
                    elif r.total_flat():
                        r.state = f"FLAT (no new cov for {a.flat_cpu_min:g} CPU min)"
                    elif r.cpu >= a.max_cpu_min * 60:
                        r.state = f"NOT FLAT: bound {a.max_cpu_min:g} CPU min, cov grew {flat_for / 60:.1f} CPU min before"
                    elif r.wall() >= a.max_wall_min * 60:
                        r.state = f"NOT FLAT: bound {a.max_wall_min:g} wall min, cov grew {flat_for / 60:.1f} CPU min before"
                    if r.state != "running":
                        interrupted = True
                        p.send_signal(signal.SIGINT)
                if time.monotonic() - last_status > 30:
                    last_status = time.monotonic()
                    try:
                        with open(status_path, "w") as f:
                            f.write(
                                f"pid {p.pid}, at {datetime.datetime.now():%H:%M:%S}, "
                                f"no new cov for {(r.cpu - r.last_new_cpu) / 60:.1f} CPU min, "
                                f"no new tebiki edge for {(r.cpu - r.own_last_new_cpu()) / 60:.1f} CPU min\n"
                                + r.summary(corpus, artifacts)
                                + "\n"
                            )
                    except OSError as e:
                        print(f"status not written: {e}", file=sys.stderr)
                if not raw:
                    time.sleep(1)
        except BaseException:
            # Never leave the fuzzer running without its monitor.
            p.send_signal(signal.SIGINT)
            raise
    if r.state == "running":
        r.state = "NOT FLAT: the fuzzer stopped (crash, timeout or OOM?)" if status else "exited"
    summary = r.summary(corpus, artifacts, status)
    print(summary, flush=True)
    with open(status_path, "w") as f:
        f.write("finished\n" + summary + "\n")
    for path in (os.path.join(FUZZ, "runs.log"), os.path.join(a.log_dir, "runs.log")):
        with open(path, "a") as f:
            f.write(summary + "\n")
    if a.copy_corpus_to:
        to = os.path.join(a.copy_corpus_to, a.target)
        os.makedirs(to, exist_ok=True)
        for name in os.listdir(corpus):
            if not os.path.exists(os.path.join(to, name)):
                try:
                    shutil.copy2(os.path.join(corpus, name), to)
                except FileNotFoundError:
                    pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
