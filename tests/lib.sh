# shellcheck shell=bash
# Helpers shared by the shell suites tests/*_test.sh. Sourced, never run
# (its name does not end in _test.sh, so tests/run.sh does not pick it up):
#
#     set -u
#     cd "$(dirname "$0")/.." || exit 1
#     . tests/lib.sh
#
# Reporting, two styles (both count into $passed / $failed):
#   ok NAME / not_ok NAME [WHY] / check NAME COMMAND...: one line per check;
#   fail WHY / expect WHY COMMAND... collect the problems of the current case
#     and `case_done NAME` reports it: `ok - NAME`, or `not ok - NAME: WHY; ...`
#     followed by the last DIAG_LINES (15) lines of every file the case put
#     in diag+=(FILE), minus the lines matching DIAG_FILTER (grep BRE) if set;
#   note TEXT: a `# TEXT` comment line;
#   sanitizer_check LOG: fail when a SAN=1 build reported in LOG;
#   need_files OP FILE... / need_cmds HINT CMD...: fail "FILE not built" for
#     each FILE not passing test OP (-x, -e), "CMD not installed HINT" for
#     each CMD not on PATH; then prerequisites_met: if anything is missing,
#     the case "prerequisites" fails and the suite ends there;
#   summary: the closing `N passed, N failed` (after a blank line unless
#     SUMMARY_NO_BLANK is set; after `# runtime N s` when RUNTIME_FROM holds
#     the $SECONDS it counts from); true when nothing failed. finish: summary,
#     then exit with its status.
#   OK_TAG / NOT_OK_TAG ("ok -" / "not ok -") start the result lines.
# Clean-up at exit (installed here as the EXIT trap):
#   make_tmp MKTEMP-ARGS...: $tmp = a new directory (mktemp -d ARGS, e.g.
#     -t rs-NAME.XXXXXX), removed at exit unless KEEP_TMP is set (summary
#     then says where it is); other directories can be added to tmp_dirs;
#   dpdk_prefix PREFIX...: EAL --file-prefix values of this run; PREFIX and
#     PREFIX-* runtime directories go away at exit (root's /var/run/dpdk,
#     ${XDG_RUNTIME_DIR:-/tmp}/dpdk and /tmp/dpdk);
#   suite_cleanup: a function the suite may define (stop its daemons, remove
#     namespaces, ...); it runs first. stop_jobs PID...: SIGTERM to each
#     (empty ones skipped), then wait for them.
# JSON:
#   jt EXPR JSON / jv EXPR JSON: a Python expression of d = the parsed JSON,
#     as a status / printed ($PY is python3);
#   stats_dump / stats_ok JSON KEY=VALUE...: rtpseal's --stats-json checked
#     (see stats_ok); DROP_REASONS lists every drop reason.

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# ---- reporting -------------------------------------------------------------------

passed=0
failed=0
fails=() # what went wrong in the current case
diag=()  # files whose tail is worth showing when it failed
OK_TAG="ok -"
NOT_OK_TAG="not ok -"
DIAG_LINES=15
DIAG_FILTER=""

ok() {
	passed=$((passed + 1))
	echo "$OK_TAG $1"
}

not_ok() { # not_ok NAME [WHY]
	failed=$((failed + 1))
	echo "$NOT_OK_TAG $1${2:+: $2}"
}

check() { # check NAME COMMAND...: ok when COMMAND succeeds, else not ok
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

note() {
	echo "# $*"
}

fail() {
	fails+=("$1")
}

expect() { # expect WHAT COMMAND...: WHAT is recorded when COMMAND fails
	local what=$1
	shift
	"$@" || fail "$what"
}

case_done() { # case_done NAME
	local f why
	if ((${#fails[@]} == 0)); then
		ok "$1"
	else
		failed=$((failed + 1))
		why=$(printf '%s; ' "${fails[@]}")
		echo "$NOT_OK_TAG $1: ${why%; }"
		for f in "${diag[@]}"; do
			[ -s "$f" ] || continue
			echo "#   --- $(basename "$f") (last lines)"
			if [ -n "$DIAG_FILTER" ]; then
				grep -v -- "$DIAG_FILTER" "$f"
			else
				cat "$f"
			fi | tail -n "$DIAG_LINES" | sed 's/^/#   /'
		done
	fi
	fails=()
	diag=()
}

sanitizer_check() { # sanitizer_check LOG
	if grep -q 'Sanitizer\|runtime error:' "$1"; then
		fail "sanitizer report: $(grep -m1 'Sanitizer\|runtime error:' "$1")"
	fi
}

need_files() { # need_files OP FILE...
	local op=$1 f
	shift
	for f in "$@"; do
		test "$op" "$f" || fail "$f not built"
	done
}

need_cmds() { # need_cmds HINT CMD...
	local hint=$1 c
	shift
	for c in "$@"; do
		command -v "$c" >/dev/null || fail "$c not installed${hint:+ $hint}"
	done
}

prerequisites_met() {
	((${#fails[@]} == 0)) && return 0
	case_done "prerequisites"
	finish
}

summary() {
	[ -n "${RUNTIME_FROM:-}" ] && note "runtime $((SECONDS - RUNTIME_FROM)) s"
	if [ -n "${KEEP_TMP:-}" ] && ((${#tmp_dirs[@]})); then
		note "KEEP_TMP: captures, configs, logs and stats kept in ${tmp_dirs[*]}"
	fi
	[ -n "${SUMMARY_NO_BLANK:-}" ] || echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

finish() {
	summary
	exit
}

# ---- clean-up at exit ------------------------------------------------------------

tmp_dirs=()
dpdk_prefixes=()

make_tmp() { # make_tmp MKTEMP-ARGS...: sets tmp
	tmp=$(mktemp -d "$@") || {
		echo "mktemp -d $* failed" >&2
		exit 1
	}
	tmp_dirs+=("$tmp")
}

dpdk_prefix() { # dpdk_prefix PREFIX...
	dpdk_prefixes+=("$@")
}

stop_jobs() { # stop_jobs PID...
	local p
	for p in "$@"; do
		[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	done
	for p in "$@"; do
		[ -n "$p" ] && wait "$p" 2>/dev/null
	done
	return 0
}

lib_cleanup() {
	local p d
	declare -F suite_cleanup >/dev/null && suite_cleanup
	for p in "${dpdk_prefixes[@]}"; do
		[ -n "$p" ] || continue
		for d in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}"/dpdk /tmp/dpdk; do
			rm -rf "$d/${p:?}" "$d/${p:?}"-* 2>/dev/null
		done
	done
	if [ -z "${KEEP_TMP:-}" ] && ((${#tmp_dirs[@]})); then
		rm -rf "${tmp_dirs[@]}"
	fi
	return 0
}
trap lib_cleanup EXIT

# ---- JSON ------------------------------------------------------------------------

# jt EXPR JSON: is the Python expression true of d = the parsed JSON?
# (statements may come first: "c = d['x']; c['y'] == 1")
jt() {
	"$PY" -c 'import json,sys
d = json.loads(sys.argv[2])
code = sys.argv[1].rsplit(";", 1)
if len(code) == 2:
    exec(code[0].strip())
sys.exit(0 if eval("(" + code[-1].strip() + ")") else 1)' "$1" "$2" 2>/dev/null
}

# jv EXPR JSON: print the value of the expression
jv() {
	"$PY" -c 'import json,sys
d = json.loads(sys.argv[2])
print(eval(sys.argv[1]))' "$1" "$2" 2>/dev/null
}

# shellcheck disable=SC2034 # for the suites (STATS_REASONS=("${DROP_REASONS[@]}"))
DROP_REASONS=(malformed no_channel auth_fail replay stale_seq no_tailroom multiseg
	index_exhausted observer_drop policy_drop tx_full internal)

# stats_dump JSON: the stats JSON flattened to "key value" lines: top-level
# numbers, drops.REASON, drops_sum and port.N.FIELD (nothing when it is not
# JSON).
stats_dump() {
	"$PY" - "$1" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
for k, v in d.items():
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        print(k, v)
drops = d.get("drops", {})
for k, v in drops.items():
    print("drops." + k, v)
print("drops_sum", sum(drops.values()))
for p in d.get("ports", []):
    for k, v in p.items():
        print("port.%s.%s" % (p.get("port"), k), v)
PY
}

# stats_ok JSON KEY=VALUE...: the named counters have these values (* for
# any), every drop reason not named is 0 (those of STATS_REASONS when the
# suite sets that array, else those the JSON lists), rx = tx + drops, no
# mbuf in use at exit; then the suite's stats_more JSON, if it defines one,
# for its own checks. Leaves the counters in S[]. Status 1 when there is no
# stats JSON.
declare -A S=()
stats_ok() {
	local json=$1 e k r
	shift
	local -A wants=()
	S=()
	while read -r k r; do
		S[$k]=$r
	done < <(stats_dump "$json")
	if [ -z "${S[rx_packets]:-}" ]; then
		fail "no stats JSON"
		return 1
	fi
	if declare -p STATS_REASONS >/dev/null 2>&1; then
		for r in "${STATS_REASONS[@]}"; do
			wants[drops.$r]=0
		done
	else
		for k in "${!S[@]}"; do
			[ "${k#drops.}" != "$k" ] && wants[$k]=0
		done
	fi
	for e in "$@"; do
		wants[${e%%=*}]=${e#*=}
	done
	for k in "${!wants[@]}"; do
		[ "${wants[$k]}" = '*' ] && continue
		[ "${S[$k]:-missing}" = "${wants[$k]}" ] || fail "$k ${S[$k]:-missing}, want ${wants[$k]}"
	done
	[ "${S[rx_packets]}" = $((${S[tx_packets]:-0} + ${S[drops_sum]:-0})) ] ||
		fail "rx ${S[rx_packets]} != tx ${S[tx_packets]:-?} + drops ${S[drops_sum]:-?}"
	[ "${S[mbufs_in_use]:-missing}" = 0 ] || fail "mbufs_in_use ${S[mbufs_in_use]:-missing}"
	if declare -F stats_more >/dev/null; then
		stats_more "$json"
	fi
	return 0
}
