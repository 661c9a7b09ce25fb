#!/usr/bin/env bash
# Channel table changes reach the data plane at once, whatever the workers
# remember: each worker keeps a flow cache (app/flow_cache.h) mapping a
# destination + SSRC to its channel and stream, and it must never route a
# packet by a stale entry. Live traffic from the built-in generator goes to
# 10.0.0.2:5004, first matched by the wildcard channel `wide` (*:5004):
#
#   1. an exact channel for 10.0.0.2:5004 is added: from then on it seals
#      and opens every packet and `wide` none (a stale cache would keep
#      sealing with `wide`, and the opening side would count auth_fail)
#   2. the exact channel is removed: `wide` takes the traffic back
#   3. `wide` is removed too: every packet is a no_channel drop, nothing
#      is sealed (a stale cache would keep sealing with freed keys)
#   4. `wide` is added back under a new key: sealing and opening resume
#      with it, without auth_fail
#   5. at exit: rx = tx + drops, every mbuf back in its pool, and the flow
#      cache answered the bulk of the packets (hits > misses)
#
# Run by `make test` as `BUILD=<build dir> bash tests/routing_test.sh`;
# prints `ok - ...` / `not ok - ...` per case and `N passed, N failed`.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
RS=$build/rtpseal
CTL=$build/rtpsealctl
# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
make_tmp /tmp/rs-routing.XXXXXX
prefix=rsroute$$
dpdk_prefix "$prefix"
pid=""
# shellcheck disable=SC2317 # run at exit by tests/lib.sh
suite_cleanup() {
	stop_jobs "$pid"
}
trap 'exit 130' INT TERM

sock=$tmp/rtpseal.sock
cat >"$tmp/routing.conf" <<EOF
[general]
control_socket = $sock
no_channel = drop
[port 0]
role = clear
peer = 1
[port 1]
role = cipher
peer = 2
[port 2]
role = clear
peer = 1
; TEST ONLY key and salt
[channel wide]
mode = AEAD_AES_128_GCM
key = 8c87cf2a617c7360b6338fb9a8dfa0fe
salt = 0280f0622f6574324bfed474
match = *:5004
audio_pt = 111
video_pt = 96
[generator]
port = 0
rate_pps = 20000
streams_per_channel = 4
EOF

"$RS" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix" \
	--vdev net_ring0 --vdev net_ring1 --vdev net_null0,no-rx=1 -- \
	-c "$tmp/routing.conf" --duration 30 --stats-json "$tmp/stats.json" \
	>"$tmp/log" 2>&1 &
pid=$!

ctl() { timeout 10 "$CTL" -s "$sock" --json "$@" 2>/dev/null; }
# sealed NAME: the channel's sealed_packets, or "gone"
sealed() {
	ctl channel-stats "$1" | "$PY" -c 'import json,sys
d = json.load(sys.stdin)
print(d["channel"]["sealed_packets"] if d.get("ok") else "gone")' 2>/dev/null || echo gone
}
counter() { # counter EXPR: a value of the stats reply (d = its "stats")
	ctl stats | "$PY" -c 'import json,sys
d = json.load(sys.stdin)["stats"]
print(eval(sys.argv[1]))' "$1" 2>/dev/null
}
# settle, then measure over a window: W0/W1 are NAME's sealed before/after
window() { # window NAME...: sets before_<i>, after_<i> for each NAME
	sleep 0.3
	local i=0 n
	for n in "$@"; do
		eval "before_$i=\$(sealed \"$n\")"
		i=$((i + 1))
	done
	sleep 0.6
	i=0
	for n in "$@"; do
		eval "after_$i=\$(sealed \"$n\")"
		i=$((i + 1))
	done
}
# shellcheck disable=SC2317 # grows and still: run by check (tests/lib.sh)
grows() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$2" -gt "$1" ]; }
# shellcheck disable=SC2317
still() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" = "$2" ]; }

for _ in $(seq 50); do
	[ -S "$sock" ] && [ "$(sealed wide)" != gone ] && [ "$(sealed wide)" -gt 0 ] && break
	sleep 0.1
done
check "before: the wildcard channel seals the traffic" grows 0 "$(sealed wide)"

# 1. a more specific channel appears
ctl add exact --mode AEAD_AES_256_GCM \
	--key inline:Vrhkvn2aPtCpmgDQ2ROA4txaNGQBjwIYSTIp8MfDxAmaM+ZlSWiTPU97F3A= \
	--match 10.0.0.2:5004 --audio-pt 111 --video-pt 96 >/dev/null
window wide exact
check "exact match added: it seals the traffic ($before_1 -> $after_1)" grows "$before_1" "$after_1"
check "exact match added: the wildcard seals nothing more ($before_0 -> $after_0)" \
	still "$before_0" "$after_0"
# packets `wide` sealed that were still on the loop when `exact` appeared
# fail its key: that is the switch itself; after it, none may
fails() { ctl channel-stats "$1" | "$PY" -c 'import json,sys; c=json.load(sys.stdin)["channel"]; print(c["opened_packets"], c["auth_fail"])' 2>/dev/null; }
read -r o0 f0 <<<"$(fails exact)"
sleep 0.5
read -r o1 f1 <<<"$(fails exact)"
check "exact match added: opened with its key ($o0 -> $o1), no new auth_fail ($f0 -> $f1)" \
	eval 'grows "$o0" "$o1" && still "$f0" "$f1"'

# 2. the specific one goes away
ctl remove exact >/dev/null
window wide exact
check "exact match removed: the wildcard seals again ($before_0 -> $after_0)" grows "$before_0" "$after_0"
check "exact match removed: its channel is gone" test "$after_1" = gone

# 3. nothing matches any more
ctl remove wide >/dev/null
sleep 0.3
s0=$(counter 'd["sealed_packets"]')
n0=$(counter 'd["drops"]["no_channel"]')
sleep 0.6
s1=$(counter 'd["sealed_packets"]')
n1=$(counter 'd["drops"]["no_channel"]')
check "every channel removed: nothing is sealed ($s0 -> $s1)" still "$s0" "$s1"
check "every channel removed: packets are no_channel drops ($n0 -> $n1)" grows "$n0" "$n1"

# 4. the wildcard comes back under a new key
ctl add wide --mode AEAD_AES_128_GCM --key 3f1c6e0a9b27d4858e6c1f0b7a2d9e34 \
	--salt 7b1e2a9c4d5f60718293a4b5 --match '*:5004' --audio-pt 111 --video-pt 96 >/dev/null
window wide
check "wildcard added back: it seals the traffic ($before_0 -> $after_0)" grows "$before_0" "$after_0"
clean=$(ctl channel-stats wide | "$PY" -c 'import json,sys; c=json.load(sys.stdin)["channel"]; print(c["opened_packets"] > 0 and c["auth_fail"] == 0)' 2>/dev/null)
check "wildcard added back: opened under its new key, no auth_fail" test "$clean" = True

kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
pid=""
check "rtpseal exits 0 (got $rc)" test "$rc" = 0
check "rx = tx + drops, mbufs all back, flow cache hits > misses" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
drops = sum(d["drops"].values())
assert d["rx_packets"] == d["tx_packets"] + drops, "rx != tx + drops"
assert d["mbufs_in_use"] == 0, "mbufs in use"
assert d["flow_cache_hits"] > d["flow_cache_misses"] > 0, "cache"
' "$tmp/stats.json"
grep -q "rx = tx + drops: .*: ok" "$tmp/log" || sed 's/^/# /' "$tmp/log" | tail -20

finish
