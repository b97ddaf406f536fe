#!/usr/bin/env bash
# Boots each build made by build.sh under QEMU with pmap's own verify and writes its record: what pmap read from the
# real Xen (version, symbols, tables at power-off, PMAP calls; verify --record) with build.json's facts and the QEMU
# version added as "build". The records are what tests/Pmap.Verify.Tests/RealBuilds holds the profiles to.
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

for name in "${names[@]}"; do
    dir="$work/$name"
    [ -f "$dir/build.json" ] || { echo "$name: no build.json, skipped" >&2; continue; }
    tmp=$(mktemp)
    # verify exits 4 while the model still differs from the real tables: the record is written either way.
    rc=0
    "${pmap[@]}" verify --arch "$arch" --xen-image "$dir/xen" --xen-syms "$dir/xen-syms" --record "$tmp" --json > "$dir/verify.json" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then echo "$name: verify failed ($rc)" >&2; rm -f "$tmp"; continue; fi
    jq --slurpfile b "$dir/build.json" --arg qemu "$("$qemu" --version | head -1)" \
        '. + {build: ($b[0] + {qemu: $qemu})}' "$tmp" > "$out/xen-$name.json.tmp"
    mv "$out/xen-$name.json.tmp" "$out/xen-$name.json"
    rm -f "$tmp"
    echo "$name: recorded ($(jq '.tables | length' "$out/xen-$name.json") table pages, $(jq '.pmapCalls | length' "$out/xen-$name.json") PMAP calls)"
done
