#!/usr/bin/env bash
# Control plane end to end (DESIGN §6): rtpseal's control socket and
# rtpsealctl against a running daemon on in-memory ports fed by the built-in
# generator (conf/demo.conf plus a control socket).
#
#   1. protocol: every request and its reply shape, through rtpsealctl (human
#      and --json) and `rtpsealctl batch`; live rekeys (roc keep and reset)
#      lose no packet
#   2. every error path answers {"ok":false,"error":"..."} and changes
#      nothing (channel list byte-identical, drops still 0, sealing and
#      opening still moving); raw socket framing (split, joined, empty and
#      over-long lines, a client hanging up mid-line, too many clients)
#   3. another uid is refused: the socket is 0600 root, and with the socket
#      loosened to 0666 the daemon itself refuses (SO_PEERCRED)
#   4. rtpsealctl without a daemon: exit 3; genkey, gensalt; derive for every
#      mode against an independent HKDF-SHA256
#   5. no key or salt (as given, or derived) in anything rtpseal or rtpsealctl
#      printed, in the stats JSON or in telemetry; telemetry channel commands
#
# Run by `make test` as `BUILD=<build dir> bash tests/control_test.sh`; prints
# `ok - ...` / `not ok - ...` per case and ends with `N passed, N failed`.
# Needs root (setpriv to uid 65534, the DPDK runtime directory).
# shellcheck disable=SC2034 # variables read inside `check ... eval '...'`
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
RS=$build/rtpseal
CTL=$build/rtpsealctl
CLIENT=$build/tools/ctl_client
# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
t0=$SECONDS
RUNTIME_FROM=$t0 # finish says "# runtime N s"

make_tmp /tmp/rs-ctl.XXXXXX
corpus=$tmp/corpus # every line rtpseal and rtpsealctl print, stats JSON, telemetry
mkdir -p "$corpus"
secrets=$tmp/secrets # every key and salt of the run, one per line
: >"$secrets"
prefix=rsctl$$
dpdk_prefix "$prefix" "${prefix}l"
daemon_pid=""

# shellcheck disable=SC2317 # run at exit by tests/lib.sh
suite_cleanup() {
	stop_jobs "$daemon_pid"
}
trap 'exit 130' INT TERM

# ---- helpers ----------------------------------------------------------------

has() { # has NEEDLE HAYSTACK
	case $2 in *"$1"*) return 0 ;; esac
	return 1
}
secret() { # secret VALUE...: remember key material for the leak check
	local v
	for v in "$@"; do
		[ "${#v}" -ge 12 ] && printf '%s\n' "$v" >>"$secrets"
	done
	return 0
}
secret_b64() { # secret_b64 B64...: the text and its bytes as hex
	local v
	for v in "$@"; do
		secret "$v" "${v#inline:}" "$("$PY" -c 'import base64,sys; print(base64.b64decode(sys.argv[1]).hex())' "${v#inline:}" 2>/dev/null)"
	done
}

sock=$tmp/rtpseal.sock
# ctl ARGS...: rtpsealctl on the daemon's socket. Sets out, err, rc. Both
# streams go to the leak corpus.
ctl() {
	timeout 10 "$CTL" -s "$sock" "$@" >"$tmp/o" 2>"$tmp/e" </dev/null
	rc=$?
	out=$(cat "$tmp/o")
	err=$(cat "$tmp/e")
	cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
}
ctl_in() { # ctl_in INPUT ARGS...: the same with INPUT on stdin
	local input=$1
	shift
	timeout 20 "$CTL" -s "$sock" "$@" >"$tmp/o" 2>"$tmp/e" <<<"$input"
	rc=$?
	out=$(cat "$tmp/o")
	err=$(cat "$tmp/e")
	cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
}
raw() { # raw ARGS...: ctl_client on the daemon's socket; stdout in out
	out=$(timeout 20 "$CLIENT" "$sock" "$@" 2>>"$corpus/ctl_client.log")
	rc=$?
	printf '%s\n' "$out" >>"$corpus/ctl_client.log"
}

start_daemon() { # start_daemon CONF SOCKET PREFIX NAME: wait until it answers ping
	local conf=$1 s=$2 pfx=$3 name=$4 i
	timeout -s TERM 150 "$RS" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$pfx" \
		--log-level=lib.eal:warning --vdev net_ring0 --vdev net_ring1 \
		--vdev 'net_null0,no-rx=1' -- -c "$conf" --duration 120 --stats-interval 1 \
		--stats-json "$corpus/$name.json" >"$corpus/$name.out" 2>"$corpus/$name.err" &
	daemon_pid=$!
	for i in $(seq 300); do
		timeout 5 "$CTL" -s "$s" ping >>"$corpus/rtpsealctl.log" 2>&1 && return 0
		kill -0 "$daemon_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_daemon() { # SIGTERM, wait; returns the daemon's exit status
	local st
	kill -TERM "$daemon_pid" 2>/dev/null
	wait "$daemon_pid"
	st=$?
	daemon_pid=""
	return "$st"
}

# Steady state: channel.list byte-identical to $tmp/list.base, drops total
# still 0, sealed and opened above what the previous call saw.
last_sealed=0
last_opened=0
steady_why=""
# (On a loaded machine the worker may not have run between two calls: the
# counters get up to 1 s to move.)
steady() {
	local list stats v
	for _ in 1 2 3 4 5 6; do
		ctl_in $'{"cmd":"channel.list"}\n{"cmd":"stats"}' batch
		list=$(sed -n 1p <<<"$out")
		stats=$(sed -n 2p <<<"$out")
		steady_why=""
		if [ "$list" != "$(cat "$tmp/list.base")" ]; then
			steady_why="channel.list changed: $list"
			return 1
		fi
		v=$(jv '"%d %d %d" % (sum(d["stats"]["drops"].values()), d["stats"]["sealed_packets"], d["stats"]["opened_packets"])' "$stats")
		read -r drops sealed opened <<<"$v"
		if [ -z "$v" ] || [ "$drops" != 0 ]; then
			steady_why="drops $drops: $stats"
			return 1
		fi
		if [ "$sealed" -gt "$last_sealed" ] && [ "$opened" -gt "$last_opened" ]; then
			last_sealed=$sealed
			last_opened=$opened
			return 0
		fi
		steady_why="sealed $last_sealed -> $sealed, opened $last_opened -> $opened"
		sleep 0.2
	done
	return 1
}
steady_check() { # steady_check NAME
	if steady; then ok "$1"; else not_ok "$1" "$steady_why"; fi
}
save_base() {
	ctl --json list
	printf '%s\n' "$out" >"$tmp/list.base"
}

tel_path() { echo "/var/run/dpdk/$1/dpdk_telemetry.v2"; }
tel() { # tel CMD...: telemetry replies, one line each (to the corpus too)
	out=$(timeout 10 "$CLIENT" tel "$(tel_path "$prefix")" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" >>"$corpus/telemetry.log"
}

for f in "$RS" "$CTL" "$CLIENT"; do
	if [ ! -x "$f" ]; then
		not_ok "$f built"
		finish
	fi
done
if [ "$(id -u)" != 0 ]; then
	not_ok "runs as root" "setpriv and the DPDK runtime directory need root (CI is root)"
	finish
fi

# ---- key material of the run --------------------------------------------------
rand_hex() { openssl rand -hex "$1"; }
rand_b64() { openssl rand -base64 "$1"; }

# demo.conf's own keys and salts (DEMO ONLY, public, but they must not be
# printed either)
while read -r v; do
	case $v in
	inline:*) secret_b64 "$v" ;;
	*=) secret_b64 "$v" ;;
	*) secret "$v" ;;
	esac
done < <(sed -n 's/^\(key\|salt\)[ \t]*=[ \t]*\([^ \t;]*\).*/\2/p' conf/demo.conf)

k_g2_128=$(rand_hex 32) s_g2_128=$(rand_b64 32)
k_g2_256=$(rand_hex 32) s_g2_256=$(rand_hex 32) # hex salt
k_a128=$(rand_hex 16) s_a128=$(rand_hex 12)
k_a256="inline:$(rand_b64 44)"
k_g128=$(rand_b64 24) # a key string with + / = in it
k_g256=$(rand_hex 20)
k_file1=$(rand_hex 32) s_file1=$(rand_b64 32)
k_file2="inline:$(rand_b64 44)"
k_r1=$(rand_hex 32) s_r1=$(rand_b64 32)
k_file3=$(rand_hex 32) s_r2=$(rand_b64 32)
k_r3="inline:$(rand_b64 44)"
k_r4=$(rand_hex 16) s_r4=$(rand_hex 12)
k_room=$(rand_hex 32) s_room=$(rand_b64 32)
k_err=$(rand_hex 32) s_err=$(rand_b64 32) # valid values in requests that fail elsewhere
k_short=$(rand_hex 8)                      # 16 hex digits: too short for AEAD_AES_128_GCM
k_odd=$(rand_hex 16)
k_odd=${k_odd:0:31}
k_nonhex="$(rand_hex 15)zz"
s_short16=$(rand_b64 16)
k_malformed=$(rand_hex 8)
secret "$k_g2_128" "$k_g2_256" "$s_g2_256" "$k_a128" "$s_a128" "$k_g128" "$k_g256" \
	"$k_file1" "$k_r1" "$k_file3" "$k_r4" "$s_r4" "$k_room" "$k_err" "$k_short" \
	"$k_odd" "$k_nonhex" "$k_malformed"
secret_b64 "$s_g2_128" "$k_a256" "$s_file1" "$k_file2" "$s_r1" "$s_r2" "$k_r3" "$s_room" \
	"$s_err" "$s_short16"

kf1=$tmp/file1.key kf2=$tmp/file2.key kf3=$tmp/file3.key kf_group=$tmp/group.key
(
	umask 077
	printf '%s\n' "$k_file1" >"$kf1"
	printf '%s\n' "$k_file2" >"$kf2"
	printf '%s\n' "$k_file3" >"$kf3"
	printf '%s\n' "$k_err" >"$kf_group"
)
chmod 600 "$kf1" "$kf2" "$kf3"
chmod 640 "$kf_group"

# ==== 4. rtpsealctl without a daemon ==========================================
echo "# 4. rtpsealctl without a daemon (t=$((SECONDS - t0)) s)"
nosock=$tmp/none.sock
timeout 10 "$CTL" -s "$nosock" ping >"$tmp/o" 2>"$tmp/e"
rc=$?
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
check "no daemon: ping exits 3 (got $rc)" test "$rc" = 3
check "no daemon: the message names the socket and says it cannot reach rtpseal" \
	grep -q "cannot reach rtpseal at $nosock" "$tmp/e"
check "no daemon: nothing on stdout" test ! -s "$tmp/o"
RTPSEAL_SOCKET=$nosock timeout 10 "$CTL" --json stats >"$tmp/o" 2>"$tmp/e"
rc=$?
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
check "no daemon: \$RTPSEAL_SOCKET is used, stats exits 3 (got $rc)" \
	eval 'test "$rc" = 3 && grep -q "$nosock" "$tmp/e"'
"$PY" -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tmp/stale.sock"
timeout 10 "$CTL" -s "$tmp/stale.sock" list >"$tmp/o" 2>"$tmp/e"
rc=$?
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
check "no daemon: a stale socket file (connection refused) exits 3 (got $rc)" \
	eval 'test "$rc" = 3 && grep -q "cannot reach rtpseal" "$tmp/e"'
timeout 10 "$CTL" -s "$nosock" batch <<<'{"cmd":"ping"}' >"$tmp/o" 2>"$tmp/e"
rc=$?
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
check "no daemon: batch exits 3 (got $rc)" test "$rc" = 3
timeout 10 "$CTL" -s "$nosock" add x --mode AES_128_GCM --key "$k_err" --match '*:1' \
	>"$tmp/o" 2>"$tmp/e"
rc=$?
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
check "no daemon: add exits 3 (got $rc)" test "$rc" = 3

# genkey / gensalt print secrets by design: their stdout is kept out of the
# leak corpus (stderr is in it).
g1=$(timeout 5 "$CTL" genkey 2>>"$corpus/rtpsealctl.log")
g2=$(timeout 5 "$CTL" genkey 2>>"$corpus/rtpsealctl.log")
check "genkey: 64 lowercase hex digits" eval '[[ $g1 =~ ^[0-9a-f]{64}$ && $g2 =~ ^[0-9a-f]{64}$ ]]'
check "genkey: differs each call" test "$g1" != "$g2"
g1=$(timeout 5 "$CTL" gensalt 2>>"$corpus/rtpsealctl.log")
g2=$(timeout 5 "$CTL" gensalt 2>>"$corpus/rtpsealctl.log")
check "gensalt: base64 of 32 bytes" eval \
	'test "$("$PY" -c "import base64,sys; print(len(base64.b64decode(sys.argv[1], validate=True)))" "$g1")" = 32'
check "gensalt: differs each call" test "$g1" != "$g2"
timeout 5 "$CTL" genkey extra >/dev/null 2>>"$corpus/rtpsealctl.log"
check "genkey with an argument is a usage error (exit 2)" test $? = 2

# An independent HKDF-SHA256: openssl kdf when this CLI has it, else Python.
hkdf_py() { # IKM SALT_HEX INFO LEN
	"$PY" -c 'import hmac,hashlib,sys
ikm, salt, info, n = sys.argv[1].encode(), bytes.fromhex(sys.argv[2]), sys.argv[3].encode(), int(sys.argv[4])
prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
okm, t, i = b"", b"", 1
while len(okm) < n:
    t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
    okm += t
    i += 1
print(okm[:n].hex())' "$@"
}
hkdf_openssl() {
	local sopt=()
	[ -n "$2" ] && sopt=(-kdfopt "hexsalt:$2")
	openssl kdf -keylen "$4" -kdfopt digest:SHA256 -kdfopt "key:$1" "${sopt[@]}" \
		-kdfopt "info:$3" HKDF 2>/dev/null | tr -d ':\n' | tr 'A-F' 'a-f'
}
if [ -n "$(hkdf_openssl abc "" x 16)" ]; then
	hkdf=hkdf_openssl
	echo "# HKDF reference: openssl kdf (cross-checked against Python's hmac)"
	check "openssl kdf HKDF and Python's hmac HKDF agree" \
		test "$(hkdf_openssl "$k_g2_128" "$(printf '%s' "$s_g2_128" | base64 -d | od -An -tx1 | tr -d ' \n')" "rtpseal AES_128_GCM2" 28)" = \
		"$(hkdf_py "$k_g2_128" "$(printf '%s' "$s_g2_128" | base64 -d | od -An -tx1 | tr -d ' \n')" "rtpseal AES_128_GCM2" 28)"
else
	hkdf=hkdf_py
	echo "# HKDF reference: Python's hmac (this openssl CLI has no kdf command)"
fi
b64hex() { printf '%s' "$1" | base64 -d | od -An -tx1 | tr -d ' \n'; }
hex_b64() { "$PY" -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$1"; }

# derive prints the derived SRTP master key by design: its stdout is kept
# out of the leak corpus (stderr is in it); the derived keys join the secrets.
derive() { # derive [--json] ARGS...: sets out (stdout) and rc
	local pre=()
	[ "$1" = --json ] && pre=(--json) && shift
	out=$(timeout 10 "$CTL" "${pre[@]}" derive "$@" 2>>"$corpus/rtpsealctl.log")
	rc=$?
}
derive_check() { # derive_check MODE KEY SALT_ARG WANT_HEX [--json]
	local mode=$1 salt=$3 want=$4
	local args=(--mode "$1" --key "$2")
	[ -n "$salt" ] && args+=(--salt "$salt")
	derive --json "${args[@]}"
	local got sdes
	got=$(jv 'd["srtp_key"]' "$out")
	sdes=$(jv 'd["sdes"]' "$out")
	[ "${#got}" -gt 24 ] && secret "$got" "${got:0:$((${#got} - 24))}" "$sdes" "${sdes#inline:}"
	if [ "$rc" = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ] &&
		[ "$sdes" = "inline:$(hex_b64 "$want")" ] &&
		jt "d['mode'] == '$mode' and d['srtp_profile'] == ('AEAD_AES_128_GCM' if len(d['srtp_key']) == 56 else 'AEAD_AES_256_GCM')" "$out"; then
		ok "derive $mode${5:-}: srtp_key and sdes match the reference"
	else
		not_ok "derive $mode${5:-}" "rc $rc, got $got, want $want"
	fi
}
derive_check AES_128_GCM2 "$k_g2_128" "$s_g2_128" \
	"$($hkdf "$k_g2_128" "$(b64hex "$s_g2_128")" "rtpseal AES_128_GCM2" 28)" " (base64 salt)"
derive_check AES_256_GCM2 "$k_g2_256" "$s_g2_256" \
	"$($hkdf "$k_g2_256" "$s_g2_256" "rtpseal AES_256_GCM2" 44)" " (hex salt)"
derive_check AES_128_GCM "$k_g128" "" "$($hkdf "$k_g128" "" "rtpseal AES_128_GCM" 28)"
derive_check AES_256_GCM "$k_g256" "" "$($hkdf "$k_g256" "" "rtpseal AES_256_GCM" 44)"
derive_check AEAD_AES_128_GCM "$k_a128" "$s_a128" "$k_a128$s_a128" " (hex key and salt)"
derive_check AEAD_AES_256_GCM "$k_a256" "" "$(b64hex "${k_a256#inline:}")" " (SDES inline:)"
derive --json --mode AES_128_GCM2 --key-file "$kf1" --salt "$s_file1"
want=$($hkdf "$k_file1" "$(b64hex "$s_file1")" "rtpseal AES_128_GCM2" 28)
secret "$want" "${want:0:32}"
check "derive --key-file (chmod 600) reads the key from the file" \
	eval 'test "$rc" = 0 && test "$(jv "d[\"srtp_key\"]" "$out")" = "$want"'
out=$(printf '%s\n' "$k_g2_128" | timeout 10 "$CTL" derive --mode AES_128_GCM2 --key - --salt "$s_g2_128" 2>>"$corpus/rtpsealctl.log")
want=$($hkdf "$k_g2_128" "$(b64hex "$s_g2_128")" "rtpseal AES_128_GCM2" 28)
check "derive --key - reads the key from stdin; human output has sdes and the GStreamer srtp-key" \
	eval 'has "sdes:      inline:$(hex_b64 "$want")" "$out" && has "srtp-key=(buffer)$want srtp-cipher=aes-128-gcm" "$out"'
derive --mode AES_128_XTS --key "$k_err"
check "derive refuses a legacy mode (exit 2)" test "$rc" = 2
timeout 5 "$CTL" derive --mode SM4_128_ECB --key "$k_err" 2>"$tmp/e" >/dev/null
cat "$tmp/e" >>"$corpus/rtpsealctl.log"
check "derive: the legacy-mode message says why" grep -q "legacy mode refused" "$tmp/e"
derive --mode AES_128_GCM2 --salt "$s_err"
check "derive without a key is a usage error (exit 2)" test "$rc" = 2
derive --mode AES_128_GCM2 --key-file "$kf_group" --salt "$s_err"
check "derive refuses a group-readable key file (exit 2)" test "$rc" = 2
derive --mode AEAD_AES_128_GCM --key "$k_short" --salt "$s_a128"
check "derive refuses a short AEAD key (exit 2)" test "$rc" = 2
# The derived SRTP master key (and salt) of every key the daemon is given
# are secrets of the run too.
secret_derived() { # secret_derived MODE KEY [SALT]
	local args=(--mode "$1" --key "$2")
	[ -n "${3:-}" ] && args+=(--salt "$3")
	derive --json "${args[@]}"
	local k s
	k=$(jv 'd["srtp_key"]' "$out")
	s=$(jv 'd["sdes"][7:]' "$out")
	[ "${#k}" -gt 24 ] && secret "$k" "${k:0:$((${#k} - 24))}" "$s"
	return 0
}
# demo.conf's channels: MODE KEY [SALT] per line
while read -r m k v; do
	secret_derived "$m" "$k" "${v:-}"
done < <("$PY" -c 'import configparser
c = configparser.ConfigParser(inline_comment_prefixes=(";",), comment_prefixes=(";",), strict=False)
c.read("conf/demo.conf")
for s in c.sections():
    if s.startswith("channel "):
        print(c[s]["mode"], c[s]["key"], c[s].get("salt", ""))')
secret_derived AES_128_GCM2 "$k_file1" "$s_file1"
secret_derived AES_128_GCM2 "$k_r1" "$s_r1"
secret_derived AES_128_GCM2 "$k_file3" "$s_r2"
secret_derived AES_128_GCM2 "$k_room" "$s_room"
secret_derived AEAD_AES_256_GCM "$k_r3"
secret_derived AEAD_AES_256_GCM "$k_file2"
secret_derived AEAD_AES_128_GCM "$k_r4" "$s_r4"
secret_derived AES_256_GCM "$k_err"
secret_derived AES_256_GCM "$k_r1"
secret_derived AES_128_GCM2 "$k_err" "$s_err"

# ==== the daemon ===============================================================
conf=$tmp/demo.conf
sed "/^\[general\]/a control_socket = $sock" conf/demo.conf >"$conf"
if ! start_daemon "$conf" "$sock" "$prefix" rtpseal; then
	not_ok "rtpseal starts with a control socket" "$(tail -n 5 "$corpus/rtpseal.err" "$corpus/rtpseal.out")"
	finish
fi
ok "rtpseal starts with a control socket (demo.conf, generator on)"
sleep 0.5

# ==== 1. protocol ===============================================================
echo "# 1. protocol (t=$((SECONDS - t0)) s)"
ctl ping
check "ping (human): pong and the ipsec-mb version" \
	eval 'test "$rc" = 0 && has "pong: true" "$out" && has "ipsec_mb: " "$out"'
ctl --json ping
check "ping (--json): {ok:true, pong:true, ipsec_mb}" \
	jt 'd["ok"] is True and d["pong"] is True and isinstance(d["ipsec_mb"], str) and len(d) == 3' "$out"

reasons='["malformed","no_channel","auth_fail","replay","stale_seq","no_tailroom","multiseg","index_exhausted","observer_drop","policy_drop","tx_full"]'
ctl stats
check "stats (human): counters and the channel count" \
	eval 'test "$rc" = 0 && has "stats: {" "$out" && has "\"sealed_packets\":" "$out" && has "channels: 4" "$out"'
ctl --json stats
check "stats (--json): every counter, every drop reason, channels 4, traffic flowing" \
	jt 'd["ok"] is True and d["channels"] == 4 and all(isinstance(d["stats"][k], int) for k in
	  ["rx_packets","tx_packets","audio_packets","video_packets","rtcp_packets","passthrough_packets",
	   "sealed_packets","opened_packets","opened_prev_key","streams"]) and
	  all(isinstance(d["stats"]["drops"][r], int) for r in '"$reasons"') and
	  d["stats"]["sealed_packets"] > 0 and d["stats"]["opened_packets"] > 0 and
	  sum(d["stats"]["drops"].values()) == 0' "$out"
last_sealed=$(jv 'd["stats"]["sealed_packets"]' "$out")
last_opened=$(jv 'd["stats"]["opened_packets"]' "$out")

ctl list
check "list (human): the channels as JSON" \
	eval 'test "$rc" = 0 && has "channels: [" "$out" && has "\"name\": \"room-42\"" "$out"'
ctl --json list
demo_list='[("room-42","AES_128_GCM2",["10.0.0.2:5004","*:6000"]),
 ("hall-7","AES_256_GCM2",["10.0.0.3:5004","[2001:db8::3]:5004"]),
 ("sip-trunk","AEAD_AES_128_GCM",["10.0.0.4:5004"]),
 ("webrtc-1","AEAD_AES_256_GCM",["10.0.0.5:5004"])]'
check "list (--json): the 4 demo channels with mode, match, key_epoch 1, rekeys 0" \
	jt 'd["ok"] is True and [(c["name"], c["mode"], c["match"]) for c in d["channels"]] == '"$demo_list"' and
	  all(c["key_epoch"] == 1 and c["rekeys"] == 0 and c["previous_key_active"] is False for c in d["channels"])' "$out"
printf '%s\n' "$out" >"$tmp/list.demo"

ctl channel-stats room-42
check "channel-stats (human)" eval 'test "$rc" = 0 && has "channel: {" "$out" && has "\"opened_packets\":" "$out"'
ctl --json channel-stats room-42
check "channel.stats (--json): name, mode, match, key_epoch, rekeys, counters moving, no failures" \
	jt 'c = d["channel"]; d["ok"] is True and c["name"] == "room-42" and c["mode"] == "AES_128_GCM2" and
	  c["key_epoch"] == 1 and c["rekeys"] == 0 and c["sealed_packets"] > 0 and c["opened_packets"] > 0 and
	  c["auth_fail"] == 0 and c["replay"] == 0 and "opened_prev_key" in c' "$out"

# -- channel.add, every mode
req_add1='{"cmd":"channel.add","name":"t_g2_128","mode":"AES_128_GCM2","key":"'$k_g2_128'","salt":"'$s_g2_128'","match":["10.9.0.1:7000","*:7100"],"audio_pt":[0,8,111],"video_pt":["96","97"],"policy":"encrypt"}'
req_add5='{"cmd":"channel.add","name":"t_gcm128","mode":"AES_128_GCM","key":"'$k_g128'","match":"10.9.0.5:7000, *:7105","audio_pt":"0, 8","video_pt":"96"}'
req_add6='{"cmd":"channel.add","name":"t_gcm256","mode":"AES_256_GCM","key":"'$k_g256'","match":["[2001:db8::6]:7000"],"audio_pt":["0","8"],"video_pt":[96,97,98]}'
req_add8='{"cmd":"channel.add","name":"t_kf_aead","mode":"AEAD_AES_256_GCM","key_file":"'$kf2'","match":"10.9.0.8:7000"}'
ctl_in "$req_add1"$'\n'"$req_add5"$'\n'"$req_add6"$'\n'"$req_add8" batch
check "batch: channel.add AES_128_GCM2 (match/audio_pt/video_pt as arrays), AES_128_GCM (as strings), AES_256_GCM (mixed arrays), AEAD_AES_256_GCM from key_file: one ok line each" \
	eval 'test "$rc" = 0 && test "$(wc -l <<<"$out")" = 4 &&
	  test "$(sed -n 1p <<<"$out")" = "{\"ok\":true,\"name\":\"t_g2_128\",\"key_epoch\":1}" &&
	  test "$(sed -n 2p <<<"$out")" = "{\"ok\":true,\"name\":\"t_gcm128\",\"key_epoch\":1}" &&
	  test "$(sed -n 3p <<<"$out")" = "{\"ok\":true,\"name\":\"t_gcm256\",\"key_epoch\":1}" &&
	  test "$(sed -n 4p <<<"$out")" = "{\"ok\":true,\"name\":\"t_kf_aead\",\"key_epoch\":1}"'
ctl add t-g2-256 --mode AES_256_GCM2 --key "$k_g2_256" --salt "$s_g2_256" --match 10.9.0.2:7000 \
	--match '[2001:db8::9]:7000' --audio-pt '111, 112' --video-pt 96,98 \
	--policy 'audio:encrypt video:pass other:drop'
check "add (human): AES_256_GCM2 with a hex salt, two --match, PT lists and a per-class policy" \
	eval 'test "$rc" = 0 && test "$out" = "name: t-g2-256
key_epoch: 1"'
ctl --json add t_aead128 --mode AEAD_AES_128_GCM --key "$k_a128" --salt "$s_a128" --match 10.9.0.3:7000 --policy pass
check "add (--json): AEAD_AES_128_GCM with hex key and salt" \
	test "$out" = '{"ok":true,"name":"t_aead128","key_epoch":1}'
ctl_in "$k_a256" --json add t_aead256 --mode AEAD_AES_256_GCM --key - --match 10.9.0.4:7000 --audio-pt 0 --video-pt 96
check "add --key - (stdin): AEAD_AES_256_GCM as SDES inline:" \
	test "$out" = '{"ok":true,"name":"t_aead256","key_epoch":1}'
ctl --json add t_keyfile --mode AES_128_GCM2 --key-file "$kf1" --salt "$s_file1" --match 10.9.0.7:7000
check "add --key-file (chmod 600): AES_128_GCM2" \
	test "$out" = '{"ok":true,"name":"t_keyfile","key_epoch":1}'
ctl --json list
added_list='[("t_g2_128","AES_128_GCM2",["10.9.0.1:7000","*:7100"]),
 ("t_gcm128","AES_128_GCM",["10.9.0.5:7000","*:7105"]),
 ("t_gcm256","AES_256_GCM",["[2001:db8::6]:7000"]),
 ("t_kf_aead","AEAD_AES_256_GCM",["10.9.0.8:7000"]),
 ("t-g2-256","AES_256_GCM2",["10.9.0.2:7000","[2001:db8::9]:7000"]),
 ("t_aead128","AEAD_AES_128_GCM",["10.9.0.3:7000"]),
 ("t_aead256","AEAD_AES_256_GCM",["10.9.0.4:7000"]),
 ("t_keyfile","AES_128_GCM2",["10.9.0.7:7000"])]'
check "list after the adds: 12 channels, each added one with its mode and canonical matches, key_epoch 1" \
	jt 'cs = {c["name"]: c for c in d["channels"]}; len(d["channels"]) == 12 and
	  all(n in cs and cs[n]["mode"] == m and cs[n]["match"] == ma and cs[n]["key_epoch"] == 1 and
	      cs[n]["rekeys"] == 0 for n, m, ma in '"$added_list"')' "$out"
ctl --json channel-stats t_g2_128
check "channel.stats of an added channel (no traffic): zero counters" \
	jt 'c = d["channel"]; c["sealed_packets"] == 0 and c["opened_packets"] == 0 and c["auth_fail"] == 0' "$out"
ctl --json stats
check "stats counts 12 channels" jt 'd["channels"] == 12' "$out"

# -- telemetry before the rekeys
tel /rtpseal/channel,t_g2_128 /rtpseal/channel,room-42 /rtpseal/channels
tel_g2_before=$(sed -n 1p <<<"$out")
tel_room_before=$(sed -n 2p <<<"$out")
tel_channels_before=$(sed -n 3p <<<"$out")

# -- channel.rekey
req_rk1='{"cmd":"channel.rekey","name":"t_g2_128","key":"'$k_r1'","salt":"'$s_r1'","roc":"keep"}'
ctl_in "$req_rk1" batch
check "batch: channel.rekey roc keep -> key_epoch 2" \
	test "$out" = '{"ok":true,"name":"t_g2_128","key_epoch":2}'
ctl --json channel-stats t_g2_128
check "after a rekey: rekeys 1, the previous key is kept for the overlap" \
	jt 'c = d["channel"]; c["key_epoch"] == 2 and c["rekeys"] == 1 and c["previous_key_active"] is True' "$out"
ctl --json rekey t_g2_128 --key-file "$kf3" --salt "$s_r2" --roc reset
check "rekey --key-file --roc reset (--json) -> key_epoch 3" \
	test "$out" = '{"ok":true,"name":"t_g2_128","key_epoch":3}'
ctl rekey t_aead256 --key "$k_r3"
check "rekey (human, roc defaults to keep): SDES inline: -> key_epoch 2" \
	eval 'test "$rc" = 0 && test "$out" = "name: t_aead256
key_epoch: 2"'
ctl_in "$k_r4" --json rekey t_aead128 --key - --salt "$s_r4" --roc keep
check "rekey --key - (stdin) AEAD_AES_128_GCM -> key_epoch 2" \
	test "$out" = '{"ok":true,"name":"t_aead128","key_epoch":2}'
ctl --json rekey room-42 --key "$k_room" --salt "$s_room" --roc keep
check "rekey of a live channel (room-42, roc keep) -> key_epoch 2" \
	test "$out" = '{"ok":true,"name":"room-42","key_epoch":2}'
sleep 0.3
ctl --json channel-stats room-42
check "room-42 after its rekey: still sealing and opening, no auth_fail or replay" \
	jt 'c = d["channel"]; c["key_epoch"] == 2 and c["rekeys"] == 1 and c["auth_fail"] == 0 and c["replay"] == 0' "$out"
room_sealed=$(jv 'd["channel"]["sealed_packets"]' "$out")
room_opened=$(jv 'd["channel"]["opened_packets"]' "$out")

# -- telemetry: key epochs move with the rekeys
tel /rtpseal/channel,t_g2_128 /rtpseal/channel,room-42 /rtpseal/channels /rtpseal/stats /rtpseal/lcores
printf '%s\n' "$out" >"$tmp/tel.after"
check "telemetry /rtpseal/channel,t_g2_128: key_epoch 1 -> 3 after two rekeys" \
	eval 'jt "d[\"/rtpseal/channel\"][\"key_epoch\"] == 1" "$tel_g2_before" &&
	  jt "c = d[\"/rtpseal/channel\"]; c[\"key_epoch\"] == 3 and c[\"rekeys\"] == 2 and c[\"name\"] == \"t_g2_128\" and c[\"mode\"] == \"AES_128_GCM2\"" "$(sed -n 1p "$tmp/tel.after")"'
check "telemetry /rtpseal/channel,room-42: key_epoch 1 -> 2, counters moving" \
	eval 'jt "d[\"/rtpseal/channel\"][\"key_epoch\"] == 1" "$tel_room_before" &&
	  jt "c = d[\"/rtpseal/channel\"]; c[\"key_epoch\"] == 2 and c[\"sealed_packets\"] > 0 and c[\"auth_fail\"] == 0" "$(sed -n 2p "$tmp/tel.after")"'
check "telemetry /rtpseal/channels: t_g2_128's key_epoch 1 -> 3" \
	eval 'jt "t = d[\"/rtpseal/channels\"]; t[\"key_epochs\"][t[\"names\"].index(\"t_g2_128\")] == 1" "$tel_channels_before" &&
	  jt "t = d[\"/rtpseal/channels\"]; t[\"key_epochs\"][t[\"names\"].index(\"t_g2_128\")] == 3" "$(sed -n 3p "$tmp/tel.after")"'
ctl --json list
names=$(jv '" ".join(c["name"] for c in d["channels"])' "$out")
tel_ch=$(sed -n 3p "$tmp/tel.after")
check "telemetry /rtpseal/channels: count 12 and every channel of channel.list, with its key epoch" \
	jt 'names = "'"$names"'".split(); t = d["/rtpseal/channels"]; t["count"] == 12 and
	  sorted(t["names"]) == sorted(names) and len(t["key_epochs"]) == 12' "$tel_ch"
check "telemetry /rtpseal/stats: counters, drops_total 0" \
	jt 's = d["/rtpseal/stats"]; s["drops_total"] == 0 and s["sealed_packets"] > 0 and s["rx_packets"] > 0' "$(sed -n 4p "$tmp/tel.after")"
check "telemetry /rtpseal/lcores: one worker with its counters" \
	jt 'w = d["/rtpseal/lcores"]["worker0"]; w["lcore"] == 1 and w["sealed_packets"] > 0' "$(sed -n 5p "$tmp/tel.after")"
if [ -x /usr/bin/dpdk-telemetry.py ]; then
	out=$(echo /rtpseal/channel,room-42 | timeout 10 /usr/bin/dpdk-telemetry.py -f "$prefix" 2>&1)
	printf '%s\n' "$out" >>"$corpus/telemetry.log"
	check "dpdk-telemetry.py (DPDK's own client) reads /rtpseal/channel,room-42: key_epoch 2" \
		jt 'd["/rtpseal/channel"]["key_epoch"] == 2' "$(grep '"/rtpseal/channel"' <<<"$out" | tail -n1)"
fi
tel /rtpseal/channel,no_such_channel /rtpseal/channel
check "telemetry /rtpseal/channel with an unknown or no name: null, not a crash" \
	eval 'test "$(sed -n 1p <<<"$out")" = "{\"/rtpseal/channel\":null}" && test "$(sed -n 2p <<<"$out")" = "{\"/rtpseal/channel\":null}"'

# -- channel.remove
ctl_in '{"cmd":"channel.remove","name":"t_g2_128"}' batch
check "batch: channel.remove -> {ok:true}" test "$out" = '{"ok":true}'
ctl remove t-g2-256
check "remove (human) -> ok" eval 'test "$rc" = 0 && test "$out" = ok'
for n in t_gcm128 t_gcm256 t_kf_aead t_aead128 t_aead256 t_keyfile; do
	ctl --json remove "$n"
	[ "$out" = '{"ok":true}' ] || break
done
check "remove (--json) of the other added channels" test "$out" = '{"ok":true}'
ctl --json list
check "list after the removes: the 4 demo channels" \
	jt '[c["name"] for c in d["channels"]] == ["room-42","hall-7","sip-trunk","webrtc-1"]' "$out"
ctl --json channel-stats t_g2_128
check "channel.stats of a removed channel: ok false" \
	eval 'test "$rc" = 1 && test "$out" = "{\"ok\":false,\"error\":\"no channel named t_g2_128\"}"'
# a removed channel's name and matches are free again
ctl --json add t_g2_128 --mode AES_128_GCM2 --key "$k_g2_128" --salt "$s_g2_128" --match 10.9.0.1:7000 --match '*:7100'
r1=$out
ctl --json remove t_g2_128
check "a removed channel's name and matches can be added again (and removed)" \
	eval 'test "$r1" = "{\"ok\":true,\"name\":\"t_g2_128\",\"key_epoch\":1}" && test "$out" = "{\"ok\":true}"'

# -- one batch, every command
ctl_in '{"cmd":"ping"}
{"cmd":"stats"}
{"cmd":"channel.list"}
{"cmd":"channel.add","name":"t_batch","mode":"AES_256_GCM","key":"'"$k_err"'","match":["*:7200"]}
{"cmd":"channel.stats","name":"t_batch"}
{"cmd":"channel.rekey","name":"t_batch","key":"'"$k_r1"'","roc":"reset"}
{"cmd":"channel.remove","name":"t_batch"}' batch
check "batch: 7 requests on one connection, 7 ok replies in order" \
	"$PY" -c 'import json,sys
r = [json.loads(l) for l in sys.argv[1].splitlines()]
assert len(r) == 7 and all(x["ok"] is True for x in r)
assert r[0]["pong"] is True and "stats" in r[1] and len(r[2]["channels"]) == 4
assert r[3]["name"] == "t_batch" and r[4]["channel"]["name"] == "t_batch"
assert r[5]["key_epoch"] == 2 and r[6] == {"ok": True}' "$out"
check "batch exits 0 when every reply is ok" test "$rc" = 0

# room-42's previous key goes after rekey_overlap_ms (2000): wait for it,
# so that channel.list is stable from here on
for i in $(seq 50); do
	ctl --json channel-stats room-42
	jt 'd["channel"]["previous_key_active"] is False' "$out" && break
	sleep 0.1
done
check "the previous key of a live rekey is dropped after the overlap (within 5 s)" \
	jt 'd["channel"]["previous_key_active"] is False' "$out"
save_base
steady_check "after the protocol requests: no drop, sealing and opening still moving"
ctl --json channel-stats room-42
check "room-42 after its live rekey: no auth_fail or replay since (opened $room_opened -> $(jv 'd["channel"]["opened_packets"]' "$out")), no failure" \
	jt 'c = d["channel"]; c["opened_packets"] > '"$room_opened"' and c["sealed_packets"] > '"$room_sealed"' and
	  c["auth_fail"] == 0 and c["replay"] == 0' "$out"

# ==== 2. error paths ============================================================
echo "# 2. error paths (each followed by channel.list and stats on the same connection) (t=$((SECONDS - t0)) s)"
: >"$tmp/err.req"
: >"$tmp/err.cases"
ecase() { # ecase EXPECTED-SUBSTRING DESCRIPTION REQUEST [FORBIDDEN-IN-REPLY]
	printf '%s\t%s\t%s\n' "$1" "$2" "${4:-}" >>"$tmp/err.cases"
	printf '%s\n' "$3" >>"$tmp/err.req"
}
A='"cmd":"channel.add","name":"t_err"'
G='"mode":"AES_128_GCM2","key":"'$k_err'","salt":"'$s_err'"'
M='"match":"*:9100"'
R='"cmd":"channel.rekey","name":"room-42"'
ecase 'malformed JSON' 'malformed JSON (truncated)' '{"cmd":"ping"'
ecase 'malformed JSON' 'malformed JSON (trailing comma)' '{"cmd":"ping",}'
ecase 'malformed JSON' 'malformed JSON (duplicate key)' '{"cmd":"ping","cmd":"stats"}'
ecase 'malformed JSON' 'malformed JSON (not UTF-8)' $'{"cmd":"\xff"}'
ecase 'malformed JSON' 'malformed JSON does not echo the key it carries' \
	'{'"$R"',"key":"'"$k_malformed"'\x","salt":"'"$s_err"'"}' "$k_malformed"
ecase 'malformed JSON' 'malformed JSON (a bare string)' '"ping"'
ecase 'one JSON object per line' 'not an object (array)' '["ping"]'
ecase 'missing "cmd"' 'missing cmd' '{"name":"room-42"}'
ecase 'missing "cmd"' 'cmd not a string' '{"cmd":7}'
ecase 'unknown command "channel.destroy"' 'unknown command' '{"cmd":"channel.destroy","name":"room-42"}'
ecase 'unknown field "colour"' 'unknown field (channel.add)' '{'"$A,$G,$M"',"colour":"red"}'
ecase 'unknown field "mode"' 'unknown field (channel.rekey)' '{'"$R"',"key":"'"$k_err"'","salt":"'"$s_err"'","mode":"AES_256_GCM2"}'
ecase 'unknown field "name"' 'unknown field (stats)' '{"cmd":"stats","name":"room-42"}'
ecase 'must be strings' 'wrong type: name a number' '{"cmd":"channel.add","name":42,'"$G,$M"'}'
ecase 'must be strings' 'wrong type: key a number' '{'"$A"',"mode":"AES_128_GCM","key":12345,'"$M"'}'
ecase 'must be strings' 'wrong type: policy a number' '{'"$A,$G,$M"',"policy":1}'
ecase 'non-empty arrays or strings' 'wrong type: match an object' '{'"$A,$G"',"match":{"*":9100}}'
ecase 'non-empty arrays or strings' 'wrong type: match an empty array' '{'"$A,$G"',"match":[]}'
ecase 'non-empty arrays or strings' 'wrong type: audio_pt [true]' '{'"$A,$G,$M"',"audio_pt":[true]}'
ecase 'non-empty arrays or strings' 'wrong type: video_pt a number' '{'"$A,$G,$M"',"video_pt":96}'
ecase 'must be strings' 'wrong type: rekey roc a number' '{'"$R"',"key":"'"$k_err"'","salt":"'"$s_err"'","roc":1}'
ecase 'channel.stats needs "name"' 'wrong type: channel.stats name a number' '{"cmd":"channel.stats","name":1}'
ecase 'channel.remove needs "name"' 'wrong type: channel.remove name null' '{"cmd":"channel.remove","name":null}'
ecase 'channel.add needs "name"' 'channel.add without name' '{"cmd":"channel.add",'"$G,$M"'}'
ecase 'channel.add needs "match"' 'channel.add without match' '{'"$A,$G"'}'
ecase 'mode: missing' 'channel.add without mode' '{'"$A"',"key":"'"$k_err"'",'"$M"'}'
ecase 'mode: unknown mode' 'bad mode' '{'"$A"',"mode":"AES_512_GCM","key":"'"$k_err"'",'"$M"'}'
ecase 'mode: unknown mode' 'bad mode (lower case)' '{'"$A"',"mode":"aes_128_gcm2","key":"'"$k_err"'","salt":"'"$s_err"'",'"$M"'}'
ecase 'legacy mode refused' 'legacy mode AES_128_XTS' '{'"$A"',"mode":"AES_128_XTS","key":"'"$k_err"'",'"$M"'}'
ecase 'legacy mode refused' 'legacy mode SM4_128_ECB' '{'"$A"',"mode":"SM4_128_ECB","key":"'"$k_err"'",'"$M"'}'
ecase 'legacy mode refused' 'legacy mode AES_256_XTS' '{'"$A"',"mode":"AES_256_XTS","key":"'"$k_err"'",'"$M"'}'
ecase 'key: must be 32 hex digits for AEAD_AES_128_GCM (got 16)' 'short AEAD key' \
	'{'"$A"',"mode":"AEAD_AES_128_GCM","key":"'"$k_short"'","salt":"'"$s_a128"'",'"$M"'}' "$k_short"
ecase 'key: must be 32 hex digits for AEAD_AES_128_GCM (got 31)' 'odd-length AEAD key' \
	'{'"$A"',"mode":"AEAD_AES_128_GCM","key":"'"$k_odd"'","salt":"'"$s_a128"'",'"$M"'}' "$k_odd"
ecase 'key: must be 32 hex digits or SDES inline' 'non-hex AEAD key' \
	'{'"$A"',"mode":"AEAD_AES_128_GCM","key":"'"$k_nonhex"'","salt":"'"$s_a128"'",'"$M"'}' "$k_nonhex"
ecase 'inline: must hold 44 bytes' 'SDES inline: of the wrong length' \
	'{'"$A"',"mode":"AEAD_AES_256_GCM","key":"inline:'"$s_short16"'",'"$M"'}' "$s_short16"
ecase 'inline: value is not valid base64' 'SDES inline: not base64' '{'"$A"',"mode":"AEAD_AES_256_GCM","key":"inline:!!!!!!!!",'"$M"'}'
ecase 'salt: must be absent' 'SDES inline: with a salt' \
	'{'"$A"',"mode":"AEAD_AES_256_GCM","key":"'"$k_a256"'","salt":"'"$s_a128"'",'"$M"'}'
ecase 'salt: must be 12 bytes as 24 hex digits (got 20)' 'AEAD salt of the wrong length' \
	'{'"$A"',"mode":"AEAD_AES_128_GCM","key":"'"$k_a128"'","salt":"'"${s_a128:0:20}"'",'"$M"'}'
ecase 'needs a salt' 'AEAD hex key without a salt' '{'"$A"',"mode":"AEAD_AES_128_GCM","key":"'"$k_a128"'",'"$M"'}'
ecase 'salt: not valid base64 or hex' 'bad base64 salt' '{'"$A"',"mode":"AES_128_GCM2","key":"'"$k_err"'","salt":"!!not*base64!!",'"$M"'}'
ecase 'salt: must be 32 bytes as base64 or 64 hex digits (got 16 bytes)' 'salt of 16 bytes' \
	'{'"$A"',"mode":"AES_128_GCM2","key":"'"$k_err"'","salt":"'"$s_short16"'",'"$M"'}' "$s_short16"
ecase 'salt: must be 32 bytes as base64 or 64 hex digits (got 62 hex digits)' 'hex salt of 31 bytes' \
	'{'"$A"',"mode":"AES_128_GCM2","key":"'"$k_err"'","salt":"'"${s_g2_256:0:62}"'",'"$M"'}'
ecase 'needs a salt' 'GCM2 without a salt' '{'"$A"',"mode":"AES_256_GCM2","key":"'"$k_err"'",'"$M"'}'
ecase 'takes no salt' 'AES_128_GCM with a salt' '{'"$A"',"mode":"AES_128_GCM","key":"'"$k_err"'","salt":"'"$s_err"'",'"$M"'}'
ecase 'give exactly one of key and key_file' 'key and key_file both' '{'"$A,$G"',"key_file":"'"$kf1"'",'"$M"'}'
ecase 'give exactly one of key and key_file' 'neither key nor key_file' '{'"$A"',"mode":"AES_128_GCM2","salt":"'"$s_err"'",'"$M"'}'
ecase 'key: empty' 'empty key' '{'"$A"',"mode":"AES_128_GCM","key":"",'"$M"'}'
ecase 'group/world accessible (mode 0640); run chmod 600' 'group-readable key_file' \
	'{'"$A"',"mode":"AES_128_GCM2","key_file":"'"$kf_group"'","salt":"'"$s_err"'",'"$M"'}'
ecase 'cannot open: No such file or directory' 'missing key_file' \
	'{'"$A"',"mode":"AES_128_GCM2","key_file":"'"$tmp"'/missing.key","salt":"'"$s_err"'",'"$M"'}'
ecase 'not a regular file' 'key_file a directory' '{'"$A"',"mode":"AES_128_GCM","key_file":"'"$tmp"'",'"$M"'}'
ecase 'channel room-42 already exists' 'duplicate channel name' '{"cmd":"channel.add","name":"room-42",'"$G,$M"'}'
ecase 'match 10.0.0.2:5004 overlaps channel room-42' 'overlapping match (exact)' '{'"$A,$G"',"match":"10.0.0.2:5004"}'
ecase 'match *:6000 overlaps channel room-42' 'overlapping match (wildcard, second entry)' '{'"$A,$G"',"match":["*:9100","*:6000"]}'
ecase 'match [2001:db8::3]:5004 overlaps channel hall-7' 'overlapping match (IPv6)' '{'"$A,$G"',"match":"[2001:db8::3]:5004"}'
ecase '*:9100 listed twice' 'match listed twice' '{'"$A,$G"',"match":"*:9100, *:9100"}'
ecase 'match: entry 1: expected ADDR:PORT' 'bad match syntax (no port)' '{'"$A,$G"',"match":"10.9.9.9"}'
ecase 'match: entry 1: not an IPv4 address' 'bad match syntax (bad address)' '{'"$A,$G"',"match":"10.9.9.300:9100"}'
ecase 'match: entry 1: port must be 1..65535' 'bad match syntax (port 0)' '{'"$A,$G"',"match":"*:0"}'
ecase 'match: entry 1: port must be 1..65535' 'bad match syntax (port 70000)' '{'"$A,$G"',"match":"*:70000"}'
ecase 'match: entry 1: an IPv6 address goes in brackets' 'bad match syntax (IPv6 without brackets)' '{'"$A,$G"',"match":"2001:db8::1:9100"}'
ecase 'match: entry 2 is empty' 'bad match syntax (trailing comma)' '{'"$A,$G"',"match":"*:9100,"}'
ecase 'audio_pt: entry 1: a payload type is a number 0..127' 'PT 128' '{'"$A,$G,$M"',"audio_pt":[128]}'
ecase 'audio_pt: entry 2: a payload type is a number 0..127' 'PT -1' '{'"$A,$G,$M"',"audio_pt":"0,-1"}'
ecase 'video_pt: entry 1: a payload type is a number 0..127' 'PT not a number' '{'"$A,$G,$M"',"video_pt":["vp8"]}'
ecase 'payload type 111 is in both audio_pt and video_pt' 'PT in both lists' '{'"$A,$G,$M"',"audio_pt":[111],"video_pt":"96, 111"}'
ecase 'payload type 8 listed twice' 'PT twice in one list' '{'"$A,$G,$M"',"audio_pt":"8,8"}'
ecase 'policy: expected encrypt|pass|drop' 'bad policy word' '{'"$A,$G,$M"',"policy":"maybe"}'
ecase 'policy: audio: action must be encrypt, pass or drop' 'bad policy action' '{'"$A,$G,$M"',"policy":"audio:maybe"}'
ecase 'policy: class must be audio, video or other' 'bad policy class' '{'"$A,$G,$M"',"policy":"sound:drop"}'
ecase 'policy: audio given twice' 'policy class twice' '{'"$A,$G,$M"',"policy":"audio:pass audio:drop"}'
ecase 'name: must be 1..63 characters' 'bad channel name' '{"cmd":"channel.add","name":"room 42!",'"$G,$M"'}'
ecase 'name: must be 1..63 characters' 'channel name of 64 characters' \
	'{"cmd":"channel.add","name":"'"$(printf 'n%.0s' $(seq 64))"'",'"$G,$M"'}'
ecase 'no channel named nope' 'unknown channel (rekey)' '{"cmd":"channel.rekey","name":"nope","key":"'"$k_err"'","salt":"'"$s_err"'"}'
ecase 'no channel named nope' 'unknown channel (remove)' '{"cmd":"channel.remove","name":"nope"}'
ecase 'no channel named nope' 'unknown channel (stats)' '{"cmd":"channel.stats","name":"nope"}'
ecase 'roc must be "keep" or "reset"' 'roc not keep|reset' '{'"$R"',"key":"'"$k_err"'","salt":"'"$s_err"'","roc":"later"}'
ecase 'channel.rekey needs "name"' 'rekey without name' '{"cmd":"channel.rekey","key":"'"$k_err"'"}'
ecase 'salt: must be 32 bytes as base64' 'rekey with a bad salt' '{'"$R"',"key":"'"$k_err"'","salt":"'"$s_short16"'"}'
ecase 'needs a salt' 'rekey GCM2 without a salt' '{'"$R"',"key":"'"$k_err"'"}'
ecase 'give exactly one of key and key_file' 'rekey with key and key_file' '{'"$R"',"key":"'"$k_err"'","key_file":"'"$kf1"'","salt":"'"$s_err"'"}'
ecase 'group/world accessible' 'rekey with a group-readable key_file' '{'"$R"',"key_file":"'"$kf_group"'","salt":"'"$s_err"'"}'
ecase 'key: must be 32 hex digits for AEAD_AES_128_GCM (got 16)' 'rekey AEAD with a short key' \
	'{"cmd":"channel.rekey","name":"sip-trunk","key":"'"$k_short"'","salt":"'"$s_a128"'"}' "$k_short"
ecase 'salt: must be absent' 'rekey SDES inline: with a salt' \
	'{"cmd":"channel.rekey","name":"webrtc-1","key":"'"$k_r3"'","salt":"'"$s_a128"'"}'

save_base
ctl_in $'{"cmd":"stats"}' batch
last_sealed=$(jv 'd["stats"]["sealed_packets"]' "$out")
last_opened=$(jv 'd["stats"]["opened_packets"]' "$out")
nreq=$(wc -l <"$tmp/err.req")
{
	while IFS= read -r line; do
		printf '%s\n{"cmd":"channel.list"}\n{"cmd":"stats"}\n' "$line"
		sleep 0.02
	done <"$tmp/err.req"
} | timeout 60 "$CTL" -s "$sock" batch --timestamps >"$tmp/err.ts" 2>"$tmp/err.err"
rc=$?
cut -d' ' -f3- "$tmp/err.ts" >"$tmp/err.out"
cat "$tmp/err.out" "$tmp/err.err" >>"$corpus/rtpsealctl.log"
check "batch of $nreq failing requests exits 1 (got $rc), 3 reply lines per request" \
	eval 'test "$rc" = 1 && test "$(wc -l <"$tmp/err.out")" = $((3 * nreq))'
# Per failing request: the reply, channel.list byte-identical, drops 0,
# sealed and opened never going back and never standing still for 1 s
# (replies carry the wall-clock ns they were read at: batch --timestamps).
"$PY" - "$tmp/err.cases" "$tmp/err.ts" "$tmp/list.base" "$last_sealed" "$last_opened" >"$tmp/err.res" <<'EOF'
import json, sys
cases = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
lines = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()
replies = [l.split(" ", 2)[2] for l in lines]
stamps = [int(l.split(" ", 2)[1]) for l in lines]
base = open(sys.argv[3], encoding="utf-8").read().rstrip("\n")
sealed, opened = int(sys.argv[4]), int(sys.argv[5])
moved_at = stamps[0] if stamps else 0
for i, (want, desc, forbid) in enumerate(cases):
    why = []
    try:
        r, lst, st = replies[3 * i:3 * i + 3]
        now = stamps[3 * i + 2]
        d = json.loads(r)
        if set(d) != {"ok", "error"} or d["ok"] is not False or not isinstance(d["error"], str):
            why.append("reply shape %s" % r)
        elif want not in d["error"]:
            why.append("error %r lacks %r" % (d["error"], want))
        if forbid and forbid.lower() in r.lower():
            why.append("the reply echoes key material: %s" % r)
        if lst != base:
            why.append("channel.list changed: %s" % lst)
        s = json.loads(st)["stats"]
        if sum(s["drops"].values()):
            why.append("drops %s" % s["drops"])
        if s["sealed_packets"] < sealed or s["opened_packets"] < opened:
            why.append("counters went back: sealed %d -> %d, opened %d -> %d" % (sealed, s["sealed_packets"], opened, s["opened_packets"]))
        if s["sealed_packets"] > sealed and s["opened_packets"] > opened:
            moved_at = now
        elif now - moved_at > 1e9:
            why.append("sealed/opened stood still for %.1f s (%d, %d)" % ((now - moved_at) / 1e9, sealed, opened))
        sealed, opened = s["sealed_packets"], s["opened_packets"]
    except Exception as e:
        why.append("no usable reply (%s)" % e)
    if why:
        print("not ok - error: %s: %s" % (desc, "; ".join(why)))
    else:
        print("ok - error: %s -> %s" % (desc, json.loads(replies[3 * i])["error"]))
EOF
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	*) not_ok "${line#not ok - }" ;;
	esac
done <"$tmp/err.res"
last_sealed=0
last_opened=0
steady_check "after the failing batch: channel.list identical, no drop, data path moving"
ctl --json channel-stats room-42
check "after the failing rekeys: room-42 key_epoch unchanged (2)" jt 'd["channel"]["key_epoch"] == 2 and d["channel"]["rekeys"] == 1' "$out"

# -- the same through rtpsealctl's commands: exit 1, the message on stderr
ctl add t_err --mode AES_128_XTS --key "$k_err" --match '*:9100'
check "add (human) of a legacy mode: exit 1, 'rtpsealctl: ... legacy mode refused' on stderr, nothing on stdout" \
	eval 'test "$rc" = 1 && test -z "$out" && has "rtpsealctl: channel.add t_err: mode: legacy mode refused" "$err"'
ctl --json rekey nope --key "$k_err" --salt "$s_err"
check "rekey (--json) of an unknown channel: exit 1, the reply on stdout" \
	eval 'test "$rc" = 1 && test "$out" = "{\"ok\":false,\"error\":\"no channel named nope\"}"'
ctl --json add t_err --mode AEAD_AES_128_GCM --key "$k_short" --salt "$s_a128" --match '*:9100'
check "add (--json) with a short AEAD key: exit 1, the reply does not echo the key" \
	eval 'test "$rc" = 1 && jt "d[\"ok\"] is False" "$out" && ! has "$k_short" "$out$err"'
ctl rekey room-42 --key "$k_err" --salt "$s_err" --roc later
check "rekey --roc later: exit 1 with the reason" eval 'test "$rc" = 1 && has "roc must be" "$err"'
ctl rekey --key "$k_err"
check "rekey without a NAME: usage error, exit 2" eval 'test "$rc" = 2 && has "needs a channel NAME" "$err"'
ctl frobnicate x
check "unknown rtpsealctl command: exit 2" eval 'test "$rc" = 2 && has "unknown command" "$err"'
ctl remove nope
check "remove of an unknown channel: exit 1" eval 'test "$rc" = 1 && has "no channel named nope" "$err"'
steady_check "after the rtpsealctl errors: channel.list identical, no drop, data path moving"

# -- raw socket framing
raw send -d 150 '{"cmd":' '"channel.stats",' '"name":"room-42"}'$'\n'
check "a request split across three writes gets one reply" \
	eval 'test "$(wc -l <<<"$out")" = 1 && jt "d[\"channel\"][\"name\"] == \"room-42\"" "$out"'
raw send $'{"cmd":"ping"}\n{"cmd":"channel.stats","name":"nope"}\n{"cmd":"channel.list"}\n'
check "three requests in one write get three replies in order" \
	eval 'test "$(wc -l <<<"$out")" = 3 && jt "d[\"pong\"]" "$(sed -n 1p <<<"$out")" &&
	  test "$(sed -n 2p <<<"$out")" = "{\"ok\":false,\"error\":\"no channel named nope\"}" &&
	  test "$(sed -n 3p <<<"$out")" = "$(cat "$tmp/list.base")"'
raw send $'\n{"cmd":"ping"}\n'
check "an empty line gets an error reply, the next request is served" \
	eval 'jt "d[\"ok\"] is False" "$(sed -n 1p <<<"$out")" && jt "d[\"pong\"]" "$(sed -n 2p <<<"$out")"'
raw hangup '{"cmd":"channel.remove","name":"room-42"'
raw hangup '{"cmd":"channel.add","name":"t_half","mode":"AES_128_GCM","key":"'"$k_err"'","match":"*:9300"'
sleep 0.2
steady_check "clients that hang up mid-line (a remove, an add): nothing done, list identical"
raw send $'{"cmd":"ping"}\n'
check "the next client is served normally" jt 'd["pong"] is True' "$out"
raw pad 70000
check "a 70000-byte request: {ok:false, request longer than 65535 bytes}, connection closed" \
	eval 'test "$(sed -n 1p <<<"$out")" = "{\"ok\":false,\"error\":\"request longer than 65535 bytes\"}" && test "$(sed -n 2p <<<"$out")" = EOF'
steady_check "after the over-long request: channel.list identical, no drop"
raw pad 65536
check "a 65536-byte request (> 64 KiB): refused" \
	has '"error":"request longer than 65535 bytes"' "$out"
raw pad 65534
check "a 65534-byte request is served" jt 'd["pong"] is True' "$(sed -n 1p <<<"$out")"
raw pad 65535
check "a 65535-byte request (not longer than the stated 65535-byte limit) is served" \
	jt 'd["pong"] is True' "$(sed -n 1p <<<"$out")"
[ "$(sed -n 1p <<<"$out")" = '{"ok":false,"error":"request longer than 65535 bytes"}' ] &&
	echo "#   a request of exactly 65535 bytes is refused with 'request longer than 65535 bytes'"
raw clients 17
check "16 clients at once are served, the 17th gets {ok:false, too many control clients}" \
	eval 'test "$(grep -c "\"pong\":true" <<<"$out")" = 16 &&
	  test "$(sed -n 17p <<<"$out")" = "17 {\"ok\":false,\"error\":\"too many control clients\"}"'
sleep 0.2
raw send $'{"cmd":"ping"}\n'
check "after they leave, a new client is served" jt 'd["pong"] is True' "$out"
steady_check "after the framing tests: channel.list identical, no drop"

# ==== 3. another uid ===========================================================
echo "# 3. another uid (t=$((SECONDS - t0)) s)"
# uid 65534 may not be able to reach the build tree (a clone under a 0700
# directory, as CI's): it runs copies of the clients, with the libraries
# they load from outside the system paths (ipsec-mb 2.0 from .deps/).
nobody_bin=$tmp/nobody-bin
mkdir -p "$nobody_bin"
cp "$CTL" "$CLIENT" "$nobody_bin/"
ldd "$CTL" "$CLIENT" | awk '$2 == "=>" && $3 ~ /^\// && $3 !~ /^\/(usr\/)?lib/ { print $3 }' |
	sort -u | while read -r lib; do cp "$lib" "$nobody_bin/"; done
chmod -R a+rX "$nobody_bin"
chmod 711 "$tmp"
CTL_NOBODY=$nobody_bin/$(basename "$CTL")
CLIENT_NOBODY=$nobody_bin/$(basename "$CLIENT")
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups env LD_LIBRARY_PATH="$nobody_bin")
check "the socket is mode 0600, owned by root ($(stat -c '%a %U' "$sock"))" \
	test "$(stat -c '%a %u %F' "$sock")" = "600 0 socket"
chmod 711 "$tmp" # the directory is no obstacle: the socket's mode is
timeout 10 "${nobody[@]}" "$CTL_NOBODY" -s "$sock" ping >"$tmp/o" 2>"$tmp/e"
rc=$?
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
check "uid 65534 on the 0600 socket: non-zero exit ($rc), 'permission denied' explained" \
	eval 'test "$rc" != 0 && grep -q "permission denied on $sock: only the user rtpseal runs as" "$tmp/e" && test ! -s "$tmp/o"'
timeout 10 "${nobody[@]}" "$CTL_NOBODY" -s "$sock" --json remove room-42 >"$tmp/o" 2>"$tmp/e"
rc=$?
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
check "uid 65534 on the 0600 socket: remove refused too (exit $rc)" eval 'test "$rc" != 0 && grep -q "permission denied" "$tmp/e"'
chmod 666 "$sock"
out=$(timeout 10 "${nobody[@]}" "$CLIENT_NOBODY" "$sock" send -d 200 $'{"cmd":"channel.remove","name":"room-42"}\n' \
	$'{"cmd":"ping"}\n' 2>>"$corpus/ctl_client.log")
printf '%s\n' "$out" >>"$corpus/ctl_client.log"
check "socket loosened to 0666: the daemon refuses uid 65534 itself (SO_PEERCRED) and hangs up" \
	eval 'test "$(sed -n 1p <<<"$out")" = "{\"ok\":false,\"error\":\"permission denied: uid 65534 is not the owner of this socket\"}" &&
	  test "$(sed -n 2p <<<"$out")" = EOF'
good=0
bad_example=""
for i in $(seq 12); do
	timeout 10 "${nobody[@]}" "$CTL_NOBODY" -s "$sock" ping >"$tmp/o" 2>"$tmp/e"
	rc=$?
	cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
	if [ "$rc" = 1 ] && grep -q "rtpsealctl: permission denied: uid 65534 is not the owner of this socket" "$tmp/e"; then
		good=$((good + 1))
	else
		bad_example="exit $rc: $(cat "$tmp/e")"
	fi
done
check "socket 0666: rtpsealctl as uid 65534 shows the daemon's refusal and exits 1 ($good of 12 runs)" \
	test "$good" = 12
[ -n "$bad_example" ] && echo "#   e.g. $bad_example"
timeout 10 "${nobody[@]}" "$CTL_NOBODY" -s "$sock" --json remove room-42 >"$tmp/o" 2>"$tmp/e"
cat "$tmp/o" "$tmp/e" >>"$corpus/rtpsealctl.log"
chmod 600 "$sock"
chmod 700 "$tmp"
steady_check "after the refused clients: room-42 still there, channel.list identical, no drop"
ctl ping
check "the owner is still served after the socket mode was restored" test "$rc" = 0

if stop_daemon; then ok "rtpseal exits 0 on SIGTERM"; else not_ok "rtpseal exits 0 on SIGTERM"; fi
check "the exit summary balances (rx = tx + drops: ok) with no drop" \
	eval 'grep -q "^summary: rx = tx + drops: .*: ok$" "$corpus/rtpseal.out" && grep -q "drops 0" "$corpus/rtpseal.out"'
check "the stats JSON: rx = tx + drops, every drop 0" \
	jt 'd["rx_packets"] == d["tx_packets"] + sum(d["drops"].values()) and sum(d["drops"].values()) == 0 and
	  d["sealed_packets"] > 0' "$(cat "$corpus/rtpseal.json")"
check "the daemon logged the refused uid (not the request)" \
	grep -q "control: refused a client with uid 65534" "$corpus/rtpseal.out"
check "the daemon logged the adds, rekeys and removes" \
	eval 'grep -q "control: channel t_g2_128 added (mode AES_128_GCM2)" "$corpus/rtpseal.out" &&
	  grep -q "control: channel room-42 rekeyed, key epoch 2 (roc keep)" "$corpus/rtpseal.out" &&
	  grep -q "control: channel t_g2_128 removed" "$corpus/rtpseal.out"'
check "the socket is removed at exit" test ! -e "$sock"

# ==== 1b. live rekeys lose no packet ============================================
# One channel, one audio stream as fast as the pipeline goes, so its ROC
# moves every ~65536 packets: rekeys with roc keep, then with roc reset each
# once the ROC has moved on, while packets sealed under the old key are
# still on their way to the opening side.
echo "# 1b. live rekeys (second daemon: sip-trunk, one stream) (t=$((SECONDS - t0)) s)"
lsock=$tmp/live.sock
awk '/^\[channel /{skip = ($2 != "sip-trunk]")} /^\[generator\]/{skip = 0} /^\[(general|port)/{skip = 0} !skip' \
	conf/demo.conf | sed -e "/^\[general\]/a control_socket = $lsock" \
	-e 's/^streams_per_channel.*/streams_per_channel = 1/' -e 's/^audio_share.*/audio_share = 100/' >"$tmp/live.conf"
sock=$lsock
if ! start_daemon "$tmp/live.conf" "$lsock" "${prefix}l" live; then
	not_ok "second rtpseal starts" "$(tail -n 5 "$corpus/live.err" "$corpus/live.out")"
	finish
fi
sip() { # sip EXPR: evaluate on sip-trunk's channel.stats
	ctl --json channel-stats sip-trunk
	jv "$1" "$out"
}
sleep 0.5
for i in $(seq 10); do
	k=$(rand_hex 16) v=$(rand_hex 12)
	secret "$k" "$v" "$k$v"
	ctl --json rekey sip-trunk --key "$k" --salt "$v" --roc keep
	sleep 0.1
done
sleep 0.3
v=$(sip '"%d %d %d %d" % (d["channel"]["key_epoch"], d["channel"]["opened_prev_key"], d["channel"]["auth_fail"], d["channel"]["replay"])')
read -r epoch prev af rp <<<"$v"
check "10 live rekeys with roc keep: key_epoch 11, no auth_fail, no replay ($prev packets opened with the previous key)" \
	test "$epoch $af $rp" = "11 0 0"
resets=0
exercised=0
t_resets=$SECONDS
# the whole suite stays well under 90 s, even slowed down (ASan, load)
budget_left() { [ $((SECONDS - t_resets)) -le 20 ] && [ $((SECONDS - t0)) -le 72 ]; }
for i in $(seq 14); do
	budget_left || break
	# wait until the stream's ROC has moved since the last reset
	base=$(sip 'd["channel"]["sealed_packets"]')
	for j in $(seq 100); do
		[ "$(sip 'd["channel"]["sealed_packets"]')" -gt $((base + 70000)) ] && break
		budget_left || break 2
		sleep 0.1
	done
	before=$(sip 'd["channel"]["opened_prev_key"]')
	k=$(rand_hex 16) v=$(rand_hex 12)
	secret "$k" "$v" "$k$v"
	ctl --json rekey sip-trunk --key "$k" --salt "$v" --roc reset
	resets=$((resets + 1))
	sleep 0.2
	v=$(sip '"%d %d %d" % (d["channel"]["opened_prev_key"], d["channel"]["auth_fail"], d["channel"]["replay"])')
	read -r prev af rp <<<"$v"
	[ "$prev" -gt "$before" ] && exercised=$((exercised + 1))
	[ "$af" != 0 ] || [ "$rp" != 0 ] && break
	[ "$exercised" -ge 3 ] && break
done
name="live rekeys with roc reset (after the ROC moved): no auth_fail, no replay ($resets resets, $exercised with packets in flight under the old key; auth_fail $af, replay $rp)"
if [ "$af $rp" != "0 0" ]; then
	not_ok "$name"
elif [ "$exercised" = 0 ]; then
	ok "$name # SKIP no packet was in flight under the old key at any reset: not exercised"
else
	ok "$name"
fi
if stop_daemon; then ok "second rtpseal exits 0 on SIGTERM"; else not_ok "second rtpseal exits 0 on SIGTERM"; fi
check "second daemon's stats JSON: rx = tx + drops" \
	jt 'd["rx_packets"] == d["tx_packets"] + sum(d["drops"].values())' "$(cat "$corpus/live.json")"

# ==== 5. no secret in any output ================================================
echo "# 5. secrets (derive, genkey and gensalt print key material by design: their stdout is not searched) (t=$((SECONDS - t0)) s)"
sort -u "$secrets" -o "$secrets"
nsec=$(wc -l <"$secrets")
files=$(cd "$corpus" && ls | tr '\n' ' ')
nlines=$(cat "$corpus"/* | wc -l)
check "the corpus holds the daemons' output, rtpsealctl's, ctl_client's, the stats JSON and telemetry ($files)" \
	eval 'test -s "$corpus/rtpseal.out" && test -s "$corpus/rtpsealctl.log" && test -s "$corpus/telemetry.log" &&
	  test -s "$corpus/rtpseal.json" && test -s "$corpus/live.json" && test -s "$corpus/ctl_client.log"'
derive --json --mode AES_128_GCM2 --key "$k_room" --salt "$s_room"
planted=$(jv 'd["srtp_key"][:32].upper()' "$out")
check "the leak search finds a planted derived master key (upper case hex)" \
	eval 'test -n "$planted" && printf "x%sx\n" "$planted" | grep -F -i -q -f "$secrets"'
leaks=$(grep -F -i -o -f "$secrets" "$corpus"/* | sort -u)
if [ -z "$leaks" ]; then
	ok "none of $nsec keys, salts and derived keys appears in $nlines lines of output"
else
	not_ok "none of $nsec keys, salts and derived keys appears in $nlines lines of output" \
		"found $(wc -l <<<"$leaks"): $(head -n 5 <<<"$leaks" | tr '\n' ' ')"
	grep -F -i -n -f "$secrets" "$corpus"/* | head -n 5 | sed 's/^/#   /'
fi
for f in rtpseal.json live.json telemetry.log; do
	check "no secret in $f" eval '! grep -F -i -q -f "$secrets" "$corpus/$f"'
done

finish
