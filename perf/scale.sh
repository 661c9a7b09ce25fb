#!/usr/bin/env bash
# Scale run (issue 6): channels loaded through the control socket, streams
# created by traffic spread across them, memory per channel and per stream,
# the pipeline's cost per packet under that spread.
#
#   perf/scale.sh BUILD [--channels N] [--spc S] [--seconds T] [--samples K]
#                       [--tag NAME] [--out DIR]
#
# defaults: 1,000,000 channels, 4 streams per channel (4,000,000 streams),
# 2 s of measured traffic, 1000 sampled channels. `make bench BENCH=scale`
# runs it through perf/bench_scale.sh (which adds the single-channel
# baseline and the bench row); run it alone for the load figures.
#
# One rtpseal, one worker (-l 0,1), no NIC, no hugepages:
#   generator (lcore 0, [generator] spread_channels = N) -> port 0 net_ring
#   (clear) --seal--> port 1 net_null (cipher, a sink)
# Seal only: every stream is one stream state (the looped pipeline bench
# would hold two per stream, seal and open).
#
#  1. start with [general] max_channels = N + 16, max_streams = S x N
#     x 1.05 + 1024 (the stream hash wants some headroom), -m sized for both;
#  2. RSS (/proc) and DPDK heap (telemetry /eal/heap_info,0) before;
#  3. N x channel.add through the socket, pipelined (BUILD/tools/ctl_load:
#     256 requests in flight on one connection): load seconds, channels/s;
#     RSS and heap after: bytes per channel (RSS: DPDK heap and the key
#     contexts, which live on the C heap; heap: DPDK's part alone);
#  4. the generator starts once the table holds N channels: its first S x N
#     packets visit every stream once (shuffled), then streams are drawn at
#     random; wait until the `streams` counter reaches S x N; RSS after:
#     stream states are preallocated (rtpseal's "tables:" line gives bytes
#     per state), so RSS grows by little while they are created;
#  5. two `stats` replies T seconds apart: seal ns per packet from busy ns /
#     busy packets between them (steady state, every stream exists);
#  6. channel.stats on K random channels: each exists, with its match, and
#     has sealed packets;
#  7. SIGINT: rx = tx + drops, no drop at all.
#
# Prints one JSON line ("bench":"scale_load"); everything else to stderr.
# Exit 0 when every check passed.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${1:?usage: perf/scale.sh BUILD [--channels N] [--spc S] [--seconds T] [--samples K]}
shift
channels=1000000
spc=4
secs=2
samples=1000
tag=scale
outdir=""
while [ $# -gt 0 ]; do
	case $1 in
	--channels) channels=$2 ;;
	--spc) spc=$2 ;;
	--seconds) secs=$2 ;;
	--samples) samples=$2 ;;
	--tag) tag=$2 ;;
	--out) outdir=$2 ;;
	*)
		echo "scale: unknown option $1" >&2
		exit 2
		;;
	esac
	shift 2
done
outdir=${outdir:-$build/bench/scale}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd) # the control socket path must be absolute
for bin in rtpseal rtpsealctl tools/ctl_load tools/ctl_client; do
	if [ ! -x "$build/$bin" ]; then
		echo "scale: $build/$bin is missing: run make first" >&2
		exit 1
	fi
done

streams=$((channels * spc))
max_channels=$((channels + 16))
max_streams=$((streams + streams / 20 + 1024))
# DPDK memory: ~1.3 KB per channel (channel, key set, hashes, counters),
# ~880 B per stream state with its hash entry at replay_window 1024
mem_mb=$(((channels * 1400 + max_streams * 900) / 1048576 + 384))
sock=$outdir/$tag.sock
conf=$outdir/$tag.conf
log=$outdir/$tag.log
json=$outdir/$tag.stats.json
prefix=rtpseal-scale-$tag-$$
tel=/var/run/dpdk/$prefix/dpdk_telemetry.v2
[ "$(id -u)" = 0 ] || tel=${XDG_RUNTIME_DIR:-/tmp}/dpdk/$prefix/dpdk_telemetry.v2
fail=0
errs=""

note() { echo "scale[$tag]: $*" >&2; }
bad() {
	note "FAIL: $*"
	errs="$errs${errs:+; }$*"
	fail=1
}

cat >"$conf" <<EOF
; perf/scale.sh: $channels channels through the control socket, $spc streams each
[general]
control_socket = $sock
burst = 32
no_channel = drop
max_channels = $max_channels
max_streams = $max_streams

[port 0]
role = clear
peer = 1

[port 1]
role = cipher                   ; net_null: a sink
peer = 0

[generator]
port = 0
rate_pps = 0
spread_channels = $channels
streams_per_channel = $spc
audio_payload = 160
udp_checksum = on
seed = 1
EOF

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
heap_alloc() { # DPDK heap bytes allocated (socket 0), from telemetry
	"$build/tools/ctl_client" tel "$tel" /eal/heap_info,0 2>/dev/null |
		sed -n 's/.*"Alloc_size": *\([0-9]*\).*/\1/p' | head -n1
}
stat_field() { # stat_field JSON KEY: a number from the stats reply
	sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" <<<"$1" | head -n1
}
now() { date +%s.%N; }
worker_sched() { # "run_ns wait_ns" of the worker thread (rte-worker-1)
	local t comm
	for t in /proc/"$1"/task/*; do
		read -r comm <"$t/comm" 2>/dev/null || continue
		if [ "$comm" = rte-worker-1 ]; then
			awk '{ print $1, $2 }' "$t/schedstat"
			return
		fi
	done
	echo "0 0"
}

note "$channels channels x $spc streams: max_streams $max_streams, -m $mem_mb"
rm -f "$sock"
"$build/rtpseal" -l 0,1 --no-huge -m "$mem_mb" --no-pci --file-prefix "$prefix" \
	--log-level=lib.eal:warning --vdev net_ring0 --vdev net_null0,no-rx=1 \
	-- -c "$conf" --stats-interval 0 --stats-json "$json" >"$log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null' EXIT
for _ in $(seq 600); do
	[ -S "$sock" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ ! -S "$sock" ]; then
	note "rtpseal did not start (see $log):"
	tail -n 5 "$log" >&2
	exit 1
fi
rss0=$(rss_kb "$pid")
heap0=$(heap_alloc)
tables=$(sed -n 's/^rtpseal: tables: //p' "$log")
stride=$(sed -n 's/.* stream states per worker, \([0-9]*\) bytes each.*/\1/p' <<<"$tables")
table_mb=$(sed -n 's/.*(\([0-9.]*\) MB per worker.*/\1/p' <<<"$tables")
note "started: RSS $((rss0 / 1024)) MB; tables: $tables"

# ---- load ----
t0=$(now)
load=$("$build/tools/ctl_load" "$sock" add 0 "$channels" --window 256)
load_rc=$?
t1=$(now)
note "load: $load"
[ "$load_rc" -eq 0 ] || bad "channel.add: $load"
load_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
rss1=$(rss_kb "$pid")
heap1=$(heap_alloc)
st=$("$build/rtpsealctl" -s "$sock" --json stats)
n_chan=$(sed -n 's/.*"channels":\([0-9]*\).*/\1/p' <<<"$st")
[ "${n_chan:-0}" -eq "$channels" ] || bad "stats says ${n_chan:-?} channels, not $channels"

# ---- streams: the generator started once the channels were there ----
t2=$(now)
got=0
for _ in $(seq 1200); do
	st=$("$build/rtpsealctl" -s "$sock" --json stats)
	got=$(stat_field "$st" streams)
	[ "${got:-0}" -ge "$streams" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.25
done
t3=$(now)
[ "${got:-0}" -eq "$streams" ] || bad "streams counter ${got:-?}, not $streams"
streams_s=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.3f", b - a }')
rss2=$(rss_kb "$pid")
heap2=$(heap_alloc)
note "streams: $got after $streams_s s; RSS $((rss2 / 1024)) MB"

# ---- steady state: every stream exists ----
sched0=$(worker_sched "$pid")
a=$("$build/rtpsealctl" -s "$sock" --json stats)
sleep "$secs"
b=$("$build/rtpsealctl" -s "$sock" --json stats)
sched1=$(worker_sched "$pid")
# share of the interval the worker thread was on its CPU (not runnable and
# waiting: another task held its core, and busy ns count that time too)
share=$(awk -v a="$sched0" -v b="$sched1" 'BEGIN {
	split(a, x, " "); split(b, y, " ")
	r = y[1] - x[1]; w = y[2] - x[2]
	printf "%.3f", (r + w > 0 ? r / (r + w) : 1) }')
ns=$(awk -v pa="$(stat_field "$a" seal_busy_packets)" -v na="$(stat_field "$a" seal_busy_ns)" \
	-v pb="$(stat_field "$b" seal_busy_packets)" -v nb="$(stat_field "$b" seal_busy_ns)" \
	'BEGIN { if (pb > pa) printf "%.2f", (nb - na) / (pb - pa); else print 0 }')
pkts=$(($(stat_field "$b" seal_busy_packets) - $(stat_field "$a" seal_busy_packets)))
note "steady: $pkts packets sealed in $secs s, $ns ns each (worker busy; on its CPU $share of the time)"
[ "$pkts" -gt 0 ] || bad "no packet sealed in the measured interval"

# ---- sampled channels ----
check=$("$build/tools/ctl_load" "$sock" check 0 "$channels" "$samples")
check_rc=$?
note "check: $check"
[ "$check_rc" -eq 0 ] || bad "channel.stats: $check"
nz=$(sed -n 's/.*"sealed_nonzero":\([0-9]*\).*/\1/p' <<<"$check")
[ "${nz:-0}" -eq "$samples" ] || bad "${nz:-0} of $samples sampled channels sealed packets"

# ---- stop ----
kill -INT "$pid"
wait "$pid"
rc=$?
trap - EXIT
[ "$rc" -eq 0 ] || bad "rtpseal exited $rc (see $log)"
grep -q '^summary: rx = tx + drops: .*: ok$' "$log" || bad "rx != tx + drops (see $log)"
drops=$(sed -n 's/^ "drops_total": \([0-9]*\),*/\1/p' "$json")
[ "${drops:-1}" -eq 0 ] || bad "$drops drops (see $json)"

awk -v tag="$tag" -v ch="$channels" -v spc="$spc" -v st="$streams" -v ls="$load_s" \
	-v r0="$rss0" -v r1="$rss1" -v r2="$rss2" -v h0="${heap0:-0}" -v h1="${heap1:-0}" \
	-v h2="${heap2:-0}" -v ss="$streams_s" -v stride="${stride:-0}" -v tmb="${table_mb:-0}" \
	-v ms="$max_streams" -v ns="$ns" -v pk="$pkts" -v secs="$secs" -v nz="${nz:-0}" \
	-v samples="$samples" -v mem="$mem_mb" -v fail="$fail" -v errs="$errs" -v share="$share" 'BEGIN {
	printf "{\"bench\":\"scale_load\",\"tag\":\"%s\",\"channels\":%d,\"streams_per_channel\":%d,\"streams\":%d", tag, ch, spc, st
	printf ",\"load_seconds\":%.3f,\"channels_per_s\":%.0f", ls, (ls > 0 ? ch / ls : 0)
	printf ",\"rss_bytes_per_channel\":%.0f,\"dpdk_heap_bytes_per_channel\":%.0f", (r1 - r0) * 1024 / ch, (h1 - h0) / ch
	printf ",\"stream_setup_seconds\":%.3f,\"stream_state_bytes\":%d", ss, stride
	printf ",\"dpdk_bytes_per_stream_slot\":%.0f,\"max_streams\":%d", tmb * 1e6 / ms, ms
	printf ",\"rss_growth_bytes_per_stream\":%.1f,\"dpdk_heap_growth_bytes_per_stream\":%.1f", (r2 - r1) * 1024 / st, (h2 - h1) / st
	printf ",\"rss_mb\":{\"start\":%.0f,\"channels_loaded\":%.0f,\"streams_created\":%.0f}", r0 / 1024, r1 / 1024, r2 / 1024
	printf ",\"seal_ns_per_pkt\":%s,\"measured_packets\":%d,\"measured_seconds\":%s", ns, pk, secs
	printf ",\"worker_cpu_share\":%s,\"seal_ns_cpu_corrected\":%.2f", share, ns * share
	printf ",\"sampled_channels\":%d,\"sampled_with_sealed\":%d,\"dpdk_mem_mb\":%d", samples, nz, mem
	printf ",\"ok\":%s", fail ? "false" : "true"
	if (errs != "")
		printf ",\"error\":\"%s\"", errs
	printf "}\n"
}'
exit $fail
