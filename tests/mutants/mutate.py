#!/usr/bin/env python3
"""Mutation testing for ponder: see tests/mutants/run.sh and mutants.txt.

Each mutant names a file, an exact snippet of it and the snippet's
replacement, never line numbers, so the list survives edits elsewhere in a
file. A snippet that is not found exactly once is STALE: the list must be
updated, and the run fails.

The tree is copied (the files git knows, as they are in the work tree) into
a scratch directory and built there once; each mutant then rewrites one
file, rebuilds incrementally (one object, the archive, the relinks) and
runs its tests with tests/run.sh; the original is put back before the next.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

KEYS = ("mutant", "file", "tests", "filter", "find", "replace", "end")
TIMEOUT = int(os.environ.get("MUTANT_TIMEOUT", "600"))   # a hang counts as killed


def parse(path):
    """Mutants as dicts: name, file, tests (list), find, replace, line."""
    mutants, cur, block, buf = [], None, None, []
    for no, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        word = line.split(" ", 1)[0]
        if block and word not in ("replace", "end"):
            buf.append(line)
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if word not in KEYS:
            sys.exit(f"{path}:{no}: expected one of {', '.join(KEYS)}: {line}")
        arg = line[len(word):].strip()
        if word == "mutant":
            cur = {"name": arg, "line": no, "tests": []}
            mutants.append(cur)
        elif cur is None:
            sys.exit(f"{path}:{no}: {word} before any mutant")
        elif word == "file":
            cur["file"] = arg
        elif word == "tests":
            cur["tests"] = arg.split()
        elif word == "filter":
            cur["filter"] = arg
        elif word == "find":
            block, buf = "find", []
        elif word == "replace":
            cur["find"] = "\n".join(buf)
            block, buf = "replace", []
        elif word == "end":
            cur["replace"] = "\n".join(buf)
            block = None
    for m in mutants:
        for k in ("file", "find", "replace"):
            if k not in m:
                sys.exit(f"{path}:{m['line']}: mutant {m['name']} has no {k}")
        if not m["tests"]:
            sys.exit(f"{path}:{m['line']}: mutant {m['name']} names no tests")
    names = [m["name"] for m in mutants]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"{path}: mutant names used twice: {' '.join(sorted(dup))}")
    return mutants


def copy_tree(dst):
    """The files git knows (tracked or not ignored), as they are now. A
    scratch tree kept from an earlier run (MUTANT_DIR) is brought up to
    date instead: unchanged files keep their times, so its build/ is reused."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], capture_output=True,
                           check=True).stdout.decode().split("\0")
    files = {f for f in files if f and os.path.isfile(f)}
    for root, dirs, names in os.walk(dst):
        rel = os.path.relpath(root, dst)
        if rel == ".":
            dirs[:] = [d for d in dirs if d != "build"]
        for n in names:
            f = os.path.normpath(os.path.join(rel, n))
            if f not in files:
                os.remove(os.path.join(root, n))
    for f in files:
        out = os.path.join(dst, f)
        if os.path.isfile(out) and open(out, "rb").read() == open(f, "rb").read():
            continue
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        shutil.copy2(f, out)
        os.utime(out)       # newer than anything built from the old copy


def targets(tests):
    """make targets for a list of test programs (scripts need ponder only)."""
    out = ["build/ponder"]
    out += ["build/tests/" + t for t in tests if not t.endswith(".sh")]
    return out


def make(src, goals, log):
    jobs = os.environ.get("MUTANT_JOBS", "2")
    return subprocess.run(["make", "--no-print-directory", "-j" + jobs, "BUILD=build"] + goals,
                          cwd=src, stdout=log, stderr=subprocess.STDOUT).returncode


def main():
    mutants = parse(sys.argv[1])
    only = os.environ.get("MUTANTS", "").split()
    if only:
        mutants = [m for m in mutants if m["name"] in only]
    scratch = os.environ.get("MUTANT_DIR") or tempfile.mkdtemp(prefix="ponder-mutants.")
    src = os.path.join(scratch, "src")
    t0 = time.time()
    copy_tree(src)
    logpath = os.path.join(scratch, "log")
    killed, survived, stale, broken = [], [], [], []
    with open(logpath, "w") as log:
        every = sorted({t for m in mutants for t in m["tests"]})
        if make(src, targets(every), log):
            print(f"the unmutated tree does not build: see {logpath}")
            return 2
        # Stale snippets are found before anything runs, so a list that needs
        # updating says so at once.
        for m in mutants:
            text = open(os.path.join(src, m["file"]), encoding="utf-8").read() \
                if os.path.isfile(os.path.join(src, m["file"])) else ""
            n = text.count(m["find"])
            if n != 1:
                stale.append(m["name"])
                why = "not found" if n == 0 else f"found {n} times"
                print(f"STALE    {m['name']}: snippet {why} in {m['file']} "
                      f"(mutants.txt:{m['line']})", flush=True)
        for m in mutants:
            if m["name"] in stale:
                continue
            path = os.path.join(src, m["file"])
            orig = open(path, encoding="utf-8").read()
            start = time.time()
            try:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(orig.replace(m["find"], m["replace"], 1))
                log.write(f"\n==== mutant {m['name']}\n")
                log.flush()
                if make(src, targets(m["tests"]), log):
                    broken.append(m["name"])
                    print(f"BROKEN   {m['name']}: the mutant does not build "
                          f"(mutants.txt:{m['line']})", flush=True)
                    continue
                env = dict(os.environ, BUILD="build", PONDER=os.path.join(src, "build/ponder"))
                if m.get("filter"):
                    env["PONDER_TEST_FILTER"] = m["filter"]
                try:
                    r = subprocess.run(["bash", "tests/run.sh"] + m["tests"], cwd=src, env=env,
                                       capture_output=True, text=True, errors="replace",
                                       timeout=TIMEOUT)
                    rc, out = r.returncode, r.stdout + r.stderr
                except subprocess.TimeoutExpired as e:
                    rc, out = -1, f"timed out after {TIMEOUT} s\n"
                log.write(out if isinstance(out, str) else out.decode(errors="replace"))
                secs = time.time() - start
                if rc != 0:
                    by = [ln.split()[1] for ln in out.splitlines() if ln.startswith("FAIL ")]
                    killed.append(m["name"])
                    print(f"killed   {m['name']} by {' '.join(by) or 'a timeout'} ({secs:.0f}s)",
                          flush=True)
                else:
                    survived.append(m["name"])
                    print(f"SURVIVED {m['name']}: {m['file']}, tests {' '.join(m['tests'])} "
                          f"(mutants.txt:{m['line']})", flush=True)
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(orig)
    wall = time.time() - t0
    print(f"\n{len(killed)} killed, {len(survived)} survived, {len(stale)} stale"
          + (f", {len(broken)} broken" if broken else "") + f" ({wall:.0f} s)")
    if os.environ.get("KEEP") != "1" and not os.environ.get("MUTANT_DIR"):
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"scratch tree and log: {scratch}")
    return 0 if not (survived or stale or broken) else 1


if __name__ == "__main__":
    sys.exit(main())
