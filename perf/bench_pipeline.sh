#!/usr/bin/env bash
# make bench's pipeline rows (DESIGN §9): the whole rtpseal data plane on one
# worker lcore, against the crypto floor measured in the same run.
#
#   perf/bench_pipeline.sh BUILD [NAME]
#
# NAME: comma-separated substrings of the row names below ("pipeline", the
# default, selects every row); a case runs when one of its rows is selected.
# Prints one JSON line per row on stdout; progress goes to stderr; every
# run's stats JSON and log stay in BUILD/bench/pipeline/.
#
# Each case is BUILD/rtpseal -l 0,1 (lcore 0 = main: the built-in generator,
# lcore 1 = the one worker) on in-memory ports, config perf/pipeline-*.conf:
#
#   generator -> port 0 (net_ring, clear) --seal--> port 1 (net_ring, cipher)
#   port 1 loops back: its RX --open--> port 2 (net_null, sink)
#
# so one run measures both directions. Cases (rows):
#   audio160      every packet audio, 160-byte RTP payload, no RTCP
#                 (pipeline_seal_160, pipeline_open_160)
#   video1200     every packet video, 1200-byte payload, no RTCP
#                 (pipeline_seal_1200, pipeline_open_1200)
#   mix           the generator's realistic mix: 70 % audio streams of
#                 60..320 bytes, video up to 1200, RTCP SR+SDES
#                 (pipeline_seal_mix, pipeline_open_mix; payload "mix")
#   each of them again with the generator's udp_checksum = off (rows
#   ..._nocsum): the worker recomputes a UDP checksum in software after
#   seal/open on ports without TX checksum offload (every virtual port) but
#   keeps a zero IPv4 UDP checksum zero, so the difference is what the
#   software checksum costs;
#   passthrough   audio160 with policy = pass everywhere: rx, parse, channel
#                 lookup, classify, forward and nothing else, the
#                 framework's own floor (pipeline_passthrough_160 for the
#                 clear side, pipeline_passthrough_open_160 for the loop's
#                 cipher side).
#
# ns_per_pkt is the worker's busy cycles per packet (app/worker.c: TSC
# cycles of non-empty RX bursts, RX burst to TX buffering, per direction,
# seal_busy_ns_per_pkt / open_busy_ns_per_pkt in --stats-json): it leaves
# out empty polls and everything on lcore 0, so it does not depend on the
# offered rate as long as the bursts are full. Reported with it:
# offered_mpps (the rate the run achieved in that direction), busy_fraction
# (share of the run the worker spent in bursts, both directions) and
# ring_full_share (share of the generator's TX bursts the port refused in
# part: > 0 means the worker had a backlog, so its bursts were full).
# mpps = 1000 / ns_per_pkt (one worker's capacity for that direction alone).
#
# raw_ns_per_pkt: BUILD/bench_crypto's raw_ipsec_mb rows (the bare ipsec-mb
# loop, one worker) at the same payload sizes, run right before and right
# after all the pipeline runs: the lower of the two runs' ns_per_pkt (each
# the best of its repetitions, as bench_crypto reports it: noise only ever
# adds time, and a median inflated by another task would flatter the
# ratio); raw_before, raw_after and raw_median show the spread. The mix
# weights raw (and libsrtp) ns by the run's own packet mix from the
# generator's summary line: audio and video at their mean RTP payload, RTCP
# as compound length - 8 (the SRTCP encrypted part; its AAD is 12 bytes like
# the raw loop's), sizes measured exactly (a short calibration run of the
# mix finds them) and interpolated linearly for the per-run means. The raw
# loop authenticates a 12-byte RTP header; the generator's RTP carries a
# one-word header extension, so the pipeline's AAD is 20 bytes (ipsec-mb
# 2.0 on this AMD EPYC: +6.6 ns at 160 bytes, +18 %; none measurable at 480
# or 1200). libsrtp: bench_crypto's libsrtp_protect / libsrtp_unprotect
# at the same sizes (before run only, best of reps). ratio = raw_ns_per_pkt /
# ns_per_pkt.
# Pipeline ns_per_pkt is the median over the PIPE_REPS runs; the cases' runs
# are interleaved (rep 1 of every case, then rep 2, ...) so machine noise
# spreads over all of them. ratio_best = raw_ns_per_pkt / ns_min (the
# pipeline's lowest run).
#
# On a shared machine another task on the worker's core inflates busy
# cycles (a preempted burst counts the time the other task ran): the worker
# thread's schedstat and involuntary context switches are sampled from
# /proc during each run. worker_cpu_share is the share of the run the
# worker thread was on its CPU (run / (run + runnable but waiting)); only
# runs with a share of at least PIPE_CLEAN_SHARE (default 0.98) make the
# medians (runs_used), and when none has, all do and the row carries a
# warning; worker_preempted_per_s shows how often it was interrupted. For
# contended runs ns_cpu_corrected = ns_per_pkt x worker_cpu_share:
# preemptions land inside bursts in proportion to the worker's busy time,
# so this first-order correction takes out most of the stolen time (within
# ~30 % of the per-burst median on a loaded machine); ratio_cpu_corrected
# = raw_ns_per_pkt / ns_cpu_corrected. Neither replaces a quiet machine.
#
# Environment: PIPE_REPS (runs per case, default 3), PIPE_SECONDS (per run,
# default 0.8), PIPE_RAW_REPS / PIPE_RAW_MS (bench_crypto --reps / --ms,
# default 5 / 40), PIPE_CLEAN_SHARE. About 40 s with the defaults on a quiet
# machine (make bench must stay under 3 minutes with the other benches);
# PIPE_REPS=5 PIPE_SECONDS=1 for tighter medians.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${1:?usage: perf/bench_pipeline.sh BUILD [NAME]}
name=${2:-pipeline}
reps=${PIPE_REPS:-3}
secs=${PIPE_SECONDS:-0.8}
raw_reps=${PIPE_RAW_REPS:-5}
raw_ms=${PIPE_RAW_MS:-40}
clean_share=${PIPE_CLEAN_SHARE:-0.98}
outdir=$build/bench/pipeline
rc=0

for bin in rtpseal bench_crypto; do
	if [ ! -x "$build/$bin" ]; then
		echo "bench_pipeline: $build/$bin is missing: run make first" >&2
		exit 1
	fi
done
rm -rf "$outdir"
mkdir -p "$outdir"

# case: config, UDP checksums, row names (seal side, open side)
declare -A conf csum row_seal row_open
add_case() {
	conf[$1]=$2
	csum[$1]=$3
	row_seal[$1]=$4
	row_open[$1]=$5
}
add_case audio160 perf/pipeline-audio160.conf on pipeline_seal_160 pipeline_open_160
add_case audio160_nocsum perf/pipeline-audio160.conf off pipeline_seal_160_nocsum pipeline_open_160_nocsum
add_case video1200 perf/pipeline-video1200.conf on pipeline_seal_1200 pipeline_open_1200
add_case video1200_nocsum perf/pipeline-video1200.conf off pipeline_seal_1200_nocsum pipeline_open_1200_nocsum
add_case mix perf/pipeline-mix.conf on pipeline_seal_mix pipeline_open_mix
add_case mix_nocsum perf/pipeline-mix.conf off pipeline_seal_mix_nocsum pipeline_open_mix_nocsum
add_case passthrough perf/pipeline-passthrough.conf off pipeline_passthrough_160 pipeline_passthrough_open_160
all_cases="audio160 audio160_nocsum video1200 video1200_nocsum mix mix_nocsum passthrough"

# selected: is row name $1 one NAME asks for?
selected() {
	local word words
	IFS=, read -ra words <<<"$name"
	for word in "${words[@]}"; do
		[ -n "$word" ] && [[ $1 == *"$word"* ]] && return 0
	done
	return 1
}

cases=""
for c in $all_cases; do
	if selected "${row_seal[$c]}" || selected "${row_open[$c]}"; then
		cases="$cases $c"
	fi
done
cases=${cases# }
if [ -z "$cases" ]; then
	echo "bench_pipeline: no pipeline row matches '$name'" >&2
	exit 1
fi

# The configs of the cases: the file as it is (UDP checksums on), or with
# udp_checksum = off.
for c in $cases; do
	if [ "${csum[$c]}" = on ]; then
		cp "${conf[$c]}" "$outdir/$c.conf"
	else
		sed 's/^udp_checksum *= *on/udp_checksum = off/' "${conf[$c]}" >"$outdir/$c.conf"
	fi
	if ! grep -q "^udp_checksum = ${csum[$c]}" "$outdir/$c.conf"; then
		echo "bench_pipeline: ${conf[$c]}: no 'udp_checksum = on' line to switch" >&2
		exit 1
	fi
done

# A fifo nobody writes: `read -t` on it sleeps without forking (a fork
# would land on one of the two busy cores).
mkfifo "$outdir/.tick"
exec {tick}<>"$outdir/.tick"
rm -f "$outdir/.tick"
child=""
trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 130' INT TERM

# run_case CASE TAG SECONDS: one rtpseal run; appends one record to
# $outdir/runs.txt: "case tag key=value ..." from the stats JSON (top-level
# keys, one-space indent), the generator's summary line and the worker
# thread's involuntary context switches (preempt=: another task ran on its
# core; the burst it interrupted counts that time as busy) and its
# schedstat (time on the CPU, time runnable but waiting), read from /proc
# with shell builtins every 0.1 s while it runs.
run_case() {
	local c=$1 tag=$2 s=$3 json=$outdir/$1.$2.json log=$outdir/$1.$2.log status pid
	local t comm k v preempt=-1 run_ns=0 wait_ns=0 slices
	"$build/rtpseal" -l 0,1 --no-huge -m 256 --no-pci --file-prefix "rtpseal-bench-$$" \
		--log-level=lib.eal:warning --log-level=lib.telemetry:error \
		--vdev net_ring0 --vdev net_ring1 --vdev net_null0,no-rx=1 \
		-- -c "$outdir/$c.conf" --duration "$s" --stats-interval 0 \
		--stats-json "$json" >"$log" 2>&1 &
	pid=$!
	child=$pid
	while kill -0 "$pid" 2>/dev/null; do
		for t in /proc/"$pid"/task/*; do
			read -r comm <"$t/comm" 2>/dev/null || continue
			[ "$comm" = rte-worker-1 ] || continue
			while read -r k v; do
				[ "$k" = nonvoluntary_ctxt_switches: ] && preempt=$v
			done <"$t/status" 2>/dev/null
			read -r run_ns wait_ns slices <"$t/schedstat" 2>/dev/null
		done
		read -r -t 0.1 -u "$tick"
	done
	wait "$pid"
	status=$?
	child=""
	if [ "$status" -ne 0 ] || [ ! -s "$json" ]; then
		echo "bench_pipeline: $c run $tag exited $status (see $log)" >&2
		rc=1
		return 1
	fi
	awk -v c="$c" -v tag="$tag" '
	FILENAME ~ /\.json$/ && /^ "[a-z_]+": [-0-9.eE+]+,?$/ {
		k = $1; gsub(/[":]/, "", k)
		v = $2; sub(/,$/, "", v)
		rec = rec " " k "=" v
	}
	FILENAME ~ /\.log$/ && /^rtpseal: generator sent / {
		for (i = 1; i <= NF; i++) {
			if ($i == "audio" || $i == "video" || $i == "rtcp" || $i == "other") {
				rec = rec " n_" $i "=" $(i + 1) " p_" $i "=" $(i + 3)
			} else if ($i == "full" && $(i + 1) == "on") {
				rec = rec " refused=" $(i + 2) " bursts=" $(i + 4)
			}
		}
		gen = 1
	}
	END {
		if (!gen)
			rec = rec " nogen=1"
		print c, tag rec " preempt=" preempt " run_ns=" run_ns " wait_ns=" wait_ns
	}' preempt="$preempt" run_ns="$run_ns" wait_ns="$wait_ns" "$json" "$log" >>"$outdir/runs.txt"
}

# raw PHASE PAYLOAD CASES: bench_crypto rows at one payload (AES-128, both
# directions) into $outdir/raw.jsonl, tagged with the phase.
raw() {
	local phase=$1 p=$2 cs=$3 status
	"$build/bench_crypto" --case "$cs" --mode 128 --payload "$p" --reps "$raw_reps" \
		--ms "$raw_ms" 2>>"$outdir/bench_crypto.err" |
		awk -v ph="$phase" '/^\{.*\}$/ { sub(/\}$/, ",\"phase\":\"" ph "\"}"); print }' \
			>>"$outdir/raw.jsonl"
	status=${PIPESTATUS[0]}
	if [ "$status" -ne 0 ]; then
		echo "bench_pipeline: bench_crypto --payload $p exited $status" >&2
		rc=1
	fi
}

start=$(date +%s)
: >"$outdir/runs.txt"
: >"$outdir/raw.jsonl"

# Payload sizes the raw floor is needed at.
sizes=""
for c in $cases; do
	case $c in
	audio160* | passthrough) sizes="$sizes 160" ;;
	video1200*) sizes="$sizes 1200" ;;
	esac
done
if [[ " $cases " == *" mix"* ]]; then
	# the mix's class sizes: a short calibration run (also warms up)
	c=mix
	[[ " $cases " == *" mix "* ]] || c=mix_nocsum
	echo "bench_pipeline: calibrating the mix's packet sizes" >&2
	if run_case "$c" calib 0.5; then
		set -- $(awk '$2 == "calib" {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			a = v["n_audio"] ? int(v["p_audio"] + 0.5) : 0
			b = v["n_video"] ? int(v["p_video"] + 0.5) : 0
			r = v["n_rtcp"] ? int(v["p_rtcp"] + 0.5) - 8 : 0
			print a, b, r
		}' "$outdir/runs.txt")
		for p in "$@"; do
			[ "$p" -gt 0 ] && sizes="$sizes $p"
		done
	fi
fi
sizes=$(echo "$sizes" | tr ' ' '\n' | grep . | sort -n -u | tr '\n' ' ')

echo "bench_pipeline: raw ipsec-mb and libsrtp at$(printf ' %s' $sizes) bytes (before)" >&2
for p in $sizes; do
	raw before "$p" raw_ipsec_mb,libsrtp
done

for ((r = 1; r <= reps; r++)); do
	echo "bench_pipeline: run $r of $reps:$(printf ' %s' $cases) (${secs} s each)" >&2
	for c in $cases; do
		run_case "$c" "$r" "$secs"
	done
done

echo "bench_pipeline: raw ipsec-mb at$(printf ' %s' $sizes) bytes (after)" >&2
for p in $sizes; do
	raw after "$p" raw_ipsec_mb
done

# Rows: one awk over the raw rows and the run records.
rows=""
for c in $cases; do
	selected "${row_seal[$c]}" && rows="$rows ${row_seal[$c]}"
	selected "${row_open[$c]}" && rows="$rows ${row_open[$c]}"
done
awk -v rows="$rows" -v reps="$reps" -v secs="$secs" -v raw_reps="$raw_reps" \
	-v raw_ms="$raw_ms" -v clean_share="$clean_share" '
function str(k,   m) {
	if (match($0, "\"" k "\":\"[^\"]*\"")) {
		m = substr($0, RSTART, RLENGTH)
		sub("^\"" k "\":\"", "", m)
		sub("\"$", "", m)
		return m
	}
	return ""
}
function num(k,   m) {
	if (match($0, "\"" k "\":[-0-9.eE+]+")) {
		m = substr($0, RSTART, RLENGTH)
		sub("^\"" k "\":", "", m)
		return m
	}
	return ""
}
# sort a[1..n] ascending (insertion: n is small)
function sortn(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
function median(a, n,   b, i) {
	if (n == 0)
		return 0
	for (i = 1; i <= n; i++)
		b[i] = a[i]
	sortn(b, n)
	return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}
# floorns(kind, dir, size, what): see fval for what; linear between the
# measured sizes, flat outside.
function floorns(kind, dir, size, what,   i, n, s, lo, hi, vlo, vhi) {
	n = nsz[kind, dir]
	if (n == 0)
		return 0
	for (i = 1; i <= n; i++)
		s[i] = sz[kind, dir, i]
	sortn(s, n)
	if (size <= s[1])
		return fval(kind, dir, s[1], what)
	if (size >= s[n])
		return fval(kind, dir, s[n], what)
	for (i = 1; i < n; i++)
		if (size >= s[i] && size <= s[i + 1]) {
			lo = s[i]; hi = s[i + 1]
			vlo = fval(kind, dir, lo, what); vhi = fval(kind, dir, hi, what)
			return hi == lo ? vlo : vlo + (vhi - vlo) * (size - lo) / (hi - lo)
		}
	return 0
}
# what: "best" (lowest best-of-reps of the two runs), "before" or "after"
# (the best of that run), "med" (mean of the medians of the two runs)
function fval(kind, dir, size, what,   k, sum, n, best, ph) {
	if (what == "before" || what == "after") {
		k = kind SUBSEP dir SUBSEP size SUBSEP what
		return (k in bst) ? bst[k] : 0
	}
	sum = 0; n = 0; best = 0
	for (ph = 1; ph <= 2; ph++) {
		k = kind SUBSEP dir SUBSEP size SUBSEP (ph == 1 ? "before" : "after")
		if (!(k in med))
			continue
		sum += med[k]; n++
		if (!best || bst[k] < best)
			best = bst[k]
	}
	return what == "best" ? best : (n ? sum / n : 0)
}
# per-run weighted floor for a class mix
function mixfloor(kind, dir, what, v,   na, nv, nr, t) {
	na = v["n_audio"] + 0; nv = v["n_video"] + 0; nr = v["n_rtcp"] + 0
	t = na + nv + nr
	if (!t)
		return 0
	return (na * (na ? floorns(kind, dir, v["p_audio"], what) : 0) + \
		nv * (nv ? floorns(kind, dir, v["p_video"], what) : 0) + \
		nr * (nr ? floorns(kind, dir, v["p_rtcp"] - 8, what) : 0)) / t
}
# median of a[] over the selected runs (use[i])
function msel(a, m,   b, i, k) {
	k = 0
	for (i = 1; i <= m; i++)
		if (use[i])
			b[++k] = a[i]
	return median(b, k)
}
function fmt(x) { return sprintf("%.2f", x) }
function fmt3(x) { return sprintf("%.3f", x) }

# ---- input 1: bench_crypto rows ----
FILENAME ~ /raw\.jsonl$/ {
	if (num("workers") != 1 || str("error") != "")
		next
	b = str("bench"); d = str("dir"); p = num("payload"); ph = str("phase")
	if (b == "raw_ipsec_mb") kind = "raw"
	else if (b == "libsrtp_protect" || b == "libsrtp_unprotect") kind = "srtp"
	else next
	if (!((kind, d, p) in have)) {
		have[kind, d, p] = 1
		sz[kind, d, ++nsz[kind, d]] = p
	}
	med[kind, d, p, ph] = num("ns_median")
	bst[kind, d, p, ph] = num("ns_per_pkt")
	if (ipsec == "") ipsec = str("ipsec_mb")
	if (kind == "srtp" && srtpv == "") srtpv = str("libsrtp")
	if (arch == "") arch = str("arch")
	next
}

# ---- input 2: the run records ----
$2 != "calib" {
	c = $1
	if (!(c in nrun))
		order[++ncase] = c
	i = ++nrun[c]
	for (f = 3; f <= NF; f++) {
		split($f, kv, "=")
		R[c, i, kv[1]] = kv[2]
	}
}

END {
	nrows = split(rows, want, " ")
	for (w = 1; w <= nrows; w++)
		wanted[want[w]] = 1
	for (ci = 1; ci <= ncase; ci++) {
		c = order[ci]
		n = nrun[c]
		nocsum = c ~ /_nocsum$/
		pass = c == "passthrough"
		base = c; sub(/_nocsum$/, "", base)
		for (dd = 1; dd <= 2; dd++) {
			dir = dd == 1 ? "seal" : "open"
			if (pass)
				bench = dd == 1 ? "pipeline_passthrough_160" : "pipeline_passthrough_open_160"
			else
				bench = "pipeline_" dir "_" (base == "audio160" ? "160" : base == "video1200" ? "1200" : "mix") (nocsum ? "_nocsum" : "")
			if (!(bench in wanted))
				continue
			m = 0; errs = ""
			delete nsv; delete offv; delete busyv; delete fullv; delete rawv; delete rawmed; delete rawbef; delete rawaft; delete srtpv_; delete mpv; delete wirev
			delete prv; delete use; delete nscv; delete sharev
			sa = sv = sr = 0; pa = pv = pr = 0
			for (i = 1; i <= n; i++) {
				s = R[c, i, "seconds"]
				pk = R[c, i, dir "_busy_packets"]
				if (R[c, i, "nogen"] || !s || !pk) {
					errs = errs " run " i ": no data;"
					continue
				}
				if (R[c, i, "drops_total"] + 0 != 0)
					errs = errs " run " i ": " R[c, i, "drops_total"] " drops;"
				if (R[c, i, "rx_packets"] != R[c, i, "tx_packets"] + R[c, i, "drops_total"])
					errs = errs " run " i ": rx != tx + drops;"
				m++
				prv[m] = R[c, i, "preempt"] >= 0 ? R[c, i, "preempt"] / s : -1
				nsv[m] = R[c, i, dir "_busy_ns_per_pkt"]
				t = R[c, i, "run_ns"] + R[c, i, "wait_ns"]
				sharev[m] = t > 0 ? R[c, i, "run_ns"] / t : 1
				nscv[m] = nsv[m] * sharev[m]
				offv[m] = pk / s / 1e6
				busyv[m] = (R[c, i, "seal_busy_packets"] * R[c, i, "seal_busy_ns_per_pkt"] + \
					    R[c, i, "open_busy_packets"] * R[c, i, "open_busy_ns_per_pkt"]) / s / 1e9
				fullv[m] = R[c, i, "bursts"] ? R[c, i, "refused"] / R[c, i, "bursts"] : 0
				delete v
				v["n_audio"] = R[c, i, "n_audio"]; v["p_audio"] = R[c, i, "p_audio"]
				v["n_video"] = R[c, i, "n_video"]; v["p_video"] = R[c, i, "p_video"]
				v["n_rtcp"] = R[c, i, "n_rtcp"]; v["p_rtcp"] = R[c, i, "p_rtcp"]
				rawv[m] = mixfloor("raw", dir, "best", v)
				rawmed[m] = mixfloor("raw", dir, "med", v)
				rawbef[m] = mixfloor("raw", dir, "before", v)
				rawaft[m] = mixfloor("raw", dir, "after", v)
				srtpv_[m] = mixfloor("srtp", dir, "best", v)
				t = v["n_audio"] + v["n_video"] + v["n_rtcp"]
				# bytes encrypted per packet; the SRTP/SRTCP packet (UDP payload)
				mpv[m] = t ? (v["n_audio"] * v["p_audio"] + v["n_video"] * v["p_video"] + \
					      v["n_rtcp"] * (v["p_rtcp"] - 8)) / t : 0
				wirev[m] = t ? (v["n_audio"] * (20 + v["p_audio"]) + v["n_video"] * (20 + v["p_video"]) + \
						v["n_rtcp"] * (v["p_rtcp"] + 4)) / t + (pass ? 0 : 16) : 0
				sa += v["n_audio"]; sv += v["n_video"]; sr += v["n_rtcp"]
				pa += v["n_audio"] * v["p_audio"]; pv += v["n_video"] * v["p_video"]; pr += v["n_rtcp"] * v["p_rtcp"]
			}
			if (m == 0) {
				printf "{\"bench\":\"%s\",\"mode\":\"%s\",\"dir\":\"%s\",\"workers\":1,\"error\":\"%s\"}\n", \
					bench, pass ? "none" : "AEAD_AES_128_GCM", pass ? "pass" : dir, "no run produced data:" errs
				continue
			}
			# runs whose worker was (nearly) never preempted; all when none was
			nclean = 0; pre_s = ""; share_s = ""
			for (i = 1; i <= m; i++) {
				use[i] = sharev[i] >= clean_share
				nclean += use[i]
				pre_s = pre_s (i > 1 ? "," : "") sprintf("%.1f", prv[i])
				share_s = share_s (i > 1 ? "," : "") sprintf("%.3f", sharev[i])
			}
			if (!nclean)
				for (i = 1; i <= m; i++)
					use[i] = 1
			ns = msel(nsv, m)
			nsmin = 0; reps_s = ""
			for (i = 1; i <= m; i++) {
				if (use[i] && (!nsmin || nsv[i] < nsmin)) nsmin = nsv[i]
				reps_s = reps_s (i > 1 ? "," : "") fmt(nsv[i])
			}
			rawns = msel(rawv, m); srtpns = msel(srtpv_, m)
			mp = msel(mpv, m); wire = msel(wirev, m)
			mpps = 1000 / ns
			printf "{\"bench\":\"%s\",\"mode\":\"%s\",\"dir\":\"%s\",", bench, \
				pass ? "none" : "AEAD_AES_128_GCM", pass ? "pass" : dir
			if (base == "mix")
				printf "\"payload\":\"mix\",\"mean_payload\":%s,", fmt(mp)
			else
				printf "\"payload\":%d,", mp + 0.5
			printf "\"workers\":1,\"mpps\":%s,\"gbps\":%s,\"ns_per_pkt\":%s", fmt3(mpps), \
				fmt3(mpps * wire * 8 / 1000), fmt(ns)
			if (!pass) {
				printf ",\"raw_ns_per_pkt\":%s,\"ratio\":%s", fmt(rawns), fmt3(rawns / ns)
				printf ",\"ratio_best\":%s,\"raw_before\":%s,\"raw_after\":%s,\"raw_median\":%s", \
					fmt3(rawns / nsmin), fmt(msel(rawbef, m)), fmt(msel(rawaft, m)), fmt(msel(rawmed, m))
				if (srtpns > 0)
					printf ",\"libsrtp_ns_per_pkt\":%s,\"speed_vs_libsrtp\":%s", fmt(srtpns), fmt(srtpns / ns)
			} else {
				printf ",\"raw_ns_per_pkt\":%s", fmt(rawns)
			}
			printf ",\"ns_kind\":\"worker_busy\",\"ns_what\":\"worker lcore TSC cycles of non-empty RX bursts per packet, %s direction (rx burst, parse, channel lookup, classify%s, tx buffering); excludes idle polls; the generator runs on lcore 0\"", \
				pass ? (dd == 1 ? "clear->cipher" : "cipher->sink") : dir, \
				pass ? "" : ", stream state, " dir ", IP/UDP length and checksum fix"
			printf ",\"ns_min\":%s,\"ns_reps\":[%s],\"runs\":%d,\"run_seconds\":%s", fmt(nsmin), reps_s, m, secs
			printf ",\"worker_preempted_per_s\":[%s],\"runs_used\":%d", pre_s, nclean ? nclean : m
			printf ",\"worker_cpu_share\":[%s],\"ns_cpu_corrected\":%s", share_s, fmt(msel(nscv, m))
			if (!pass)
				printf ",\"ratio_cpu_corrected\":%s", fmt3(rawns / msel(nscv, m))
			printf ",\"offered_mpps\":%s,\"busy_fraction\":%s,\"ring_full_share\":%s", \
				fmt3(msel(offv, m)), fmt3(msel(busyv, m)), fmt3(msel(fullv, m))
			printf ",\"udp_checksum\":%s,\"wire_bytes\":%s", nocsum || pass ? "false" : "true", fmt(wire)
			if (base == "mix" && sa + sv + sr > 0) {
				t = sa + sv + sr
				printf ",\"audio_share\":%s,\"audio_payload\":%s,\"video_share\":%s,\"video_payload\":%s,\"rtcp_share\":%s,\"rtcp_bytes\":%s", \
					fmt3(sa / t), fmt(sa ? pa / sa : 0), fmt3(sv / t), fmt(sv ? pv / sv : 0), \
					fmt3(sr / t), fmt(sr ? pr / sr : 0)
			}
			printf ",\"topology\":\"generator(lcore 0)->port0 net_ring clear -%s-> port1 net_ring cipher, looped back -%s-> port2 net_null\"", \
				pass ? "pass" : "seal", pass ? "pass" : "open"
			if (dd == 2)
				printf ",\"input\":\"%s\"", pass ? "frames this worker forwarded a burst earlier (hot in its cache)" : \
					"SRTP this worker sealed a burst earlier in the same run: hot in its cache (a NIC would DMA it in cold)"
			else
				printf ",\"input\":\"frames the generator wrote on lcore 0 (cold for the worker: cross-core)\",\"note\":\"TX to a ring: the mbufs are freed on the open side (net_null TX); a seal-only run into a net_null sink pays that free here (about 13 ns/packet more on this machine)\""
			if (!pass)
				printf ",\"raw_from\":\"bench_crypto raw_ipsec_mb workers=1 ns_per_pkt (best of %d reps x %d ms), the lower of the runs right before (raw_before) and right after (raw_after) the pipeline runs%s; raw_median: mean of the two runs medians. Raw AAD 12 B, pipeline RTP AAD 20 B (header + extension)\"", \
					raw_reps, raw_ms, base == "mix" ? ", weighted by this run'"'"'s audio/video/RTCP mix (RTCP as compound - 8 bytes)" : ""
			printf ",\"ipsec_mb\":\"%s\",\"arch\":\"%s\"", ipsec, arch
			if (!pass && srtpv != "")
				printf ",\"libsrtp\":\"%s\"", srtpv
			if (!nclean)
				errs = errs " every run contended: other tasks held the worker core more than " (1 - clean_share) * 100 "% of the time (worker_cpu_share), and busy cycles include the time they ran: ns_per_pkt is inflated, ratios understated (see ns_cpu_corrected);"
			if (errs != "")
				printf ",\"warning\":\"%s\"", substr(errs, 2)
			printf "}\n"
		}
	}
}' "$outdir/raw.jsonl" "$outdir/runs.txt" | tee "$outdir/rows.jsonl"
[ -s "$outdir/rows.jsonl" ] || rc=1
grep -q '"error"' "$outdir/rows.jsonl" && rc=1
echo "bench_pipeline: $(grep -c '^{' "$outdir/rows.jsonl") rows, $(($(date +%s) - start)) s" >&2
exit $rc
