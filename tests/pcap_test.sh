#!/usr/bin/env bash
# rtpseal end to end, pcap in -> pcap out on two net_pcap ports (port 0
# clear, port 1 cipher), judged by independent tools: srtp_pcap_check
# (libsrtp2 decrypts what rtpseal sealed / checks what it opened), pcap_cmp
# (byte-identical round trips) and the --stats-json counters (every case:
# rx = tx + drops, no mbuf in use at exit, every drop reason not expected
# is 0).
#
#   1. the shared SIPp captures (G.711 A-law, RFC 2833 DTMF) sealed
#   2. rtpseal-gen mixes (RTP, RTCP, STUN, DTLS, ARP; IPv4 and IPv6; a
#      channel in every mode, a wildcard match) sealed
#   3. round trip in every mode: seal, open, byte-identical to the input
#   4. bad traffic (tests/tools/badpcap.c): each kind counted under its one
#      drop reason, exactly, and the rest still sealed/opened correctly
#   5. config errors: exit non-zero before any port starts, a message naming
#      file, section and key without key material; loose key-file modes
#
# Run by `make test` as `BUILD=<build dir> bash tests/pcap_test.sh` from
# the repo root (RS_SHARED names ../shared). Ends with `N passed, N failed`.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
shared=${RS_SHARED:-../shared}
rtpseal=$build/rtpseal
gen=$build/rtpseal-gen
check=$build/tools/srtp_pcap_check
cmp=$build/tools/pcap_cmp
bad=$build/tools/badpcap

# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
make_tmp -t rs-pcap.XXXXXX # KEEP_TMP=1 keeps it for a post-mortem
prefix=rs-pcap-$$
dpdk_prefix "$prefix"
runs=0

# ---- running rtpseal ---------------------------------------------------------

# rs_run NAME CONF RX0 RX1: rtpseal on two net_pcap ports, RX from the given
# captures (empty: a port without RX, net_pcap's dummy queue), TX into
# $tmp/NAME.p0.pcap and $tmp/NAME.p1.pcap; stats in $tmp/NAME.json, output
# in $tmp/NAME.log. Returns rtpseal's exit status (124: timed out).
rs_run() {
	local name=$1 conf=$2 rx0=$3 rx1=$4
	local v0="net_pcap0,tx_pcap=$tmp/$name.p0.pcap" v1="net_pcap1,tx_pcap=$tmp/$name.p1.pcap"
	[ -n "$rx0" ] && v0="net_pcap0,rx_pcap=$rx0,tx_pcap=$tmp/$name.p0.pcap"
	[ -n "$rx1" ] && v1="net_pcap1,rx_pcap=$rx1,tx_pcap=$tmp/$name.p1.pcap"
	runs=$((runs + 1))
	rm -f "$tmp/$name.json"
	diag+=("$tmp/$name.log")
	local rc=0
	timeout 60 "$rtpseal" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix-$runs" \
		--vdev "$v0" --vdev "$v1" -- -c "$conf" --exit-on-idle 300 \
		--stats-json "$tmp/$name.json" --stats-interval 0 >"$tmp/$name.log" 2>&1 || rc=$?
	# a SAN=1 build reports here (ASan exits 1 like a config error would)
	sanitizer_check "$tmp/$name.log"
	return "$rc"
}

# run_ok NAME CONF RX0 RX1: rs_run, a failure unless it exits 0
run_ok() {
	local rc=0
	rs_run "$@" || rc=$?
	[ "$rc" = 0 ] || fail "rtpseal exited $rc"
	return "$rc"
}

# stats_ok (tests/lib.sh): every reason of DROP_REASONS not named must be 0
# (and be in the JSON); nothing may be left unread on RX at exit
STATS_REASONS=("${DROP_REASONS[@]}")
stats_more() {
	[ "${S[unread_at_exit]:-missing}" = 0 ] || fail "unread_at_exit ${S[unread_at_exit]:-missing}"
}

# check_ok NAME ARGS...: srtp_pcap_check passes; its report in $tmp/NAME.check
check_ok() {
	local name=$1
	shift
	diag+=("$tmp/$name.check")
	local f=$tmp/$name.check d first
	if ! timeout 60 "$check" "$@" >"$f" 2>&1; then
		d=$(sed -n 's/^ *dropped: *\([0-9]* (expected [0-9]*)\).*/\1/p' "$f")
		if [ -z "$d" ]; then
			fail "srtp_pcap_check: $(head -n1 "$f")"
			return 1
		fi
		first=$(grep -m1 '^ *in [#-]' "$f" | sed 's/^ *//')
		fail "srtp_pcap_check: dropped $d, $(check_field "$name" mismatches) mismatches${first:+, first: $first}"
		return 1
	fi
}

# check_field NAME FIELD: a number from srtp_pcap_check's human report
# (0 for a line it leaves out, as it does "udp checksum zero" when none)
check_field() {
	local v
	v=$(sed -n "s/^ *$2: *\([0-9]*\).*/\1/p" "$tmp/$1.check" | head -n1)
	echo "${v:-0}"
}

same_pcap() { # same_pcap A B: pcap_cmp says identical
	if ! "$cmp" "$1" "$2" >"$tmp/cmp.out" 2>&1; then
		fail "$(head -c 300 "$tmp/cmp.out" | tr '\n' ' ')"
		return 1
	fi
}

frames_of() { # number of frames in a capture, by pcap_cmp against itself
	"$cmp" "$1" "$1" 2>/dev/null | grep -o '[0-9]\+' | head -n1
}

# ---- configs -----------------------------------------------------------------

# conf_begin FILE: [general] and the two ports
conf_begin() {
	cat >"$1" <<EOF
[general]
replay_window = 1024

[port 0]
role = clear
peer = 1

[port 1]
role = cipher
peer = 0
EOF
}

# conf_channel FILE NAME MODE KEY SALT MATCH [AUDIO_PT VIDEO_PT]: KEY "@PATH"
# is a key_file; an empty SALT writes no salt line
conf_channel() {
	local f=$1 name=$2 mode=$3 key=$4 salt=$5 match=$6 apt=${7:-} vpt=${8:-}
	{
		printf '\n[channel %s]\nmode = %s\n' "$name" "$mode"
		if [ "${key#@}" != "$key" ]; then
			printf 'key_file = %s\n' "${key#@}"
		else
			printf 'key = %s\n' "$key"
		fi
		[ -n "$salt" ] && printf 'salt = %s\n' "$salt"
		printf 'match = %s\n' "$match"
		[ -n "$apt" ] && printf 'audio_pt = %s\n' "$apt"
		[ -n "$vpt" ] && printf 'video_pt = %s\n' "$vpt"
	} >>"$f"
}

# key_spec MATCH MODE KEY SALT: srtp_pcap_check's --key argument
key_spec() {
	if [ -n "$4" ]; then
		printf '%s=%s:%s:%s' "$1" "$2" "$3" "$4"
	else
		printf '%s=%s:%s' "$1" "$2" "$3"
	fi
}

# ---- prerequisites -----------------------------------------------------------

need_files -x "$rtpseal" "$check" "$cmp" "$bad"
need_cmds "(make deps)" openssl python3 tshark
prerequisites_met

# Key material of every mode (DESIGN §3), fresh each run. VARIANTS name
# the ways a channel's key is given; MODE/KEY/SALT describe each.
VARIANTS=(aead128 aead256 aead256-inline gcm2-128 gcm2-256 gcm-128 gcm-256)
declare -A MODE KEY SALT
MODE[aead128]=AEAD_AES_128_GCM
KEY[aead128]=$(openssl rand -hex 16)
SALT[aead128]=$(openssl rand -hex 12)
MODE[aead256]=AEAD_AES_256_GCM
KEY[aead256]=$(openssl rand -hex 32)
SALT[aead256]=$(openssl rand -hex 12)
MODE[aead256-inline]=AEAD_AES_256_GCM
KEY[aead256-inline]=inline:$(openssl rand -base64 44)
SALT[aead256-inline]=
MODE[gcm2-128]=AES_128_GCM2
KEY[gcm2-128]=$(openssl rand -hex 32)
SALT[gcm2-128]=$(openssl rand -base64 32)
MODE[gcm2-256]=AES_256_GCM2
KEY[gcm2-256]=$(openssl rand -hex 32)
SALT[gcm2-256]=$(openssl rand -base64 32)
MODE[gcm-128]=AES_128_GCM
KEY[gcm-128]=$(openssl rand -hex 32)
SALT[gcm-128]=
MODE[gcm-256]=AES_256_GCM
KEY[gcm-256]=$(openssl rand -hex 32)
SALT[gcm-256]=
# GCM2 with the salt as 64 hex digits (case 2 only)
MODE[gcm2-hexsalt]=AES_256_GCM2
KEY[gcm2-hexsalt]=$(openssl rand -hex 32)
SALT[gcm2-hexsalt]=$(openssl rand -hex 32)

# ---- 1. the shared SIPp captures -----------------------------------------------

# udp_dst PCAP: "ADDR:PORT" of the capture's (single) UDP destination, by tshark
udp_dst() {
	tshark -r "$1" -T fields -e ip.dst -e udp.dstport -Y udp 2>/dev/null |
		sort -u | awk 'NR == 1 {print $1 ":" $2}'
}

g711=$shared/pcap/sipp-g711a.pcap
dtmf=$shared/pcap/sipp-dtmf-2833.pcap
v=gcm2-128
n='?' dst='?'
if [ -r "$g711" ]; then
	dst=$(udp_dst "$g711") # 10.1.6.18:2006
	n=$(frames_of "$g711")
	conf_begin "$tmp/g711.conf"
	conf_channel "$tmp/g711.conf" sipp "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}" "$dst"
	if run_ok g711 "$tmp/g711.conf" "$g711" ""; then
		check_ok g711 --in "$g711" --out "$tmp/g711.p1.pcap" \
			--key "$(key_spec "$dst" "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}")" &&
			expect "every frame sealed and verified" test "$(check_field g711 'sealed verified')" = "$n"
		stats_ok "$tmp/g711.json" rx_packets="$n" sealed_packets="$n" audio_packets="$n" \
			port.1.tx_packets="$n" port.0.tx_packets=0
	fi
else
	fail "$g711 missing (RS_SHARED=$shared)"
fi
case_done "sipp-g711a.pcap ($n frames to $dst) sealed AES_128_GCM2, libsrtp2 decrypts every frame to the original"

# RFC 2833 DTMF: the three end-of-event packets are one packet sent three
# times (same sequence number): the repeats are not sealed again (nonce
# safety) but dropped as stale_seq. The key comes from a chmod 600 key_file.
n='?' dst='?' dups='?'
if [ -r "$dtmf" ]; then
	dst=$(udp_dst "$dtmf") # 192.168.0.1:10000
	n=$(frames_of "$dtmf")
	dups=$(tshark -r "$dtmf" -d "udp.port==${dst##*:},rtp" -T fields -e rtp.seq 2>/dev/null |
		sort | uniq -d -c | awk '{s += $1 - 1} END {print s + 0}')
	(umask 077 && printf '%s\n' "${KEY[$v]}" >"$tmp/dtmf.key")
	conf_begin "$tmp/dtmf.conf"
	conf_channel "$tmp/dtmf.conf" dtmf "${MODE[$v]}" "@$tmp/dtmf.key" "${SALT[$v]}" "$dst" 101
	expect "the capture repeats 2 sequence numbers (found $dups)" test "$dups" = 2
	if run_ok dtmf "$tmp/dtmf.conf" "$dtmf" ""; then
		check_ok dtmf --in "$dtmf" --out "$tmp/dtmf.p1.pcap" --expect-drops "$dups" \
			--key "$(key_spec "$dst" "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}")"
		stats_ok "$tmp/dtmf.json" rx_packets="$n" sealed_packets=$((n - dups)) \
			audio_packets=$((n - dups)) drops.stale_seq="$dups"
	fi
else
	fail "$dtmf missing (RS_SHARED=$shared)"
fi
case_done "sipp-dtmf-2833.pcap ($n frames to $dst, key_file 0600) sealed, the $dups repeated end packets dropped as stale_seq"

# ---- 2. rtpseal-gen mixes --------------------------------------------------------

# gen_field LOG WORD: the number after WORD in rtpseal-gen's summary line
gen_field() {
	sed -n "s/.*[ (]$2 \([0-9]*\).*/\1/p" "$1" | head -n1
}

if [ ! -x "$gen" ]; then
	fail "$gen not built"
	case_done "rtpseal-gen mix, a channel in every mode"
	fail "$gen not built"
	case_done "rtpseal-gen mix, IPv4 without UDP checksums"
else
	# one channel per variant; DST is where rtpseal-gen sends, MATCH what
	# the channel (and srtp_pcap_check) matches
	chans=(
		"aead128 10.0.0.2:5004 10.0.0.2:5004 0 96"
		"aead256 [2001:db8::2]:5004 [2001:db8::2]:5004 0 96"
		"aead256-inline 10.0.0.3:5006 10.0.0.3:5006 111 96"
		"gcm2-128 [2001:db8::3]:6000 [2001:db8::3]:6000 111 98"
		"gcm2-256 10.0.0.4:5008 *:5008 8 97"
		"gcm-128 [2001:db8::5]:5004 [2001:db8::5]:5004 0 96"
		"gcm-256 10.0.0.6:5010 10.0.0.6:5010 0 99"
		"gcm2-hexsalt [2001:db8::7]:5012 [2001:db8::7]:5012 111 96"
	)
	gen_args=()
	keys=()
	conf_begin "$tmp/mix.conf"
	i=0
	for c in "${chans[@]}"; do
		read -r v d m a vp <<<"$c"
		gen_args+=(--channel "$d/$a/$vp")
		conf_channel "$tmp/mix.conf" "mix-$i" "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}" "$m" "$a" "$vp"
		keys+=(--key "$(key_spec "$m" "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}")")
		i=$((i + 1))
	done
	diag+=("$tmp/mix.gen")
	if timeout 60 "$gen" -o "$tmp/mix.pcap" "${gen_args[@]}" --streams-per-channel 3 --noise 80 \
		--duration 1 --seed 7 2>"$tmp/mix.gen"; then
		rtp=$(gen_field "$tmp/mix.gen" rtp)
		rtcp=$(gen_field "$tmp/mix.gen" rtcp)
		noise=$(($(gen_field "$tmp/mix.gen" stun) + $(gen_field "$tmp/mix.gen" dtls) +
			$(gen_field "$tmp/mix.gen" arp)))
		expect "rtpseal-gen made STUN, DTLS and ARP noise" test "$noise" -gt 0
		if run_ok mix "$tmp/mix.conf" "$tmp/mix.pcap" ""; then
			check_ok mix --in "$tmp/mix.pcap" --out "$tmp/mix.p1.pcap" "${keys[@]}" &&
				expect "libsrtp2 verified every RTP/RTCP" \
					test "$(check_field mix 'sealed verified')" = $((rtp + rtcp)) &&
				expect "every noise frame byte-identical" \
					test "$(check_field mix 'passthrough identical')" = "$noise" &&
				expect "every sealed frame has a UDP checksum" \
					test "$(check_field mix 'udp checksum zero')" = 0
			stats_ok "$tmp/mix.json" rx_packets=$((rtp + rtcp + noise)) \
				sealed_packets=$((rtp + rtcp)) rtcp_packets="$rtcp" \
				audio_packets="$(gen_field "$tmp/mix.gen" audio)" \
				video_packets="$(gen_field "$tmp/mix.gen" video)" \
				other_media_packets=0 passthrough_packets="$noise" streams=24
		fi
	else
		fail "rtpseal-gen failed"
	fi
	case_done "rtpseal-gen mix (${#chans[@]} channels: every mode, IPv4+IPv6, *:PORT; RTP ${rtp:-?}, RTCP ${rtcp:-?}, noise ${noise:-?}) sealed, libsrtp2 verifies, noise byte-identical"

	# IPv4 without UDP checksums: the sealed frames keep checksum 0
	v=aead128
	conf_begin "$tmp/nock.conf"
	conf_channel "$tmp/nock.conf" nock "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}" "10.0.0.2:5004" 0 96
	diag+=("$tmp/nock.gen")
	if timeout 60 "$gen" -o "$tmp/nock.pcap" --channel 10.0.0.2:5004 --no-udp-checksum --noise 30 \
		--duration 1 --seed 3 2>"$tmp/nock.gen"; then
		media=$(($(gen_field "$tmp/nock.gen" rtp) + $(gen_field "$tmp/nock.gen" rtcp)))
		n=$(frames_of "$tmp/nock.pcap")
		if run_ok nock "$tmp/nock.conf" "$tmp/nock.pcap" ""; then
			check_ok nock --in "$tmp/nock.pcap" --out "$tmp/nock.p1.pcap" \
				--key "$(key_spec 10.0.0.2:5004 "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}")" &&
				expect "sealed frames keep UDP checksum 0" \
					test "$(check_field nock 'udp checksum zero')" = "$media"
			stats_ok "$tmp/nock.json" rx_packets="$n" sealed_packets="$media" \
				passthrough_packets=$((n - media))
		fi
	else
		fail "rtpseal-gen failed"
	fi
	case_done "rtpseal-gen IPv4 mix without UDP checksums sealed, checksums stay 0"
fi

# ---- 3. round trip in every mode ------------------------------------------------

have_rt=0
if [ -x "$gen" ] && timeout 60 "$gen" -o "$tmp/rt.pcap" --channel 10.0.0.2:5004 \
	--channel '[2001:db8::2]:5004/111/96' --noise 50 --duration 1 --seed 11 2>"$tmp/rt.gen"; then
	have_rt=1
	rt_n=$(frames_of "$tmp/rt.pcap")
	rt_media=$(($(gen_field "$tmp/rt.gen" rtp) + $(gen_field "$tmp/rt.gen" rtcp)))
fi
for v in "${VARIANTS[@]}"; do
	if [ "$have_rt" = 1 ]; then
		conf="$tmp/rt-$v.conf"
		match="10.0.0.2:5004, [2001:db8::2]:5004"
		spec=$(key_spec "10.0.0.2:5004,[2001:db8::2]:5004" "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}")
		conf_begin "$conf"
		conf_channel "$conf" "rt-$v" "${MODE[$v]}" "${KEY[$v]}" "${SALT[$v]}" "$match" 111 96
		if run_ok "seal-$v" "$conf" "$tmp/rt.pcap" ""; then
			check_ok "seal-$v" --in "$tmp/rt.pcap" --out "$tmp/seal-$v.p1.pcap" --key "$spec"
			stats_ok "$tmp/seal-$v.json" rx_packets="$rt_n" sealed_packets="$rt_media"
			if run_ok "open-$v" "$conf" "" "$tmp/seal-$v.p1.pcap"; then
				check_ok "open-$v" --direction open --in "$tmp/seal-$v.p1.pcap" \
					--out "$tmp/open-$v.p0.pcap" --key "$spec"
				stats_ok "$tmp/open-$v.json" rx_packets="$rt_n" opened_packets="$rt_media" \
					port.1.rx_packets="$rt_n" port.0.tx_packets="$rt_n"
				same_pcap "$tmp/rt.pcap" "$tmp/open-$v.p0.pcap"
			fi
		fi
	else
		fail "no clear capture (rtpseal-gen)"
	fi
	case_done "round trip ${MODE[$v]} (${v}): seal then open gives the input back byte for byte"
done

# ---- 4. bad traffic ----------------------------------------------------------------

bk=$(openssl rand -hex 16)
bs=$(openssl rand -hex 12)
conf_begin "$tmp/bad.conf"
conf_channel "$tmp/bad.conf" bad AEAD_AES_128_GCM "$bk" "$bs" "10.0.0.2:5004, [2001:db8::2]:5004"
bad_spec=$(key_spec "10.0.0.2:5004,[2001:db8::2]:5004" AEAD_AES_128_GCM "$bk" "$bs")

for kind in malformed no_channel stale_seq no_tailroom multiseg auth_fail replay; do
	desc="$kind"
	if timeout 60 "$bad" "$kind" "$tmp/bad-$kind.pcap" "$bk" "$bs" >"$tmp/bad-$kind.gen" 2>&1; then
		# "KIND: N frames, M drop REASON, P passthrough"
		n='' m='' p=''
		read -r n m p < <(sed -n 's/.*: \([0-9]*\) frames, \([0-9]*\) drop .*, \([0-9]*\) passthrough/\1 \2 \3/p' \
			"$tmp/bad-$kind.gen")
		if [ -z "$p" ]; then
			fail "badpcap said: $(head -n1 "$tmp/bad-$kind.gen")"
			case_done "bad traffic, $kind"
			continue
		fi
		desc="$kind: $m of $n frames dropped as $kind, $p passed"
		case $kind in
		auth_fail | replay) dir=open rx0="" rx1=$tmp/bad-$kind.pcap out=p0 done_key=opened_packets ;;
		*) dir=seal rx0=$tmp/bad-$kind.pcap rx1="" out=p1 done_key=sealed_packets ;;
		esac
		expect "badpcap counts" test "${m:-0}" -gt 0
		rc=0
		rs_run "bad-$kind" "$tmp/bad.conf" "$rx0" "$rx1" || rc=$?
		expect "rtpseal exited $rc" test "$rc" = 0
		check_ok "bad-$kind" --direction "$dir" --in "$tmp/bad-$kind.pcap" \
			--out "$tmp/bad-$kind.$out.pcap" --key "$bad_spec" --expect-drops "$m"
		stats_ok "$tmp/bad-$kind.json" rx_packets="$n" tx_packets=$((n - m)) \
			drops."$kind"="$m" passthrough_packets="$p" "$done_key"=$((n - m - p))
	else
		diag+=("$tmp/bad-$kind.gen")
		fail "badpcap $kind failed"
	fi
	case_done "bad traffic, $desc; exact counts, nothing else dropped, exit 0"
done

# ---- 5. config errors ------------------------------------------------------------

# bad_conf NAME CONF MUST_NAME...: rtpseal exits non-zero, starts no port,
# and says MUST_NAME... but no key or salt text ($secrets)
bad_conf() {
	local name=$1 conf=$2 rc=0 w s
	shift 2
	rs_run "$name" "$conf" "" "" || rc=$?
	expect "exit status $rc, want an error exit (not 0, no timeout or signal)" \
		test "$rc" -ne 0 -a "$rc" -lt 124
	for w in "$@"; do
		grep -qF -- "$w" "$tmp/$name.log" || fail "message does not name '$w'"
	done
	for s in "${secrets[@]}"; do
		[ -n "$s" ] || continue
		if grep -qF -- "$s" "$tmp/$name.log"; then fail "message shows key material"; fi
	done
	if grep -q '^rtpseal: port [0-9]' "$tmp/$name.log"; then fail "a port was started"; fi
	expect "no stats written" test ! -e "$tmp/$name.json"
}

k=$(openssl rand -hex 32)
salt31=$(openssl rand -base64 31)
secrets=("$k" "$salt31")
conf_begin "$tmp/cfg-salt.conf"
conf_channel "$tmp/cfg-salt.conf" room-42 AES_128_GCM2 "$k" "$salt31" 10.1.6.18:2006
bad_conf cfg-salt "$tmp/cfg-salt.conf" "$tmp/cfg-salt.conf" "[channel room-42]" "salt"
case_done "config: a 31-byte GCM2 salt exits non-zero before any port, naming file, section and key, no key text"

secrets=("$k" "${SALT[gcm2-128]}")
(umask 077 && printf '%s\n' "$k" >"$tmp/loose.key")
chmod 640 "$tmp/loose.key"
conf_begin "$tmp/cfg-keyfile.conf"
conf_channel "$tmp/cfg-keyfile.conf" trunk-1 AES_128_GCM2 "@$tmp/loose.key" "${SALT[gcm2-128]}" 10.1.6.18:2006
bad_conf cfg-keyfile "$tmp/cfg-keyfile.conf" "$tmp/cfg-keyfile.conf" "[channel trunk-1]" "key_file"
case_done "config: a group-readable (0640) key_file is refused, naming file, section and key"

chmod 604 "$tmp/loose.key"
bad_conf cfg-keyfile-o "$tmp/cfg-keyfile.conf" "$tmp/cfg-keyfile.conf" "[channel trunk-1]" "key_file"
case_done "config: a world-readable (0604) key_file is refused"

secrets=("$k")
conf_begin "$tmp/cfg-xts.conf"
conf_channel "$tmp/cfg-xts.conf" legacy AES_128_XTS "$k" "" 10.1.6.18:2006
bad_conf cfg-xts "$tmp/cfg-xts.conf" "$tmp/cfg-xts.conf" "[channel legacy]" "mode"
case_done "config: legacy mode AES_128_XTS is refused"

secrets=("${KEY[aead128]}" "${SALT[aead128]}")
conf_begin "$tmp/cfg-keylen.conf"
conf_channel "$tmp/cfg-keylen.conf" short AEAD_AES_128_GCM "${KEY[aead128]}0011" "${SALT[aead128]}" 10.1.6.18:2006
bad_conf cfg-keylen "$tmp/cfg-keylen.conf" "$tmp/cfg-keylen.conf" "[channel short]" "key"
case_done "config: an AEAD_AES_128_GCM key of 18 bytes is refused"

finish
