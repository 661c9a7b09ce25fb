#!/usr/bin/env bash
# make fuzz: for each target, replay tests/fuzz/regressions/<target>/ (each
# file once), then fuzz it for SECONDS on DIR/corpus-<target>, a copy of
# tests/fuzz/corpus/<target>/ (the repository's corpus is never written;
# what the fuzzer adds stays in the copy for the next run). One summary line
# per target; exits non-zero if a regression fails or a target crashes, and
# names the inputs libFuzzer saved (DIR/artifacts/<target>/crash-*, leak-*,
# timeout-*, oom-*). Logs: DIR/<target>.log. tests/fuzz/<target>.dict, if
# there is one, is the target's libFuzzer dictionary.
set -u
dir=${1:?usage: run.sh FUZZ_DIR SECONDS TARGET...}
seconds=${2:?usage: run.sh FUZZ_DIR SECONDS TARGET...}
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
summary=()

for t in "$@"; do
	bin="$dir/$t"
	log="$dir/$t.log"
	art="$dir/artifacts/$t"
	corpus="$dir/corpus-$t"
	mkdir -p "$art" "$corpus"
	rm -f "$art"/*
	cp -f "$top/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null

	regs=()
	for f in "$top/tests/fuzz/regressions/$t"/*; do
		[ -f "$f" ] && regs+=("$f")
	done
	reg_note="no regressions"
	if ((${#regs[@]})); then
		if "$bin" -rss_limit_mb=2048 -timeout=10 "${regs[@]}" >"$dir/$t.regressions.log" 2>&1; then
			reg_note="${#regs[@]} regressions pass"
		else
			reg_note="REGRESSION FAILED (see $dir/$t.regressions.log)"
			failed=1
			echo "fuzz: $t: a regression input fails again:" >&2
			tail -n 40 "$dir/$t.regressions.log" >&2
		fi
	fi

	dict=()
	[ -f "$top/tests/fuzz/$t.dict" ] && dict=(-dict="$top/tests/fuzz/$t.dict")
	echo "fuzz: $t: ${seconds}s on $corpus"
	"$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		"${dict[@]}" -artifact_prefix="$art/" "$corpus" >"$log" 2>&1
	rc=$?
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
	found=$(find "$art" -type f | sort)
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		failed=1
		echo "fuzz: $t CRASHED (exit $rc); log $log" >&2
		grep -m1 -A40 '^==[0-9]*==ERROR\|runtime error\|^fuzz_[a-z]*: ' "$log" >&2
		for f in $found; do
			echo "fuzz: $t: input saved as $f" >&2
		done
		line="$t: CRASH (exit $rc) after ${runs:-?} runs; ${cov:-no coverage line}; $reg_note; inputs: ${found:-none}"
	else
		line="$t: ok, ${runs:-?} runs, ${eps:-?} exec/s, ${cov:-no coverage line}, peak rss ${rss:-?} MB; $reg_note"
	fi
	echo "fuzz: $line"
	summary+=("$line")
done

echo
echo "fuzz summary (${seconds}s per target):"
for l in "${summary[@]}"; do
	echo "  $l"
done
exit "$failed"
