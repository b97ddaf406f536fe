#!/usr/bin/env bash
# Cross-builds Xen's arm64 (or, with ARCH=arm32, arm32) hypervisor for each release given, from a Xen git
# checkout (bare mirrors work: each tag is exported with git archive, so the
# checkout is never written to). Per build WORKDIR/NAME/ gets xen (the image),
# xen-syms, .config and build.json (ref, commit, compiler, config, time, image
# size and sha256). Nothing here is committed: Xen is GPL, the records are facts.
#
# usage: build.sh XEN_GIT_DIR WORKDIR REF...        e.g. RELEASE-4.18.6 master
# env:   ARCH (arm64; arm32), CROSS_COMPILE (aarch64-linux-gnu-; arm32: arm-linux-gnueabihf-), JOBS (2), NICE (10)
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: build.sh XEN_GIT_DIR WORKDIR REF..." >&2
    exit 2
fi
git_dir=$1; work=$2; shift 2
arch=${ARCH:-arm64}
case $arch in
    arm64) cross=${CROSS_COMPILE:-aarch64-linux-gnu-} ;;
    arm32) cross=${CROSS_COMPILE:-arm-linux-gnueabihf-} ;;
    *) echo "build.sh: ARCH $arch: arm64 or arm32" >&2; exit 2 ;;
esac
jobs=${JOBS:-2}
nice=${NICE:-10}
command -v "${cross}gcc" >/dev/null || { echo "build.sh: ${cross}gcc not found" >&2; exit 3; }
# Xen's Kconfig is generated with flex and bison (Debian: apt-get install flex bison).
for tool in flex bison; do command -v $tool >/dev/null || { echo "build.sh: $tool not found (Xen's Kconfig needs it)" >&2; exit 3; }; done
mkdir -p "$work"

for ref in "$@"; do
    commit=$(git -C "$git_dir" rev-parse --verify "$ref^{commit}") || { echo "build.sh: no ref $ref" >&2; exit 3; }
    name=${ref#RELEASE-}
    [ "$ref" = master ] && name=upstream
    out="$work/$name"
    if [ -f "$out/build.json" ] && [ "$(jq -r .commit "$out/build.json")" = "$commit" ]; then
        echo "$name: built already ($commit)"; continue
    fi
    rm -rf "$out"; mkdir -p "$out/src"
    git -C "$git_dir" archive "$commit" xen config Config.mk README | tar -x -C "$out/src"
    mk=(make -C "$out/src/xen" XEN_TARGET_ARCH="$arch" CROSS_COMPILE="$cross")
    echo "$name: $commit building"
    start=$(date +%s)
    "${mk[@]}" defconfig >"$out/build.log" 2>&1 || { echo "$name: defconfig failed, see $out/build.log" >&2; continue; }
    nice -n "$nice" "${mk[@]}" -j"$jobs" >>"$out/build.log" 2>&1 || { echo "$name: build failed, see $out/build.log" >&2; continue; }
    seconds=$(( $(date +%s) - start ))
    cp "$out/src/xen/xen" "$out/xen"
    cp "$out/src/xen/xen-syms" "$out/xen-syms"
    cp "$out/src/xen/.config" "$out/.config"
    # Options that change the image's layout or what boot maps.
    config=$(grep -E '^(CONFIG_DEBUG|CONFIG_EXPERT|CONFIG_XSM[A-Z_]*|CONFIG_LIVEPATCH|CONFIG_STATIC_MEMORY|CONFIG_MPU|CONFIG_ARM_64|CONFIG_ARM_32|CONFIG_GICV3|CONFIG_ACPI|CONFIG_HAS_PMAP|CONFIG_NR_CPUS|CONFIG_UBSAN|CONFIG_DEBUG_INFO)=' "$out/.config" \
        | jq -R 'split("=") | {(.[0]): .[1]}' | jq -s add)
    jq -n --arg ref "$ref" --arg name "$name" --arg commit "$commit" \
        --arg describe "$(git -C "$git_dir" describe --tags "$commit" 2>/dev/null || echo "$commit")" \
        --arg compiler "$("${cross}gcc" --version | head -1)" \
        --arg make "make -C xen XEN_TARGET_ARCH=$arch CROSS_COMPILE=$cross defconfig; make -C xen XEN_TARGET_ARCH=$arch CROSS_COMPILE=$cross" \
        --argjson config "$config" --arg configSha256 "$(sha256sum "$out/.config" | cut -d' ' -f1)" \
        --argjson seconds "$seconds" --argjson jobs "$jobs" \
        --argjson imageSize "$(stat -c %s "$out/xen")" --arg imageSha256 "$(sha256sum "$out/xen" | cut -d' ' -f1)" \
        '{ref: $ref, name: $name, commit: $commit, describe: $describe, compiler: $compiler, build: $make,
          config: $config, configSha256: $configSha256, buildSeconds: $seconds, jobs: $jobs,
          imageSize: $imageSize, imageSha256: $imageSha256}' > "$out/build.json.tmp"
    mv "$out/build.json.tmp" "$out/build.json"
    rm -rf "$out/src"
    echo "$name: built in ${seconds}s"
done
