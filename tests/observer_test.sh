#!/usr/bin/env bash
# shellcheck disable=SC2154 # c_NAME: set by count() through printf -v
# Packet observers (DESIGN §7, lib/rs_observer.h) end to end: rtpseal on two
# net_pcap ports (port 0 clear, port 1 cipher), pcap in -> pcap out, with
# the observers of conf/observers/ and tests/observers/ loaded by
# --observer. Judged by the stats JSON (every run: rx = tx + drops, no mbuf
# in use, every drop reason not expected is 0), pcap_cmp (byte-identical
# round trips), srtp_pcap_check (libsrtp2) and a Python helper that reads
# the captures itself (counts, nonces, an independent AES-256-GCM check
# through libcrypto).
#
#   a. drop_odd_video: observer_drop is exactly the video packets with an
#      odd RTP sequence number (half the video, +-1/2 per stream), the rest
#      sealed and verified by libsrtp2
#   b. aes256gcm round trips, byte-exact: as a mode = custom channel's only
#      encryption and on top of built-in SRTP; the wire format checked
#      independently (nonce = one prefix + a counter going up by one, 28
#      bytes more per packet, header untouched, libcrypto opens it); crafted
#      RTP headers (CSRCs, extensions, padding, empty payload, malformed,
#      too big for the buffer)
#   c. tampering: one flipped ciphertext byte, one flipped header (AAD)
#      byte, a truncated packet, the wrong key: dropped on receive, counted
#   d. refused at start, exit 1 before any port: ABI mismatch, no entry
#      symbol, init failure, missing .so, loose or bad key files
#   e. grow_past: packets grown past their capacity or below an RTP header
#      are refused and counted (observers[].refused, drops.observer_drop),
#      on both sides, no crash (clean under SAN)
#   f. mode custom without an observer attached to it is refused at start
#   g. histogram: its stats in --stats-json and in telemetry
#      (/rtpseal/observer,histogram)
#   h. non-media traffic (STUN, DTLS, ARP) next to an observed channel
#      passes untouched
#
# Run by `make test` as `BUILD=<build dir> bash tests/observer_test.sh` from
# the repo root. "ok - / not ok -" per case, then `N passed, N failed`.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
rtpseal=$build/rtpseal
gen=$build/rtpseal-gen
check=$build/tools/srtp_pcap_check
cmp=$build/tools/pcap_cmp
obs=$build/observers

# shellcheck source=SCRIPTDIR/lib.sh
. tests/lib.sh
make_tmp -t rs-obs.XXXXXX
prefix=rs-obs-$$
dpdk_prefix "$prefix"
tel_pid=""
# shellcheck disable=SC2317 # run at exit by tests/lib.sh
suite_cleanup() {
	[ -n "$tel_pid" ] && kill "$tel_pid" 2>/dev/null
}
trap 'exit 130' INT TERM
DIAG_LINES=12 # a failed case shows the last 12 lines of its logs

# rs_run NAME CONF RX0 RX1 [rtpseal options...]: rtpseal on two net_pcap
# ports, RX from the given captures ("" = none), TX into $tmp/NAME.p0.pcap
# and $tmp/NAME.p1.pcap, stats in $tmp/NAME.json, output in $tmp/NAME.log.
# Returns rtpseal's exit status (124: timed out).
rs_run() {
	local name=$1 conf=$2 rx0=$3 rx1=$4
	shift 4
	local v0="net_pcap0,tx_pcap=$tmp/$name.p0.pcap" v1="net_pcap1,tx_pcap=$tmp/$name.p1.pcap"
	[ -n "$rx0" ] && v0="net_pcap0,rx_pcap=$rx0,tx_pcap=$tmp/$name.p0.pcap"
	[ -n "$rx1" ] && v1="net_pcap1,rx_pcap=$rx1,tx_pcap=$tmp/$name.p1.pcap"
	rm -f "$tmp/$name.json"
	diag+=("$tmp/$name.log")
	timeout 30 "$rtpseal" -l 0,1 --no-huge -m 256 --no-pci --file-prefix "$prefix-$name" \
		--log-level=lib.eal:warning --vdev "$v0" --vdev "$v1" -- -c "$conf" \
		--exit-on-idle 300 --stats-json "$tmp/$name.json" --stats-interval 0 "$@" \
		>"$tmp/$name.log" 2>&1
}

run_ok() { # run_ok NAME CONF RX0 RX1 [options...]: rs_run, a failure unless exit 0
	local rc=0
	rs_run "$@" || rc=$?
	[ "$rc" = 0 ] || fail "rtpseal exited $rc"
	return "$rc"
}

# J JSON KEY: one value of the stats JSON, KEY a dotted path (drops.auth_fail,
# observers.0.stats.sealed) or one of rx_ok (rx = tx + drops: 1 or 0) and
# drops_sum; "missing" when absent. The JSON is flattened once, into
# JSON.flat, by one python3 run.
J() {
	local json=$1 v
	if [ ! -s "$json.flat" ] || [ "$json" -nt "$json.flat" ]; then
		python3 -c 'import json, sys
def walk(p, v):
    if isinstance(v, dict):
        for k, x in v.items():
            walk(p + [str(k)], x)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(p + [str(i)], x)
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            print(".".join(p + ["sum"]), sum(v))
    else:
        print(".".join(p), json.dumps(v) if isinstance(v, str) else v)
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
walk([], d)
s = sum(d.get("drops", {}).values())
print("drops_sum", s)
print("rx_ok", int(d.get("rx_packets") == d.get("tx_packets", 0) + s))' "$json" >"$json.flat"
	fi
	v=$(awk -v k="$2" '$1 == k { print $2; exit }' "$json.flat")
	echo "${v:-missing}"
}

# stats_ok (tests/lib.sh): top-level counters or drops.REASON have the
# values named, every reason of DROP_REASONS not named is 0
STATS_REASONS=("${DROP_REASONS[@]}")

# obs_ok JSON INDEX KEY=VALUE...: observers[INDEX] fields (calls, packets,
# drops, refused, name) or stats.FIELD[.FIELD...] of its own figures
obs_ok() {
	local json=$1 i=$2 e k v
	shift 2
	for e in "$@"; do
		k=${e%%=*}
		v=$(J "$json" "observers.$i.$k")
		[ "$v" = "${e#*=}" ] || fail "observers[$i].$k $v, want ${e#*=}"
	done
}

same_pcap() { # same_pcap A B: pcap_cmp says identical
	if ! "$cmp" "$1" "$2" >"$tmp/cmp.out" 2>&1; then
		fail "$(head -c 300 "$tmp/cmp.out" | tr '\n' ' ')"
		return 1
	fi
}

# refused_start NAME CONF [options...]: a run that must be refused, in the
# background (refusals start no worker, so they can run side by side);
# refused NAME MUST_SAY (after wait): rtpseal exited 1 before any port
# started, wrote no stats, said MUST_SAY and showed no key
refused_start() {
	local name=$1 conf=$2
	shift 2
	(
		rc=0
		rs_run "$name" "$conf" "$clear" "" "$@" || rc=$?
		echo "$rc" >"$tmp/$name.rc"
	) &
}
refused() {
	local name=$1 say=$2 rc s
	rc=$(cat "$tmp/$name.rc" 2>/dev/null || echo none)
	diag+=("$tmp/$name.log")
	expect "exit status $rc, want 1" test "$rc" = 1
	grep -qF -- "$say" "$tmp/$name.log" || fail "no message '$say'"
	if grep -q '^rtpseal: port [0-9]' "$tmp/$name.log"; then fail "a port was started"; fi
	expect "no stats written" test ! -e "$tmp/$name.json"
	for s in "${secrets[@]}"; do
		if grep -qiF -- "$s" "$tmp/$name.log"; then fail "the message shows key material"; fi
	done
}

# ---- the Python helper ---------------------------------------------------------

cat >"$tmp/pk.py" <<'PY'
"""Reads and writes the test captures (Ethernet, optional VLAN, IPv4/IPv6,
UDP): counts, crafted RTP headers, tampering, and an independent check of
aes256gcm's wire format with libcrypto through ctypes."""
import ctypes, ctypes.util, struct, sys

def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    hdr, frames, off = data[:24], [], 24
    while off + 16 <= len(data):
        ts1, ts2, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        frames.append([ts1, ts2, data[off + 16:off + 16 + incl], orig])
        off += 16 + incl
    return hdr, end, frames

def write_pcap(path, hdr, end, frames):
    with open(path, "wb") as f:
        f.write(hdr)
        for ts1, ts2, b, orig in frames:
            f.write(struct.pack(end + "IIII", ts1, ts2, len(b), len(b)))
            f.write(b)

def csum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def udp(frame):
    """(l3 offset, version, UDP offset, UDP payload offset, dst port) or None"""
    off, et = 12, struct.unpack("!H", frame[12:14])[0]
    while et in (0x8100, 0x88a8):
        off += 4
        et = struct.unpack("!H", frame[off:off + 2])[0]
    l3 = off + 2
    if et == 0x0800 and frame[l3 + 9] == 17:
        l4 = l3 + (frame[l3] & 15) * 4
        ver = 4
    elif et == 0x86dd and frame[l3 + 6] == 17:
        l4, ver = l3 + 40, 6
    else:
        return None
    return l3, ver, l4, l4 + 8, struct.unpack("!H", frame[l4 + 2:l4 + 4])[0]

def fix_udp(frame):
    """recomputes the UDP checksum (kept 0 when it is 0 on IPv4)"""
    l3, ver, l4, pl, _ = udp(frame)
    b = bytearray(frame)
    if ver == 4 and b[l4 + 6:l4 + 8] == b"\0\0":
        return bytes(b)
    ulen = struct.unpack("!H", b[l4 + 4:l4 + 6])[0]
    b[l4 + 6:l4 + 8] = b"\0\0"
    if ver == 4:
        ph = bytes(b[l3 + 12:l3 + 20]) + struct.pack("!BBH", 0, 17, ulen)
    else:
        ph = bytes(b[l3 + 8:l3 + 40]) + struct.pack("!IxxxB", ulen, 17)
    c = 0xffff - csum16(ph + bytes(b[l4:l4 + ulen]))
    b[l4 + 6:l4 + 8] = struct.pack("!H", c or 0xffff)
    return bytes(b)

def rtp_of(frame):
    """(payload offset, RTP bytes) of an RTP frame (RFC 7983/5761), else None"""
    u = udp(frame)
    if not u:
        return None
    p = frame[u[3]:]
    if len(p) < 12 or not 128 <= p[0] <= 191 or 192 <= p[1] <= 223:
        return None
    return u[3], p

def hdr_len(p):
    h = 12 + 4 * (p[0] & 15)
    if h > len(p):
        return None
    if p[0] & 0x10:
        if h + 4 > len(p):
            return None
        h += 4 + 4 * struct.unpack("!H", p[h + 2:h + 4])[0]
        if h > len(p):
            return None
    return h

def classes(spec):
    """'111,0/96,97' -> (audio set, video set)"""
    a, v = spec.split("/")
    return set(map(int, a.split(","))), set(map(int, v.split(",")))

def count(path, spec):
    """key=value lines: frames, rtp, rtcp, audio, video, video_odd,
    video_streams, grow_audio/grow_video (seq % 4 == 0 or seq % 8 == 2),
    audio_bytes/video_bytes/min/max (RTP packet lengths)"""
    audio, video = classes(spec)
    _, _, frames = read_pcap(path)
    c = dict(frames=len(frames), rtp=0, rtcp=0, audio=0, video=0, video_odd=0,
             grow=0, audio_bytes=0, video_bytes=0)
    streams, mm = set(), {}
    for _, _, f, _ in frames:
        u = udp(f)
        if not u:
            continue
        p = f[u[3]:]
        if len(p) >= 2 and 128 <= p[0] <= 191 and 192 <= p[1] <= 223:
            c["rtcp"] += 1
            continue
        r = rtp_of(f)
        if not r:
            continue
        c["rtp"] += 1
        pt, seq = p[1] & 127, struct.unpack("!H", p[2:4])[0]
        k = "audio" if pt in audio else "video" if pt in video else None
        if not k:
            continue
        c[k] += 1
        c[k + "_bytes"] += len(p)
        lo, hi = mm.get(k, (len(p), len(p)))
        mm[k] = (min(lo, len(p)), max(hi, len(p)))
        if seq % 4 == 0 or seq % 8 == 2:
            c["grow"] += 1
        if k == "video":
            streams.add(p[8:12])
            c["video_odd"] += seq & 1
    c["video_streams"] = len(streams)
    for k, (lo, hi) in mm.items():
        c[k + "_min"], c[k + "_max"] = lo, hi
    for k, v in c.items():
        print("%s=%d" % (k, v))

# ---- libcrypto AES-256-GCM (open only), for the independent check ----
_lc = None
def gcm_open(key, nonce, aad, ct, tag):
    global _lc
    if _lc is None:
        _lc = ctypes.CDLL(ctypes.util.find_library("crypto") or "libcrypto.so.3")
        for f in ("EVP_CIPHER_CTX_new", "EVP_aes_256_gcm"):
            getattr(_lc, f).restype = ctypes.c_void_p
        _lc.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
        _lc.EVP_DecryptInit_ex.argtypes = [ctypes.c_void_p] * 5
        _lc.EVP_DecryptUpdate.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                          ctypes.POINTER(ctypes.c_int), ctypes.c_char_p,
                                          ctypes.c_int]
        _lc.EVP_DecryptFinal_ex.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                            ctypes.POINTER(ctypes.c_int)]
        _lc.EVP_CIPHER_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                            ctypes.c_char_p]
    ctx = _lc.EVP_CIPHER_CTX_new()
    out = ctypes.create_string_buffer(len(ct) + 32)
    n = ctypes.c_int(0)
    kb, nb = ctypes.create_string_buffer(key, 32), ctypes.create_string_buffer(nonce, 12)
    ok = _lc.EVP_DecryptInit_ex(ctx, _lc.EVP_aes_256_gcm(), None, kb, nb) == 1
    ok = ok and _lc.EVP_DecryptUpdate(ctx, None, ctypes.byref(n), aad, len(aad)) == 1
    got = 0
    if ct:
        ok = ok and _lc.EVP_DecryptUpdate(ctx, out, ctypes.byref(n), ct, len(ct)) == 1
        got = n.value
    ok = ok and _lc.EVP_CIPHER_CTX_ctrl(ctx, 0x11, 16, tag) == 1  # EVP_CTRL_GCM_SET_TAG
    ok = ok and _lc.EVP_DecryptFinal_ex(ctx, ctypes.byref(out, got), ctypes.byref(n)) == 1
    _lc.EVP_CIPHER_CTX_free(ctx)
    return out.raw[:got] if ok else None

def wire(clear, sealed, keyhex, port):
    """aes256gcm's output for one worker: every RTP frame to PORT 28 bytes
    longer, same header, nonce = one 4-byte prefix and a counter going up
    by one per packet (in the order sealed), libcrypto opens it to the clear payload with the
    header as AAD; everything else identical. Prints the prefix."""
    key = bytes.fromhex(keyhex)
    _, _, a = read_pcap(clear)
    _, _, b = read_pcap(sealed)
    if len(a) != len(b):
        sys.exit("frames: %d in, %d out" % (len(a), len(b)))
    prefix, ctrs, n = None, [], 0
    for i, ((_, _, fa, _), (_, _, fb, _)) in enumerate(zip(a, b)):
        ra, rb = rtp_of(fa), rtp_of(fb)
        if not ra or udp(fa)[4] != port:
            if fa != fb:
                sys.exit("frame %d: not observed, yet changed" % (i + 1))
            continue
        pa, pb = ra[1], rb[1] if rb else b""
        h = hdr_len(pa)
        if len(pb) != len(pa) + 28 or pb[:h] != pa[:h]:
            sys.exit("frame %d: RTP %d -> %d bytes or header changed" % (i + 1, len(pa), len(pb)))
        nonce, ct, tag = pb[h:h + 12], pb[h + 12:-16], pb[-16:]
        if prefix is None:
            prefix = nonce[:4]
        elif nonce[:4] != prefix:
            sys.exit("frame %d: nonce prefix %s, not %s" % (i + 1, nonce[:4].hex(), prefix.hex()))
        ctrs.append(int.from_bytes(nonce[4:], "big"))
        if len(ct) >= 16 and ct == pa[h:]:
            sys.exit("frame %d: payload not encrypted" % (i + 1))
        if gcm_open(key, nonce, pb[:h], ct, tag) != pa[h:]:
            sys.exit("frame %d: libcrypto does not open it to the input" % (i + 1))
        n += 1
    # one worker seals a burst's audio, then its video: the counters are
    # a permutation of one run of consecutive values (none twice, no gap)
    if ctrs and sorted(ctrs) != list(range(min(ctrs), min(ctrs) + len(ctrs))):
        sys.exit("the %d nonce counters are not %d distinct consecutive values" % (len(ctrs), len(ctrs)))
    print("prefix=%s" % (prefix.hex() if prefix else ""))
    print("checked=%d" % n)

def craft(out, expected):
    """RTP to 10.0.0.2:5004 with unusual headers; EXPECTED: the frames
    aes256gcm seals and opens back (the malformed and oversized dropped)"""
    def frame(rtp, seq_ip=[0]):
        seq_ip[0] += 1
        ulen = 8 + len(rtp)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, seq_ip[0], 0x4000, 64, 17, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        ip = ip[:10] + struct.pack("!H", 0xffff - csum16(ip)) + ip[12:]
        u = struct.pack("!HHHH", 40000, 5004, ulen, 1)
        f = bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip + u + rtp
        return fix_udp(f)
    def rtp(seq, cc=0, ext=None, pad=False, pt=111, payload=b"", marker=False):
        b0 = 0x80 | (0x20 if pad else 0) | (0x10 if ext is not None else 0) | cc
        h = struct.pack("!BBHII", b0, pt | (0x80 if marker else 0), seq, seq * 160, 0x1234abcd)
        h += b"".join(struct.pack("!I", 0x1000 + i) for i in range(cc))
        if ext is not None:
            h += struct.pack("!HH", 0xbede, len(ext) // 4) + ext
        return h + payload
    good = [
        rtp(1, payload=bytes(range(160))),
        rtp(2, cc=3, payload=b"\x55" * 100),
        rtp(3, ext=b"\x10\x05\x00\x00" + b"\x22\x01\x02\x00", payload=b"x" * 50),
        rtp(4, cc=15, ext=b"", payload=b""),                   # empty payload
        rtp(5, cc=2, ext=b"\x10\x07\x00\x00", pad=True, payload=b"abc" + b"\0\0\0\x04"),
        rtp(6, pt=96, marker=True, payload=b"\x99" * 1200),
        rtp(7, cc=15, ext=b"\x00" * 1020, payload=b"z" * 300),  # 1096-byte header
    ]
    bad = [
        rtp(8, cc=15)[:20],                                      # CSRCs past the end
        rtp(9, ext=b"")[:12] + struct.pack("!HH", 0xbede, 0xffff) + b"\0" * 8,  # extension past the end
        rtp(10, payload=b"q" * (2040 - 42 - 12)),                # 2040-byte frame: no room for 28 more
    ]
    hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    order = [good[0], bad[0], good[1], good[2], bad[1], good[3], good[4], good[5], bad[2], good[6]]
    frames = [[1, i, frame(r), 0] for i, r in enumerate(order)]
    for f in frames:
        f[3] = len(f[2])
    write_pcap(out, hdr, "<", frames)
    bads = {frame_i for frame_i, r in enumerate(order) if any(r is x for x in bad)}
    write_pcap(expected, hdr, "<", [f for i, f in enumerate(frames) if i not in bads])
    print("frames=%d good=%d malformed=2 too_big=1" % (len(frames), len(good)))

def tamper(src, dst, expected, how, index):
    """INDEX-th RTP frame (1-based) of SRC: flip a ciphertext byte (ct), a
    header byte (aad) or cut it short (short); EXPECTED: CLEAR without it"""
    hdr, end, frames = read_pcap(src)
    k = 0
    for i, fr in enumerate(frames):
        r = rtp_of(fr[2])
        if not r:
            continue
        k += 1
        if k != index:
            continue
        off, p = r
        b = bytearray(fr[2])
        h = hdr_len(p)
        if how == "ct":
            b[off + h + 12 + 3] ^= 0x01
        elif how == "aad":
            b[off + 7] ^= 0x80      # a timestamp bit
        elif how == "short":
            b = b[:off + h + 27]
            l3, ver, l4, _, _ = udp(bytes(fr[2]))
            ulen = len(b) - l4
            b[l4 + 4:l4 + 6] = struct.pack("!H", ulen)
            if ver == 4:
                b[l3 + 2:l3 + 4] = struct.pack("!H", len(b) - l3)
                b[l3 + 10:l3 + 12] = b"\0\0"
                b[l3 + 10:l3 + 12] = struct.pack("!H", 0xffff - csum16(bytes(b[l3:l3 + 20])))
            else:
                b[l3 + 4:l3 + 6] = struct.pack("!H", ulen)
        fr[2] = fix_udp(bytes(b))
        fr[3] = len(fr[2])
        write_pcap(dst, hdr, end, frames)
        ch, ce, cf = read_pcap(expected)
        write_pcap(expected, ch, ce, cf[:i] + cf[i + 1:])
        print("frame=%d" % (i + 1))
        return
    sys.exit("no RTP frame %d" % index)

def telemetry(path, timeout):
    """polls rtpseal's telemetry socket; prints the histogram observer's
    figures and /rtpseal/observers as JSON lines"""
    import json, os, socket, time
    t_end = time.time() + float(timeout)
    while time.time() < t_end:
        if os.path.exists(path):
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.connect(path)
                s.recv(16384)
                out = {}
                for cmd in ("/rtpseal/observers", "/rtpseal/observer,histogram"):
                    s.send(cmd.encode())
                    out[cmd] = json.loads(s.recv(65536).decode())
                s.close()
                v = out["/rtpseal/observer,histogram"].get("/rtpseal/observer")
                h = json.loads(v) if isinstance(v, str) else v
                if h and h["send"]["audio"]["packets"] > 0:
                    print(json.dumps(out["/rtpseal/observers"]))
                    print(json.dumps(h))
                    return
            except (OSError, ValueError, KeyError, TypeError):
                pass
        time.sleep(0.1)
    sys.exit("no histogram figures over telemetry at %s" % path)

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "count":
        count(sys.argv[2], sys.argv[3])
    elif cmd == "wire":
        wire(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif cmd == "craft":
        craft(sys.argv[2], sys.argv[3])
    elif cmd == "tamper":
        tamper(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    elif cmd == "telemetry":
        telemetry(sys.argv[2], sys.argv[3])
PY

pk() {
	python3 "$tmp/pk.py" "$@"
}

# count PCAP SPEC: the helper's counts as shell variables c_NAME (c_frames,
# c_rtp, c_rtcp, c_audio, c_video, c_video_odd, c_video_streams, c_grow,
# c_audio_bytes, c_audio_min, c_audio_max, the same for video)
count() {
	local k v
	while IFS='=' read -r k v; do
		printf -v "c_$k" '%s' "$v"
	done < <(pk count "$1" "$2")
}

# ---- prerequisites ---------------------------------------------------------------

need_files -e "$rtpseal" "$gen" "$check" "$cmp" "$obs/aes256gcm.so" "$obs/histogram.so" \
	"$obs/drop_odd_video.so" "$obs/noop.so" "$obs/grow_past.so" "$obs/bad_abi.so" \
	"$obs/no_entry.so" "$obs/init_fail.so"
need_cmds "(make deps)" openssl python3
prerequisites_met

# Absolute paths: rtpseal dlopens what it is given.
obs=$(cd "$obs" && pwd)

# The clear capture: two channels' destinations (IPv4 and IPv6), audio and
# video streams, RTCP; no non-media frames (case h has those).
clear=$tmp/clear.pcap
spec=111,0/96,97
"$gen" -o "$clear" --channel 10.0.0.2:5004/111/96 --channel '[2001:db8::2]:5004/0/97' \
	--streams-per-channel 4 --audio-share 50 --duration 1 --seed 5 2>"$tmp/clear.gen" ||
	fail "rtpseal-gen failed"
count "$clear" "$spec"
n=$c_frames

conf_head() { # conf_head FILE: [general] and the two ports
	printf '[general]\nreplay_window = 1024\n\n[port 0]\nrole = clear\npeer = 1\n\n[port 1]\nrole = cipher\npeer = 0\n' >"$1"
}
conf_chan() { # conf_chan FILE NAME MODE KEY SALT MATCH: KEY "" for mode custom
	{
		printf '\n[channel %s]\nmode = %s\n' "$2" "$3"
		[ -n "$4" ] && printf 'key = %s\nsalt = %s\n' "$4" "$5"
		printf 'match = %s\naudio_pt = 111, 0\nvideo_pt = 96, 97\n' "$6"
	} >>"$1"
}
both="10.0.0.2:5004, [2001:db8::2]:5004"
both_spec="10.0.0.2:5004,[2001:db8::2]:5004"

sk=$(openssl rand -hex 16)
ss=$(openssl rand -hex 12)
conf_head "$tmp/srtp.conf"
conf_chan "$tmp/srtp.conf" media AEAD_AES_128_GCM "$sk" "$ss" "$both"
conf_head "$tmp/custom.conf"
conf_chan "$tmp/custom.conf" media custom "" "" "$both"

gk=$(openssl rand -hex 32)
(umask 077 && printf '# aes256gcm keys\n\nmedia %s\n' "$gk" >"$tmp/gcm.keys")
secrets=("$sk" "$ss" "$gk")

# ---- a. drop_odd_video ---------------------------------------------------------------

if run_ok drop "$tmp/srtp.conf" "$clear" "" --observer "$obs/drop_odd_video.so"; then
	d=$c_video_odd
	media=$((c_rtp + c_rtcp))
	expect "the capture has video streams" test "$c_video_streams" -gt 0
	# half the video, to 1/2 per stream: |2 d - video| <= streams
	off=$((2 * d - c_video))
	expect "dropped $d of $c_video video (${c_video_streams} streams): not half" \
		test "${off#-}" -le "$c_video_streams"
	stats_ok "$tmp/drop.json" rx_packets="$n" drops.observer_drop="$d" \
		sealed_packets=$((media - d)) tx_packets=$((n - d)) video_packets=$((c_video - d)) \
		audio_packets="$c_audio"
	obs_ok "$tmp/drop.json" 0 name='"drop_odd_video"' packets="$c_video" drops="$d" refused=0 \
		stats.dropped="$d" stats.kept=$((c_video - d))
	diag+=("$tmp/drop.check")
	"$check" --in "$clear" --out "$tmp/drop.p1.pcap" --expect-drops "$d" \
		--key "$both_spec=AEAD_AES_128_GCM:$sk:$ss" >"$tmp/drop.check" 2>&1 ||
		fail "srtp_pcap_check: $(head -n1 "$tmp/drop.check")"
fi
case_done "drop_odd_video: observer_drop = the ${c_video_odd} odd-sequence video packets of ${c_video} (${c_video_streams} streams), the other $((c_rtp + c_rtcp - c_video_odd)) sealed, libsrtp2 verifies, rx = tx + drops"

# ---- b. aes256gcm round trips ------------------------------------------------------------

# custom: the observer is the channel's only encryption; RTCP passes
aes="$obs/aes256gcm.so:$tmp/gcm.keys"
prefix1=""
if run_ok cseal "$tmp/custom.conf" "$clear" "" --observer "$aes"; then
	stats_ok "$tmp/cseal.json" rx_packets="$n" tx_packets="$n" custom_packets="$c_rtp" \
		sealed_packets=0 passthrough_packets="$c_rtcp"
	obs_ok "$tmp/cseal.json" 0 name='"aes256gcm"' packets="$c_rtp" drops=0 refused=0 \
		stats.sealed="$c_rtp" stats.opened=0 stats.auth_fail=0
	if pk wire "$clear" "$tmp/cseal.p1.pcap" "$gk" 5004 >"$tmp/cseal.wire" 2>&1; then
		prefix1=$(sed -n 's/^prefix=//p' "$tmp/cseal.wire")
		expect "independent check covered every RTP packet" \
			test "$(sed -n 's/^checked=//p' "$tmp/cseal.wire")" = "$c_rtp"
	else
		fail "wire format: $(tail -n1 "$tmp/cseal.wire")"
	fi
	if run_ok copen "$tmp/custom.conf" "" "$tmp/cseal.p1.pcap" --observer "$aes"; then
		stats_ok "$tmp/copen.json" rx_packets="$n" tx_packets="$n" custom_packets="$c_rtp" \
			opened_packets=0 passthrough_packets="$c_rtcp"
		obs_ok "$tmp/copen.json" 0 stats.opened="$c_rtp" stats.auth_fail=0
		same_pcap "$clear" "$tmp/copen.p0.pcap"
	fi
fi
case_done "aes256gcm as mode custom: $c_rtp RTP sealed (28 bytes more, nonce prefix+counter, libcrypto opens each), opened back byte-exact"

# the same key again: a fresh nonce prefix
if [ -n "$prefix1" ] && run_ok cseal2 "$tmp/custom.conf" "$clear" "" --observer "$aes"; then
	if pk wire "$clear" "$tmp/cseal2.p1.pcap" "$gk" 5004 >"$tmp/cseal2.wire" 2>&1; then
		prefix2=$(sed -n 's/^prefix=//p' "$tmp/cseal2.wire")
		expect "two runs under one key share nonce prefix $prefix1" test "$prefix1" != "$prefix2"
	else
		fail "wire format: $(tail -n1 "$tmp/cseal2.wire")"
	fi
else
	fail "no first run to compare with"
fi
case_done "aes256gcm: a second run under the same key draws another nonce prefix (${prefix1:-?} / ${prefix2:-?})"

# on top of built-in SRTP: observer encrypts, SRTP seals; SRTP opens,
# observer decrypts. The histogram observer rides along (case g).
if run_ok sseal "$tmp/srtp.conf" "$clear" "" --observer "$aes" --observer "$obs/histogram.so"; then
	stats_ok "$tmp/sseal.json" rx_packets="$n" tx_packets="$n" sealed_packets=$((c_rtp + c_rtcp)) \
		custom_packets=0
	obs_ok "$tmp/sseal.json" 0 stats.sealed="$c_rtp"
	if run_ok sopen "$tmp/srtp.conf" "" "$tmp/sseal.p1.pcap" --observer "$aes" \
		--observer "$obs/histogram.so"; then
		stats_ok "$tmp/sopen.json" rx_packets="$n" tx_packets="$n" \
			opened_packets=$((c_rtp + c_rtcp))
		obs_ok "$tmp/sopen.json" 0 stats.opened="$c_rtp" stats.auth_fail=0
		same_pcap "$clear" "$tmp/sopen.p0.pcap"
	fi
fi
case_done "aes256gcm on top of AEAD_AES_128_GCM: observer then SRTP, SRTP then observer, byte-exact"

# crafted headers: CSRCs, extensions, padding, an empty payload, a
# 1096-byte header; two malformed headers and a frame without room for
# the 28 bytes are dropped on the send side
if pk craft "$tmp/craft.pcap" "$tmp/craft.expected.pcap" >"$tmp/craft.out" 2>&1; then
	if run_ok kseal "$tmp/custom.conf" "$tmp/craft.pcap" "" --observer "$aes"; then
		stats_ok "$tmp/kseal.json" rx_packets=10 tx_packets=7 drops.observer_drop=3
		obs_ok "$tmp/kseal.json" 0 drops=3 refused=0 stats.sealed=7 stats.malformed=2 \
			stats.too_big=1
		if run_ok kopen "$tmp/custom.conf" "" "$tmp/kseal.p1.pcap" --observer "$aes"; then
			stats_ok "$tmp/kopen.json" rx_packets=7 tx_packets=7
			obs_ok "$tmp/kopen.json" 0 stats.opened=7
			same_pcap "$tmp/craft.expected.pcap" "$tmp/kopen.p0.pcap"
		fi
	fi
else
	fail "craft: $(tail -n1 "$tmp/craft.out")"
fi
case_done "aes256gcm, crafted RTP headers: 7 (CSRCs, extensions, padding, empty, 1096-byte header) round trip byte-exact; 2 malformed and 1 too big dropped"

# ---- c. tampering ----------------------------------------------------------------------------

# tampered NAME HOW INDEX: the custom-sealed capture with one frame changed,
# opened: that frame dropped (observer_drop 1, and stats.WHAT 1), the rest
# byte-exact
tampered() {
	local name=$1 how=$2 index=$3 what=$4
	cp "$clear" "$tmp/$name.expected.pcap"
	if ! pk tamper "$tmp/cseal.p1.pcap" "$tmp/$name.pcap" "$tmp/$name.expected.pcap" "$how" \
		"$index" >"$tmp/$name.out" 2>&1; then
		fail "tamper: $(tail -n1 "$tmp/$name.out")"
		return
	fi
	if run_ok "$name" "$tmp/custom.conf" "" "$tmp/$name.pcap" --observer "$aes"; then
		stats_ok "$tmp/$name.json" rx_packets="$n" tx_packets=$((n - 1)) drops.observer_drop=1
		obs_ok "$tmp/$name.json" 0 drops=1 "stats.$what=1" stats.opened=$((c_rtp - 1))
		same_pcap "$tmp/$name.expected.pcap" "$tmp/$name.p0.pcap"
	fi
}
if [ -s "$tmp/cseal.p1.pcap" ]; then
	tampered tamper-ct ct 17 auth_fail
else
	fail "no sealed capture (case b)"
fi
case_done "aes256gcm: one flipped ciphertext byte -> that packet dropped (observer_drop 1, auth_fail 1), the rest restored"

if [ -s "$tmp/cseal.p1.pcap" ]; then
	tampered tamper-aad aad 40 auth_fail
	tampered tamper-short short 41 malformed
else
	fail "no sealed capture (case b)"
fi
case_done "aes256gcm: a flipped RTP header bit (AAD) -> auth_fail 1; a packet shorter than nonce + tag -> malformed 1"

wk=$(openssl rand -hex 32)
(umask 077 && printf 'media %s\n' "$wk" >"$tmp/wrong.keys")
if [ -s "$tmp/cseal.p1.pcap" ] && run_ok wrongkey "$tmp/custom.conf" "" "$tmp/cseal.p1.pcap" \
	--observer "$obs/aes256gcm.so:$tmp/wrong.keys"; then
	stats_ok "$tmp/wrongkey.json" rx_packets="$n" tx_packets="$c_rtcp" drops.observer_drop="$c_rtp"
	obs_ok "$tmp/wrongkey.json" 0 stats.auth_fail="$c_rtp" stats.opened=0
fi
case_done "aes256gcm: the wrong key opens nothing ($c_rtp auth_fail), only RTCP passes"

# ---- d. refused at start -----------------------------------------------------------------------

cp "$tmp/gcm.keys" "$tmp/loose.keys"
chmod 644 "$tmp/loose.keys"
(umask 077 && printf 'media %s\n' "${gk:0:62}" >"$tmp/short.keys")
secrets+=("${gk:0:62}")
(umask 077 && printf 'media %s\nmedia %s\n' "$gk" "$wk" >"$tmp/dup.keys")
conf_head "$tmp/custom2.conf"
conf_chan "$tmp/custom2.conf" media custom "" "" "10.0.0.2:5004"
conf_chan "$tmp/custom2.conf" other AEAD_AES_128_GCM "$sk" "$ss" "10.0.0.9:5004"

refused_start abi "$tmp/srtp.conf" --observer "$obs/bad_abi.so"
refused_start noentry "$tmp/srtp.conf" --observer "$obs/no_entry.so"
refused_start initfail "$tmp/srtp.conf" --observer "$obs/init_fail.so:xyz"
refused_start missing "$tmp/srtp.conf" --observer "$tmp/nonexistent.so"
refused_start loose "$tmp/custom.conf" --observer "$obs/aes256gcm.so:$tmp/loose.keys"
refused_start shortkey "$tmp/custom.conf" --observer "$obs/aes256gcm.so:$tmp/short.keys"
refused_start dupkey "$tmp/custom.conf" --observer "$obs/aes256gcm.so:$tmp/dup.keys"
refused_start nokeyfile "$tmp/custom.conf" --observer "$obs/aes256gcm.so"
refused_start custom-none "$tmp/custom.conf"
refused_start custom-other "$tmp/custom2.conf" --observer "$obs/noop.so@other"
wait

refused abi "observer ABI version 99"
case_done "an observer of ABI version 99 is refused at start (exit 1, no port, clear message)"
refused noentry "no rs_observer_entry symbol"
case_done "a .so without rs_observer_entry is refused at start"
refused initfail "init failed: init_fail refuses on purpose (args xyz"
case_done "an observer whose init fails is refused at start, showing its message"
refused missing "$tmp/nonexistent.so: cannot load"
case_done "a missing .so is refused at start"

refused loose "group/world accessible (mode 0644): run chmod 600"
refused shortkey "line 1 (channel media): the key must be exactly 64 hex digits"
refused dupkey "line 2: channel media has a key already"
refused nokeyfile "needs a key file"
case_done "aes256gcm key files: 0644, a 31-byte key, a duplicate channel and no key file are refused at start, without key text"

# ---- e. grow_past --------------------------------------------------------------------------------

# send side, a normal and a custom channel at once: capacity is the SRTP
# one (room for the tag kept) and the custom one
conf_head "$tmp/two.conf"
conf_chan "$tmp/two.conf" srtp-a AEAD_AES_128_GCM "$sk" "$ss" "10.0.0.2:5004"
conf_chan "$tmp/two.conf" cust-b custom "" "" "[2001:db8::2]:5004"
"$gen" -o "$tmp/v4.pcap" --channel 10.0.0.2:5004/111/96 --streams-per-channel 3 --duration 0.5 \
	--seed 9 2>/dev/null
"$gen" -o "$tmp/v6.pcap" --channel '[2001:db8::2]:5004/0/97' --streams-per-channel 3 \
	--duration 0.5 --seed 10 2>/dev/null
count "$tmp/v4.pcap" "$spec"
g4=$c_grow r4=$c_rtp t4=$c_rtcp n4=$c_frames
count "$tmp/v6.pcap" "$spec"
g6=$c_grow r6=$c_rtp t6=$c_rtcp n6=$c_frames
if run_ok grow "$tmp/two.conf" "$tmp/v4.pcap" "$tmp/v6.pcap" --observer "$obs/grow_past.so@srtp-a,cust-b"; then
	# v4 arrives on the clear port (send), v6 on the cipher port (receive,
	# custom: the observer's receive side, no SRTP)
	stats_ok "$tmp/grow.json" rx_packets=$((n4 + n6)) drops.observer_drop=$((g4 + g6)) \
		sealed_packets=$((r4 + t4 - g4)) custom_packets=$((r6 - g6)) passthrough_packets="$t6"
	obs_ok "$tmp/grow.json" 0 refused=$((g4 + g6)) drops=0 packets=$((r4 + r6)) \
		stats.untouched=$((r4 + r6 - g4 - g6))
	grep -q "observer grow_past set a packet of channel .* packet refused and counted as observer_drop" \
		"$tmp/grow.log" || fail "no log line about the refused packets"
fi
case_done "grow_past: $((g4 + g6)) packets grown past capacity or below 12 bytes refused (observers[].refused, drops.observer_drop), send (SRTP) and receive (custom) sides"

# receive side after SRTP opened: input sealed by a run with only the
# histogram observer (which changes nothing; its figures serve case g)
count "$clear" "$spec"
if run_ok hseal "$tmp/srtp.conf" "$clear" "" --observer "$obs/histogram.so"; then
	if run_ok grow-open "$tmp/srtp.conf" "" "$tmp/hseal.p1.pcap" --observer "$obs/grow_past.so"; then
		stats_ok "$tmp/grow-open.json" rx_packets="$n" drops.observer_drop="$c_grow" \
			opened_packets=$((c_rtp + c_rtcp - c_grow))
		obs_ok "$tmp/grow-open.json" 0 refused="$c_grow" packets="$c_rtp"
	fi
fi
case_done "grow_past after SRTP open: $c_grow packets refused, the rest opened"

# ---- f. mode custom needs an observer -------------------------------------------------------------

refused custom-none "channel media: mode custom needs a packet observer attached"
refused custom-other "channel media: mode custom needs a packet observer"
case_done "mode custom without an observer, or with one attached to other channels only, is refused at start"

# ---- g. histogram ----------------------------------------------------------------------------------

hist_ok() { # hist_ok JSON INDEX DIR [GROWTH]: the histogram's DIR figures match the
	# capture, each packet GROWTH bytes larger (an observer that ran before it)
	local json=$1 i=$2 dir=$3 d=${4:-0} k
	for k in audio video; do
		local p=c_$k b=c_${k}_bytes lo=c_${k}_min hi=c_${k}_max
		obs_ok "$json" "$i" "stats.$dir.$k.packets=${!p}" \
			"stats.$dir.$k.bytes=$((${!b} + d * ${!p}))" \
			"stats.$dir.$k.min=$((${!lo} + d))" "stats.$dir.$k.max=$((${!hi} + d))"
		[ "$(J "$json" "observers.$i.stats.$dir.$k.buckets.sum")" = "${!p}" ] ||
			fail "$dir $k buckets do not sum to ${!p}"
	done
}
count "$clear" "$spec"
if [ -s "$tmp/hseal.json" ]; then
	obs_ok "$tmp/hseal.json" 0 name='"histogram"' packets="$c_rtp" stats.receive.audio.packets=0
	hist_ok "$tmp/hseal.json" 0 send
	# receive side: observers run in reverse order, so the histogram (listed
	# after aes256gcm) sees packets before aes256gcm decrypts them
	[ -s "$tmp/sopen.json" ] && hist_ok "$tmp/sopen.json" 1 receive 28
	# after aes256gcm on the send side it sees the 28 bytes more
	[ -s "$tmp/sseal.json" ] && obs_ok "$tmp/sseal.json" 1 \
		stats.send.audio.bytes=$((c_audio_bytes + 28 * c_audio))
else
	fail "no histogram run"
fi
# telemetry while the generator feeds an in-memory loop
cat >"$tmp/gen.conf" <<EOF
[general]
burst = 32

[port 0]
role = clear
peer = 1

[port 1]
role = cipher
peer = 2

[port 2]
role = clear
peer = 1

[channel media]
mode = AEAD_AES_128_GCM
key = $sk
salt = $ss
match = 10.0.0.2:5004
audio_pt = 111
video_pt = 96

[generator]
port = 0
rate_pps = 20000
streams_per_channel = 4
audio_share = 50
EOF
tel_prefix=$prefix-tel
tel_sock=/var/run/dpdk/$tel_prefix/dpdk_telemetry.v2
[ "$(id -u)" = 0 ] || tel_sock=${XDG_RUNTIME_DIR:-/tmp}/dpdk/$tel_prefix/dpdk_telemetry.v2
diag+=("$tmp/tel.log" "$tmp/tel.out")
timeout 30 "$rtpseal" -l 0,1 --no-huge -m 256 --no-pci --file-prefix "$tel_prefix" \
	--log-level=lib.eal:warning --vdev net_ring0 --vdev net_ring1 --vdev net_null0,no-rx=1 \
	-- -c "$tmp/gen.conf" --duration 3 --stats-interval 0 --stats-json "$tmp/tel.json" \
	--observer "$obs/histogram.so" >"$tmp/tel.log" 2>&1 &
tel_pid=$!
if pk telemetry "$tel_sock" 2.5 >"$tmp/tel.out" 2>&1; then
	t_obs=$(sed -n 1p "$tmp/tel.out")
	t_hist=$(sed -n 2p "$tmp/tel.out")
	python3 -c 'import json, sys
o = json.loads(sys.argv[1]); h = json.loads(sys.argv[2])
assert o["/rtpseal/observers"]["histogram"]["packets"] > 0, o
assert h["send"]["video"]["packets"] > 0 and "receive" in h, h' "$t_obs" "$t_hist" ||
		fail "telemetry figures: $t_hist"
else
	fail "telemetry: $(tail -n1 "$tmp/tel.out")"
fi
wait "$tel_pid" || fail "the generator run exited $?"
tel_pid=""
[ -s "$tmp/tel.json" ] && stats_ok "$tmp/tel.json"
case_done "histogram: per class and direction in --stats-json (sizes, min/max, buckets = the capture's), after aes256gcm +28 bytes, and over telemetry /rtpseal/observer,histogram"

# ---- h. non-media traffic next to observers -----------------------------------------------------------

"$gen" -o "$tmp/noise.pcap" --channel 10.0.0.2:5004/111/96 --noise 100 --duration 0.5 --seed 13 \
	2>"$tmp/noise.gen"
count "$tmp/noise.pcap" "$spec"
nz=$((c_frames - c_rtp - c_rtcp))
if run_ok noise "$tmp/srtp.conf" "$tmp/noise.pcap" "" --observer "$obs/noop.so" \
	--observer "$obs/histogram.so"; then
	stats_ok "$tmp/noise.json" rx_packets="$c_frames" sealed_packets=$((c_rtp + c_rtcp)) \
		passthrough_packets="$nz"
	obs_ok "$tmp/noise.json" 0 packets="$c_rtp"
	diag+=("$tmp/noise.check")
	"$check" --in "$tmp/noise.pcap" --out "$tmp/noise.p1.pcap" \
		--key "$both_spec=AEAD_AES_128_GCM:$sk:$ss" >"$tmp/noise.check" 2>&1 ||
		fail "srtp_pcap_check: $(head -n1 "$tmp/noise.check")"
fi
case_done "STUN/DTLS/ARP ($nz frames) next to an observed channel pass untouched, observers see only its RTP"

finish
