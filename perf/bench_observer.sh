#!/usr/bin/env bash
# make bench's observer rows (DESIGN §7, §9): what a packet observer costs
# the data plane, as ratios to the same pipeline without it, measured in one
# run of this script on one machine.
#
#   perf/bench_observer.sh BUILD
#
# Each run is BUILD/rtpseal -l 0,1 (lcore 0: the built-in generator, lcore
# 1: the one worker) on the demo's in-memory loop:
#
#   generator -> port 0 (net_ring, clear) --seal--> port 1 (net_ring, cipher)
#   port 1 loops back: its RX --open--> port 2 (net_null, sink)
#
# with the generator's realistic mix (4 channels x 4 streams, 70 % audio
# of 60..320-byte payloads, video up to 1200 bytes, RTCP) as fast as the
# worker takes it. Variants, interleaved (rep 1 of each, then rep 2, ...):
#   base        4 AEAD_AES_128_GCM channels, no observer
#   noop        the same with tests/observers/noop.c attached: its four
#               callbacks are called for every audio/video burst and do
#               nothing, so the difference is the hook's own cost
#   aes         the same with conf/observers/aes256gcm.c attached: the
#               observer encrypts (AES-256-GCM, OpenSSL EVP) before SRTP
#               seals, and decrypts after SRTP opens
#   aes_custom  the 4 channels in mode custom with aes256gcm: the observer
#               instead of built-in SRTP (RTCP passes)
#
# ns_per_pkt is the worker's busy TSC cycles per packet of that direction
# (seal_busy_ns_per_pkt / open_busy_ns_per_pkt in --stats-json: RX burst to
# TX buffering, idle polls excluded), the median over the reps;
# base_ns_per_pkt the base variant's. ratio is the median over the reps of
# base ns / variant ns of the same rep (runs seconds apart, so they share
# the machine's load; 1.0: no cost; the noop row's target is >= 0.97);
# ratio_of_medians = base_ns_per_pkt / ns_per_pkt; ratio_min the same of the
# fastest runs. The worker thread's involuntary context switches per second
# are sampled from /proc during each run (another task on its core inflates
# busy cycles): runs above OBS_CLEAN_MAX/s (default 5) are left out when at
# least two clean ones (or clean pairs) remain, and a row whose runs were
# contended says so in "warning".
#
# Environment: OBS_REPS (default 3), OBS_SECONDS (per run, default 1),
# OBS_CLEAN_MAX. About 25 s with the defaults. JSON lines on stdout,
# progress on stderr, runs' stats JSON and logs in BUILD/bench/observer/.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${1:?usage: perf/bench_observer.sh BUILD}
reps=${OBS_REPS:-3}
secs=${OBS_SECONDS:-1}
clean_max=${OBS_CLEAN_MAX:-5}
outdir=$build/bench/observer
obsdir=$(cd "$build" 2>/dev/null && pwd)/observers
variants="base noop aes aes_custom"
rc=0

for f in "$build/rtpseal" "$obsdir/noop.so" "$obsdir/aes256gcm.so"; do
	if [ ! -e "$f" ]; then
		echo "bench_observer: $f is missing: run make first" >&2
		exit 1
	fi
done
rm -rf "$outdir"
mkdir -p "$outdir"
start=$(date +%s)
# EAL runtime directories of this script's runs (root and non-root places)
trap 'rm -rf /var/run/dpdk/rtpseal-bobs-$$ "${XDG_RUNTIME_DIR:-/tmp}"/dpdk/rtpseal-bobs-$$ \
	/tmp/dpdk/rtpseal-bobs-$$ 2>/dev/null' EXIT

# The configs: the generator's mix on four channels, built-in SRTP or
# mode custom. BENCH ONLY keys (public).
conf() { # conf FILE custom|srtp
	local keys=(8c87cf2a617c7360b6338fb9a8dfa0fe 3f1c6e0a9b27d4858e6c1f0b7a2d9e34
		c4a7e93d15b2086f4e1d7c3a9b0f5e62 5d9b1f3e7a2c4068b1d3f5e7092a4c6e)
	local salts=(0280f0622f6574324bfed474 7b1e2a9c4d5f60718293a4b5 e2d4c6b8a0f1e3d5c7b9a1f2
		1a3c5e7092b4d6f8103254a6)
	{
		printf '[general]\nburst = 32\nno_channel = drop\n\n'
		printf '[port 0]\nrole = clear\npeer = 1\n\n[port 1]\nrole = cipher\npeer = 2\n\n'
		printf '[port 2]\nrole = clear\npeer = 1\n'
		for i in 1 2 3 4; do
			printf '\n[channel bench-%d]\n' "$i"
			if [ "$2" = custom ]; then
				printf 'mode = custom\n'
			else
				printf 'mode = AEAD_AES_128_GCM\nkey = %s\nsalt = %s\n' "${keys[i - 1]}" "${salts[i - 1]}"
			fi
			printf 'match = 10.0.0.%d:5004\naudio_pt = 111\nvideo_pt = 96\n' $((i + 1))
		done
		printf '\n[generator]\nport = 0\nrate_pps = 0\nstreams_per_channel = 4\naudio_share = 70\nseed = 1\n'
	} >"$1"
}
conf "$outdir/srtp.conf" srtp
conf "$outdir/custom.conf" custom
(
	umask 077
	for i in 1 2 3 4; do
		printf 'bench-%d %s\n' "$i" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	done >"$outdir/aes.keys"
)

declare -A vconf vargs
vconf[base]=srtp vargs[base]=""
vconf[noop]=srtp vargs[noop]="--observer $obsdir/noop.so"
vconf[aes]=srtp vargs[aes]="--observer $obsdir/aes256gcm.so:$outdir/aes.keys"
vconf[aes_custom]=custom vargs[aes_custom]="--observer $obsdir/aes256gcm.so:$outdir/aes.keys"

# A fifo nobody writes: `read -t` on it sleeps without forking.
mkfifo "$outdir/.tick"
exec {tick}<>"$outdir/.tick"

# run V REP: one run; appends "V REP key=value..." to runs.txt: the stats
# JSON's top-level numbers, port 1's TX bytes/packets (the sealed side) and
# port 2's (the opened side), the worker's involuntary context switches.
run() {
	local v=$1 r=$2 json=$outdir/$1.$2.json log=$outdir/$1.$2.log pid status t comm k x
	local preempt=-1
	# shellcheck disable=SC2086 # vargs is a list of options
	"$build/rtpseal" -l 0,1 --no-huge -m 256 --no-pci --file-prefix "rtpseal-bobs-$$" \
		--log-level=lib.eal:warning --log-level=lib.telemetry:error \
		--vdev net_ring0 --vdev net_ring1 --vdev net_null0,no-rx=1 \
		-- -c "$outdir/${vconf[$v]}.conf" --duration "$secs" --stats-interval 0 \
		--stats-json "$json" ${vargs[$v]} >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for t in /proc/"$pid"/task/*; do
			read -r comm <"$t/comm" 2>/dev/null || continue
			[ "$comm" = rte-worker-1 ] || continue
			while read -r k x; do
				[ "$k" = nonvoluntary_ctxt_switches: ] && preempt=$x
			done <"$t/status" 2>/dev/null
		done
		read -r -t 0.1 -u "$tick"
	done
	wait "$pid"
	status=$?
	if [ "$status" -ne 0 ] || [ ! -s "$json" ]; then
		echo "bench_observer: $v run $r exited $status (see $log)" >&2
		rc=1
		return
	fi
	python3 - "$json" "$v" "$r" "$preempt" >>"$outdir/runs.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rec = {k: v for k, v in d.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
ports = {p["port"]: p for p in d.get("ports", [])}
for p, name in ((1, "sealed"), (2, "opened")):
    rec[name + "_tx_bytes"] = ports.get(p, {}).get("tx_bytes", 0)
    rec[name + "_tx_packets"] = ports.get(p, {}).get("tx_packets", 0)
rec["drops_total"] = sum(d.get("drops", {}).values())
rec["preempt"] = int(sys.argv[4])
print(sys.argv[2], sys.argv[3], " ".join("%s=%s" % kv for kv in rec.items()))
PY
}

: >"$outdir/runs.txt"
for ((r = 1; r <= reps; r++)); do
	echo "bench_observer: run $r of $reps: $variants (${secs} s each)" >&2
	for v in $variants; do
		run "$v" "$r"
	done
done

python3 - "$outdir/runs.txt" "$clean_max" "$secs" <<'PY' | tee "$outdir/rows.jsonl"
import json, statistics, sys
runs, clean_max, secs = {}, float(sys.argv[2]), float(sys.argv[3])
for line in open(sys.argv[1]):
    f = line.split()
    rec = {k: float(v) for k, v in (x.split("=", 1) for x in f[2:])}
    rec["rep"] = float(f[1])
    runs.setdefault(f[0], []).append(rec)

def is_clean(r):
    return 0 <= r["preempt"] / r["seconds"] <= clean_max

def pick(v):
    """the variant's runs for the medians: the clean ones when at least
    two are, else all (contended)"""
    rs = [r for r in runs.get(v, []) if r.get("seconds")]
    clean = [r for r in rs if is_clean(r)]
    return (clean, False) if len(clean) >= 2 else (rs, bool(rs))

def pairs(v, key):
    """base ns / variant ns of the same rep; clean pairs when >= 2 are"""
    b = {int(r["rep"]): r for r in runs.get("base", []) if r.get("seconds") and r.get(key)}
    x = {int(r["rep"]): r for r in runs.get(v, []) if r.get("seconds") and r.get(key)}
    both = [(b[i], x[i]) for i in sorted(set(b) & set(x))]
    clean = [(p, q) for p, q in both if is_clean(p) and is_clean(q)]
    use = clean if len(clean) >= 2 else both
    return [p[key] / q[key] for p, q in use], len(clean) < 2

what = {
    "noop": ("observer_noop", "AEAD_AES_128_GCM",
             "tests/observers/noop.c attached (4 callbacks, do nothing) vs none"),
    "aes": ("observer_aes256gcm", "AEAD_AES_128_GCM",
            "conf/observers/aes256gcm.c (AES-256-GCM, OpenSSL EVP, +28 bytes) on top of built-in SRTP vs SRTP alone"),
    "aes_custom": ("observer_aes256gcm_custom", "custom",
                   "conf/observers/aes256gcm.c as the channels' only encryption (mode custom) vs built-in SRTP"),
}
base, base_cont = pick("base")
for v in ("noop", "aes", "aes_custom"):
    rs, cont = pick(v)
    for d in ("seal", "open"):
        bench, mode, desc = what[v]
        row = {"bench": bench + "_" + d, "mode": mode, "dir": d, "payload": "mix", "workers": 1}
        key = d + "_busy_ns_per_pkt"
        ns = [r[key] for r in rs if r.get(key)]
        bns = [r[key] for r in base if r.get(key)]
        if not ns or not bns:
            row["error"] = "no run produced data (see the logs in BUILD/bench/observer/)"
            print(json.dumps(row, separators=(",", ":")))
            continue
        side = "sealed" if d == "seal" else "opened"
        wire = statistics.median(r[side + "_tx_bytes"] / r[side + "_tx_packets"]
                                 for r in rs if r.get(side + "_tx_packets"))
        m, bm = statistics.median(ns), statistics.median(bns)
        pr, pcont = pairs(v, key)
        row.update({
            "mpps": round(1000 / m, 3), "gbps": round(1000 / m * wire * 8 / 1000, 3),
            "ns_per_pkt": round(m, 2), "base_ns_per_pkt": round(bm, 2),
            "ratio": round(statistics.median(pr), 3) if pr else None,
            "ratio_reps": [round(x, 3) for x in pr],
            "ratio_of_medians": round(bm / m, 3), "ratio_min": round(min(bns) / min(ns), 3),
            "ns_reps": [round(x, 1) for x in ns], "base_ns_reps": [round(x, 1) for x in bns],
            "mean_wire_bytes": round(wire, 1),
            "what": desc,
            "ns_kind": "worker_busy",
            "ns_what": "worker lcore TSC cycles of non-empty RX bursts per packet, %s direction; excludes idle polls; the generator runs on lcore 0" % d,
            "runs": len(ns), "run_seconds": secs,
        })
        if v == "noop":
            row["target_ratio"] = 0.97
        warn = []
        for r in rs + base:
            if r.get("drops_total"):
                warn.append("%d drops in a run" % r["drops_total"])
            if r.get("rx_packets") != r.get("tx_packets", 0) + r.get("drops_total", 0):
                warn.append("rx != tx + drops in a run")
        if cont or base_cont or pcont:
            warn.append("every run contended: the worker was preempted more than %g/s (another task on its core): busy cycles include time other tasks ran; ratios are noisy" % clean_max)
        if warn:
            row["warning"] = "; ".join(sorted(set(warn)))
        print(json.dumps(row, separators=(",", ":")))
PY
[ -s "$outdir/rows.jsonl" ] || rc=1
grep -q '"error"' "$outdir/rows.jsonl" && rc=1
echo "bench_observer: $(grep -c '^{' "$outdir/rows.jsonl") rows, $(($(date +%s) - start)) s" >&2
exit $rc
