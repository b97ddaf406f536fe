#!/usr/bin/env bash
# Boots each build made by build.sh under QEMU with pmap's own tools and writes its record:
#  - what pmap read from the real Xen (version, symbols, tables at power-off, PMAP calls): `pmap verify --record`;
#  - the instructions every pmap_map and pmap_unmap call executed (single-stepped under QEMU, callees included) and the
#    ordering hazards the rule checker finds in them: `pmap hazards --xen-image --json`, and the same read from xen-syms
#    alone: `pmap hazards --static --json`; kept as "hazards" (each distinct path once, with how many calls took it);
#  - build.json's facts, QEMU's version and the QEMU command line both boots use, as "build".
# The records are what tests/Pmap.Verify.Tests/RealBuilds holds the profiles to. With ARCH=arm32 the hazards are not
# recorded (pmap hazards decodes arm64 only) and the record is named xen-NAME-arm32.json.
#
# Debian's 4.17.7 is recorded the same way from a folder made by hand: WORKDIR/4.17.7-debian/ with xen and xen-syms
# linked to the package's boot/xen-4.17-arm64 and usr/lib/debug/boot/xen-syms-4.17-arm64, and build.json its record's
# "build" (ref, name, compiler, config, imageSize, imageSha256) without "qemu".
#
# usage: record.sh WORKDIR OUTDIR [NAME...]     (NAME: a folder of WORKDIR, e.g. 4.18.6 upstream; default: all)
# env:   PMAP (the pmap command; default: dotnet run --project Pmap.Host --), ARCH (arm64)
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: record.sh WORKDIR OUTDIR [NAME...]" >&2
    exit 2
fi
work=$1; out=$2; shift 2
arch=${ARCH:-arm64}
here=$(cd "$(dirname "$0")/../.." && pwd)
read -r -a pmap <<< "${PMAP:-dotnet run --project $here/Pmap.Host --}"
qemu=qemu-system-aarch64
[ "$arch" = arm32 ] && qemu=qemu-system-arm
mkdir -p "$out"
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(ls "$work"))

# One `pmap hazards --json` document made small: every executed instruction as "PC BYTES FUNCTION: DISASSEMBLY", the
# ordering ones again with what the rule checker is given (role, the port's instruction, entry, old, new, VA), by index.
compact='{calls, streams: [.streams[] | {call, calls, states,
            instructions: [.instructions[] | "\(.pc) \(.bytes) \(.function): \(.disassembly)"],
            ordering: [.instructions | to_entries[] | select(.value.role != "ignored")
                       | {at: .key} + (.value | {function, role, instruction, entry, old, new, va}
                                                + (if .exact then {} else {exact: false} end)
                                       | with_entries(select(.value != null)))]}],
          hazards: [.hazards[] | {rule, call, function, pc, instruction, where, sequence, va, entry, entryPa}],
          undeclared: [.undeclared[] | "\(.pc) \(.function): \(.disassembly)"],
          model, modelAgrees}'

# `pmap hazards ARGS...` run in the build's folder into hazards-MODE.json; it exits 4 when it finds a hazard, and 3 (a stream
# with instructions the port does not declare: no verdict) fails the record.
hazards() {
    local mode=$1; shift
    local rc=0
    (cd "$dir" && "${pmap[@]}" "$@") > "$dir/hazards-$mode.json" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then echo "$name: hazards ($mode) failed ($rc)" >&2; failed=1; fi
}

for name in "${names[@]}"; do
    dir="$work/$name"
    [ -f "$dir/build.json" ] || { echo "$name: no build.json, skipped" >&2; continue; }
    tmp=$(mktemp)
    # verify exits 4 while the model still differs from the real tables: the record is written either way.
    rc=0
    "${pmap[@]}" verify --arch "$arch" --xen-image "$dir/xen" --xen-syms "$dir/xen-syms" --record "$tmp" --json > "$dir/verify.json" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then echo "$name: verify failed ($rc)" >&2; rm -f "$tmp"; continue; fi
    profile=$(jq -r .profile "$tmp")
    dynamic=(hazards --arch "$arch" --profile "$profile" --xen-image xen --xen-syms xen-syms --json)
    static=(hazards --arch "$arch" --profile "$profile" --static --xen-syms xen-syms --json)
    failed=
    if [ "$arch" = arm64 ]; then
        hazards dynamic "${dynamic[@]}"
        hazards static "${static[@]}"
    fi
    [ -z "$failed" ] || { rm -f "$tmp"; continue; }
    # The command line both boots run QEMU with (the sockets' and the serial log's folder is a fresh temporary one); the
    # device tree is QEMU's own for the machine (dumpdtb) with xen,xen-bootargs added to /chosen.
    command=$(jq -r --arg mem "$(( $(jq -r .boot.ramSize "$tmp") >> 20 ))M" '[.boot.qemu] + .boot.machineArgs
        + ["-m", $mem, "-smp", "1", "-nodefaults", "-display", "none", "-chardev", "socket,id=gdb0,path=DIR/gdb.sock,server=on,wait=off",
           "-gdb", "chardev:gdb0", "-qmp", "unix:DIR/qmp.sock,server=on,wait=off", "-S", "-serial", "file:DIR/serial.log",
           "-kernel", .image, "-dtb", "DIR/xen.dtb", "-action", "reboot=shutdown,shutdown=pause"] | join(" ")' "$tmp")
    if [ "$arch" != arm64 ]; then
        # pmap hazards decodes arm64 only (Capstone's arm64 decoder): the record says so instead of holding hazards.
        jq --slurpfile b "$dir/build.json" --arg qemu "$("$qemu" --version | head -1)" --arg command "$command" \
            '. + {build: ($b[0] + {qemu: $qemu, qemuCommand: $command}),
                  hazards: {notRecorded: "pmap hazards decodes arm64 binaries only (Capstone'"'"'s arm64 decoder)"}}' \
            "$tmp" > "$out/xen-$name-$arch.json.tmp"
        mv "$out/xen-$name-$arch.json.tmp" "$out/xen-$name-$arch.json"
        rm -f "$tmp"
        echo "$name: recorded ($(jq '.tables | length' "$out/xen-$name-$arch.json") table pages, $(jq '.pmapCalls | length' "$out/xen-$name-$arch.json") PMAP calls, no hazards: arm64 only)"
        continue
    fi
    jq --slurpfile b "$dir/build.json" --arg qemu "$("$qemu" --version | head -1)" --arg command "$command" \
        --slurpfile dyn "$dir/hazards-dynamic.json" --slurpfile st "$dir/hazards-static.json" \
        --arg dcmd "pmap ${dynamic[*]}" --arg scmd "pmap ${static[*]}" \
        ". + {build: (\$b[0] + {qemu: \$qemu, qemuCommand: \$command}),
              hazards: {commands: {dynamic: \$dcmd, static: \$scmd}, rules: \$dyn[0].rules,
                        dynamic: (\$dyn[0] | $compact), static: (\$st[0] | $compact + {path: .staticPath}),
                        staticAgrees: ([\$dyn[0].hazards[] | {rule, call, pc}] == [\$st[0].hazards[] | {rule, call, pc}])}}" \
        "$tmp" > "$out/xen-$name.json.tmp"
    mv "$out/xen-$name.json.tmp" "$out/xen-$name.json"
    rm -f "$tmp"
    echo "$name: recorded ($(jq '.tables | length' "$out/xen-$name.json") table pages, $(jq '.pmapCalls | length' "$out/xen-$name.json") PMAP calls," \
        "$(jq -c '[.hazards.dynamic.hazards[] | "\(.rule) \(.pc)"]' "$out/xen-$name.json") hazards, static agrees: $(jq .hazards.staticAgrees "$out/xen-$name.json"))"
done
