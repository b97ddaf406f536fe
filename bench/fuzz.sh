#!/usr/bin/env bash
# The work users run in bulk: `pmap fuzz --arch arm64 --count 1000000` (arm64's default profile) RUNS times (default 3), the
# median wall and CPU time of the whole process against issue 29's target (under 2 s of wall time), then the fuzz of every
# profile of every architecture (`--arch all --profile all`, in parallel across the cores) once, with its throughput.
# bench/compare.sh runs it after the workloads. Usage: bench/fuzz.sh [PMAP_CMD...] (as bench/startup.sh).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
. "$repo/bench/pmap-command.sh"

python3 - "${RUNS:-3}" "${pmap[@]}" <<'PY'
import json, os, subprocess, sys, time, statistics as st
runs, pmap = int(sys.argv[1]), sys.argv[2:]

def run(args):
    start = time.perf_counter()
    child = subprocess.Popen(pmap + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), out

one = [run(["fuzz", "--arch", "arm64", "--count", "1000000"]) for _ in range(runs)]
wall, cpu = st.median(x[0] for x in one), st.median(x[1] for x in one)
codes = sorted({x[2] for x in one})
verdict = "met" if wall < 2 and codes == [0] else "MISSED"
print()
print(f"Fuzz: pmap fuzz --arch arm64 --count 1000000, {runs} runs, medians: wall {wall:.2f} s, CPU {cpu:.2f} s, "
      f"exit {', '.join(map(str, codes))}; target under 2 s wall: {verdict}")
wall, cpu, code, out = run(["fuzz", "--arch", "all", "--profile", "all", "--json"])
t = json.loads(out)["totals"]
print(f"Fuzz of every profile (--arch all --profile all, {os.cpu_count()} cores): {t['pairs']} pairs ({t['skipped']} skipped, "
      f"{t['withFindings']} with findings, exit {code}), {t['ops']:,} operations in {t['wallSeconds']:.1f} s: "
      f"{t['opsPerSecond']:,.0f} operations/s (whole process {wall:.1f} s wall, {cpu:.1f} s CPU)")
PY
