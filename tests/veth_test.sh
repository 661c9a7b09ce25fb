#!/usr/bin/env bash
# rtpseal on real kernel interfaces, between real RTP clients.
#
#   netns A: a0 10.99.0.1 <-veth-> a1 = rtpseal port 0 (clear)
#                                  b1 = rtpseal port 1 (cipher) <-veth-> b0 10.99.0.2 :netns B
#
# rtpseal drives a1 and b1 through DPDK's net_af_packet, so frames cross it
# as a bump in the wire (ARP passes through). Cases:
#   1. GStreamer plain RTP (Opus, VP8) from A is sealed; srtpdec in B, given
#      only the SRTP master key||salt, decodes >= 95 % of the frames sent
#      (AEAD_AES_128_GCM, then AEAD_AES_256_GCM).
#   2. GStreamer srtpenc in B sends SRTP to A; rtpseal opens it; a plain RTP
#      receiver in A decodes >= 95 % (AEAD_AES_128_GCM, then AES_256_GCM2,
#      whose key||salt the test derives independently with `openssl kdf`).
#      Both directions run at once; `rtpsealctl derive` (when built) must
#      print the same srtp-key and cipher as the test computed. The stats
#      JSON must show rx = tx + drops, no auth/replay drop, no mbuf left.
#   3. Two workers on two af_packet queue pairs (the kernel's PACKET_FANOUT
#      hash spreads flows like NIC RSS): rtpseal-gen traffic, 16 streams,
#      replayed into a0. Both workers carry traffic, every stream stays on
#      one worker (stream states created = distinct SSRCs), per-SSRC order is
#      intact on b0, and libsrtp (srtp_pcap_check) finds the capture on b0
#      byte-exact against the capture on a0, per stream. (srtp_pcap_check
#      on the raw captures expects IN's global order, which two workers
#      need not keep across streams: its verdict is printed as a note.)
#
# Needs root (netns, veth). Run by `make test` as BUILD=<build dir> bash
# tests/veth_test.sh; prints `ok - ...` / `not ok - ...` per case and ends
# with `N passed, N failed`. Every process runs under `timeout`; namespaces,
# veths, DPDK runtime files and temp files go away on exit, failure or not.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
rtpseal=$build/rtpseal
gen=$build/rtpseal-gen
check_tool=$build/tools/srtp_pcap_check
pcap_cmp=$build/tools/pcap_cmp

# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
# summary: `# runtime N s`, then `N passed, N failed` with no blank line before
RUNTIME_FROM=$SECONDS
SUMMARY_NO_BLANK=1

diag() { # diag FILE [LINES]: the end of a log, as comment lines
	[ -s "$1" ] || return 0
	tail -n "${2:-12}" "$1" | sed 's/^/#   /'
}

# --- prerequisites ------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	not_ok "running as root" "network namespaces and veth pairs need root (CI runs as root)"
	summary
	exit 1
fi
missing=""
for tool in ip timeout gst-launch-1.0 gst-inspect-1.0 tshark dumpcap editcap mergecap \
	capinfos tcpreplay openssl ss od base64 split; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
for element in audiotestsrc videotestsrc opusenc opusdec rtpopuspay rtpopusdepay vp8enc vp8dec \
	rtpvp8pay rtpvp8depay srtpenc srtpdec rtpjitterbuffer udpsrc udpsink audioconvert filesink; do
	gst-inspect-1.0 --exists "$element" 2>/dev/null || missing="$missing gst:$element"
done
for f in "$rtpseal" "$gen" "$check_tool" "$pcap_cmp"; do
	[ -x "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
	not_ok "prerequisites present" "missing:$missing (make deps; make)"
	summary
	exit 1
fi

# --- topology -----------------------------------------------------------------
tag=$$
ns_a=rsvA$tag
ns_b=rsvB$tag
a0=rva0$tag
a1=rva1$tag
b0=rvb0$tag
b1=rvb1$tag
ip_a=10.99.0.1
ip_b=10.99.0.2
prefix=rsveth$tag
dpdk_prefix "$prefix"
[ -n "${VETH_KEEP:-}" ] && KEEP_TMP=1 # keeps logs, captures and configs
make_tmp -t rs-veth.XXXXXX
chmod 700 "$tmp"

# shellcheck disable=SC2317 # run at exit by tests/lib.sh
suite_cleanup() {
	# only this shell's own background jobs that are still unreaped
	local p live
	live=$(jobs -p)
	for p in $live; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $live; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$ns_a" 2>/dev/null
	ip netns del "$ns_b" 2>/dev/null
	ip link del "$a1" 2>/dev/null
	ip link del "$b1" 2>/dev/null
}
trap 'exit 130' INT
# Every process has its own timeout; the watchdog bounds the whole script.
watchdog_s=170
trap 'not_ok "the test finishes within $watchdog_s s" "watchdog fired"; summary; exit 1' TERM
(
	trap 'kill "$sp" 2>/dev/null; exit 0' TERM
	sleep "$watchdog_s" &
	sp=$!
	wait "$sp"
	kill -TERM $$
) &

# Foreground only: a function run with & is a subshell, and a background
# subshell ignores SIGINT, so background jobs call ip netns exec directly
# (it execs, so $! is the timeout process, which forwards SIGINT). Those
# timeouts run with --foreground: otherwise timeout sends a forwarded signal
# to the child and again to its process group, and gst-launch -e, which
# handles only the first SIGINT (EOS), dies of the second with its
# filesink's last buffer unwritten.
in_a() { ip netns exec "$ns_a" "$@"; }
in_b() { ip netns exec "$ns_b" "$@"; }

setup_topology() {
	ip netns add "$ns_a" && ip netns add "$ns_b" &&
		ip link add "$a1" type veth peer name "$a0" netns "$ns_a" &&
		ip link add "$b1" type veth peer name "$b0" netns "$ns_b" || return 1
	local i
	# the rtpseal side: up, promiscuous, no address, no IPv6 chatter
	for i in "$a1" "$b1"; do
		[ -e /proc/sys/net/ipv6/conf/"$i" ] && sysctl -qw net.ipv6.conf."$i".disable_ipv6=1
		ip link set "$i" addrgenmode none 2>/dev/null
		ip link set "$i" promisc on up || return 1
	done
	for i in a b; do
		local ns=ns_$i dev=${i}0 addr=ip_$i
		ip netns exec "${!ns}" sh -c "
			[ -e /proc/sys/net/ipv6/conf/all ] &&
				sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
			ip link set lo up &&
			ip addr add ${!addr}/24 dev ${!dev} &&
			ip link set ${!dev} up" || return 1
	done
	# Kernel senders on veth leave UDP checksums to "offload" (partial). rtpseal
	# recomputes the checksum of every packet it seals or opens, so media is
	# fine either way; without offload the passthrough traffic is whole too.
	if command -v ethtool >/dev/null; then
		in_a ethtool -K "$a0" tx off rx off gso off tso off gro off >/dev/null 2>&1
		in_b ethtool -K "$b0" tx off rx off gso off tso off gro off >/dev/null 2>&1
	fi
	return 0
}

if setup_topology; then
	ok "namespaces $ns_a/$ns_b and veth pairs $a0-$a1, $b1-$b0 up"
else
	not_ok "namespaces and veth pairs up"
	summary
	exit 1
fi

# lcores: the main lcore mostly sleeps; workers busy-poll. On a small machine
# both workers share the last CPU so the clients and captures keep one.
mapfile -t cpu < <(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status |
	awk -F, '{for (i = 1; i <= NF; i++) {n = split($i, r, "-"); if (n == 1) print r[1]; else for (c = r[1]; c <= r[2]; c++) print c}}')
ncpu=${#cpu[@]}
cpu_main=${cpu[0]}
if [ "$ncpu" -ge 3 ]; then
	cpu_w1=${cpu[1]}
	cpu_w2=${cpu[2]}
else
	cpu_w1=${cpu[ncpu - 1]}
	cpu_w2=$cpu_w1
fi

# --- helpers ------------------------------------------------------------------
hexrand() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

json_flat() { # json_flat FILE: one path=value line per scalar (workers.0.rx_packets=12)
	awk '
	function ws() { while (pos <= n && index(" \t\r\n", substr(s, pos, 1))) pos++ }
	function str(   c, out) {
		pos++; out = ""
		while (pos <= n) {
			c = substr(s, pos, 1)
			if (c == "\\") { out = out substr(s, pos, 2); pos += 2; continue }
			pos++
			if (c == "\"") return out
			out = out c
		}
		return out
	}
	function val(path,   c, k, i, start) {
		ws(); c = substr(s, pos, 1)
		if (c == "{") {
			pos++; ws()
			if (substr(s, pos, 1) == "}") { pos++; return }
			while (pos <= n) {
				ws(); k = str(); ws(); pos++
				val(path == "" ? k : (path "." k))
				ws(); c = substr(s, pos, 1); pos++
				if (c != ",") return
			}
			return
		}
		if (c == "[") {
			pos++; ws()
			if (substr(s, pos, 1) == "]") { pos++; return }
			i = 0
			while (pos <= n) {
				val(path "." i); i++
				ws(); c = substr(s, pos, 1); pos++
				if (c != ",") return
			}
			return
		}
		if (c == "\"") { print path "=" str(); return }
		start = pos
		while (pos <= n && !index(",}] \t\r\n", substr(s, pos, 1))) pos++
		print path "=" substr(s, start, pos - start)
	}
	{ s = s $0 "\n" }
	END { n = length(s); pos = 1; val("") }' "$1"
}

fv() { # fv FLAT KEY: a value of a json_flat file (empty when absent)
	sed -n "s/^$2=//p" "$1" | head -n1
}

wait_for() { # wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds
	local deadline=$((SECONDS + $1)) rc # (status 2: give up at once)
	shift
	while :; do
		"$@"
		rc=$?
		[ "$rc" = 0 ] && return 0
		{ [ "$rc" = 2 ] || [ "$SECONDS" -ge "$deadline" ]; } && return 1
		sleep 0.1
	done
}

rs_pid=
rs_log=
rs_json=
rs_start() { # rs_start NAME CONF WORKERS QPAIRS: rtpseal in the background, until it runs
	local name=$1 conf=$2 workers=$3 qpairs=$4 lcores="0@$cpu_main,1@$cpu_w1"
	[ "$workers" = 2 ] && lcores="$lcores,2@$cpu_w2"
	rs_log=$tmp/$name.rtpseal.log
	rs_json=$tmp/$name.stats.json
	: >"$rs_log" # exists before rs_ready looks
	timeout --foreground -k 10 -s INT 100 "$rtpseal" --lcores "$lcores" --no-huge -m 512 --no-pci \
		--file-prefix "$prefix-$name" \
		--vdev "net_af_packet0,iface=$a1,qpairs=$qpairs" \
		--vdev "net_af_packet1,iface=$b1,qpairs=$qpairs" -- \
		-c "$conf" --stats-json "$rs_json" --stats-interval 0 >>"$rs_log" 2>&1 &
	rs_pid=$!
	wait_for 20 rs_ready
}

rs_ready() {
	grep -q 'worker.* running' "$rs_log" && return 0
	kill -0 "$rs_pid" 2>/dev/null || return 2
	return 1
}

rs_stop() { # rs_stop: SIGINT, wait; sets rs_rc. rtpseal must stop within 8 s.
	local child
	kill -INT "$rs_pid" 2>/dev/null
	if ! wait_for 8 rs_gone; then
		note "rtpseal still runs 8 s after SIGINT ($rs_log); killing it"
		child=$(cat /proc/"$rs_pid"/task/*/children 2>/dev/null | awk '{print $1}')
		if [ -n "$child" ] && command -v gdb >/dev/null; then
			timeout 20 gdb -p "$child" -batch -ex 'thread apply all bt' 2>&1 |
				grep -E '^(Thread|#)' | head -n 40 | sed 's/^/#   /'
		fi
	fi
	wait "$rs_pid"
	rs_rc=$?
}

rs_gone() { kill -0 "$rs_pid" 2>/dev/null && return 1 || return 0; }

# Counters every run must satisfy: exit 0, rx = tx + drops, no crypto-side
# drop, no mbuf left.
rs_stats_ok() { # rs_stats_ok FLAT: empty output when fine, else what is wrong
	local f=$1 rx tx dt r v bad=""
	[ "$rs_rc" = 0 ] || bad="$bad exit status $rs_rc;"
	[ -s "$f" ] || {
		echo "no stats JSON"
		return
	}
	rx=$(fv "$f" rx_packets)
	tx=$(fv "$f" tx_packets)
	dt=$(fv "$f" drops_total)
	[ -n "$rx" ] && [ -n "$tx" ] && [ -n "$dt" ] && [ "$rx" = $((tx + dt)) ] ||
		bad="$bad rx $rx != tx $tx + drops $dt;"
	for r in auth_fail replay stale_seq malformed no_tailroom multiseg tx_full internal; do
		v=$(fv "$f" "drops.$r")
		[ -z "$v" ] || [ "$v" = 0 ] || bad="$bad drops.$r = $v;"
	done
	v=$(fv "$f" mbufs_in_use)
	[ "$v" = 0 ] || bad="$bad mbufs_in_use = ${v:-absent};"
	echo "$bad"
}

bound() { # bound NS PORT: a UDP socket is bound to PORT in netns NS
	[ -n "$(ip netns exec "$1" ss -Hlun "sport = :$2" 2>/dev/null)" ]
}

all_bound() {
	bound "$ns_a" 5004 && bound "$ns_a" 5006 && bound "$ns_b" 5004 && bound "$ns_b" 5006
}

capturing() { grep -q "Capturing on" "$1" 2>/dev/null && return 0 || return 1; }

# --- cases 1 and 2: GStreamer through rtpseal, both directions at once -------
n_audio=150 # 20 ms Opus frames: 3 s
n_video=90  # VP8 frames, 30 fps: 3 s
width=320
height=240
ssrc_a2b_audio=286326785
ssrc_a2b_video=572662306
ssrc_b2a_audio=858993459
ssrc_b2a_video=1145324612

# srtp_caps GST_CIPHER KEYSALT_HEX SSRC: the SRTP fields of srtpdec's caps
srtp_caps() {
	echo "ssrc=(uint)$3,srtp-key=(buffer)$2,srtp-cipher=(string)$1,srtp-auth=(string)null,srtcp-cipher=(string)$1,srtcp-auth=(string)null,roc=(uint)0"
}

# ctl_derive_check RUN CHANNEL MODE KEY SALT KEYSALT GST_CIPHER: `rtpsealctl
# derive` hands GStreamer the key||salt and cipher this test computed itself.
ctl_derive_check() {
	local ctl=$build/rtpsealctl out ks cipher
	if [ ! -x "$ctl" ]; then
		note "$1: $ctl not built: derive not checked"
		return
	fi
	# the key through stdin, out of the process list
	out=$(printf '%s\n' "$4" | "$ctl" derive --mode "$3" --key - --salt "$5" 2>&1)
	ks=$(sed -n 's/.*srtp-key=(buffer)\([0-9A-Fa-f]*\).*/\1/p' <<<"$out" | tr 'A-F' 'a-f')
	cipher=$(sed -n 's/.* srtp-cipher=\([a-z0-9-]*\).*/\1/p' <<<"$out")
	if [ -n "$6" ] && [ "$ks" = "$6" ] && [ "$cipher" = "$7" ]; then
		ok "$1: rtpsealctl derive gives channel $2 ($3) the srtp-key and cipher computed here"
	else
		not_ok "$1: rtpsealctl derive gives channel $2 ($3) the srtp-key and cipher computed here" \
			"cipher '$cipher', srtp-key $([ "$ks" = "$6" ] && echo equal || echo differs)"
	fi
}

# media_run NAME SEAL_MODE SEAL_KEY SEAL_SALT OPEN_MODE OPEN_KEY OPEN_SALT
#           SEAL_GST_KEYSALT SEAL_GST_CIPHER OPEN_GST_KEYSALT OPEN_GST_CIPHER
# A -> B is sealed with channel "to-b" (SEAL_*), B -> A opened with channel
# "to-a" (OPEN_*, key in a key file).
media_run() {
	local name=$1 seal_mode=$2 seal_key=$3 seal_salt=$4 open_mode=$5 open_key=$6 open_salt=$7
	local seal_ks=$8 seal_cipher=$9 open_ks=${10} open_cipher=${11}
	local d=$tmp/$name conf keyfile
	mkdir -p "$d"
	conf=$d/rtpseal.conf
	keyfile=$d/to-a.key
	(
		umask 077
		printf '%s\n' "$open_key" >"$keyfile"
	)
	cat >"$conf" <<EOF
[general]
non_media = pass
no_channel = drop

[port 0]
role = clear
peer = 1

[port 1]
role = cipher
peer = 0

[channel to-b]
mode = $seal_mode
key = $seal_key
salt = $seal_salt
match = $ip_b:5004, $ip_b:5006
audio_pt = 111
video_pt = 96

[channel to-a]
mode = $open_mode
key_file = $keyfile
salt = $open_salt
match = $ip_a:5004, $ip_a:5006
audio_pt = 111
video_pt = 96
EOF
	ctl_derive_check "$name" to-b "$seal_mode" "$seal_key" "$seal_salt" "$seal_ks" "$seal_cipher"
	ctl_derive_check "$name" to-a "$open_mode" "$open_key" "$open_salt" "$open_ks" "$open_cipher"

	if rs_start "$name" "$conf" 1 1; then
		ok "$name: rtpseal runs (1 worker, af_packet on $a1 and $b1)"
	else
		not_ok "$name: rtpseal runs" "see below"
		diag "$rs_log"
		kill -INT "$rs_pid" 2>/dev/null
		wait "$rs_pid" 2>/dev/null
		return
	fi

	# ARP goes through rtpseal like any non-media frame
	in_a bash -c "echo arp > /dev/udp/$ip_b/9" 2>/dev/null
	if wait_for 5 sh -c "ip netns exec $ns_a ip neigh show $ip_b dev $a0 | grep -q lladdr"; then
		ok "$name: ARP between the namespaces passes through rtpseal"
	else
		not_ok "$name: ARP between the namespaces passes through rtpseal"
	fi

	local raw_audio="audio/x-raw,format=S16LE,rate=48000,channels=1"
	local raw_video="video/x-raw,format=I420,width=$width,height=$height"
	local acaps="media=(string)audio,clock-rate=(int)48000,encoding-name=(string)OPUS,payload=(int)111"
	local vcaps="media=(string)video,clock-rate=(int)90000,encoding-name=(string)VP8,payload=(int)96"

	# receivers: SRTP in B (srtpdec), plain RTP in A
	local dec_audio=(rtpjitterbuffer latency=300 ! rtpopusdepay ! opusdec ! audioconvert ! "$raw_audio")
	local dec_video=(rtpjitterbuffer latency=300 ! rtpvp8depay ! vp8dec ! "$raw_video")
	local rx_b_pipe=(
		udpsrc port=5004
		caps="application/x-srtp,$acaps,$(srtp_caps "$seal_cipher" "$seal_ks" $ssrc_a2b_audio)"
		! srtpdec ! "${dec_audio[@]}" ! filesink location="$d/b_audio.raw"
		udpsrc port=5006
		caps="application/x-srtp,$vcaps,$(srtp_caps "$seal_cipher" "$seal_ks" $ssrc_a2b_video)"
		! srtpdec ! "${dec_video[@]}" ! filesink location="$d/b_video.raw"
	)
	local rx_a_pipe=(
		udpsrc port=5004 caps="application/x-rtp,$acaps"
		! "${dec_audio[@]}" ! filesink location="$d/a_audio.raw"
		udpsrc port=5006 caps="application/x-rtp,$vcaps"
		! "${dec_video[@]}" ! filesink location="$d/a_video.raw"
	)
	ip netns exec "$ns_b" timeout --foreground -k 5 -s INT 40 gst-launch-1.0 -e "${rx_b_pipe[@]}" >"$d/rx_b.log" 2>&1 &
	local rx_b=$!
	ip netns exec "$ns_a" timeout --foreground -k 5 -s INT 40 gst-launch-1.0 -e "${rx_a_pipe[@]}" >"$d/rx_a.log" 2>&1 &
	local rx_a=$!
	if ! wait_for 10 all_bound; then
		note "$name: a receiver did not bind its ports in time"
	fi

	# senders: plain RTP from A, SRTP (srtpenc) from B, at the same time
	local asrc=(audiotestsrc "num-buffers=$n_audio" samplesperbuffer=960 wave=sine
		! "audio/x-raw,rate=48000,channels=1" ! opusenc ! rtpopuspay pt=111)
	local vsrc=(videotestsrc "num-buffers=$n_video" pattern=ball
		! "video/x-raw,width=$width,height=$height,framerate=30/1"
		! vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay pt=96)
	local srtpenc=(srtpenc "rtp-cipher=$open_cipher" rtp-auth=null "rtcp-cipher=$open_cipher"
		rtcp-auth=null "key=$open_ks")
	local tx_a_pipe=(
		"${asrc[@]}" "ssrc=$ssrc_a2b_audio" ! udpsink "host=$ip_b" port=5004
		"${vsrc[@]}" "ssrc=$ssrc_a2b_video" ! udpsink "host=$ip_b" port=5006
	)
	local tx_b_pipe=(
		"${asrc[@]}" "ssrc=$ssrc_b2a_audio" ! "${srtpenc[@]}" ! udpsink "host=$ip_a" port=5004
		"${vsrc[@]}" "ssrc=$ssrc_b2a_video" ! "${srtpenc[@]}" ! udpsink "host=$ip_a" port=5006
	)
	ip netns exec "$ns_a" timeout -k 5 20 gst-launch-1.0 -q "${tx_a_pipe[@]}" >"$d/tx_a.log" 2>&1 &
	local tx_a=$!
	ip netns exec "$ns_b" timeout -k 5 20 gst-launch-1.0 -q "${tx_b_pipe[@]}" >"$d/tx_b.log" 2>&1 &
	local tx_b=$!
	local tx_a_rc tx_b_rc
	wait "$tx_a"
	tx_a_rc=$?
	wait "$tx_b"
	tx_b_rc=$?
	[ "$tx_a_rc" = 0 ] || {
		note "$name: sender in A exited $tx_a_rc"
		diag "$d/tx_a.log"
	}
	[ "$tx_b_rc" = 0 ] || {
		note "$name: sender in B exited $tx_b_rc"
		diag "$d/tx_b.log"
	}
	sleep 1 # the last packets, and the jitter buffers' latency
	kill -INT "$rx_a" "$rx_b" 2>/dev/null
	local rx_rc
	wait "$rx_a"
	rx_rc=$?
	[ "$rx_rc" = 0 ] || note "$name: receiver in A exited $rx_rc after SIGINT (EOS)"
	wait "$rx_b"
	rx_rc=$?
	[ "$rx_rc" = 0 ] || note "$name: receiver in B exited $rx_rc after SIGINT (EOS)"
	rs_stop

	# decoded frames against frames sent, >= 95 %
	local side what file unit want got label
	for side in b a; do
		for what in audio video; do
			file=$d/${side}_$what.raw
			if [ "$what" = audio ]; then
				unit=$((960 * 2)) # one 20 ms frame of S16LE mono
				want=$n_audio
			else
				unit=$((width * height * 3 / 2))
				want=$n_video
			fi
			got=$(($(stat -c %s "$file" 2>/dev/null || echo 0) / unit))
			if [ "$side" = b ]; then
				label="$name: seal $seal_mode: srtpdec in B decodes $what ($got of $want frames)"
			else
				label="$name: open $open_mode: srtpenc in B -> rtpseal -> A decodes $what ($got of $want frames)"
			fi
			if [ $((got * 100)) -ge $((want * 95)) ]; then
				ok "$label"
			else
				not_ok "$label" "below 95 %"
				diag "$d/rx_$side.log" 6
			fi
		done
	done

	local flat=$d/stats.flat bad sealed opened audio video
	json_flat "$rs_json" >"$flat" 2>/dev/null
	bad=$(rs_stats_ok "$flat")
	sealed=$(fv "$flat" sealed_packets)
	opened=$(fv "$flat" opened_packets)
	audio=$(fv "$flat" audio_packets)
	video=$(fv "$flat" video_packets)
	# every Opus frame is one packet, every VP8 frame at least one; both ways
	[ "${audio:-0}" -ge $((2 * n_audio * 95 / 100)) ] || bad="$bad audio_packets $audio;"
	[ "${video:-0}" -ge $((2 * n_video * 95 / 100)) ] || bad="$bad video_packets $video;"
	[ "${sealed:-0}" -ge $(((n_audio + n_video) * 95 / 100)) ] || bad="$bad sealed_packets $sealed;"
	[ "${opened:-0}" -ge $(((n_audio + n_video) * 95 / 100)) ] || bad="$bad opened_packets $opened;"
	if [ -z "$bad" ]; then
		ok "$name: stats: exit 0, rx = tx + drops, no auth/replay drops, no mbuf left (sealed $sealed, opened $opened, audio $audio, video $video)"
	else
		not_ok "$name: stats" "$bad"
		diag "$rs_log"
	fi
}

# Run 1: AEAD_AES_128_GCM both ways.
k1=$(hexrand 16)
s1=$(hexrand 12)
k2=$(hexrand 16)
s2=$(hexrand 12)
media_run aead128 AEAD_AES_128_GCM "$k1" "$s1" AEAD_AES_128_GCM "$k2" "$s2" \
	"$k1$s1" aes-128-gcm "$k2$s2" aes-128-gcm

# Run 2: AEAD_AES_256_GCM sealed; AES_256_GCM2 (the SDK's key string +
# 32-byte salt) opened, its SRTP master key||salt derived here with OpenSSL's
# HKDF (RFC 5869; info "rtpseal AES_256_GCM2", 32 + 12 bytes) for srtpenc.
k3=$(hexrand 32)
s3=$(hexrand 12)
gcm2_key=$(hexrand 32)
gcm2_salt=$(head -c 32 /dev/urandom | base64 -w0)
gcm2_salt_hex=$(printf %s "$gcm2_salt" | base64 -d | od -An -tx1 -v | tr -d ' \n')
gcm2_ks=$(openssl kdf -keylen 44 -kdfopt digest:SHA256 -kdfopt "key:$gcm2_key" \
	-kdfopt "hexsalt:$gcm2_salt_hex" -kdfopt "info:rtpseal AES_256_GCM2" HKDF 2>/dev/null |
	tr -d ':\n' | tr 'A-F' 'a-f')
if [ "${#gcm2_ks}" != 88 ]; then
	not_ok "openssl kdf derives the AES_256_GCM2 key||salt" "got '${gcm2_ks}'"
fi
media_run gcm256 AEAD_AES_256_GCM "$k3" "$s3" AES_256_GCM2 "$gcm2_key" "$gcm2_salt" \
	"$k3$s3" aes-256-gcm "$gcm2_ks" aes-256-gcm

# --- case 3: two workers, many flows ------------------------------------------
two_workers() {
	local d=$tmp/two conf pcap n_gen
	mkdir -p "$d"
	conf=$d/rtpseal.conf
	pcap=$d/gen.pcap
	local g1k g1s g2k g2s
	g1k=$(hexrand 16)
	g1s=$(hexrand 12)
	g2k=$(hexrand 32)
	g2s=$(head -c 32 /dev/urandom | base64 -w0)
	cat >"$conf" <<EOF
[port 0]
role = clear
peer = 1

[port 1]
role = cipher
peer = 0

[channel g1]
mode = AEAD_AES_128_GCM
key = $g1k
salt = $g1s
match = $ip_b:6000
audio_pt = 111
video_pt = 96

[channel g2]
mode = AES_256_GCM2
key = $g2k
salt = $g2s
match = $ip_b:6002
video_pt = 97
EOF
	# 16 streams, each its own UDP source port and SSRC, RTCP muxed: 2 s,
	# about 1300 frames/s. MACs are not b0's, so B's stack ignores them.
	if ! "$gen" -o "$pcap" --channel "$ip_b:6000/111/96" --channel "$ip_b:6002/0/97" \
		--streams-per-channel 8 --duration 2 --seed 7 2>"$d/gen.log"; then
		not_ok "two workers: rtpseal-gen writes the input" "$(cat "$d/gen.log")"
		return
	fi
	n_gen=$(capinfos -c -M "$pcap" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')

	if rs_start two "$conf" 2 2; then
		ok "two workers: rtpseal runs (2 workers, qpairs=2, lcores 1@$cpu_w1 2@$cpu_w2)"
	else
		not_ok "two workers: rtpseal runs" "see below"
		diag "$rs_log"
		kill -INT "$rs_pid" 2>/dev/null
		wait "$rs_pid" 2>/dev/null
		return
	fi
	ip netns exec "$ns_a" timeout --foreground -k 5 -s INT 40 dumpcap -q -P -i "$a0" -f udp -w "$d/a0.pcap" >"$d/cap_a.log" 2>&1 &
	local cap_a=$!
	ip netns exec "$ns_b" timeout --foreground -k 5 -s INT 40 dumpcap -q -P -i "$b0" -f udp -w "$d/b0.pcap" >"$d/cap_b.log" 2>&1 &
	local cap_b=$!
	if ! wait_for 15 capturing "$d/cap_a.log" || ! wait_for 15 capturing "$d/cap_b.log"; then
		note "two workers: a capture did not start in time"
	fi
	sleep 0.3
	in_a timeout -k 5 20 tcpreplay -i "$a0" "$pcap" >"$d/tcpreplay.log" 2>&1
	local replay_rc=$?
	sleep 1
	kill -INT "$cap_a" "$cap_b" 2>/dev/null
	wait "$cap_a"
	wait "$cap_b"
	rs_stop

	local sent
	sent=$(sed -n 's/.*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$d/tcpreplay.log")
	if [ "$replay_rc" = 0 ] && [ -n "$n_gen" ] && [ "$sent" = "$n_gen" ] &&
		"$pcap_cmp" "$pcap" "$d/a0.pcap" >"$d/cmp.log" 2>&1; then
		ok "two workers: tcpreplay sent all $n_gen frames into $a0, captured there unchanged"
	else
		not_ok "two workers: tcpreplay sent all ${n_gen:-?} frames into $a0, captured unchanged" \
			"rc $replay_rc, sent ${sent:-?}; $(head -n2 "$d/cmp.log" | tr '\n' ' ')"
		diag "$d/tcpreplay.log" 5
	fi

	local flat=$d/stats.flat bad sealed w0 w1 st0 st1 nw
	json_flat "$rs_json" >"$flat" 2>/dev/null
	bad=$(rs_stats_ok "$flat")
	sealed=$(fv "$flat" sealed_packets)
	[ "$sealed" = "$n_gen" ] || bad="$bad sealed_packets $sealed of $n_gen;"
	[ "$(fv "$flat" drops_total)" = 0 ] || bad="$bad drops_total $(fv "$flat" drops_total);"
	if [ -z "$bad" ]; then
		ok "two workers: stats: exit 0, all $n_gen frames sealed, no drop, no mbuf left"
	else
		not_ok "two workers: stats" "$bad"
		diag "$rs_log"
	fi

	# per-worker counters: the "workers" array of --stats-json
	nw=$(grep -c '^workers\.[0-9]*\.lcore=' "$flat")
	w0=$(fv "$flat" workers.0.rx_packets)
	w1=$(fv "$flat" workers.1.rx_packets)
	if [ "$nw" = 2 ] && [ "${w0:-0}" -gt 0 ] && [ "${w1:-0}" -gt 0 ] &&
		[ "$(fv "$flat" workers.0.sealed_packets)" -gt 0 ] &&
		[ "$(fv "$flat" workers.1.sealed_packets)" -gt 0 ]; then
		ok "two workers: both workers carried traffic (rx $w0 and $w1)"
	else
		not_ok "two workers: both workers carried traffic" \
			"workers in JSON: $nw, rx ${w0:-absent} and ${w1:-absent}"
	fi

	# One stream state per (channel, SSRC, direction) and worker: a stream
	# whose packets reached both workers would be created twice.
	local fields=(-d "udp.port==6000,rtp" -d "udp.port==6002,rtp" -T fields -E occurrence=f
		-e rtp.ssrc -e rtp.seq -e rtcp.senderssrc)
	tshark -r "$d/a0.pcap" "${fields[@]}" 2>/dev/null >"$d/a0.fields"
	tshark -r "$d/b0.pcap" "${fields[@]}" 2>/dev/null >"$d/b0.fields"
	local n_ssrc
	n_ssrc=$(awk -F'\t' '{print ($1 != "" ? $1 : $3)}' "$d/a0.fields" | sort -u | grep -c .)
	st0=$(fv "$flat" workers.0.streams)
	st1=$(fv "$flat" workers.1.streams)
	if [ "$n_ssrc" -ge 16 ] && [ -n "$st0" ] && [ -n "$st1" ] && [ $((st0 + st1)) = "$n_ssrc" ]; then
		ok "two workers: every stream stayed on one worker ($n_ssrc SSRCs, stream states $st0 + $st1)"
	else
		not_ok "two workers: every stream stayed on one worker" \
			"$n_ssrc SSRCs in the input, stream states per worker ${st0:-absent} + ${st1:-absent}"
	fi

	# per SSRC, the output carries the input's RTP sequence numbers in order
	awk -F'\t' '$2 != "" {print $1, $2}' "$d/a0.fields" | sort -s -k1,1 >"$d/a0.order"
	awk -F'\t' '$2 != "" {print $1, $2}' "$d/b0.fields" | sort -s -k1,1 >"$d/b0.order"
	local n_rtp
	n_rtp=$(grep -c . "$d/a0.order")
	if [ "$n_rtp" -gt 0 ] && cmp -s "$d/a0.order" "$d/b0.order"; then
		ok "two workers: per-SSRC order intact on $b0 ($n_rtp RTP packets)"
	else
		not_ok "two workers: per-SSRC order intact on $b0" \
			"$(diff "$d/a0.order" "$d/b0.order" | head -n4 | tr '\n' ' ')"
	fi

	local keys=(--key "$ip_b:6000=AEAD_AES_128_GCM:$g1k:$g1s"
		--key "$ip_b:6002=AES_256_GCM2:$g2k:$g2s")
	# srtp_pcap_check walks OUT in IN's order: across streams, two workers
	# may legitimately interleave differently. Informative only.
	if "$check_tool" --in "$d/a0.pcap" --out "$d/b0.pcap" "${keys[@]}" >"$d/check_raw.log" 2>&1; then
		note "srtp_pcap_check on the raw captures: pass (no cross-stream reordering this time)"
	else
		note "srtp_pcap_check on the raw captures:$(grep -m1 'FAIL' "$d/check_raw.log" | sed 's/^ *FAIL: */ /') (streams interleave differently after 2 workers: expected)"
	fi
	# The same check per stream: both captures regrouped by UDP source port,
	# each stream's frames in capture order.
	if group_by_flow "$d/a0.pcap" "$d/a0.grouped.pcap" && group_by_flow "$d/b0.pcap" "$d/b0.grouped.pcap" &&
		"$check_tool" --in "$d/a0.grouped.pcap" --out "$d/b0.grouped.pcap" "${keys[@]}" >"$d/check.log" 2>&1 &&
		[ "$(sed -n 's/.*sealed verified:[[:space:]]*\([0-9]*\).*/\1/p' "$d/check.log")" = "$n_gen" ]; then
		ok "two workers: libsrtp opens every stream byte-exact, in order ($(sed -n 's/.*sealed verified:[[:space:]]*//p' "$d/check.log"))"
	else
		not_ok "two workers: libsrtp opens every stream byte-exact, in order"
		diag "$d/check.log" 20
	fi
}

# group_by_flow IN OUT: OUT holds IN's frames grouped by UDP source port
# (ascending), each group in capture order. editcap keeps at most 512
# selections per call, hence the chunks.
group_by_flow() {
	local in=$1 out=$2 g port sel
	g=$(mktemp -d -p "$tmp")
	tshark -r "$in" -T fields -e frame.number -e udp.srcport 2>/dev/null >"$g/table" || return 1
	awk '$2 != "" {print $2}' "$g/table" | sort -n -u | while read -r port; do
		awk -v p="$port" '$2 == p {print $1}' "$g/table" |
			split -l 500 - "$g/sel.$(printf %05d "$port")."
	done
	for sel in "$g"/sel.*; do
		# shellcheck disable=SC2046
		editcap -r -F pcap "$in" "$g/part.${sel##*/sel.}.pcap" $(cat "$sel") || return 1
	done
	mergecap -a -F pcap -w "$out" "$g"/part.*.pcap
}

two_workers

summary
