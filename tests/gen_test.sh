#!/usr/bin/env bash
# rtpseal-gen end to end: the pcaps it writes read back in tshark/capinfos as
# RTP, RTCP, STUN, DTLS and ARP with valid checksums; --count, --rate,
# --duration, --seed and --no-udp-checksum do what they say; bad arguments
# exit non-zero with a message. Run by `make test` with BUILD=<build dir>;
# ends with `N passed, N failed`.
set -u
cd "$(dirname "$0")/.." || exit 1

gen=${BUILD:?BUILD must name the build directory}/rtpseal-gen
# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
make_tmp -t rs-gen.XXXXXX
# this suite's result lines: `ok   NAME`, `FAIL NAME: WHY`
OK_TAG="ok  "
NOT_OK_TAG=FAIL

# tshark prints a warning on stderr when run as root; keep stdout only.
tsh() {
	tshark "$@" 2>/dev/null
}

count_of() { # count_of FILE DISPLAY-FILTER [decode-as...]
	local f=$1 filter=$2
	shift 2
	tsh -r "$f" "$@" -Y "$filter" | wc -l
}

frames_of() {
	capinfos -c -M "$1" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}'
}

summary_field() { # summary_field LOG WORD: the number after WORD in the summary
	sed -n "s/.*[ (]$2 \([0-9]*\).*/\1/p" "$1" | head -n1
}

if [ ! -x "$gen" ]; then
	not_ok "rtpseal-gen built" "$gen missing"
	finish
fi
for tool in tshark capinfos; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool installed" "run make deps"
	fi
done

# --- default: one channel, 5 s of media --------------------------------------
f=$tmp/default.pcap
if "$gen" -o "$f" 2>"$tmp/default.log"; then ok "default run exits 0"; else not_ok "default run exits 0"; fi
n=$(frames_of "$f")
want=$(sed -n 's/.*: \([0-9]*\) frames.*/\1/p' "$tmp/default.log")
check "capinfos counts the frames the summary reports ($n)" test -n "$n" -a "$n" = "$want"
rtp=$(count_of "$f" rtp -d udp.port==5004,rtp)
check "tshark reads RTP ($rtp packets)" test "$rtp" -gt 1000
check "RTP count matches the summary" test "$rtp" = "$(summary_field "$tmp/default.log" rtp)"
rtcp=$(count_of "$f" 'rtcp.pt == 200' -d udp.port==5004,rtp)
check "tshark reads RTCP sender reports ($rtcp)" test "$rtcp" -ge 16 -a "$rtcp" -le 24
sdes=$(count_of "$f" 'rtcp.sdes.type == 1' -d udp.port==5004,rtp)
check "every SR carries an SDES CNAME" test "$sdes" = "$rtcp"
span=$(capinfos -u -M "$f" 2>/dev/null | awk '/Capture duration/ {print $3}')
check "5 s of media by default (capture spans ${span}s)" awk -v s="$span" 'BEGIN {exit !(s >= 4.9 && s < 5)}'
bad=$(count_of "$f" 'udp.checksum.status == "Bad" || ip.checksum.status == "Bad" || _ws.malformed || _ws.expert.severity >= warning' \
	-o udp.check_checksum:TRUE -o ip.check_checksum:TRUE -d udp.port==5004,rtp)
check "no bad checksum, malformed or warned packet ($bad)" test "$bad" = 0
good=$(count_of "$f" 'udp.checksum.status == "Good"' -o udp.check_checksum:TRUE)
check "every UDP checksum verifies ($good of $n)" test "$good" = "$n"
lost=$(tsh -r "$f" -d udp.port==5004,rtp -q -z rtp,streams | awk '$NF == "X" {print}' | wc -l)
streams=$(tsh -r "$f" -d udp.port==5004,rtp -q -z rtp,streams | grep -c '0x[0-9A-F]\{8\}')
check "4 RTP streams, none with sequence problems ($streams, $lost)" test "$streams" = 4 -a "$lost" = 0

# --- IPv6 channel, custom payload types, noise -------------------------------
f=$tmp/mixed.pcap
if "$gen" -o "$f" --channel '[fd00::2]:6000/111/97' --channel 10.1.1.1:5010/8/100 \
	--noise 100 --duration 3 --streams-per-channel 5 --audio-share 60 2>"$tmp/mixed.log"; then
	ok "IPv6 + noise run exits 0"
else
	not_ok "IPv6 + noise run exits 0" "$(cat "$tmp/mixed.log")"
fi
da=(-d 'udp.port==6000,rtp' -d 'udp.port==5010,rtp')
v6=$(count_of "$f" 'ipv6 && rtp && udp.dstport == 6000' "${da[@]}")
check "IPv6 RTP to [fd00::2]:6000 ($v6)" test "$v6" -gt 100
opus=$(count_of "$f" 'rtp.p_type == 111' "${da[@]}")
pcma=$(count_of "$f" 'rtp.p_type == 8' "${da[@]}")
check "custom audio payload types 111 and 8 ($opus, $pcma)" test "$opus" -gt 0 -a "$pcma" -gt 0
stun=$(count_of "$f" 'stun.type == 0x0001' "${da[@]}")
dtls=$(count_of "$f" 'dtls.handshake.type == 1' "${da[@]}")
arp=$(count_of "$f" 'arp.opcode == 1')
check "noise: STUN binding requests, DTLS ClientHellos, ARP requests ($stun, $dtls, $arp)" \
	test "$stun" -gt 0 -a "$dtls" -gt 0 -a "$arp" -gt 0
n=$(frames_of "$f")
noise=$((stun + dtls + arp))
check "noise about 100 per mille ($noise of $n)" test $((noise * 1000)) -gt $((n * 80)) -a $((noise * 1000)) -lt $((n * 120))
bad=$(count_of "$f" 'udp.checksum.status == "Bad" || ip.checksum.status == "Bad" || _ws.malformed' \
	-o udp.check_checksum:TRUE -o ip.check_checksum:TRUE "${da[@]}")
check "mixed file: no bad checksum or malformed packet ($bad)" test "$bad" = 0

# --- --count, --rate, --seed, --no-udp-checksum ------------------------------
"$gen" -o "$tmp/count.pcap" --count 777 --channels 3 2>/dev/null
check "--count 777 writes 777 frames" test "$(frames_of "$tmp/count.pcap")" = 777
"$gen" -o "$tmp/rate.pcap" --count 2001 --rate 1000 2>/dev/null
span=$(capinfos -u -M "$tmp/rate.pcap" 2>/dev/null | awk '/Capture duration/ {print $3}')
check "--rate 1000 --count 2001 spans 2 s (${span}s)" test "$span" = "2.000000"
"$gen" -o "$tmp/both.pcap" --count 100000 --duration 1 2>/dev/null
n=$(frames_of "$tmp/both.pcap")
check "--duration 1 stops before --count 100000 ($n)" test "$n" -gt 200 -a "$n" -lt 1000
"$gen" -o "$tmp/s1.pcap" --seed 9 --duration 1 --noise 50 2>/dev/null
"$gen" -o "$tmp/s2.pcap" --seed 9 --duration 1 --noise 50 2>/dev/null
"$gen" -o "$tmp/s3.pcap" --seed 10 --duration 1 --noise 50 2>/dev/null
check "same seed, identical files" cmp -s "$tmp/s1.pcap" "$tmp/s2.pcap"
check "another seed, another file" bash -c "! cmp -s '$tmp/s1.pcap' '$tmp/s3.pcap'"
"$gen" -o "$tmp/nocsum.pcap" --no-udp-checksum --duration 1 2>/dev/null
zero=$(count_of "$tmp/nocsum.pcap" 'udp.checksum == 0')
check "--no-udp-checksum leaves IPv4 UDP checksums 0 ($zero)" test "$zero" = "$(frames_of "$tmp/nocsum.pcap")"
"$gen" -o "$tmp/mac.pcap" --count 10 --src-mac 02:aa:bb:cc:dd:ee --dst-mac 0a:0b:0c:0d:0e:0f 2>/dev/null
macs=$(count_of "$tmp/mac.pcap" 'eth.src == 02:aa:bb:cc:dd:ee && eth.dst == 0a:0b:0c:0d:0e:0f')
check "--src-mac/--dst-mac ($macs of 10)" test "$macs" = 10
"$gen" -o "$tmp/nortcp.pcap" --no-rtcp --duration 2 2>/dev/null
check "--no-rtcp: no RTCP" test "$(count_of "$tmp/nortcp.pcap" rtcp -d udp.port==5004,rtp)" = 0

# --- bad arguments: non-zero exit and a message naming the problem -----------
bad_args() { # bad_args EXPECTED-WORD ARGS...
	local word=$1 rc
	shift
	"$gen" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	local what="rejects ${*//$tmp/TMP}"
	if [ "$rc" -ne 0 ] && grep -q -- "$word" "$tmp/err"; then
		ok "$what (exit $rc)"
	else
		not_ok "$what" "exit $rc, stderr: $(head -c 200 "$tmp/err")"
	fi
}
o=(-o "$tmp/bad.pcap") # shown as TMP/bad.pcap
bad_args "output" --count 5
bad_args "--channel" "${o[@]}" --channel 10.0.0.2
bad_args "--channel" "${o[@]}" --channel 10.0.0.2:0
bad_args "--channel" "${o[@]}" --channel 10.0.0.2:70000
bad_args "--channel" "${o[@]}" --channel fd00::2:5004
bad_args "--channel" "${o[@]}" --channel 10.0.0.999:5004
bad_args "--channel" "${o[@]}" --channel 10.0.0.2:5004/72/96
bad_args "--channel" "${o[@]}" --channel 10.0.0.2:5004/0
bad_args "exclusive" "${o[@]}" --channel 10.0.0.2:5004 --channels 2
bad_args "--noise" "${o[@]}" --noise 1000
bad_args "--audio-share" "${o[@]}" --audio-share 101
bad_args "--rate" "${o[@]}" --rate 0
bad_args "--duration" "${o[@]}" --duration -1
bad_args "--count" "${o[@]}" --count 12x
bad_args "--seed" "${o[@]}" --seed abc
bad_args "--src-mac" "${o[@]}" --src-mac 02:00:00:00:00
bad_args "--streams-per-channel" "${o[@]}" --streams-per-channel 0
bad_args "too large" "${o[@]}" --channels 2000 --streams-per-channel 8
bad_args "unknown" "${o[@]}" --bogus
bad_args "lacks" "${o[@]}" --noise
bad_args "unexpected" "${o[@]}" extra
bad_args "cannot write" -o "$tmp/no/such/dir/x.pcap" --count 1
check "no pcap left by rejected runs" test ! -e "$tmp/bad.pcap"
if "$gen" --help >"$tmp/help" 2>&1 && grep -q -- '--streams-per-channel' "$tmp/help"; then
	ok "--help exits 0 and explains the options"
else
	not_ok "--help exits 0 and explains the options"
fi

finish
