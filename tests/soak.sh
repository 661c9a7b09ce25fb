#!/usr/bin/env bash
# Soak (issue 6): rtpseal for SOAK_SECONDS (default 600; CI runs 180) on
# in-memory ports at full rate in both directions, under a rekey storm,
# channel churn and injected faults, with a packet observer attached.
#
#   generator -> port 0 (net_ring, clear) --seal--> port 1 (net_ring: its TX
#   comes back as its RX, cipher) --open--> port 2 (net_null, sink)
#   generator -> port 3 (net_ring, cipher: the generator's own SRTP)
#            --open--> port 2
#
# Every packet of the main traffic is sealed and then opened again.
#
#   - SOAK_CHANNELS (default 1000) channels in every mode from a config
#     written here, 2 streams each, plus the fault channel; how long the app
#     takes from exec to answering its control socket is reported (config
#     load, key derivation of every channel) and must stay under 60 s;
#   - the generator as fast as the pipeline takes it ([generator]
#     rate_pps = 0), with faults = 10: per 1000 frames, 10 bad ones for the
#     fault channel, in turn malformed (5 ways), RTP sent twice on the clear
#     side (stale_seq: the sealing side's replay), SRTP sent twice on port 3
#     (replay) and SRTP under a wrong key on port 3 (auth_fail). The
#     generator counts each kind when the port takes it (app/generator.h);
#     port 3 has no producer but the generator, so no worker ring has two;
#   - a driver on the control socket, in ticks of 10 ms: a channel.rekey
#     ("roc":"keep", fresh material of the channel's mode) every tick on a
#     random traffic channel (not one of the last 300 picked: with one
#     previous key kept for the overlap, a packet sealed under key N must
#     not meet key N+2; 300 ticks = 3 s, well past any in-flight time);
#     every 50 ms a channel.add of a channel no traffic goes to and, past
#     40 of them, a channel.remove of the oldest; every ~1 s a traffic
#     channel of the churn pool (SOAK_CHURN_POOL, 20) is removed and, once
#     nothing sealed under its old key can still be in flight, added back
#     with a fresh key. "Once": after the remove (which returns after an RCU
#     grace period: no worker still holds the channel), port 1's TX count
#     T is read; when port 1 has received T packets (one worker, one FIFO
#     ring), a dummy add + remove forces another grace period, so the burst
#     that received the last of them is done too. Only then is the channel
#     added back: its old packets met no channel (no_channel) and never a
#     new key, so auth_fail stays exact. Every request must answer ok;
#   - the histogram observer (conf/observers) on every channel;
#   - process RSS (VmRSS) sampled SOAK_WARMUP seconds (default 20, a sixth
#     of short runs) after the control socket first answered, every 10 s
#     after that, and at the end, before the app is stopped.
# The soak's SOAK_SECONDS and the warm-up count from the control socket's
# first answer, so a slow start on a busy machine does not shorten them.
#
# At the end (SIGINT: the app drains and writes --stats-json):
#   rx = tx + drops exactly; every injected kind > 0 and counted exactly
#   under its reason (malformed, stale_seq, replay, auth_fail): auth_fail
#   and replay are nothing but the injected ones, so none on good traffic;
#   no other drop reason but no_channel (> 0: the churn hit traffic);
#   packets opened with the previous key > 0 (rekeys met traffic in flight);
#   the observer saw packets and refused/dropped none; no mbuf in use at
#   exit (every mempool back to full); the live C heap and DPDK heap (bytes
#   in use, from the control socket's stats: mallinfo2, rte_malloc) back
#   within 1 MiB of their figures after warm-up, and RSS growth within
#   max(5 %, 16 MiB) (see the checks for why RSS may still creep a little);
#   the rekey rate >= 90/s.
#
# Usage: make soak [SOAK_SECONDS=N] (BUILD=<build dir> bash tests/soak.sh).
# Not named *_test.sh: `make test` does not run it. Ends with
# "N passed, N failed", non-zero on failure. SOAK_KEEP=1 keeps the scratch
# directory.
set -u
cd "$(dirname "$0")/.." || exit 1

build=${BUILD:?BUILD must name the build directory}
seconds=${SOAK_SECONDS:-600}
channels=${SOAK_CHANNELS:-1000}
churn_pool=${SOAK_CHURN_POOL:-20}
warmup=${SOAK_WARMUP:-}
if [ -z "$warmup" ]; then
	warmup=20
	((seconds < 120)) && warmup=$((seconds / 6))
fi
rtpseal=$build/rtpseal
observer=$build/observers/histogram.so
# Under AddressSanitizer (make soak SAN=1) freed memory sits in ASan's
# quarantine (256 MB by default) before it is reused, so RSS rises for
# reasons of the tool's own: the RSS figures are then shown, not judged.
sanitized=0
ldd "$rtpseal" 2>/dev/null | grep -q libasan && sanitized=1

tmp=$(mktemp -d /tmp/rs-soak.XXXXXX)
prefix=rs-soak-$$
app_pid=
driver_pid=

cleanup() {
	[ -n "$driver_pid" ] && kill -TERM "$driver_pid" 2>/dev/null
	[ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null
	[ -n "$driver_pid" ] && wait "$driver_pid" 2>/dev/null
	[ -n "$app_pid" ] && wait "$app_pid" 2>/dev/null
	if [ "${SOAK_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
	rm -rf /var/run/dpdk/"$prefix" "${XDG_RUNTIME_DIR:-/tmp}"/dpdk/"$prefix" \
		/tmp/dpdk/"$prefix" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
n=0

ok() { # ok WHAT
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() { # not_ok WHAT [WHY]
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1${2:+: $2}"
}

finish() {
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

for tool in "$rtpseal" "$observer"; do
	[ -e "$tool" ] || not_ok "prerequisites" "$tool not built"
done
command -v python3 >/dev/null || not_ok "prerequisites" "python3 not installed"
((failed)) && finish

echo "# soak: ${seconds} s, ${channels} channels (+1 fault channel, ${churn_pool} churned)," \
	"warm-up ${warmup} s, build ${build}"

# ---- the configuration -------------------------------------------------------

# soakkeys.py: the modes and fresh key material, for the config and the
# driver's adds and rekeys. Keys are random, never reused.
cat >"$tmp/soakkeys.py" <<'PY'
import base64, secrets

MODES = ["AES_128_GCM2", "AES_256_GCM2", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM",
         "AES_128_GCM", "AES_256_GCM"]

def material(mode):
    """(key, salt or None) as the config and channel.add/rekey take them."""
    if mode.endswith("GCM2"):
        return secrets.token_hex(32), base64.b64encode(secrets.token_bytes(32)).decode()
    if mode in ("AES_128_GCM", "AES_256_GCM"):
        return secrets.token_hex(24), None
    kl = 16 if mode == "AEAD_AES_128_GCM" else 32
    return secrets.token_hex(kl), secrets.token_hex(12)
PY

# conf.py: the config and channels.json (name, mode, match of each channel,
# for the driver).
cat >"$tmp/conf.py" <<'PY'
import base64, json, secrets, sys

tmp, n, pool = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
from soakkeys import MODES, material

chans = []
for i in range(n):
    name = ("churn-%03d" % i) if i < pool else ("ch-%04d" % i)
    mode = MODES[i % len(MODES)]
    # 10.1.0.1 .. : one address per channel, ports vary too
    match = "10.%d.%d.%d:%d" % (1 + i // 62500, i // 250 % 250, i % 250 + 1, 5004 + 2 * (i % 7))
    chans.append({"name": name, "mode": mode, "match": match})
chans.append({"name": "fault", "mode": "AEAD_AES_128_GCM", "match": "10.250.0.1:5004"})

out = ["[general]", "control_socket = %s/soak.sock" % tmp, "replay_window = 1024",
       "rekey_overlap_ms = 2000", "",
       "[port 0]", "role = clear", "peer = 1", "",
       "[port 1]", "role = cipher", "peer = 2", "",
       "[port 2]", "role = clear", "peer = 1", "",
       "[port 3]", "role = cipher", "peer = 2", ""]
for c in chans:
    key, salt = material(c["mode"])
    out += ["[channel %s]" % c["name"], "mode = %s" % c["mode"], "key = %s" % key]
    if salt:
        out.append("salt = %s" % salt)
    out += ["match = %s" % c["match"], "audio_pt = 0, 8, 111", "video_pt = 96, 97", ""]
out += ["[generator]", "port = 0", "rate_pps = 0", "streams_per_channel = 2",
        "audio_share = 70", "seed = %d" % secrets.randbelow(1 << 32),
        "faults = 10", "fault_channel = fault", "fault_port = 3", ""]
with open(tmp + "/soak.conf", "w") as f:
    f.write("\n".join(out))
with open(tmp + "/channels.json", "w") as f:
    json.dump(chans, f)
PY
if ! python3 "$tmp/conf.py" "$tmp" "$channels" "$churn_pool"; then
	not_ok "soak config written"
	finish
fi
chmod 600 "$tmp/soak.conf"

# ---- the control-socket driver ---------------------------------------------------

cat >"$tmp/driver.py" <<'PY'
import base64, collections, json, os, random, secrets, socket, sys, threading, time

sock_path, pid, seconds, warmup, out_path, chans_path = sys.argv[1:7]
pid, seconds, warmup = int(pid), float(seconds), float(warmup)
chans = json.load(open(chans_path))
modes = {c["name"]: c for c in chans}
churn = [c["name"] for c in chans if c["name"].startswith("churn-")]
rekeyable = [c["name"] for c in chans if c["name"].startswith("ch-")]
RECENT = 300          # a channel is not rekeyed again within this many picks
TICK = 0.010          # one rekey per tick
EXTRA_EVERY = 5       # ticks between adds of channels without traffic
EXTRA_LIVE = 40       # at most this many of them at once
CHURN_EVERY = 1.0     # s between removals of a traffic channel
from soakkeys import MODES, material

def add_req(name, mode, match):
    key, salt = material(mode)
    o = {"cmd": "channel.add", "name": name, "mode": mode, "key": key, "match": [match],
         "audio_pt": [0, 8, 111], "video_pt": [96, 97]}
    if salt:
        o["salt"] = salt
    return o

def line(o):
    return (json.dumps(o, separators=(",", ":")) + "\n").encode()

def rss_kib():
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
    return -1

stats = collections.Counter()
errors = []
lock = threading.Lock()

def note(cmd, r):
    with lock:
        stats[cmd] += 1
        if not r.get("ok"):
            stats["errors"] += 1
            if len(errors) < 10:
                errors.append("%s: %s" % (cmd, r.get("error")))

def connect(deadline):
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            print("# driver: rtpseal exited before its control socket answered", flush=True)
            sys.exit(2)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(sock_path)
            return s
        except OSError:
            s.close()
            time.sleep(0.05)
    print("# driver: no control socket after 120 s", flush=True)
    sys.exit(2)

t_exec = time.monotonic()
# connection B: synchronous requests (churn of traffic channels, stats)
sb = connect(t_exec + 120)
fb = sb.makefile("r")

def req(o):
    sb.sendall(line(o))
    l = fb.readline()
    if not l:
        raise SystemExit("# driver: the control socket closed")
    r = json.loads(l)
    note(o["cmd"], r)
    return r

req({"cmd": "ping"})
t_ready = time.monotonic()
startup = t_ready - t_exec
print("# driver: control socket answered %.2f s after exec" % startup, flush=True)

# connection A: the paced storm, written without waiting for replies (a
# reader thread takes them in order), so the rate does not depend on how
# soon the control thread gets a CPU next to two busy-polling lcores
sa = connect(t_exec + 120)
sent_cmds = collections.deque()
sent_n = [0]
got_n = [0]

def reader():
    f = sa.makefile("r")
    for l in f:
        with lock:
            cmd = sent_cmds.popleft()
        note(cmd, json.loads(l))
        got_n[0] += 1

rt = threading.Thread(target=reader, daemon=True)
rt.start()
# the soak's length and warm-up count from here: a slow start on a busy
# machine must not eat into them
end = t_ready + seconds
stop = threading.Event()
storm = {"ticks": 0, "late": 0}
extra_live = collections.deque()

def send_a(o):
    with lock:
        sent_cmds.append(o["cmd"])
    sa.sendall(line(o))
    sent_n[0] += 1

def storm_main():
    recent = collections.deque()
    recent_set = set()
    serial = 0
    t0 = time.monotonic()
    tick = 0
    while not stop.is_set() and time.monotonic() < end:
        while True:
            name = random.choice(rekeyable)
            if name not in recent_set:
                break
        recent.append(name)
        recent_set.add(name)
        if len(recent) > RECENT:
            recent_set.discard(recent.popleft())
        key, salt = material(modes[name]["mode"])
        o = {"cmd": "channel.rekey", "name": name, "key": key, "roc": "keep"}
        if salt:
            o["salt"] = salt
        send_a(o)
        if tick % EXTRA_EVERY == 0:
            serial += 1
            e = serial
            send_a(add_req("extra-%d" % e, MODES[e % len(MODES)],
                           "10.200.%d.%d:%d" % (e // 250 % 250, e % 250 + 1, 7000 + e % 100)))
            extra_live.append(e)
            if len(extra_live) > EXTRA_LIVE:
                send_a({"cmd": "channel.remove", "name": "extra-%d" % extra_live.popleft()})
        tick += 1
        delay = t0 + tick * TICK - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            storm["late"] += 1
    storm["ticks"] = tick
    storm["seconds"] = time.monotonic() - t0

st = threading.Thread(target=storm_main)
st.start()

def port1():
    r = req({"cmd": "stats"})
    return r["ports"][1]["rx_packets"], r["ports"][1]["tx_packets"]

def readd(name, T, removed_at):
    """Back with a fresh key once port 1 received everything sealed before
    the remove, and one more grace period (a dummy add + remove) passed."""
    while port1()[0] < T:
        time.sleep(0.005)
    d = "dummy-%d" % stats["churn_readd"]
    req(add_req(d, "AEAD_AES_128_GCM", "10.201.0.1:9000"))
    req({"cmd": "channel.remove", "name": d})
    req(add_req(name, modes[name]["mode"], modes[name]["match"]))
    with lock:
        stats["churn_readd"] += 1
    return time.monotonic() - removed_at

gate_waits = []
rss = []
rss_start = None
mem = []  # (s, malloc_in_use, malloc_system, dpdk_heap_in_use, dpdk_heap_size)

def mem_sample(at):
    m = req({"cmd": "stats"})["memory"]
    mem.append((at, m["malloc_in_use"], m["malloc_system"], m["dpdk_heap_in_use"],
                m["dpdk_heap_size"]))
next_churn = time.monotonic() + CHURN_EVERY
next_rss = t_ready + warmup
slow_gates = []
while time.monotonic() < end:
    now = time.monotonic()
    if now >= next_rss:
        v = rss_kib()
        rss.append((round(now - t_ready, 1), v))
        mem_sample(round(now - t_ready, 1))
        if rss_start is None:
            rss_start = v
            print("# driver: RSS after %.0f s warm-up: %d KiB" % (warmup, v), flush=True)
        next_rss += 10
    if now >= next_churn:
        name = random.choice(churn)
        req({"cmd": "channel.remove", "name": name})
        gate_waits.append(readd(name, port1()[1], now))
        if gate_waits[-1] > 0.5:
            slow_gates.append((round(now - t_ready, 1), round(gate_waits[-1], 2)))
        next_churn = now + CHURN_EVERY
    time.sleep(0.01)
stop.set()
st.join()
t_wait = time.monotonic()
while got_n[0] < sent_n[0] and time.monotonic() - t_wait < 60:
    time.sleep(0.01)
if got_n[0] < sent_n[0]:
    print("# driver: %d storm replies missing" % (sent_n[0] - got_n[0]), flush=True)
    stats["errors"] += sent_n[0] - got_n[0]
for e in extra_live:
    req({"cmd": "channel.remove", "name": "extra-%d" % e})
rss_end = rss_kib()
rss.append((round(time.monotonic() - t_ready, 1), rss_end))
mem_sample(round(time.monotonic() - t_ready, 1))
if rss_start is None:
    rss_start = rss_end
summary = {
    "startup_s": startup, "storm_s": storm["seconds"], "ticks": storm["ticks"],
    "late_ticks": storm["late"], "rekeys": stats["channel.rekey"],
    "rekeys_per_s": stats["channel.rekey"] / storm["seconds"],
    "adds": stats["channel.add"], "removes": stats["channel.remove"],
    "churn_readds": stats["churn_readd"], "errors": stats["errors"], "error_samples": errors,
    "gate_wait_max_s": max(gate_waits) if gate_waits else 0.0,
    "gate_wait_mean_s": sum(gate_waits) / len(gate_waits) if gate_waits else 0.0,
    "slow_gates": slow_gates,
    "rss_start_kib": rss_start, "rss_end_kib": rss_end, "rss_samples": rss,
    "memory_samples": mem,
}
json.dump(summary, open(out_path, "w"), indent=1)
print("# driver: %d rekeys (%.1f/s), %d adds, %d removes, %d traffic channels re-added, "
      "%d errors; RSS %d -> %d KiB" % (summary["rekeys"], summary["rekeys_per_s"],
      summary["adds"], summary["removes"], summary["churn_readds"], summary["errors"],
      rss_start, rss_end), flush=True)
PY

# ---- run ---------------------------------------------------------------------------

log=$tmp/rtpseal.log
# One worker: the churn gate counts on port 1 being one FIFO ring (see above).
"$rtpseal" -l 0,1 --no-huge -m 1024 --no-pci --file-prefix "$prefix" \
	--vdev net_ring0 --vdev net_ring1 --vdev net_null0,no-rx=1 --vdev net_ring2 \
	-- -c "$tmp/soak.conf" --duration $((seconds + 600)) --stats-interval 10 \
	--stats-json "$tmp/stats.json" --observer "$observer" >"$log" 2>&1 &
app_pid=$!
python3 "$tmp/driver.py" "$tmp/soak.sock" "$app_pid" "$seconds" "$warmup" \
	"$tmp/driver.json" "$tmp/channels.json" &
driver_pid=$!
wait "$driver_pid"
driver_rc=$?
driver_pid=
if kill -0 "$app_pid" 2>/dev/null; then
	kill -INT "$app_pid"
fi
wait "$app_pid"
app_rc=$?
app_pid=

grep -E '^(summary|rtpseal: generator)' "$log" | sed 's/^/# /'
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print("# RSS (s after the socket answered: KiB): " + ", ".join("%s: %s" % tuple(x) for x in d["rss_samples"]))
if d["slow_gates"]: print("# churn gates over 0.5 s (at s: waited s): %s" % d["slow_gates"])' \
	"$tmp/driver.json" 2>/dev/null

if [ "$driver_rc" != 0 ] || [ ! -s "$tmp/driver.json" ]; then
	not_ok "control-socket driver ran" "exit $driver_rc"
	tail -n 20 "$log" | sed 's/^/#   /'
	finish
fi
ok "control-socket driver ran for ${seconds} s"
if [ "$app_rc" = 0 ]; then
	ok "rtpseal exited 0"
else
	not_ok "rtpseal exited 0" "exit $app_rc"
	tail -n 20 "$log" | sed 's/^/#   /'
fi
if [ ! -s "$tmp/stats.json" ]; then
	not_ok "stats JSON written"
	finish
fi

# ---- the checks ----------------------------------------------------------------------

cat >"$tmp/check.py" <<'PY'
import json, sys

st = json.load(open(sys.argv[1]))
dr = json.load(open(sys.argv[2]))
sanitized = sys.argv[3] == "1"
drops = st["drops"]
faults = st["generator"]["faults"]
inj = faults["injected"]
frames = st["generator"]["frames"] + faults["fault_port_frames"]
results = []

def check(what, cond, detail=""):
    results.append((bool(cond), what, detail))

total = sum(drops.values())
check("rx = tx + drops exactly (%d = %d + %d)" % (st["rx_packets"], st["tx_packets"], total),
      st["rx_packets"] == st["tx_packets"] + total and total == st["drops_total"])
ports = st["ports"]
check("every generated frame received: port 0 %d of %d, port 3 %d of %d"
      % (ports[0]["rx_packets"], st["generator"]["frames"], ports[3]["rx_packets"],
         faults["fault_port_frames"]),
      ports[0]["rx_packets"] == st["generator"]["frames"]
      and ports[3]["rx_packets"] == faults["fault_port_frames"] and st["unread_at_exit"] == 0)
check("both directions: all %d packets sealed out of port 1 came back in and were opened or "
      "counted" % ports[1]["tx_packets"], ports[1]["rx_packets"] == ports[1]["tx_packets"]
      and ports[1]["tx_packets"] > 0)
n_inj = sum(inj.values())
check("about 1 %% of the frames injected bad (%d of %d: %.2f %%)"
      % (n_inj, frames, 100.0 * n_inj / max(frames, 1)),
      0.005 * frames <= n_inj <= 0.015 * frames)
for reason in ("malformed", "stale_seq", "replay", "auth_fail"):
    check("injected %s counted exactly: %d injected, %d dropped" % (reason, inj[reason],
          drops[reason]), inj[reason] > 0 and drops[reason] == inj[reason])
by = faults["malformed_by"]
check("every way of breaking a frame used (%s)" % ", ".join("%s %d" % kv for kv in by.items()),
      all(v > 0 for v in by.values()))
check("zero auth_fail and replay on good traffic",
      drops["auth_fail"] == inj["auth_fail"] and drops["replay"] == inj["replay"])
other = {k: v for k, v in drops.items()
         if v and k not in ("malformed", "stale_seq", "replay", "auth_fail", "no_channel")}
check("no other drop reason but no_channel (%d, from the churn)" % drops["no_channel"],
      not other and drops["no_channel"] > 0, "unexpected: %s" % other)
check("rekeys met packets in flight: %d opened with the previous key" % st["opened_prev_key"],
      st["opened_prev_key"] > 0)
obs = st.get("observers", [])
check("observer attached and fed: %s" % ", ".join("%s %d packets" % (o["name"], o["packets"])
      for o in obs),
      len(obs) == 1 and obs[0]["packets"] > 0 and obs[0]["drops"] == 0
      and obs[0]["refused"] == 0)
check("every mempool back to full: %d mbufs in use at exit" % st["mbufs_in_use"],
      st["mbufs_in_use"] == 0)
check("control requests all ok: %d rekeys (%.1f/s), %d adds, %d removes, %d re-adds of "
      "traffic channels (gate wait mean %.0f ms, max %.0f ms)"
      % (dr["rekeys"], dr["rekeys_per_s"], dr["adds"], dr["removes"], dr["churn_readds"],
         1e3 * dr["gate_wait_mean_s"], 1e3 * dr["gate_wait_max_s"]),
      dr["errors"] == 0 and dr["churn_readds"] > 0, "; ".join(dr["error_samples"]))
check("a rekey every 10 ms: %.1f rekeys/s" % dr["rekeys_per_s"], dr["rekeys_per_s"] >= 90)
check("1000+ channels loaded and answering %.2f s after exec" % dr["startup_s"],
      dr["startup_s"] < 60)
# RSS: DPDK's memory (-m 1024, --no-huge) is anonymous memory touched on
# first use: stream and channel tables fill pages as streams come and go, so
# the bound is max(5 %, 16 MiB) over the start figure: flat means no growth
# that scales with the run's length (a leak of one mbuf-sized buffer per
# rekey would pass 16 MiB within the first minutes of a 3-minute run).
a, b = dr["rss_start_kib"], dr["rss_end_kib"]
bound = max(a * 0.05, 16 * 1024)
if sanitized:
    check("RSS after warm-up: start %d KiB, end %d KiB (%+d KiB; not judged under ASan)"
          % (a, b, b - a), True)
else:
    check("RSS flat after warm-up: start %d KiB, end %d KiB (%+d KiB, bound %d)"
          % (a, b, b - a, bound), b - a <= bound, "samples %s" % dr["rss_samples"])
# Live heap: what is allocated, not what the allocators hold. After
# warm-up the program holds the same things (1001 channels, ~40 extra
# ones, ~200 previous keys within the 2 s overlap, the same streams), so
# both in-use figures must come back to where they were: within 1 MiB.
# RSS above may still rise a little (the C heap's arena fragments as key
# contexts, aligned, interleave with OpenSSL's KDF temporaries; DPDK pages
# of the stream table are touched for the first time as streams of
# re-added channels take slots the hash hands out in turn): that is what
# malloc_system and the RSS bound show, bounded, not a leak.
ms = dr["memory_samples"]
if len(ms) >= 2:
    m0, m1 = ms[0], ms[-1]
    if sanitized:
        check("live C heap: not measured under ASan (its allocator is not glibc's)", True)
    else:
        check("live C heap flat: %d -> %d bytes in use (%+d; arenas %d -> %d bytes)"
              % (m0[1], m1[1], m1[1] - m0[1], m0[2], m1[2]), m1[1] - m0[1] <= 1 << 20)
    check("live DPDK heap flat: %d -> %d bytes in use (%+d; heap %d bytes)"
          % (m0[3], m1[3], m1[3] - m0[3], m1[4]), m1[3] - m0[3] <= 1 << 20)
else:
    check("memory sampled after warm-up", False, "%d samples" % len(ms))
for good, what, detail in results:
    print("%s\t%s\t%s" % ("ok" if good else "not ok", what, detail if not good else ""))
PY
while IFS=$'\t' read -r verdict what detail; do
	if [ "$verdict" = ok ]; then
		ok "$what"
	else
		not_ok "$what" "$detail"
	fi
done < <(python3 "$tmp/check.py" "$tmp/stats.json" "$tmp/driver.json" "$sanitized" ||
	printf 'not ok\tchecks ran\tcheck.py failed\n')
finish
