#!/usr/bin/env bash
# Runs the benchmark workloads of the C baseline (bench/cbench) and of pmap side by side, alternately, several
# rounds, and prints per workload the median ns/op of each (wall time, and CPU time, which on a shared machine does not
# count the time other processes held the CPU), the ratios C# / C, the peak memory of each, and whether both counted
# the same TLB misses and page tables. Then the same for the C baseline written again in C# (bench/cbench-cs: what the
# language costs on C's own model) with pmap / C in C# on CPU time against its target, and the memory floor under W3 16 GiB
# (bench/Pmap.Floor) with what W3 16 GiB holds above it against 2x C's growth from 1 to 16 GiB. Then the fuzz's time and
# throughput (bench/fuzz.sh), last start-up (bench/startup.sh): each light command against a hello-world .NET console and
# the start-up floor (bench/Pmap.StartupFloor, the required stack alone), with the range of both ratios to hello on CPU;
# PMAP_CMD=PATH measures that pmap's (the installed tool's) in both instead.
# Usage: bench/compare.sh [C_DIR]; C_DIR (default bench/cbench) holds a cbench.c and Makefile taking the same
# arguments and printing the same JSON line. ROUNDS=3 by default.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:-$repo/bench/cbench}"
rounds="${ROUNDS:-3}"
[ -f "$src/cbench.c" ] && [ -f "$src/Makefile" ] || { echo "compare.sh: no cbench.c and Makefile in '$src'" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Build in a scratch folder so that the source folder stays clean.
cp "$src/cbench.c" "$src/Makefile" "$work/"
make -s -C "$work" cbench >&2
dotnet build "$repo/Pmap.Host" -c Release -v quiet -nologo >&2
dotnet build "$repo/bench/Pmap.Floor" -c Release -v quiet -nologo >&2
dotnet build "$repo/bench/cbench-cs" -c Release -v quiet -nologo >&2
pmap=(dotnet "$repo/Pmap.Host/bin/Release/net10.0/pmap.dll")
floor=(dotnet "$repo/bench/Pmap.Floor/bin/Release/net10.0/pmap-floor.dll")
port=(dotnet "$repo/bench/cbench-cs/bin/Release/net10.0/cbench-cs.dll")

configs=("W1" "W2" "W3 1" "W3 4" "W3 16")
: > "$work/results.jsonl"
for r in $(seq "$rounds"); do
    for c in "${configs[@]}"; do
        read -r w g <<<"$c"
        g="${g:-1}"
        lw="$(echo "$w" | tr 'A-Z' 'a-z')"
        echo "round $r: $w ${g}G" >&2
        "$work/cbench" "$lw" --backend sparse -g "$g" | sed 's/^{/{"impl":"c",/' >> "$work/results.jsonl"
        "${pmap[@]}" bench --workload "$w" --ram-size "${g}G" | sed 's/^{/{"impl":"cs",/' >> "$work/results.jsonl"
        "${port[@]}" "$lw" --backend sparse -g "$g" | sed 's/^{/{"impl":"port",/' >> "$work/results.jsonl"
    done
    # The floor under the largest W3: C's frames in the model's PhysicalMemory, with the runtime alone and with pmap's hosting.
    frames="$(python3 -c 'import json,sys; print([d for d in map(json.loads, open(sys.argv[1])) if d["impl"] == "c" and d["workload"].upper() == "W3" and d["gib"] == 16][-1]["frames"])' "$work/results.jsonl")"
    "${floor[@]}" "$frames" >> "$work/floor.jsonl"
    "${floor[@]}" "$frames" --hosting "$repo/Pmap.Host/bin/Release/net10.0" >> "$work/floor.jsonl"
done

python3 - "$work/results.jsonl" "$rounds" "$work/floor.jsonl" <<'PY'
import json, statistics as st, sys, platform, os, datetime
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    w = d["workload"].upper()
    key = (w, d["gib"] if w == "W3" else 1)
    ns = d.get("ns_per_op", d.get("nsPerOp"))
    cpu = d.get("cpu_ns_per_op", d.get("cpuNsPerOp", 0.0))
    mem = d["peak_rss_kib"] * 1024 if "peak_rss_kib" in d else d["peakRssBytes"]
    ok = d["check"] == "ok"
    counters = (d.get("tlb_misses", d.get("tlbMisses")), d["tables"])
    rows.setdefault(key, {}).setdefault(d["impl"], []).append((ns, mem, ok, counters, cpu))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"{datetime.date.today()}, {cpu}, {os.cpu_count()} cores, {sys.argv[2]} rounds, medians; C is bench/cbench")
print()
print("| workload | C ns/op | C# ns/op | C# / C | C CPU ns/op | C# CPU ns/op | C# / C CPU | C peak MiB | C# peak MiB | checks | tlb misses, tables |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (w, g), impls in rows.items():
    c, cs = impls.get("c", []), impls.get("cs", [])
    if not c or not cs:
        continue
    cn, csn = st.median(x[0] for x in c), st.median(x[0] for x in cs)
    cm, csm = st.median(x[1] for x in c) / 2**20, st.median(x[1] for x in cs) / 2**20
    cc, csc = st.median(x[4] for x in c), st.median(x[4] for x in cs)
    cpu = f"{cc:.1f} | {csc:.1f} | {csc / cc:.2f}x" if cc > 0 and csc > 0 else "- | - | -"
    name = {"W1": "W1 pmap map+touch+unmap", "W2": "W2 4-level walk, no TLB"}.get(w, f"W3 boot-map 4K, {g} GiB")
    ok = "ok" if all(x[2] for x in c + cs) else "FAILED"
    # The same workload must do the same work: both count every TLB miss and every table created.
    counted = {x[3] for x in c + cs}
    same = f"same ({c[0][3][0]}, {c[0][3][1]})" if len(counted) == 1 else "DIFFER: " + ", ".join(map(str, sorted(counted)))
    print(f"| {name} | {cn:.1f} | {csn:.1f} | {csn / cn:.2f}x | {cpu} | {cm:.1f} | {csm:.1f} | {ok} | {same} |")
# The C baseline written again in C# (bench/cbench-cs): how much of pmap's ratio the language alone accounts for. The
# model's own work is pmap / C in C# on CPU time (wall time counts other processes on a shared machine); issue 29's
# targets: W1 and W3 within 1.5x, W2 within 1.1x.
targets = {"W1": 1.5, "W2": 1.1, "W3": 1.5}
print()
print("| workload | C ns/op | C in C# ns/op | C in C# / C | pmap / C in C# | C in C# CPU ns/op | pmap CPU ns/op | pmap / C in C# CPU | target | C in C# peak MiB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (w, g), impls in rows.items():
    c, port, cs = impls.get("c", []), impls.get("port", []), impls.get("cs", [])
    if not c or not port:
        continue
    cn, pn = st.median(x[0] for x in c), st.median(x[0] for x in port)
    vs = f"{st.median(x[0] for x in cs) / pn:.2f}x" if cs else "-"
    pc = st.median(x[4] for x in port)
    csc = st.median(x[4] for x in cs) if cs else 0.0
    if pc > 0 and csc > 0:
        ratio = csc / pc
        cpu = f"{pc:.1f} | {csc:.1f} | {ratio:.2f}x | {targets[w]:.1f}x {'met' if ratio <= targets[w] else 'MISSED'}"
    else:
        cpu = f"- | - | - | {targets[w]:.1f}x not measured"
    ok = "" if all(x[2] for x in port) and {x[3] for x in port} == {x[3] for x in c} else " (check FAILED or counters differ)"
    name = {"W1": "W1", "W2": "W2"}.get(w, f"W3 {g} GiB")
    print(f"| {name} | {cn:.1f} | {pn:.1f}{ok} | {pn / cn:.2f}x | {vs} | {cpu} | {st.median(x[1] for x in port) / 2**20:.1f} |")

# What no C# run of W3 16 GiB can go below: the same frames held by the runtime alone, and with pmap's hosting.
floor = {}
for line in open(sys.argv[3]):
    d = json.loads(line)
    floor.setdefault(d["hosting"], []).append((d["peakRssBytes"] / 2**20, d["frames"], d["architectures"]))
c16 = rows.get(("W3", 16), {}).get("c", [])
if floor and c16:
    bare, hosted = (st.median(x[0] for x in floor[h]) for h in (False, True))
    print()
    print(f"Floor under W3 16 GiB (bench/Pmap.Floor, {floor[False][0][1]} frames as C makes, in the model's PhysicalMemory): "
          f".NET runtime alone {bare:.1f} MiB; with pmap's hosting (configuration, DI, {floor[True][0][2]} plugins loaded with "
          f"McMaster.NETCore.Plugins) {hosted:.1f} MiB; 2x C is {2 * st.median(x[1] for x in c16) / 2**20:.1f} MiB.")
    # Issue 29's memory target: what W3 16 GiB holds above the hosting floor stays within 2x of what C grows by from 1 to 16 GiB.
    c1, cs16 = rows.get(("W3", 1), {}).get("c", []), rows.get(("W3", 16), {}).get("cs", [])
    if c1 and cs16:
        above = st.median(x[1] for x in cs16) / 2**20 - hosted
        growth = (st.median(x[1] for x in c16) - st.median(x[1] for x in c1)) / 2**20
        verdict = "met" if above <= 2 * growth else "MISSED"
        print(f"W3 16 GiB peak - hosting floor: {above:.1f} MiB; 2x C's growth 1->16 GiB: {2 * growth:.1f} MiB "
              f"(C {growth:.1f} MiB); target {verdict}.")
    else:
        print("W3 16 GiB peak - hosting floor: not measured (no W3 1 GiB C run or no W3 16 GiB pmap run).")
PY

# The fuzz users run in bulk, then start-up: the light commands against a hello-world console and the start-up floor
# (PMAP_CMD, when set, names the pmap measured by both).
"$repo/bench/fuzz.sh"
"$repo/bench/startup.sh"
