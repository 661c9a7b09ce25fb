#!/usr/bin/env bash
# make run: rtpseal with no NIC and no hugepages, on in-memory ports fed by
# the built-in RTP generator (conf/demo.conf), for about 10 seconds. A stats
# line each second, then a summary whose sealed samples were decrypted by
# libsrtp2 (an independent implementation). Exits non-zero if anything is
# off: a packet unaccounted for, a sample that does not decrypt, an mbuf
# not returned.
set -euo pipefail
build=${1:-build}
seconds=${RUN_SECONDS:-10}
prefix="rtpseal-run-$$"
json=$(mktemp /tmp/rtpseal-run-XXXXXX.json)
trap 'rm -f "$json"' EXIT

"$build/rtpseal" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix" \
	--log-level=lib.eal:warning --log-level=lib.telemetry:error \
	--vdev net_ring0 --vdev net_ring1 --vdev net_null0,no-rx=1 \
	-- -c conf/demo.conf --duration "$seconds" --verify-samples 16 --stats-json "$json"

# The app already checks rx = tx + drops and the samples; say it in one line.
awk 'BEGIN { RS = "" } {
	match($0, /"rx_packets": *[0-9]+/); rx = substr($0, RSTART, RLENGTH); sub(/.*: */, "", rx)
	match($0, /"sealed_packets": *[0-9]+/); s = substr($0, RSTART, RLENGTH); sub(/.*: */, "", s)
	match($0, /"opened_packets": *[0-9]+/); o = substr($0, RSTART, RLENGTH); sub(/.*: */, "", o)
	printf "make run: %s packets received, %s sealed and %s opened again; see the summary above\n", rx, s, o
}' "$json"
