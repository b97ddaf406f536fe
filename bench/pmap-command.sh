# Sourced by bench/startup.sh and bench/fuzz.sh: sets the array `pmap` to the pmap they measure: their arguments, else
# PMAP_CMD, else the Release build bench/compare.sh uses (built when missing). Needs `repo` set to the repository.
if [ $# -gt 0 ]; then pmap=("$@")
elif [ -n "${PMAP_CMD:-}" ]; then read -r -a pmap <<<"$PMAP_CMD"
else
    pmap=(dotnet "$repo/Pmap.Host/bin/Release/net10.0/pmap.dll")
    [ -f "${pmap[1]}" ] || dotnet build "$repo/Pmap.Host" -c Release -v quiet -nologo >&2
fi
