#!/usr/bin/env bash
# Scale, small (make test; perf/scale.sh and `make bench BENCH=scale` run
# 1,000,000 channels): 20,000 channels through the control socket, traffic
# spread over all of them ([generator] spread_channels, 4 streams each),
# then the table's limits and the config checks.
#
#   1. perf/scale.sh --channels 20000: every channel.add ok (pipelined),
#      stats counts them, every stream created, sampled channel.stats ok
#      with sealed packets, rx = tx + drops and no drop;
#   2. a daemon with max_channels = 20000: 20,000 adds ok, the next one
#      refused "channel table full"; rtpsealctl list pages through all
#      20,000; channel.list offset/limit pages;
#      rekeys (overlap 300 ms) end their overlap; 10,000 removed, the
#      count follows, their names are free again;
#   3. config: max_channels below the file's channels, spread_channels
#      beyond the table, max_streams out of range: refused, naming
#      section and key.
#
# Prints `ok - ...` / `not ok - ...` and ends with `N passed, N failed`.
set -u
cd "$(dirname "$0")/.." || exit 1
build=${BUILD:-build}
t0=$SECONDS
passed=0
failed=0
ok() {
	echo "ok - $1"
	passed=$((passed + 1))
}
not_ok() {
	echo "not ok - $1"
	failed=$((failed + 1))
}
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
finish() {
	echo "# runtime $((SECONDS - t0)) s"
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
work=$(mktemp -d /tmp/rtpseal-scale-test.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null; rm -rf "$work"' EXIT

for bin in rtpseal rtpsealctl tools/ctl_load tools/ctl_client; do
	if [ ! -x "$build/$bin" ]; then
		not_ok "$build/$bin is built"
		finish
	fi
done

# ---- 1. load and spread traffic -------------------------------------------------
row=$(bash perf/scale.sh "$build" --channels 20000 --seconds 0.5 --samples 300 --tag t \
	--out "$work/scale" 2>"$work/scale.err")
src=$?
sed 's/^/# /' "$work/scale.err"
echo "# $row"
check "20,000 channels through the socket, 80,000 streams, sampled channels sealed, no drop" \
	test "$src" -eq 0
check "the row reports load rate and bytes per channel and per stream" \
	grep -q '"channels_per_s":[1-9][0-9]*,.*"rss_bytes_per_channel":[1-9]' <<<"$row"
check "every stream exists and the measured interval sealed packets" \
	grep -q '"streams":80000,.*"measured_packets":[1-9]' <<<"$row"

# ---- 2. limits, list, rekey overlap, removal ------------------------------------
sock=$work/ctl.sock
cat >"$work/limit.conf" <<EOF
[general]
control_socket = $sock
max_channels = 20000
max_streams = 4096
rekey_overlap_ms = 300

[port 0]
role = clear
peer = 1

[port 1]
role = cipher
peer = 0
EOF
"$build/rtpseal" -l 0,1 --no-huge -m 256 --no-pci --file-prefix "rtpseal-scale-test-$$" \
	--log-level=lib.eal:warning --vdev net_null0,no-rx=1 --vdev net_null1,no-rx=1 \
	-- -c "$work/limit.conf" --stats-interval 0 >"$work/limit.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.1
done
ctl() { "$build/rtpsealctl" -s "$sock" --json "$@"; }
out=$("$build/tools/ctl_load" "$sock" add 0 20000)
check "20,000 channel.add fill max_channels = 20000 ($out)" grep -q '"ok":20000,"failed":0' <<<"$out"
out=$("$build/tools/ctl_load" "$sock" add 20000 1)
check "the 20,001st is refused: channel table full" grep -q '"failed":1,.*channel table full (20000 channels)' <<<"$out"
check "stats counts 20000 of max_channels 20000" \
	grep -q '"channels":20000,"max_channels":20000' <<<"$(ctl stats)"
n=$(ctl list | grep -o '"name":"s[0-9]*"' | sort -u | wc -l)
check "rtpsealctl list pages through all 20,000 ($n)" test "$n" -eq 20000
page=$(printf '%s\n' '{"cmd":"channel.list","offset":0,"limit":3}' \
	'{"cmd":"channel.list","offset":19998,"limit":5}' '{"cmd":"channel.list","limit":-1}' |
	"$build/rtpsealctl" -s "$sock" batch)
check "a page: 3 channels and the offset to go on from" \
	test "$(sed -n 1p <<<"$page" | grep -o '"name":' | wc -l)" -eq 3 -a \
	"$(sed -n 1p <<<"$page" | grep -c '"next_offset":3}')" -eq 1
check "the last page: 2 channels, next_offset null" \
	test "$(sed -n 2p <<<"$page" | grep -o '"name":' | wc -l)" -eq 2 -a \
	"$(sed -n 2p <<<"$page" | grep -c '"next_offset":null}')" -eq 1
check "a negative limit is refused" grep -q '"ok":false,"error":"channel.list: offset and limit' \
	<<<"$(sed -n 3p <<<"$page")"
key=$("$build/tools/ctl_load" key 7)
r1=$(ctl rekey s7 --key "${key% *}" --salt "${key#* }")
r2=$(ctl rekey s19999 --key "${key% *}" --salt "${key#* }")
check "two channels rekeyed" grep -q '"key_epoch":2' <<<"$r1$r2"
check "previous key active right after the rekey" \
	grep -q '"previous_key_active":true' <<<"$(ctl channel-stats s19999)"
sleep 0.5
n=$( (ctl channel-stats s7; ctl channel-stats s19999) | grep -c '"previous_key_active":false')
check "both overlaps ended after 300 ms (expiry from the overlap list)" test "$n" -eq 2
out=$("$build/tools/ctl_load" "$sock" remove 0 10000)
check "10,000 channel.remove ($out)" grep -q '"ok":10000,"failed":0' <<<"$out"
check "stats counts 10000" grep -q '"channels":10000,' <<<"$(ctl stats)"
out=$("$build/tools/ctl_load" "$sock" add 0 10000)
check "the removed names and matches can be added again" grep -q '"ok":10000,"failed":0' <<<"$out"
out=$("$build/tools/ctl_load" "$sock" check 0 20000 500)
check "500 sampled channels exist with their match" grep -q '"ok":500,"failed":0' <<<"$out"
kill -INT "$pid"
wait "$pid"
check "the daemon exits cleanly" test $? -eq 0
pid=""

# ---- 3. config checks ------------------------------------------------------------
cfgerr() { # cfgerr GENERAL_LINES GENERATOR_LINES: rtpseal's error
	{
		printf '[general]\n%b\n[port 0]\nrole = clear\npeer = 1\n[port 1]\nrole = cipher\npeer = 0\n' "$1"
		printf '[channel a]\nmode = AES_128_GCM\nkey = k1\nmatch = 10.0.0.2:5004\n'
		printf '[channel b]\nmode = AES_128_GCM\nkey = k2\nmatch = 10.0.0.3:5004\n'
		[ -n "$2" ] && printf '[generator]\nport = 0\n%b\n' "$2"
	} >"$work/bad.conf"
	"$build/rtpseal" -l 0,1 --no-huge -m 64 --no-pci --file-prefix "rtpseal-scale-cfg-$$" \
		--log-level=lib.eal:error --vdev net_null0 --vdev net_null1 \
		-- -c "$work/bad.conf" 2>&1 | grep '^rtpseal: .*bad.conf'
}
check "max_channels below the file's channels" \
	grep -q '\[general\] max_channels: 1 is fewer than the 2 channels' <<<"$(cfgerr 'max_channels = 1' '')"
check "spread_channels beyond the table names max_channels" \
	grep -q '\[generator\] spread_channels: 5000 channels do not fit the channel table: set \[general\] max_channels to at least 5002' \
	<<<"$(cfgerr '' 'spread_channels = 5000')"
check "max_streams out of range" \
	grep -q '\[general\] max_streams' <<<"$(cfgerr 'max_streams = 10' '')"
finish
