#!/usr/bin/env bash
# Plot the crypto micro-bench (DESIGN §9): seal throughput on one core, in
# Mpps by RTP payload size, rtpseal's burst API against the bare ipsec-mb
# loop, OpenSSL EVP per packet and libsrtp2, one panel per key size.
#
#   perf/plot.sh [RESULTS.jsonl [OUT.png]]
#   perf/plot.sh --pipeline [RESULTS.jsonl [OUT.png]]
#
# Defaults: build/bench/latest.jsonl and crypto.png next to it. Only rows of
# the first build in the file are drawn (bench.sh appends rows of the
# IPSEC_MB=system build after them). Needs gnuplot; awk reads the JSON.
#
# --pipeline draws the pipeline rows instead (perf/bench_pipeline.sh;
# default pipeline.png): the Mpps one worker core sustains (1000 / its busy
# ns per packet) for seal and open at 160 bytes, 1200 bytes and the mix,
# with the UDP checksum recomputed in software and with zero checksums
# kept, next to the same run's raw ipsec-mb floor and libsrtp2, and the
# passthrough (I/O only) floor.
set -eu
cd "$(dirname "$0")/.."

mode=crypto
if [ "${1:-}" = --pipeline ]; then
	mode=pipeline
	shift
fi
in=${1:-build/bench/latest.jsonl}
out=${2:-$(dirname "$in")/$mode.png}

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "plot: gnuplot is not installed: no plot" >&2
	exit 0
fi
if [ ! -s "$in" ]; then
	echo "plot: $in is missing or empty: run make bench first" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$mode" = pipeline ]; then
	# one line per cluster: label, pipeline, pipeline without UDP checksums,
	# raw ipsec-mb, libsrtp2 (Mpps; "-" where missing)
	awk -v dir="$tmp" '
	function str(k,   m) {
		if (match($0, "\"" k "\":\"[^\"]*\"")) {
			m = substr($0, RSTART, RLENGTH)
			sub("^\"" k "\":\"", "", m)
			sub("\"$", "", m)
			return m
		}
		return ""
	}
	function num(k,   m) {
		if (match($0, "\"" k "\":[-0-9.eE+]+")) {
			m = substr($0, RSTART, RLENGTH)
			sub("^\"" k "\":", "", m)
			return m
		}
		return ""
	}
	function mpps(ns) { return ns > 0 ? sprintf("%.2f", 1000 / ns) : "-" }
	/^\{/ && str("bench") ~ /^pipeline_/ && str("error") == "" && num("ns_per_pkt") != "" {
		b = str("bench")
		if (version == "") {
			version = str("ipsec_mb")
			arch = str("arch")
		}
		if (srtp == "")
			srtp = str("libsrtp")
		if (b ~ /passthrough/) {
			k = b ~ /open/ ? "pass, cipher side" : "pass, clear side"
			if (!(k in have)) {
				have[k] = 1
				order[++n] = k
			}
			p[k] = mpps(num("ns_per_pkt"))
			next
		}
		sz = b
		sub(/^pipeline_(seal|open)_/, "", sz)
		sub(/_nocsum$/, "", sz)
		k = str("dir") " " sz
		if (!(k in have)) {
			have[k] = 1
			order[++n] = k
		}
		if (b ~ /_nocsum$/)
			q[k] = mpps(num("ns_per_pkt"))
		else
			p[k] = mpps(num("ns_per_pkt"))
		if (num("raw_ns_per_pkt") != "")
			r[k] = mpps(num("raw_ns_per_pkt"))
		if (num("libsrtp_ns_per_pkt") != "")
			s[k] = mpps(num("libsrtp_ns_per_pkt"))
	}
	END {
		f = dir "/pipe.dat"
		printf "" > f
		for (i = 1; i <= n; i++) {
			k = order[i]
			printf "\"%s\" %s %s %s %s\n", k, (k in p) ? p[k] : "-", (k in q) ? q[k] : "-",
				(k in r) ? r[k] : "-", (k in s) ? s[k] : "-" > f
		}
		close(f)
		print n + 0 > (dir "/n")
		print "rtpseal pipeline on one worker core, ipsec-mb " version " (" arch "), " srtp > (dir "/title")
	}' "$in"
	n=$(cat "$tmp/n")
	if [ "$n" -eq 0 ]; then
		echo "plot: no pipeline rows in $in: nothing to plot" >&2
		exit 0
	fi
	cat >"$tmp/plot.gp" <<EOF
set terminal pngcairo noenhanced size $((120 * n + 300)),560 font "sans,10"
set output "$out"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set key top right box opaque
set ylabel "Mpps (1000 / busy ns per packet, one worker)"
set xlabel "direction, RTP payload (bytes, or the realistic mix)"
set title "$(cat "$tmp/title")"
set xrange [-0.6:$n - 0.4]
plot "$tmp/pipe.dat" using 2:xtic(1) title "rtpseal pipeline (UDP checksum in software)" lc rgb "#1f77b4", \\
     "" using 3 title "rtpseal pipeline (zero UDP checksum kept)" lc rgb "#6baed6", \\
     "" using 4 title "ipsec-mb direct (crypto floor)" lc rgb "#c6dbef", \\
     "" using 5 title "libsrtp2 srtp_protect / srtp_unprotect" lc rgb "#2ca02c", \\
     for [i=0:3] "" using (\$0 + (i - 1.5) / 5.0):(column(i + 2)):(sprintf("%.1f", column(i + 2))) \\
        with labels offset 0, 0.7 font ",8" notitle
EOF
	status=0
	gnuplot "$tmp/plot.gp" 2>"$tmp/err" || status=$?
	grep -v 'Skipping data file with no valid points' "$tmp/err" >&2 || :
	[ "$status" -eq 0 ] || exit 1
	echo "plot: wrote $out" >&2
	exit 0
fi

# One table per key size: payload, then Mpps of lib, raw, openssl, libsrtp
# ("-" where a bench did not run). Also writes the title and the libsrtp
# series' name.
awk -v dir="$tmp" '
function str(k,   m) {
	if (match($0, "\"" k "\":\"[^\"]*\"")) {
		m = substr($0, RSTART, RLENGTH)
		sub("^\"" k "\":\"", "", m)
		sub("\"$", "", m)
		return m
	}
	return ""
}
function num(k,   m) {
	if (match($0, "\"" k "\":[-0-9.eE+]+")) {
		m = substr($0, RSTART, RLENGTH)
		sub("^\"" k "\":", "", m)
		return m
	}
	return ""
}
/^\{/ {
	if (!seen++) {
		build = str("build")
		version = str("ipsec_mb")
		arch = str("arch")
	}
	if (str("build") != build || str("dir") != "seal" || num("workers") != 1 ||
	    str("error") != "" || num("mpps") == "")
		next
	b = str("bench")
	col = 0
	if (b == "lib_burst") col = 1
	else if (b == "raw_ipsec_mb") col = 2
	else if (b == "openssl_evp") col = 3
	else if (b == "libsrtp_protect") col = 4
	else if (b == "libsrtp_protect_aescm") col = 5
	if (!col)
		next
	m = str("mode") == "AEAD_AES_256_GCM" ? 2 : 1
	p = num("payload")
	if (!((m, p) in have)) {
		have[m, p] = 1
		payloads[m, ++np[m]] = p
	}
	v[m, p, col] = num("mpps")
}
END {
	for (m = 1; m <= 2; m++) {
		f = dir "/mode" m ".dat"
		printf "" > f
		for (i = 1; i <= np[m]; i++) {
			p = payloads[m, i]
			# libsrtp GCM when it ran, else its AES-CM/HMAC fallback
			s = ((m, p, 4) in v) ? v[m, p, 4] : ((m, p, 5) in v) ? v[m, p, 5] : "-"
			if (!((m, p, 4) in v) && ((m, p, 5) in v))
				aescm = 1
			printf "%s", p > f
			for (c = 1; c <= 3; c++)
				printf " %s", ((m, p, c) in v) ? v[m, p, c] : "-" > f
			printf " %s\n", s > f
		}
		close(f)
		print np[m] + 0 > (dir "/mode" m ".n")
	}
	print "ipsec-mb " version " (" arch "), one core, SRTP seal (RFC 7714)" > (dir "/title")
	if (aescm)
		print "libsrtp2 srtp_protect (AES-CM/HMAC-SHA1-80: no GCM)" > (dir "/srtp")
	else
		print "libsrtp2 srtp_protect (GCM)" > (dir "/srtp")
}' "$in"

n1=$(cat "$tmp/mode1.n")
n2=$(cat "$tmp/mode2.n")
if [ "$n1" -eq 0 ] && [ "$n2" -eq 0 ]; then
	echo "plot: no workers=1 seal rows in $in: nothing to plot" >&2
	exit 0
fi

panels=0
[ "$n1" -gt 0 ] && panels=$((panels + 1))
[ "$n2" -gt 0 ] && panels=$((panels + 1))

{
	cat <<EOF
set terminal pngcairo noenhanced size $((560 * panels + 80)),520 font "sans,10"
set output "$out"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set key top right box opaque
set ylabel "Mpps (one core)"
set xlabel "RTP payload (bytes)"
set multiplot layout 1,$panels title "$(cat "$tmp/title")"
EOF
	for m in 1 2; do
		n=$(cat "$tmp/mode$m.n")
		[ "$n" -gt 0 ] || continue
		bits=$([ $m = 1 ] && echo 128 || echo 256)
		f=$tmp/mode$m.dat
		# bar i of 4 in a cluster sits at x + (i - 1.5) / 5 (gap 1)
		cat <<EOF
set xrange [-0.6:$n - 0.4]
set title "AEAD_AES_${bits}_GCM"
plot "$f" using 2:xtic(1) title "rtpseal rs_seal_burst" lc rgb "#1f77b4", \
     "" using 3 title "ipsec-mb direct (floor)" lc rgb "#9ecae1", \
     "" using 4 title "OpenSSL EVP per packet" lc rgb "#ff7f0e", \
     "" using 5 title "$(cat "$tmp/srtp")" lc rgb "#2ca02c", \
     for [i=0:3] "" using (\$0 + (i - 1.5) / 5.0):(column(i + 2)):(sprintf("%.1f", column(i + 2))) \
        with labels offset 0, 0.7 font ",8" notitle
EOF
	done
	echo "unset multiplot"
} >"$tmp/plot.gp"

# (a filtered run leaves some series empty: gnuplot's warning says so)
status=0
gnuplot "$tmp/plot.gp" 2>"$tmp/err" || status=$?
grep -v 'Skipping data file with no valid points' "$tmp/err" >&2 || :
[ "$status" -eq 0 ] || exit 1
echo "plot: wrote $out" >&2
