#!/usr/bin/env bash
# make bench: the crypto micro-bench and the pipeline bench (DESIGN §9).
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
# perf/bench_scale.sh's row (pipeline_seal_160_spread; NAME=scale: the
# full 1,000,000-channel case) runs before the crypto rows, see below.
#
# Then perf/bench_pipeline.sh: the whole data plane (BUILD/rtpseal, one
# worker lcore, in-memory ports fed by the built-in generator) with its
# rows named pipeline_*; see that script. A NAME word containing "pipeline"
# selects pipeline rows (NAME=pipeline: all of them, and nothing else).
#
# Every JSON line goes to stdout and to BUILD/bench/latest.jsonl (rewritten
# each run), with "build" (which build produced it) added. If gnuplot is
# installed, perf/plot.sh then draws BUILD/bench/crypto.png and, with
# pipeline rows, BUILD/bench/pipeline.png.
#
# BENCH_ARGS adds options to every bench_crypto run (e.g. --quick);
# PIPE_REPS, PIPE_SECONDS, ... tune the pipeline part (bench_pipeline.sh).
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

# split_name WORD: NAME's comma-separated words that contain WORD into
# $matched, the others into $others (empty words dropped)
split_name() {
	local w
	local -a words
	matched=""
	others=""
	IFS=, read -ra words <<<"$name"
	for w in "${words[@]}"; do
		case $w in
		'') ;;
		*"$1"*) matched="$matched${matched:+,}$w" ;;
		*) others="$others${others:+,}$w" ;;
		esac
	done
}

# script_rows WORD SCRIPT [ARG]: the rows of a bench script of their own
# (SCRIPT BUILD, its lines tagged like bench_crypto's). An empty NAME runs
# them; a NAME word containing WORD selects them (SCRIPT then also gets ARG)
# and is taken out of NAME before the rest of this script reads it
# (NAME=WORD: only them).
script_rows() {
	local word=$1 script=$2 named_arg=${3:-} sel rest saved
	split_name "$word"
	sel=$matched
	rest=$others
	[ -z "$name" ] || [ -n "$sel" ] || return 0
	saved=$extra
	extra="" # BENCH_ARGS are bench_crypto's
	run "$build" bash "$script" "$build" ${sel:+$named_arg}
	extra=$saved
	if [ -n "$sel" ] && [ -z "$rest" ]; then
		echo "bench: $(grep -c '^{' "$out") rows in $out" >&2
		exit $rc
	fi
	name=$rest
}

# observer_*: the noop and aes256gcm observers against the same pipeline
# without them (perf/bench_observer.sh).
script_rows observer perf/bench_observer.sh
# rekey_rate, rekey_switch, rekey_pipeline: rekeys/s through the control
# socket, reply to first packet under the new key, throughput during the
# storm against none (perf/bench_rekey.sh).
script_rows rekey perf/bench_rekey.sh
# pipeline_seal_160_spread: seal at 160 bytes with traffic spread at random
# over channels loaded through the control socket, as a ratio to one channel
# (perf/bench_scale.sh). Without "scale" in NAME the reduced case (100,000
# channels, 400,000 streams); with it the full one (1,000,000 channels,
# 4,000,000 streams, plus its scale_load row).
script_rows scale perf/bench_scale.sh full

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
		*pipeline*) ;;
		*) [[ ,$sys_cases, == *"$word"* ]] && return 0 ;;
		esac
	done
	return 1
}

# NAME's words for bench_crypto (crypto_words) and for the pipeline bench
# (pipe_words: those containing "pipeline"); empty NAME: everything.
crypto_words=""
pipe_words=""
if [ -z "$name" ]; then
	pipe_words=pipeline
else
	split_name pipeline
	pipe_words=$matched
	crypto_words=$others
fi

start=$(date +%s)

if [ ! -x "$build/bench_crypto" ]; then
	echo "bench: $build/bench_crypto is missing: run make first" >&2
	exit 1
fi

case $name in
system) ;;
scaling) run "$build" "$build/bench_crypto" "${sys_rows[@]}" ;;
'') run "$build" "$build/bench_crypto" ;;
*)
	# only words bench_crypto knows (a NAME of pipeline words alone: none)
	case $crypto_words in
	'' | system | ipsec-system) ;;
	*) run "$build" "$build/bench_crypto" --case "$crypto_words" ;;
	esac
	;;
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

if [ -n "$pipe_words" ]; then
	# the pipeline bench takes no BENCH_ARGS: tagged like the others
	extra=""
	run "$build" bash perf/bench_pipeline.sh "$build" "$pipe_words"
fi

rows=$(grep -c '^{' "$out")
echo "bench: $rows rows in $out, $(($(date +%s) - start)) s" >&2

if [ "$rows" -eq 0 ]; then
	: # nothing to draw
elif command -v gnuplot >/dev/null 2>&1; then
	if grep '^{' "$out" | grep -qv '"bench":"pipeline_'; then
		bash perf/plot.sh "$out" "$outdir/crypto.png" || rc=1
	fi
	if grep -q '"bench":"pipeline_' "$out"; then
		bash perf/plot.sh --pipeline "$out" "$outdir/pipeline.png" || rc=1
	fi
else
	echo "bench: gnuplot is not installed: no plot (make deps installs gnuplot-nox)" >&2
fi
exit $rc
