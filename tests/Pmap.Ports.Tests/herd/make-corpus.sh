#!/bin/bash
# Regenerates corpus.tsv: every Arm64 map and unmap sequence of HerdCorpus (tests/Pmap.Ports.Tests/HerdCorpus.cs) written as a
# litmus test by the same writer as `pmap hazards --litmus`, run through herd7's VMSA model, and its verdict recorded.
# usage: HERD=/path/to/herd.exe HERD_LIBDIR=/path/to/herdtools7/herd/libdir make-corpus.sh [JOBS=2]
set -euo pipefail
export LC_ALL=C
: "${HERD:?set HERD to the herd7 binary (see README.md)}"
: "${HERD_LIBDIR:?set HERD_LIBDIR to the herd/libdir folder of herdtools7}"
JOBS=${1:-2}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

PMAP_HERD_CORPUS_OUT="$work/litmus" dotnet test "$repo/tests/Pmap.Ports.Tests" --nologo -v q \
  --filter "FullyQualifiedName~HerdCorpusTests.Writes_the_corpus_litmus_tests_when_asked" >/dev/null
test -s "$work/litmus/index.tsv" || { echo "make-corpus.sh: no litmus tests were written" >&2; exit 1; }

start=$(date +%s)
# One herd per batch of 40 tests, JOBS at a time; each test prints "Observation NAME Never|Sometimes|Always ...".
find "$work/litmus" -name '*.litmus' -print0 | sort -z \
  | xargs -0 -n 40 -P "$JOBS" "$HERD" -set-libdir "$HERD_LIBDIR" -variant vmsa,fatal \
  | awk '$1 == "Observation" { print $2 "\t" $3 }' | sort > "$work/observations.tsv"
seconds=$(( $(date +%s) - start ))

total=$(wc -l < "$work/litmus/index.tsv")
seen=$(wc -l < "$work/observations.tsv")
[ "$seen" -eq "$total" ] || { echo "make-corpus.sh: herd answered $seen of $total tests" >&2; exit 1; }

revision=$("$HERD" -version 2>/dev/null | head -1 || true)
{
  echo "# kind	sequence	herd7 -variant vmsa: is the bad outcome allowed (map: the load faults; unmap: the first store faults or the load still translates)"
  echo "# $total tests, herd7 $revision, $seconds s with $JOBS jobs; regenerate with tests/Pmap.Ports.Tests/herd/make-corpus.sh"
  sort "$work/litmus/index.tsv" | join -t '	' - "$work/observations.tsv" \
    | awk -F '\t' '{ print $2 "\t" $3 "\t" ($4 == "Never" ? "forbidden" : "allowed") }'
} > "$here/corpus.tsv.tmp"
mv "$here/corpus.tsv.tmp" "$here/corpus.tsv"
echo "corpus.tsv: $total rows, herd took $seconds s"
