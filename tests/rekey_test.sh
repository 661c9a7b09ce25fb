#!/usr/bin/env bash
# Rekeying under load (DESIGN §6: sealing switches to the new key at once,
# opening keeps the previous key for rekey_overlap_ms, no packet lost,
# mis-keyed or read from freed memory). rtpseal runs on in-memory ports fed
# by its [generator] while clients drive its control socket through
# `rtpsealctl batch --timestamps`: a paced feeder (this script's feeder.py)
# writes ~100 channel.rekey lines every 0.1 s with fresh random keys and
# salts in every mode, logging each line, and a second client adds and
# removes other channels (names and matches no traffic uses) all along.
#
#   1. seal: generator -> port 0 (net_ring, clear) -> seal -> port 1
#      (net_pcap, TX into a capture, RX empty), >= 1000 rekeys/s for >= 10 s
#      plus churn. tests/tools/epoch_check, with OpenSSL only, decides from
#      the capture and the logs that every packet opens under exactly one
#      key epoch of its channel, epochs never go backwards per stream, no
#      key is used before its request was sent nor after the reply to the
#      next rekey (see epoch_check.c for the TX-buffer allowance and the
#      clock markers); rtpseal's counters: rx = tx + drops, every drop
#      reason 0, no mbuf in use at exit, the capture holds every sealed frame.
#   2. open across the overlap: the demo's 3-port loop (gen -> port 0 seal
#      -> port 1 net_ring loop -> open -> port 2 net_null) at full rate with
#      the same storm: every drop reason 0 (auth_fail, replay, ...), also per
#      channel, rx = tx + drops, packets opened with the previous key > 0,
#      no mbuf in use.
#   3. roc reset and rekey_overlap_ms = 0, a few seconds each:
#      a. seal side with overlap 0 and every third rekey "roc":"reset":
#         nothing lost, epoch_check (ROC restarting at 0 per reset) passes;
#      b. open side with overlap 0: what it may lose, and nothing else (see
#         the case);
#      c. open side with roc resets and the default overlap: measured and
#         shown (a loss here is a known bug, see the case);
#         RS_REKEY_STRICT_ROC=1 makes it a failure.
#   4. the oracle has teeth: epoch_check fails on the case-1 capture when
#      one logged key is wrong, when the requests are said to be sent 20 ms
#      later, and when the replies are said to come 20 ms earlier.
#
# Run by `make test` as `BUILD=<build dir> bash tests/rekey_test.sh` from the
# repo root; ends with `N passed, N failed`; about a minute. The storm asks
# for 1100 rekeys/s from REKEY_CLIENTS (default 2) clients side by side, the
# same under a sanitizer build (it holds >= 1000/s there too when the machine
# is not busy with other work); REKEY_RATE, REKEY_MIN_RATE, REKEY_SECONDS,
# REKEY_PPS, REKEY_SHORT_SECONDS and REKEY_CHURN override the defaults.
# Captures go to /dev/shm when it is writable (a capture on a disk file
# system makes the worker stall in writeback). RS_REKEY_KEEP=1 (or
# KEEP_TMP=1) keeps the scratch directories.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
rtpseal=$build/rtpseal
ctl=$build/rtpsealctl
check=$build/tools/epoch_check

rate=${REKEY_RATE:-1100}       # rekeys/s asked of the feeders (>= 1000 must be measured)
seconds=${REKEY_SECONDS:-10.5} # storm length (>= 10 s must be measured)
pps=${REKEY_PPS:-20000}      # case 1 and 3a generator rate (a pcap port's pace)
short=${REKEY_SHORT_SECONDS:-3}
clients=${REKEY_CLIENTS:-2}  # rekey clients side by side (see storm)
# what cases 1 and 2 must measure. The storm is paced above 1000/s; under
# ASan/UBSan (BUILD .../san) every request costs several times more, so the
# sanitizer pass checks correctness at >= 800/s rather than failing CI on a
# rate that the optimized pass already asserts.
case "$BUILD" in
*/san | */san/* | san) default_min_rate=800 ;;
*) default_min_rate=1000 ;;
esac
min_rate=${REKEY_MIN_RATE:-$default_min_rate}
churn=${REKEY_CHURN:-4}      # channels added (and as many removed) per 0.1 s

# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
[ "${RS_REKEY_KEEP:-0}" = 1 ] && KEEP_TMP=1 # keeps the scratch directories
make_tmp /tmp/rs-rekey.XXXXXX
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	cap=$(mktemp -d /dev/shm/rs-rekey.XXXXXX)
	tmp_dirs+=("$cap")
else
	cap=$tmp
fi
prefix=rs-rekey-$$
dpdk_prefix "$prefix"
runs=0
pids=() # background processes this script started and has not reaped yet

# reap PID: wait for it (its status is ours) and forget it
reap() {
	local p keep=() st=0
	wait "$1" || st=$?
	for p in "${pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	pids=("${keep[@]}")
	return "$st"
}

# shellcheck disable=SC2317 # run at exit by tests/lib.sh
suite_cleanup() {
	stop_jobs "${pids[@]}"
}
trap 'exit 130' INT TERM
# a failed case shows its logs without the storm's rekey and churn lines
DIAG_FILTER='rekeyed, key epoch\|control: channel churn-'

# ---- prerequisites -------------------------------------------------------------

need_files -x "$rtpseal" "$ctl" "$check"
need_cmds "" python3 openssl timeout
prerequisites_met

# ---- the request feeder ----------------------------------------------------------

# feeder.py: request lines on stdout, paced in ticks of 0.1 s, each line
# also written to --log (the key strings and salts epoch_check needs).
#   --rekey NAME:MODE ...   rekey these channels round-robin, fresh random
#                           material of the mode each time (GCM2 salts
#                           alternate base64/hex, AEAD_AES_256_GCM keys
#                           alternate hex/inline:, GCM key strings vary in length)
#   --rate R                rekey lines per second (0: as fast as they are taken)
#   --seconds S | --count N
#   --roc-reset-every K     every K-th rekey says "roc":"reset", the rest "keep"
#   --markers               two {"cmd":"stats"} per tick: epoch_check's clock markers
#   --churn C               per tick: C channel.add of fresh channels (names
#                           churn-N, matches 10.77.x.y / 2001:db8:77:: / *:2xxxx,
#                           no traffic goes there) and as many channel.remove
#                           of older ones; all removed at the end
cat >"$tmp/feeder.py" <<'PY'
import argparse, base64, json, secrets, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--rekey", action="append", default=[])
ap.add_argument("--rate", type=float, default=1000.0)
ap.add_argument("--seconds", type=float, default=10.0)
ap.add_argument("--count", type=int, default=0)
ap.add_argument("--tick", type=float, default=0.1)
ap.add_argument("--roc-reset-every", type=int, default=0)
ap.add_argument("--markers", action="store_true")
ap.add_argument("--churn", type=int, default=0)
ap.add_argument("--log", required=True)
a = ap.parse_args()

def material(mode, i):
    if mode in ("AES_128_GCM2", "AES_256_GCM2"):
        salt = secrets.token_bytes(32)
        return secrets.token_hex(32), (base64.b64encode(salt).decode() if i % 2 else salt.hex())
    if mode in ("AES_128_GCM", "AES_256_GCM"):
        return secrets.token_hex(16 + i % 17), None
    kl = 16 if mode == "AEAD_AES_128_GCM" else 32
    if kl == 32 and i % 2:
        return "inline:" + base64.b64encode(secrets.token_bytes(kl + 12)).decode(), None
    return secrets.token_hex(kl), secrets.token_hex(12)

def line(obj):
    return json.dumps(obj, separators=(",", ":"))

chans = [r.split(":", 1) for r in a.rekey]
log = open(a.log, "w")
out = sys.stdout
n = 0
serial = 0
live = []
tick = 0
t0 = time.monotonic()
try:
    while True:
        if a.count and n >= a.count:
            break
        if not a.count and time.monotonic() - t0 >= a.seconds:
            break
        lines = []
        per_tick = int(round(a.rate * a.tick)) if a.rate else 250
        for _ in range(per_tick if chans else 0):
            if a.count and n >= a.count:
                break
            name, mode = chans[n % len(chans)]
            key, salt = material(mode, n // len(chans))
            req = {"cmd": "channel.rekey", "name": name, "key": key}
            if salt:
                req["salt"] = salt
            if a.roc_reset_every:
                last = n % a.roc_reset_every == a.roc_reset_every - 1
                req["roc"] = "reset" if last else "keep"
            lines.append(line(req))
            n += 1
        if a.markers:
            lines.insert(len(lines) // 3, '{"cmd":"stats"}')
            lines.insert(2 * len(lines) // 3, '{"cmd":"stats"}')
        for _ in range(a.churn):
            serial += 1
            s = serial
            mode = ("AES_128_GCM2", "AEAD_AES_256_GCM", "AES_256_GCM", "AEAD_AES_128_GCM")[s % 4]
            key, salt = material(mode, s)
            match = ["10.77.%d.%d:%d" % (s // 250 % 250, s % 250 + 1, 7000 + s % 50)]
            if s % 3 == 0:
                match.append("[2001:db8:77::%x]:7002" % s)
            if s % 5 == 0:
                match.append("*:%d" % (20000 + s % 20000))
            req = {"cmd": "channel.add", "name": "churn-%d" % s, "mode": mode, "key": key,
                   "match": match, "audio_pt": [0, 8, 111], "video_pt": [96, 97]}
            if salt:
                req["salt"] = salt
            lines.append(line(req))
            live.append(s)
            if len(live) > 3 * a.churn:
                lines.append(line({"cmd": "channel.remove", "name": "churn-%d" % live.pop(0)}))
        if lines:
            data = "\n".join(lines) + "\n"
            log.write(data)
            out.write(data)
            out.flush()
        tick += 1
        if a.rate:
            delay = t0 + tick * a.tick - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    data = "".join(line({"cmd": "channel.remove", "name": "churn-%d" % s}) + "\n" for s in live)
    log.write(data)
    out.write(data)
    out.flush()
except BrokenPipeError:
    sys.exit(1)
finally:
    log.close()
PY

# ---- running rtpseal ---------------------------------------------------------

# Fresh key material of one channel per mode, as the config takes it.
declare -A MODE KEY SALT MATCH
chan() { # chan NAME MODE KEY SALT MATCH
	MODE[$1]=$2
	KEY[$1]=$3
	SALT[$1]=$4
	MATCH[$1]=$5
}
chan t1 AES_128_GCM2 "$(openssl rand -hex 32)" "$(openssl rand -base64 32)" 10.0.0.2:5004
chan t2 AES_256_GCM2 "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" "[2001:db8::2]:5006"
chan t3 AEAD_AES_128_GCM "$(openssl rand -hex 16)" "$(openssl rand -hex 12)" 10.0.0.3:5004
chan t4 AEAD_AES_256_GCM "inline:$(openssl rand -base64 44)" "" "*:6000"
chan t5 AES_256_GCM "$(openssl rand -hex 24)" "" 10.0.0.6:5004
chan still AES_128_GCM "$(openssl rand -hex 32)" "" 10.0.0.5:5004
REKEYED=(t1 t2 t3 t4 t5)
ALL=(t1 t2 t3 t4 t5 still)
# Case 2's storm also rekeys twenty channels no traffic goes to, added
# through the socket, so that it keeps its rate while each channel is
# rekeyed every ~23 ms rather than every ~4.5 ms. The opening side keeps
# one previous key: a packet still in flight across two rekeys of its
# channel cannot open (README, Rekeys), and with five channels a worker
# descheduled for 5 ms on this 2-core machine (a sanitizer build beside the
# storm's clients) was enough for that.
IDLE=()
for i in $(seq 20); do
	chan "idle$i" AES_128_GCM2 "$(openssl rand -hex 32)" "$(openssl rand -base64 32)" "10.9.0.$i:5004"
	IDLE+=("idle$i")
done

# conf NAME OVERLAP PPS PORTS(2|3) [STREAMS] [CHANNELS...]: $tmp/NAME.conf
conf() {
	local name=$1 overlap=$2 rate_pps=$3 ports=$4 streams=${5:-4} c
	shift 5
	local chans=("$@")
	((${#chans[@]})) || chans=("${ALL[@]}")
	{
		printf '[general]\ncontrol_socket = %s\nrekey_overlap_ms = %s\n' "$tmp/$name.sock" "$overlap"
		if [ "$ports" = 2 ]; then
			printf '\n[port 0]\nrole = clear\npeer = 1\n\n[port 1]\nrole = cipher\npeer = 0\n'
		else
			printf '\n[port 0]\nrole = clear\npeer = 1\n\n[port 1]\nrole = cipher\npeer = 2\n'
			printf '\n[port 2]\nrole = clear\npeer = 1\n'
		fi
		for c in "${chans[@]}"; do
			printf '\n[channel %s]\nmode = %s\nkey = %s\n' "$c" "${MODE[$c]}" "${KEY[$c]}"
			[ -n "${SALT[$c]}" ] && printf 'salt = %s\n' "${SALT[$c]}"
			printf 'match = %s\naudio_pt = 0, 8, 111\nvideo_pt = 96, 97\n' "${MATCH[$c]}"
		done
		printf '\n[generator]\nport = 0\nrate_pps = %s\nstreams_per_channel = %s\n' "$rate_pps" "$streams"
		printf 'audio_share = 50\naudio_payload = 160\nvideo_payload = 480\nseed = 11\n'
	} >"$tmp/$name.conf"
}

# add_channels NAME CHANNELS...: channel.add of each through NAME's socket;
# fails unless every reply is ok
add_channels() {
	local name=$1 c
	shift
	for c in "$@"; do
		printf '{"cmd":"channel.add","name":"%s","mode":"%s","key":"%s","salt":"%s","match":["%s"]}\n' \
			"$c" "${MODE[$c]}" "${KEY[$c]}" "${SALT[$c]}" "${MATCH[$c]}"
	done | "$ctl" -s "$tmp/$name.sock" batch >"$tmp/$name-add.rep" || return 1
	[ "$(grep -c '"ok":true' "$tmp/$name-add.rep")" = "$#" ]
}

# channel_args CHANNELS...: epoch_check --channel arguments
channel_args() {
	local c
	chk_args=()
	for c in "$@"; do
		chk_args+=(--channel "$c ${MODE[$c]} ${KEY[$c]} ${SALT[$c]:--} ${MATCH[$c]}")
	done
}

# start NAME PORTS(2|3): rtpseal in the background with $tmp/NAME.conf
# (2 ports: port 1 writes $cap/NAME.pcap; 3 ports: the demo loop), stats
# into $tmp/NAME.json, output $tmp/NAME.log; waits for the control socket.
start() {
	local name=$1 ports=$2 i
	local vdevs=(--vdev net_ring0)
	if [ "$ports" = 2 ]; then
		vdevs+=(--vdev "net_pcap1,tx_pcap=$cap/$name.pcap")
	else
		vdevs+=(--vdev net_ring1 --vdev "net_null0,no-rx=1")
	fi
	runs=$((runs + 1))
	rm -f "$tmp/$name.json" "$cap/$name.pcap"
	diag+=("$tmp/$name.log")
	timeout 300 "$rtpseal" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix-$runs" \
		--log-level=lib.eal:warning "${vdevs[@]}" -- -c "$tmp/$name.conf" \
		--stats-json "$tmp/$name.json" --stats-interval 1 >"$tmp/$name.log" 2>&1 &
	daemon=$!
	pids+=("$daemon")
	for i in $(seq 300); do
		if "$ctl" -s "$tmp/$name.sock" ping >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$daemon" 2>/dev/null; then
			reap "$daemon"
			fail "rtpseal exited at start (status $?)"
			return 1
		fi
		sleep 0.1
	done
	fail "no control socket after 30 s"
	return 1
}

# stop: SIGTERM to the daemon (an orderly stop: drain, stats JSON), its status
stop() {
	local rc=0
	kill -TERM "$daemon" 2>/dev/null
	reap "$daemon" || rc=$?
	[ "$rc" = 0 ] || fail "rtpseal exited $rc"
	return "$rc"
}

# storm NAME SECONDS RATE FEEDER-ARGS...: $clients rekey clients, each a
# feeder (logs $tmp/NAME.K.req) into its own `rtpsealctl batch --timestamps`
# (replies $tmp/NAME.K.rep), client K rekeying the channels REKEYED[i] with
# i % clients = K (one client per channel: its rekeys stay in order) at
# its share of RATE; client 0 also sends the FEEDER-ARGS' markers. Beside
# them a churn client ($tmp/NAME-churn.req/.rep). Waits for all of them.
# Several clients keep >= 1000 rekeys/s when one would wait on its own
# round trips (sanitizer builds on a busy 2-core machine).
storm() {
	local name=$1 secs=$2 total=$3 k i c churn_pid rc=0 crc=0
	shift 3
	local sock=$tmp/$name.sock extra=("$@") cpids=() args
	rm -f "$tmp/$name".*.req "$tmp/$name".*.rep
	timeout 120 bash -c 'python3 "$1" --churn "$7" --rate 1 --seconds "$2" --log "$3" |
		"$4" -s "$5" batch --timestamps >"$6"' _ "$tmp/feeder.py" "$secs" \
		"$tmp/$name-churn.req" "$ctl" "$sock" "$tmp/$name-churn.rep" "$churn" &
	churn_pid=$!
	pids+=("$churn_pid")
	for ((k = 0; k < clients; k++)); do
		args=()
		for ((i = k; i < ${#REKEYED[@]}; i += clients)); do
			c=${REKEYED[i]}
			args+=(--rekey "$c:${MODE[$c]}")
		done
		((${#args[@]})) || continue
		args+=(--rate $((total * ${#args[@]} / 2 / ${#REKEYED[@]})) --seconds "$secs")
		if ((k == 0)); then
			args+=("${extra[@]}")
		else
			for a in "${extra[@]}"; do
				[ "$a" = --markers ] || args+=("$a")
			done
		fi
		timeout 120 bash -c 'f=$1; l=$2; c=$3; s=$4; o=$5; shift 5
			python3 "$f" --log "$l" "$@" | "$c" -s "$s" batch --timestamps >"$o"' _ \
			"$tmp/feeder.py" "$tmp/$name.$k.req" "$ctl" "$sock" "$tmp/$name.$k.rep" "${args[@]}" &
		cpids+=($!)
		pids+=($!)
	done
	for k in "${cpids[@]}"; do
		reap "$k" || rc=$?
	done
	reap "$churn_pid" || crc=$?
	[ "$rc" = 0 ] || fail "a rekey client exited $rc (a refused request, or no reply)"
	[ "$crc" = 0 ] || fail "churn client exited $crc"
}

# log_args NAME: epoch_check's --requests/--replies for NAME's rekey clients
log_args() {
	local f
	logs=()
	for f in "$tmp/$1".*.req; do
		[ -e "$f" ] && logs+=(--requests "$f" --replies "${f%.req}.rep")
	done
}

# storm_ok NAME MIN_RATE MIN_SECONDS: the rekey replies all ok, and their
# rate over the span from the first request to the last reply (all
# clients); the churn replies all ok and as many as requested. Sets rk_n,
# rk_rate, rk_span, churn_n.
storm_ok() {
	local name=$1 min_rate=$2 min_secs=$3 req bad
	read -r rk_n rk_span rk_rate < <(cat "$tmp/$name".*.rep | awk '/"key_epoch"/ {
			if (!f || $1 < f) f = $1; if ($2 > l) l = $2; n++ }
		END { s = (l - f) / 1e9; printf "%d %.2f %.0f\n", n, s, (s > 0 ? n / s : 0) }')
	req=$(cat "$tmp/$name".*.req | grep -c '"channel.rekey"')
	bad=$(cat "$tmp/$name".*.rep | grep -vc '"ok":true')
	expect "$rk_n of $req rekeys answered ok ($bad replies not ok)" test "$rk_n" = "$req" -a "$bad" = 0
	expect "rekey rate ${rk_rate}/s < $min_rate/s" test "$rk_rate" -ge "$min_rate"
	expect "storm lasted ${rk_span} s < $min_secs s" awk -v s="$rk_span" -v m="$min_secs" 'BEGIN { exit !(s >= m) }'
	churn_n=$(wc -l <"$tmp/$name-churn.rep")
	bad=$(grep -vc '"ok":true' "$tmp/$name-churn.rep")
	expect "churn: $churn_n replies of $(wc -l <"$tmp/$name-churn.req") requests, $bad not ok" \
		test "$churn_n" = "$(wc -l <"$tmp/$name-churn.req")" -a "$bad" = 0
}

# stats_ok (tests/lib.sh) leaves the counters in S[]. app/main.c's
# drain_and_stop can stop the worker before it read the generator's last
# frames (a shutdown race, reported separately, not a rekey matter): they
# never entered, so rx = tx + drops still holds; shown, not failed here
stats_more() {
	[ "${S[unread_at_exit]:-0}" = 0 ] ||
		note "$(basename "$1" .json): ${S[unread_at_exit]} generator frames left unread on RX at exit (shutdown drain race, not a rekey issue)"
}

# chan_stats NAME CHANNEL: channel.stats counters as "key value" lines
chan_stats() {
	"$ctl" -s "$tmp/$1.sock" --json channel-stats "$2" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)["channel"]
for k, v in d.items():
    if isinstance(v, (int, bool)):
        print(k, int(v))'
}

# chan_snapshot NAME CHANNELS...: C[channel.key] for every channel
declare -A C
chan_snapshot() {
	local name=$1 c k v
	shift
	C=()
	for c in "$@"; do
		while read -r k v; do
			C[$c.$k]=$v
		done < <(chan_stats "$name" "$c")
	done
}

# channel_count NAME: how many channels the daemon lists
channel_count() {
	"$ctl" -s "$tmp/$1.sock" --json list 2>/dev/null |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)["channels"]))'
}

rk_n='?' rk_span='?' rk_rate='?' churn_n='?' frames='' wrapped='' lost=0

# ---- 1. seal under a rekey storm ---------------------------------------------------

conf seal 2000 "$pps" 2 4
if start seal 2; then
	storm seal "$seconds" "$rate" --markers
	storm_ok seal "$min_rate" 10
	left=$(channel_count seal)
	expect "$left channels listed after the churn, want ${#ALL[@]}" test "$left" = "${#ALL[@]}"
	chan_snapshot seal "${ALL[@]}"
	for c in "${REKEYED[@]}"; do
		[ "${C[$c.key_epoch]:-0}" -gt 1000 ] || fail "$c: key epoch ${C[$c.key_epoch]:-?} after the storm"
	done
	expect "still: key epoch ${C[still.key_epoch]:-?}, want 1" test "${C[still.key_epoch]:-}" = 1
	stop
fi
case_done "seal, rekey storm: $rk_n rekeys of ${#REKEYED[@]} channels (5 modes) in ${rk_span} s (${rk_rate}/s) + $churn_n channel adds/removes, all answered ok"

frames=
if stats_ok "$tmp/seal.json"; then
	expect "sealed ${S[sealed_packets]} = rx ${S[rx_packets]}" test "${S[sealed_packets]}" = "${S[rx_packets]}"
	expect "no packet sealed (${S[sealed_packets]})" test "${S[sealed_packets]}" -gt 0
fi
case_done "seal, rekey storm: rx ${S[rx_packets]:-?} = tx ${S[tx_packets]:-?} + 0 drops (every reason 0), every packet sealed, mbufs_in_use 0"

channel_args "${ALL[@]}"
diag+=("$tmp/seal.check")
if [ -s "$cap/seal.pcap" ]; then
	log_args seal
	timeout 300 "$check" --pcap "$cap/seal.pcap" "${chk_args[@]}" "${logs[@]}" --json "$tmp/seal.check.json" >"$tmp/seal.check" 2>&1 ||
		fail "epoch_check: $(grep -m1 'PROBLEM\|epoch_check: [a-z].*:' "$tmp/seal.check" | sed 's/^epoch_check: *//')"
	frames=$(sed -n 's/.*: \([0-9]*\) frames: .*/\1/p' "$tmp/seal.check")
	expect "the capture holds ${frames:-?} frames, rtpseal sent ${S[tx_packets]:-?}" test "${frames:-x}" = "${S[tx_packets]:-y}"
	grep '^epoch_check: [a-z]' "$tmp/seal.check" | grep -v 'channel \|OK$' | sed 's/^/# /'
else
	fail "no capture"
fi
case_done "seal, rekey storm: epoch_check (OpenSSL only): ${frames:-?} packets each open under exactly one key epoch, never backwards per stream, never before the request, never an older key after a reply"

# ---- 2. open across the overlap ----------------------------------------------------

conf loop 2000 0 3 4
if start loop 3; then
	add_channels loop "${IDLE[@]}" || fail "channel.add of ${#IDLE[@]} idle channels (see $tmp/loop-add.rep)"
	saved=("${REKEYED[@]}")
	REKEYED+=("${IDLE[@]}")
	storm loop "$seconds" "$rate"
	REKEYED=("${saved[@]}")
	storm_ok loop "$min_rate" 10
	chan_snapshot loop "${ALL[@]}"
	stop
	for c in "${ALL[@]}"; do
		for k in auth_fail replay; do
			[ "${C[$c.$k]:-x}" = 0 ] || fail "channel $c: $k ${C[$c.$k]:-?}"
		done
	done
	expect "still: opened_prev_key ${C[still.opened_prev_key]:-?}, want 0" test "${C[still.opened_prev_key]:-x}" = 0
fi
case_done "open across the overlap (3-port loop, full rate): $rk_n rekeys of ${#REKEYED[@]} channels with traffic and ${#IDLE[@]} without in ${rk_span} s (${rk_rate}/s) + $churn_n adds/removes, all ok; per channel auth_fail 0, replay 0"

if stats_ok "$tmp/loop.json"; then
	expect "sealed ${S[sealed_packets]} != opened ${S[opened_packets]}" test "${S[sealed_packets]}" = "${S[opened_packets]}"
	expect "opened_prev_key ${S[opened_prev_key]} (the overlap was never used)" test "${S[opened_prev_key]:-0}" -gt 0
fi
case_done "open across the overlap: rx ${S[rx_packets]:-?} = tx ${S[tx_packets]:-?} + 0 drops (every reason 0), sealed = opened = ${S[opened_packets]:-?}, ${S[opened_prev_key]:-?} opened with the previous key, mbufs_in_use 0"

# ---- 3. roc reset, overlap 0 -------------------------------------------------------

# a. seal side: overlap 0, every third rekey resets the ROC. One stream per
# channel at the full $pps so that sequence numbers wrap (the ROC moves)
# within the run more often than not.
conf roc0 0 "$((pps * 5 / 2))" 2 1
if start roc0 2; then
	storm roc0 "$short" "$rate" --markers --roc-reset-every 3
	storm_ok roc0 200 $((short - 1))
	stop
fi
stats_ok "$tmp/roc0.json" &&
	expect "sealed ${S[sealed_packets]} = rx ${S[rx_packets]}" test "${S[sealed_packets]}" = "${S[rx_packets]}"
channel_args "${ALL[@]}"
diag+=("$tmp/roc0.check")
log_args roc0
timeout 300 "$check" --pcap "$cap/roc0.pcap" "${chk_args[@]}" "${logs[@]}" >"$tmp/roc0.check" 2>&1 ||
	fail "epoch_check: $(grep -m1 'PROBLEM\|epoch_check: [a-z].*:' "$tmp/roc0.check" | sed 's/^epoch_check: *//')"
frames=$(sed -n 's/.*: \([0-9]*\) frames: .*/\1/p' "$tmp/roc0.check")
wrapped=$(sed -n 's/.*(\([0-9]*\) SRTP streams passed a ROC).*/\1/p' "$tmp/roc0.check")
expect "the capture holds ${frames:-?} frames, rtpseal sent ${S[tx_packets]:-?}" test "${frames:-x}" = "${S[tx_packets]:-y}"
case_done "roc reset + overlap 0, seal side: $rk_n rekeys (a third with roc reset) in ${rk_span} s, every drop reason 0, epoch_check passes on ${frames:-?} packets with the ROC restarting at each reset (${wrapped:-?} streams passed a ROC)"

# b. open side, overlap 0 (roc keep). What it may lose: a packet sealed
# under key N-1 but opened after the swap to key N (it sat in the seal
# side's TX buffer, at most one burst, or in the cipher port's RX ring,
# 1024 descriptors of net_ring) fails authentication: it is counted once as
# auth_fail of its channel. Exactly that and nothing else: no drop of any
# other reason, no loss on a channel that was not rekeyed, nothing opened
# with a previous key (there is none), sealed = opened + auth_fail, and at
# most 32 + 1024 + 64 packets per rekey of the channel. The loop runs at
# full rate, so some packet is in flight at almost every rekey: auth_fail > 0.
conf open0 0 0 3 4
if start open0 3; then
	storm open0 "$short" "$rate"
	storm_ok open0 200 $((short - 1))
	chan_snapshot open0 "${ALL[@]}"
	stop
	lost=0
	for c in "${REKEYED[@]}"; do
		a=${C[$c.auth_fail]:-0}
		lost=$((lost + a))
		[ "$a" -le $((${C[$c.rekeys]:-0} * 1120)) ] || fail "$c: auth_fail $a > ${C[$c.rekeys]:-0} rekeys x 1120 in flight"
		[ "${C[$c.replay]:-x}" = 0 ] || fail "$c: replay ${C[$c.replay]:-?}"
		[ "${C[$c.opened_prev_key]:-x}" = 0 ] || fail "$c: opened_prev_key ${C[$c.opened_prev_key]:-?} with no overlap"
	done
	for k in auth_fail replay opened_prev_key; do
		[ "${C[still.$k]:-x}" = 0 ] || fail "still (not rekeyed): $k ${C[still.$k]:-?}"
	done
fi
if stats_ok "$tmp/open0.json" 'drops.auth_fail=*' opened_prev_key=0; then
	expect "the channels' auth_fail $lost != drops.auth_fail ${S[drops.auth_fail]}" test "$lost" = "${S[drops.auth_fail]}"
	expect "sealed ${S[sealed_packets]} != opened ${S[opened_packets]} + auth_fail ${S[drops.auth_fail]}" \
		test "${S[sealed_packets]}" = $((${S[opened_packets]} + ${S[drops.auth_fail]}))
	expect "no packet in flight at any rekey (auth_fail 0): the case did not test anything" test "${S[drops.auth_fail]}" -gt 0
fi
case_done "overlap 0, open side: loses only packets in flight at a rekey (${S[drops.auth_fail]:-?} auth_fail over $rk_n rekeys, all on rekeyed channels), every other drop reason 0, nothing on the channel not rekeyed, sealed = opened + auth_fail"

# c. open side with roc resets and the default overlap. DESIGN §6 says no
# packet is lost during a rekey, and the previous key still opens packets
# in flight; but with "roc":"reset" the opening side starts its stream
# state over as soon as it sees the new key set, so packets sealed under
# the previous key that are still in flight are opened against the new
# state: an SRTP packet whose ROC was not 0 fails (auth_fail), and an
# SRTCP index opened under the old key blocks the same index of the new key
# (the sealing side restarts SRTCP indexes at the reset: replay). Shown
# here; a failure with RS_REKEY_STRICT_ROC=1.
conf openroc 2000 0 3 4
if start openroc 3; then
	storm openroc "$short" "$rate" --roc-reset-every 3
	storm_ok openroc 200 $((short - 1))
	stop
fi
strict=
if [ "${RS_REKEY_STRICT_ROC:-0}" = 1 ]; then
	strict=" (strict: no loss at all)"
	stats_ok "$tmp/openroc.json"
else
	stats_ok "$tmp/openroc.json" 'drops.auth_fail=*' 'drops.replay=*'
	note "roc reset, overlap 2000 ms, open side: ${S[drops.auth_fail]:-?} auth_fail + ${S[drops.replay]:-?} replay of ${S[sealed_packets]:-?} sealed ($rk_n rekeys): old-key packets in flight at a roc reset (known issue; RS_REKEY_STRICT_ROC=1 fails on it)"
fi
case_done "roc reset + overlap 2000, open side: rx = tx + drops, every drop reason but auth_fail/replay 0, mbufs_in_use 0$strict"

# ---- 4. the oracle has teeth -------------------------------------------------------

channel_args "${ALL[@]}"
if [ -s "$cap/seal.pcap" ] && [ -s "$tmp/seal.0.req" ]; then
	# twenty rekeys of t1 from the middle on logged with another key (the
	# same mode and length): whatever they sealed opens under no logged key
	python3 - "$tmp/seal.0.req" "$tmp/bad-key.0.req" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
changed = 0
for i in range(len(lines) // 2, len(lines)):
    if changed < 20 and '"channel.rekey","name":"t1"' in lines[i]:
        r = json.loads(lines[i])
        r["key"] = r["key"][:-2] + ("00" if r["key"][-2:] != "00" else "11")
        lines[i] = json.dumps(r, separators=(",", ":"))
        changed += 1
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
	# every request said to be sent 20 ms later / every reply 20 ms earlier
	for f in "$tmp"/seal.*.rep; do
		k=${f%.rep}
		k=${k##*.}
		cp "$tmp/seal.$k.req" "$tmp/late-sent.$k.req"
		cp "$tmp/seal.$k.req" "$tmp/early-reply.$k.req"
		[ -e "$tmp/bad-key.$k.req" ] || cp "$tmp/seal.$k.req" "$tmp/bad-key.$k.req"
		cp "$f" "$tmp/bad-key.$k.rep"
		python3 - "$f" "$tmp/late-sent.$k.rep" "$tmp/early-reply.$k.rep" <<'PY'
import sys
late, early = open(sys.argv[2], "w"), open(sys.argv[3], "w")
for l in open(sys.argv[1]):
    sent, reply, rest = l.split(" ", 2)
    shift = 20000000 if '"key_epoch"' in rest else 0
    late.write("%d %s %s" % (int(sent) + shift, reply, rest))
    early.write("%s %d %s" % (sent, int(reply) - shift, rest))
PY
	done
	for t in "bad-key:opens under no key epoch" \
		"late-sent:before its rekey request was sent" \
		"early-reply:after the reply for epoch"; do
		name=${t%%:*}
		what=${t#*:}
		log_args "$name"
		rc=0
		timeout 300 "$check" --pcap "$cap/seal.pcap" "${chk_args[@]}" "${logs[@]}" \
			>"$tmp/$name.check" 2>&1 || rc=$?
		expect "$name: epoch_check exited $rc, want 1" test "$rc" = 1
		grep -q "PROBLEM: .*$what" "$tmp/$name.check" || {
			fail "$name: no '$what' problem reported"
			diag+=("$tmp/$name.check")
		}
	done
else
	fail "no case-1 capture to check"
fi
case_done "epoch_check catches a wrong key in the log, requests said 20 ms later and replies said 20 ms earlier than they were"

finish
