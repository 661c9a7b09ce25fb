#!/usr/bin/env bash
# make bench: the crypto micro-bench (DESIGN §9).
#
#   perf/bench.sh BUILD [NAME]
#
# Runs BUILD/bench_crypto (with --case NAME when NAME is given: a bench name
# or a substring of one, comma-separated for several, e.g. lib_burst,
# openssl_evp, libsrtp). Then, unless BUILD already is an IPSEC_MB=system
# build, builds bench_crypto against the system's ipsec-mb
# (make IPSEC_MB=system, into BUILD/ipsec-system) and runs only its 160-byte
# seal rows of lib_burst and raw_ipsec_mb, 1 and 2 workers, so the system
# library's multi-core scaling shows next to the bundled one. NAME=system runs
# only that part; NAME=scaling runs those rows from both builds.
#
# Every JSON line goes to stdout and to BUILD/bench/latest.jsonl (rewritten
# each run), with "build" (which build produced it) added. If gnuplot is
# installed, perf/plot.sh then draws BUILD/bench/crypto.png.
#
# BENCH_ARGS adds options to every bench_crypto run (e.g. --quick).
set -u
cd "$(dirname "$0")/.." || exit 1

build=${1:?usage: perf/bench.sh BUILD [NAME]}
name=${2:-}
extra=${BENCH_ARGS:-}
outdir=$build/bench
out=$outdir/latest.jsonl
sys_build=$build/ipsec-system
sys_cases=lib_burst,raw_ipsec_mb
sys_rows=(--case "$sys_cases" --dir seal --payload 160 --reps 7)
rc=0

mkdir -p "$outdir"
: >"$out"

# run LABEL BINARY ARGS...: bench_crypto's lines to stdout and $out, tagged
run() {
	local label=$1 status
	shift
	# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
	"$@" $extra | awk -v b="$label" '/^\{.*\}$/ { sub(/\}$/, ",\"build\":\"" b "\"}") } { print; fflush() }' |
		tee -a "$out"
	status=${PIPESTATUS[0]}
	if [ "$status" -ne 0 ]; then
		echo "bench: $* exited $status" >&2
		rc=1
	fi
}

# Does NAME ask for the system-ipsec-mb rows? Empty does; so does any
# comma-separated word that is, or is part of, one of those rows' names.
wants_system() {
	local word words
	[ -z "$name" ] && return 0
	IFS=, read -ra words <<<"$name"
	for word in "${words[@]}"; do
		case $word in
		'') ;;
		system | ipsec-system | scaling) return 0 ;;
		*) [[ ,$sys_cases, == *"$word"* ]] && return 0 ;;
		esac
	done
	return 1
}

start=$(date +%s)

if [ ! -x "$build/bench_crypto" ]; then
	echo "bench: $build/bench_crypto is missing: run make first" >&2
	exit 1
fi

case $name in
system) ;;
scaling) run "$build" "$build/bench_crypto" "${sys_rows[@]}" ;;
'') run "$build" "$build/bench_crypto" ;;
*) run "$build" "$build/bench_crypto" --case "$name" ;;
esac

if [ "$(basename "$build")" = ipsec-system ]; then
	: # this build already uses the system's ipsec-mb
elif wants_system; then
	echo "bench: building bench_crypto against the system's ipsec-mb in $sys_build" >&2
	if make --no-print-directory -s IPSEC_MB=system O="$sys_build" "$sys_build/bench_crypto" >&2; then
		run "$sys_build" "$sys_build/bench_crypto" "${sys_rows[@]}"
	else
		echo "bench: make IPSEC_MB=system failed: no system-ipsec-mb rows" >&2
		rc=1
	fi
fi

rows=$(grep -c '^{' "$out")
echo "bench: $rows rows in $out, $(($(date +%s) - start)) s" >&2

if [ "$rows" -eq 0 ]; then
	: # nothing to draw
elif command -v gnuplot >/dev/null 2>&1; then
	bash perf/plot.sh "$out" "$outdir/crypto.png" || rc=1
else
	echo "bench: gnuplot is not installed: no plot (make deps installs gnuplot-nox)" >&2
fi
exit $rc
