#!/usr/bin/env bash
# Start-up: each command that does little work, run alternately with a hello-world .NET console (bench/Hello) and with the
# start-up floor (bench/Pmap.StartupFloor: the stack pmap must keep -- System.CommandLine, configuration, one plugin loaded
# with McMaster.NETCore.Plugins, DI -- doing nothing else, precompiled as pmap is) PAIRS times (default 7), and per command
# the median wall time of each, the ratios pmap / hello, floor / hello and pmap / floor, and the same for CPU time (user +
# sys, which on a shared machine does not count the time other processes held the CPU); last, the range of pmap / hello and
# floor / hello CPU over the commands. bench/compare.sh runs it last.
# Usage: bench/startup.sh [PMAP_CMD...]; PMAP_CMD (arguments, or the environment variable) is the pmap to measure, by default
# the Release build compare.sh uses (dotnet Pmap.Host/bin/Release/net10.0/pmap.dll). The installed tool:
#   dotnet pack Pmap.sln -c Release -o artifacts && dotnet tool install --tool-path tools-dir --add-source artifacts pmap
#   bench/startup.sh tools-dir/pmap        (or PMAP_CMD=tools-dir/pmap bench/compare.sh)
# The apphost of the build: bench/startup.sh Pmap.Host/bin/Release/net10.0/pmap
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
. "$repo/bench/pmap-command.sh"
dotnet build "$repo/bench/Hello" -c Release -v quiet -nologo >&2
dotnet build "$repo/bench/Pmap.StartupFloor" -c Release -v quiet -nologo >&2
hello=(dotnet "$repo/bench/Hello/bin/Release/net10.0/hello.dll")
floor=(dotnet "$repo/bench/Pmap.StartupFloor/bin/Release/net10.0/pmap-startup-floor.dll" --arch arm64)

python3 - "${PAIRS:-7}" "${#hello[@]}" "${#floor[@]}" "${hello[@]}" "${floor[@]}" "${pmap[@]}" <<'PY'
import os, subprocess, sys, time, statistics as st
pairs, n, m = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
hello, floor, pmap = sys.argv[4:4 + n], sys.argv[4 + n:4 + n + m], sys.argv[4 + n + m:]
commands = [["arch", "list"], ["layout", "--arch", "arm64"], ["map", "--arch", "arm64", "--mfn", "1"], ["hazards", "--arch", "arm64"],
            ["versions", "--arch", "arm64"], ["decode", "--arch", "arm64", "0x40000012345f7f"]]

def run(argv):
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)

print()
print(f"Start-up: {' '.join(pmap)} against a hello-world .NET console (bench/Hello) and the start-up floor (bench/Pmap.StartupFloor), "
      f"{pairs} alternating rounds, medians")
print()
print("| command | hello ms | floor ms | pmap ms | pmap / hello | floor / hello | pmap / floor "
      "| hello CPU ms | floor CPU ms | pmap CPU ms | pmap / hello CPU | floor / hello CPU | pmap / floor CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
cpu_ratios = []
for command in commands:
    h, f, p = [], [], []
    for _ in range(pairs):
        h.append(run(hello))
        f.append(run(floor))
        p.append(run(pmap + command))
    hw, fw, pw = (st.median(x[0] for x in r) for r in (h, f, p))
    hc, fc, pc = (st.median(x[1] for x in r) for r in (h, f, p))
    failed = sorted({x[2] for x in p + f} - {0})
    note = f" (exit {', '.join(map(str, failed))})" if failed else ""
    cpu_ratios.append((pc / hc, fc / hc))
    print(f"| pmap {' '.join(command)}{note} | {hw * 1e3:.0f} | {fw * 1e3:.0f} | {pw * 1e3:.0f} | {pw / hw:.2f}x | {fw / hw:.2f}x | {pw / fw:.2f}x "
          f"| {hc * 1e3:.0f} | {fc * 1e3:.0f} | {pc * 1e3:.0f} | {pc / hc:.2f}x | {fc / hc:.2f}x | {pc / fc:.2f}x |")
# Issue 29's start-up target is 2.5x hello (CPU); the floor says how much of that the required stack alone takes.
pmap_range, floor_range = ([r[i] for r in cpu_ratios] for i in (0, 1))
print()
print(f"Start-up CPU over the {len(commands)} commands: pmap / hello {min(pmap_range):.2f}-{max(pmap_range):.2f}x, "
      f"floor / hello {min(floor_range):.2f}-{max(floor_range):.2f}x (target 2.5x hello)")
PY
