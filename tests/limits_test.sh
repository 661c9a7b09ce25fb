#!/usr/bin/env bash
# The nonce-space limits (DESIGN §3): the 48-bit SRTP index and the 31-bit
# SRTCP index are hard limits. A stream that reaches one stops sealing in
# that direction, says so once, and counts every later packet as
# index_exhausted; it never wraps. rtpseal runs pcap in, pcap out on two
# net_pcap ports (port 0 clear, port 1 cipher), streams started near the
# limits with --initial-roc and --initial-srtcp-index; captures come from
# tests/tools/limitpcap.c, which also checks the sealed output with libsrtp2
# told the ROC (srtp_pcap_check cannot be: its libsrtp receiver starts every
# stream at ROC 0).
#
#   1. SRTP 2^48: sequence 65530 -> 10 across the wrap at ROC 0xffffffff:
#      65530..65535 sealed (index up to 2^48-1), the 11 after the wrap dropped
#   2. SRTCP 2^31: first index 0x7ffffffd: 3 sealed, E||index words
#      0xfffffffd..0xffffffff, the rest dropped
#   3. after exhaustion nothing of that stream is sealed again in the run
#      (later bursts, an unused index below the limit, a repeat), while a
#      second SSRC of the same channel seals normally (in 1 and 2)
#   4. the start-up self-test line, with the linked ipsec-mb version
#   5. one line per stream and direction: SRTP and SRTCP of one stream both
#      exhausted give two lines, each once
#
# Run by `make test` as `BUILD=<build dir> bash tests/limits_test.sh` from
# the repo root. Ends with `N passed, N failed`.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
rtpseal=$build/rtpseal
check=$build/tools/srtp_pcap_check
lim=$build/tools/limitpcap

# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
make_tmp -t rs-lim.XXXXXX # KEEP_TMP=1 keeps it for a post-mortem
prefix=rs-lim-$$
dpdk_prefix "$prefix"
runs=0

# ---- running rtpseal ---------------------------------------------------------

# rs_run NAME IN ARGS...: rtpseal reading clear IN on port 0, sealed frames
# into $tmp/NAME.p1.pcap; stats in $tmp/NAME.json, output in $tmp/NAME.log;
# ARGS go after -c. A failure unless it exits 0 without a sanitizer report.
rs_run() {
	local name=$1 in=$2
	shift 2
	runs=$((runs + 1))
	rm -f "$tmp/$name.json"
	diag+=("$tmp/$name.log")
	local rc=0
	timeout 60 "$rtpseal" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix-$runs" \
		--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$tmp/$name.p0.pcap" \
		--vdev "net_pcap1,tx_pcap=$tmp/$name.p1.pcap" -- -c "$tmp/lim.conf" \
		--exit-on-idle 300 --stats-json "$tmp/$name.json" --stats-interval 0 "$@" \
		>"$tmp/$name.log" 2>&1 || rc=$?
	sanitizer_check "$tmp/$name.log" # a SAN=1 build reports here
	[ "$rc" = 0 ] || fail "rtpseal exited $rc"
	return "$rc"
}

# lim_check NAME IN ROC: limitpcap's libsrtp2 check of $tmp/NAME.p1.pcap,
# its report in $tmp/NAME.lim
lim_check() {
	diag+=("$tmp/$1.lim")
	timeout 60 "$lim" check "$2" "$tmp/$1.p1.pcap" "$key" "$salt" "$3" >"$tmp/$1.lim" 2>&1 ||
		fail "libsrtp2 check: $(grep -m1 'FAIL\|limitpcap' "$tmp/$1.lim" || tail -n1 "$tmp/$1.lim")"
}

# sealed_of NAME KIND SSRC FIELD: the FIELD (2-based word) of NAME's verified
# KIND (rtp/rtcp) lines of SSRC, space-separated
sealed_of() {
	awk -v k="$2" -v s="$3" -v f="$4" '$1 == k && $2 == s && $NF == "ok" {printf "%s ", $f}' \
		"$tmp/$1.lim" | sed 's/ $//'
}

# exhausted_lines NAME: the log's "index space exhausted" lines
exhausted_lines() {
	grep 'index space exhausted' "$tmp/$1.log"
}

# ---- prerequisites -----------------------------------------------------------

need_files -x "$rtpseal" "$check" "$lim"
need_cmds "(make deps)" openssl python3
prerequisites_met

key=$(openssl rand -hex 16)
salt=$(openssl rand -hex 12)
cat >"$tmp/lim.conf" <<EOF
[general]
replay_window = 1024

[port 0]
role = clear
peer = 1

[port 1]
role = cipher
peer = 0

[channel lim-1]
mode = AEAD_AES_128_GCM
key = $key
salt = $salt
match = 10.0.0.2:5004
EOF
spec="10.0.0.2:5004=AEAD_AES_128_GCM:$key:$salt"
A=a11ce5e1 # the stream that reaches the limit
B=0000b0b5 # a second SSRC of the same channel

# ---- 1 + 3. SRTP: 2^48 -------------------------------------------------------

# A: 65530 .. 65535, 0 .. 10 (17 packets) interleaved with B 1000..1016;
# then 100 of B alone (later bursts: net_pcap hands out at most a burst at
# a time); then A again: 11..50 (its next sequence numbers), 65000 (index
# 0xffffffff_fde8, below 2^48 and never sealed, inside the 1024 window: a
# reordered packet any live stream would seal), 65535 (a repeat), and B
# 1116..1125 last.
items=()
for i in $(seq 0 16); do
	items+=("rtp:0x$A:$(((65530 + i) % 65536))" "rtp:0x$B:$((1000 + i))")
done
items+=("rtp:0x$B:1017:99" "rtp:0x$A:11:40" "rtp:0x$A:65000" "rtp:0x$A:65535" "rtp:0x$B:1116:10")
a_seal=6 a_wrap=11 a_later=42
b_n=$((17 + 99 + 10))
n=$((17 + a_later + b_n))
rtp_ok=0
diag+=("$tmp/srtp.gen")
if timeout 60 "$lim" write "$tmp/srtp.pcap" "${items[@]}" >"$tmp/srtp.gen" 2>&1 &&
	grep -qx "$n frames" "$tmp/srtp.gen"; then
	rs_run srtp "$tmp/srtp.pcap" --initial-roc 0xffffffff && rtp_ok=1
else
	fail "limitpcap write: $(head -n1 "$tmp/srtp.gen")"
fi
if [ "$rtp_ok" = 1 ]; then
	stats_ok "$tmp/srtp.json" rx_packets="$n" tx_packets=$((a_seal + b_n)) \
		sealed_packets=$((a_seal + b_n)) audio_packets=$((a_seal + b_n)) \
		drops.index_exhausted=$((a_wrap + a_later)) streams=2
	lines=$(exhausted_lines srtp)
	expect "$(printf '%s' "$lines" | grep -c .) 'index space exhausted' lines, want 1" \
		test "$(printf '%s' "$lines" | grep -c .)" = 1
	expect "the line names channel lim-1, SSRC $A and 'SRTP index space exhausted (2^48)': '$lines'" \
		grep -q "channel lim-1 SSRC $A: SRTP index space exhausted (2^48)" <<<"$lines"
	lim_check srtp "$tmp/srtp.pcap" 0xffffffff
	got=$(sealed_of srtp rtp "$A" 3)
	expect "sealed of $A: '$got', want 65530..65535" test "$got" = "65530 65531 65532 65533 65534 65535"
	got=$(sealed_of srtp rtp "$A" 5 | tr ' ' '\n' | sort -u | tr '\n' ' ')
	expect "libsrtp2 ROC after $A's packets: '$got', want ffffffff (index 2^48-6 .. 2^48-1)" \
		test "$got" = "ffffffff "
fi
case_done "SRTP 2^48: ROC 0xffffffff, seq 65530 -> 10: 65530..65535 sealed (libsrtp2 told the ROC decrypts them), the $a_wrap after the wrap index_exhausted, one log line for channel and SSRC"

if [ "$rtp_ok" = 1 ]; then
	got=$(sealed_of srtp rtp "$A" 3 | wc -w)
	expect "$got packets of $A sealed, want $a_seal (none of the $a_later later ones)" test "$got" = "$a_seal"
	got=$(sealed_of srtp rtp "$B" 3)
	want_seqs=$(seq -s ' ' 1000 $((1000 + b_n - 1)))
	expect "$B: $(wc -w <<<"$got") sealed, want all $b_n in order" test "$got" = "$want_seqs"
	expect "$B sealed at ROC ffffffff" test "$(sealed_of srtp rtp "$B" 5 | tr ' ' '\n' | sort -u)" = ffffffff
	expect "libsrtp2 verified $((a_seal + b_n)), nothing refused" \
		grep -qx "$((a_seal + b_n)) verified, 0 failed" "$tmp/srtp.lim"
fi
case_done "SRTP after exhaustion: $a_later later packets of $A (next seqs in later bursts, unused index 0xffffffff_fde8 in the window, a repeat) all index_exhausted, never sealed; $B of the same channel: all $b_n sealed"

# ---- 2 + 3. SRTCP: 2^31 ------------------------------------------------------

# A: 10 RTCP (3 sealed, 7 dropped), then B: 3 RTCP (its own 3 indices) and
# 80 RTP, then A: 5 RTCP more (later bursts, dropped).
items=("rtcp:0x$A:10" "rtcp:0x$B:3" "rtp:0x$B:1:80" "rtcp:0x$A:5")
n=$((10 + 3 + 80 + 5))
rtcp_ok=0
diag+=("$tmp/srtcp.gen")
if timeout 60 "$lim" write "$tmp/srtcp.pcap" "${items[@]}" >"$tmp/srtcp.gen" 2>&1 &&
	grep -qx "$n frames" "$tmp/srtcp.gen"; then
	rs_run srtcp "$tmp/srtcp.pcap" --initial-srtcp-index 0x7ffffffd && rtcp_ok=1
else
	fail "limitpcap write: $(head -n1 "$tmp/srtcp.gen")"
fi
if [ "$rtcp_ok" = 1 ]; then
	stats_ok "$tmp/srtcp.json" rx_packets="$n" sealed_packets=$((3 + 3 + 80)) \
		rtcp_packets=6 audio_packets=80 drops.index_exhausted=$((7 + 5)) streams=2
	lines=$(exhausted_lines srtcp)
	expect "$(printf '%s' "$lines" | grep -c .) 'index space exhausted' lines, want 1" \
		test "$(printf '%s' "$lines" | grep -c .)" = 1
	expect "the line names channel lim-1, SSRC $A and 'SRTCP index space exhausted (2^31)': '$lines'" \
		grep -q "channel lim-1 SSRC $A: SRTCP index space exhausted (2^31)" <<<"$lines"
	lim_check srtcp "$tmp/srtcp.pcap" 0
	got=$(sealed_of srtcp rtcp "$A" 4)
	expect "E||index words of $A: '$got', want fffffffd fffffffe ffffffff" \
		test "$got" = "fffffffd fffffffe ffffffff"
	got=$(sealed_of srtcp rtcp "$A" 6)
	expect "sealed RTCP of $A are input frames '$got', want the first three (1 2 3)" test "$got" = "1 2 3"
	diag+=("$tmp/srtcp.check")
	timeout 60 "$check" --in "$tmp/srtcp.pcap" --out "$tmp/srtcp.p1.pcap" --key "$spec" \
		--expect-drops 12 >"$tmp/srtcp.check" 2>&1 ||
		fail "srtp_pcap_check --expect-drops 12: $(grep -m1 'dropped\|mismatch\|result' "$tmp/srtcp.check")"
fi
case_done "SRTCP 2^31: first index 0x7ffffffd: 3 sealed (E||index fffffffd..ffffffff, libsrtp2 and srtp_pcap_check verify), 7 index_exhausted, one log line"

if [ "$rtcp_ok" = 1 ]; then
	got=$(sealed_of srtcp rtcp "$A" 4 | wc -w)
	expect "$got RTCP of $A sealed, want 3 (none of the 5 later ones)" test "$got" = 3
	got=$(sealed_of srtcp rtcp "$B" 4)
	expect "E||index words of $B: '$got', want its own fffffffd fffffffe ffffffff" \
		test "$got" = "fffffffd fffffffe ffffffff"
	got=$(sealed_of srtcp rtp "$B" 3 | wc -w)
	expect "$got RTP of $B sealed, want 80" test "$got" = 80
	expect "libsrtp2 verified 86, nothing refused" grep -qx "86 verified, 0 failed" "$tmp/srtcp.lim"
fi
case_done "SRTCP after exhaustion: 5 later RTCP of $A (later bursts) index_exhausted; $B of the same channel: its own 3 SRTCP indices and 80 RTP sealed"

# ---- 4. self-test line -------------------------------------------------------

logs=()
for f in srtp srtcp; do
	[ -s "$tmp/$f.log" ] && logs+=("$tmp/$f.log")
done
imb=$("$lim" imb-version 2>/dev/null)
if ((${#logs[@]} == 0)); then
	fail "no rtpseal log (cases 1 and 2 did not run)"
else
	diag+=("${logs[0]}")
	line=$(grep -m1 'self-test' "${logs[0]}")
	expect "no 'ipsec-mb VERSION, code path PATH; self-test passed' line: '$line'" \
		grep -Eq '^rtpseal: ipsec-mb [0-9]+\.[0-9]+(\.[0-9]+)?, code path [A-Za-z0-9_]+; self-test passed' <<<"$line"
	v=$(sed -n 's/^rtpseal: ipsec-mb \([^,]*\),.*/\1/p' <<<"$line")
	expect "logged ipsec-mb '$v', linked library says '$imb'" test -n "$imb" -a "$v" = "$imb"
	# before any port starts, and in every run
	for f in "${logs[@]}"; do
		expect "$(basename "$f"): not exactly one self-test line before the first port" \
			test "$(sed -n '/^rtpseal: port /q;/self-test passed/p' "$f" | wc -l)" = 1
	done
fi
case_done "start-up self-test: 'rtpseal: ipsec-mb ${imb:-?}, code path ...; self-test passed' logged before any port starts"

# ---- 5. once per stream and direction ------------------------------------------

# A exhausts both: RTP 65534 -> 3 at ROC 0xffffffff, RTCP from 0x7ffffffd
# (3 sealed, 4 dropped); B stays under both limits.
items=("rtp:0x$A:65534:6" "rtcp:0x$A:4" "rtcp:0x$B:2" "rtp:0x$B:7:5" "rtp:0x$A:4:30" "rtcp:0x$A:3")
n=$((6 + 4 + 2 + 5 + 30 + 3))
diag+=("$tmp/both.gen")
if timeout 60 "$lim" write "$tmp/both.pcap" "${items[@]}" >"$tmp/both.gen" 2>&1 &&
	grep -qx "$n frames" "$tmp/both.gen"; then
	if rs_run both "$tmp/both.pcap" --initial-roc 0xffffffff --initial-srtcp-index 0x7ffffffd; then
		stats_ok "$tmp/both.json" rx_packets="$n" sealed_packets=$((2 + 3 + 2 + 5)) \
			rtcp_packets=5 drops.index_exhausted=$((4 + 30 + 1 + 3))
		lines=$(exhausted_lines both)
		expect "$(printf '%s' "$lines" | grep -c .) 'index space exhausted' lines, want 2" \
			test "$(printf '%s' "$lines" | grep -c .)" = 2
		expect "one SRTP line for $A" test "$(grep -c "SSRC $A: SRTP index space exhausted (2^48)" <<<"$lines")" = 1
		expect "one SRTCP line for $A" test "$(grep -c "SSRC $A: SRTCP index space exhausted (2^31)" <<<"$lines")" = 1
		lim_check both "$tmp/both.pcap" 0xffffffff
		expect "sealed RTP of $A: $(sealed_of both rtp "$A" 3), want 65534 65535" \
			test "$(sealed_of both rtp "$A" 3)" = "65534 65535"
		expect "E||index words of $A: $(sealed_of both rtcp "$A" 4)" \
			test "$(sealed_of both rtcp "$A" 4)" = "fffffffd fffffffe ffffffff"
		expect "libsrtp2 verified 12, nothing refused" grep -qx "12 verified, 0 failed" "$tmp/both.lim"
	fi
else
	fail "limitpcap write: $(head -n1 "$tmp/both.gen")"
fi
case_done "both limits on one stream: one SRTP and one SRTCP line for $A (once per stream and direction), $B unaffected"

finish
