#!/usr/bin/env bash
# Start-up: each command that does little work, run alternately with a hello-world .NET console (bench/Hello) PAIRS times
# (default 7), and per command the median wall time of each, the ratio pmap / hello, and the same for CPU time (user + sys,
# which on a shared machine does not count the time other processes held the CPU). bench/compare.sh runs it last.
# Usage: bench/startup.sh [PMAP_CMD...]; PMAP_CMD (arguments, or the environment variable) is the pmap to measure, by default
# the Release build compare.sh uses (dotnet Pmap.Host/bin/Release/net10.0/pmap.dll). The installed tool:
#   dotnet pack Pmap.sln -c Release -o artifacts && dotnet tool install --tool-path tools-dir --add-source artifacts pmap
#   bench/startup.sh tools-dir/pmap        (or PMAP_CMD=tools-dir/pmap bench/compare.sh)
# The apphost of the build: bench/startup.sh Pmap.Host/bin/Release/net10.0/pmap
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
. "$repo/bench/pmap-command.sh"
dotnet build "$repo/bench/Hello" -c Release -v quiet -nologo >&2
hello=(dotnet "$repo/bench/Hello/bin/Release/net10.0/hello.dll")

python3 - "${PAIRS:-7}" "${#hello[@]}" "${hello[@]}" "${pmap[@]}" <<'PY'
import os, subprocess, sys, time, statistics as st
pairs, n = int(sys.argv[1]), int(sys.argv[2])
hello, pmap = sys.argv[3:3 + n], sys.argv[3 + n:]
commands = [["arch", "list"], ["layout", "--arch", "arm64"], ["map", "--arch", "arm64", "--mfn", "1"], ["hazards", "--arch", "arm64"],
            ["versions", "--arch", "arm64"], ["decode", "--arch", "arm64", "0x40000012345f7f"]]

def run(argv):
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)

print()
print(f"Start-up: {' '.join(pmap)} against a hello-world .NET console (bench/Hello), {pairs} alternating pairs, medians")
print()
print("| command | hello ms | pmap ms | pmap / hello | hello CPU ms | pmap CPU ms | pmap / hello CPU |")
print("|---|---|---|---|---|---|---|")
for command in commands:
    h, p = [], []
    for _ in range(pairs):
        h.append(run(hello))
        p.append(run(pmap + command))
    hw, pw = st.median(x[0] for x in h), st.median(x[0] for x in p)
    hc, pc = st.median(x[1] for x in h), st.median(x[1] for x in p)
    failed = sorted({x[2] for x in p} - {0})
    note = f" (exit {', '.join(map(str, failed))})" if failed else ""
    print(f"| pmap {' '.join(command)}{note} | {hw * 1e3:.0f} | {pw * 1e3:.0f} | {pw / hw:.2f}x | {hc * 1e3:.0f} | {pc * 1e3:.0f} | {pc / hc:.2f}x |")
PY
