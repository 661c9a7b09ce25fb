/* SPDX-License-Identifier: BSD-3-Clause */
/* Summing, printing and exporting counters. */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <jansson.h>
#include <rte_cycles.h>

#include "stats.h"

void rs_counters_sum(struct rs_counters *total, const struct rs_counters *const *per_lcore,
		     unsigned n)
{
	/* every field is a uint64_t, so the struct sums as an array */
	uint64_t *t = (uint64_t *)total;
	const size_t words = sizeof(*total) / sizeof(uint64_t);

	memset(total, 0, sizeof(*total));
	for (unsigned i = 0; i < n; i++) {
		const uint64_t *c = (const uint64_t *)per_lcore[i];
		for (size_t w = 0; w < words; w++)
			t[w] += c[w];
	}
}

uint64_t rs_counters_drops_total(const struct rs_counters *c)
{
	uint64_t sum = 0;

	for (unsigned r = 0; r < RS_DROP_COUNT; r++)
		sum += c->drops[r];
	return sum;
}

static double rate(uint64_t now, uint64_t prev, double seconds)
{
	return seconds > 0 ? (double)(now - prev) / seconds : 0.0;
}

static void print_drops(FILE *out, const struct rs_counters *c)
{
	int any = 0;

	for (unsigned r = 0; r < RS_DROP_COUNT; r++) {
		if (!c->drops[r])
			continue;
		fprintf(out, "%s%s=%" PRIu64, any ? " " : "", rs_drop_reason_name(r), c->drops[r]);
		any = 1;
	}
	if (!any)
		fprintf(out, "none");
}

void rs_stats_print_line(FILE *out, const struct rs_counters *now, const struct rs_counters *prev,
			 double seconds, unsigned n_ports)
{
	uint64_t media = now->audio_packets + now->video_packets;

	for (unsigned p = 0; p < n_ports; p++) {
		const struct rs_port_counters *a = &now->ports[p], *b = &prev->ports[p];
		fprintf(out, "port%u rx %.2f Mpps %.2f Gb/s tx %.2f Mpps %.2f Gb/s | ", p,
			rate(a->rx_packets, b->rx_packets, seconds) / 1e6,
			rate(a->rx_bytes, b->rx_bytes, seconds) * 8 / 1e9,
			rate(a->tx_packets, b->tx_packets, seconds) / 1e6,
			rate(a->tx_bytes, b->tx_bytes, seconds) * 8 / 1e9);
	}
	fprintf(out, "audio %.0f%% video %.0f%% rtcp %" PRIu64 " | drops ",
		media ? 100.0 * (double)now->audio_packets / (double)media : 0.0,
		media ? 100.0 * (double)now->video_packets / (double)media : 0.0,
		now->rtcp_packets);
	print_drops(out, now);
	fputc('\n', out);
	fflush(out);
}

void rs_stats_print_summary(FILE *out, const struct rs_counters *c, double seconds,
			    unsigned n_ports)
{
	uint64_t drops = rs_counters_drops_total(c);

	fprintf(out, "summary: %.1f s, rx %" PRIu64 ", tx %" PRIu64 ", drops %" PRIu64 " (",
		seconds, c->rx_packets, c->tx_packets, drops);
	print_drops(out, c);
	fprintf(out, ")\n");
	fprintf(out,
		"summary: sealed %" PRIu64 ", opened %" PRIu64 " (%" PRIu64
		" with the previous key), audio %" PRIu64 ", video %" PRIu64 ", other RTP %" PRIu64
		", rtcp %" PRIu64 ", passthrough %" PRIu64 ", streams %" PRIu64 "\n",
		c->sealed_packets, c->opened_packets, c->opened_prev_key, c->audio_packets,
		c->video_packets, c->other_media_packets, c->rtcp_packets, c->passthrough_packets,
		c->streams);
	for (unsigned p = 0; p < n_ports; p++)
		fprintf(out,
			"summary: port %u rx %" PRIu64 " pkts %" PRIu64 " bytes, tx %" PRIu64
			" pkts %" PRIu64 " bytes\n",
			p, c->ports[p].rx_packets, c->ports[p].rx_bytes, c->ports[p].tx_packets,
			c->ports[p].tx_bytes);
	fprintf(out, "summary: rx = tx + drops: %" PRIu64 " = %" PRIu64 " + %" PRIu64 ": %s\n",
		c->rx_packets, c->tx_packets, drops,
		c->rx_packets == c->tx_packets + drops ? "ok" : "MISMATCH");
	fflush(out);
}

/* The scalar counters, by the names the JSON and the control socket use. */
static const struct {
	const char *name;
	size_t off;
} counter_fields[] = {
    {"rx_packets", offsetof(struct rs_counters, rx_packets)},
    {"tx_packets", offsetof(struct rs_counters, tx_packets)},
    {"audio_packets", offsetof(struct rs_counters, audio_packets)},
    {"video_packets", offsetof(struct rs_counters, video_packets)},
    {"other_media_packets", offsetof(struct rs_counters, other_media_packets)},
    {"rtcp_packets", offsetof(struct rs_counters, rtcp_packets)},
    {"passthrough_packets", offsetof(struct rs_counters, passthrough_packets)},
    {"custom_packets", offsetof(struct rs_counters, custom_packets)},
    {"handed_off", offsetof(struct rs_counters, handed_off)},
    {"sealed_packets", offsetof(struct rs_counters, sealed_packets)},
    {"opened_packets", offsetof(struct rs_counters, opened_packets)},
    {"opened_prev_key", offsetof(struct rs_counters, opened_prev_key)},
    {"streams", offsetof(struct rs_counters, streams)},
    {"flow_cache_hits", offsetof(struct rs_counters, flow_cache_hits)},
    {"flow_cache_misses", offsetof(struct rs_counters, flow_cache_misses)},
};

json_t *rs_counters_json(const struct rs_counters *c)
{
	json_t *o = json_object();
	json_t *drops = json_object();

	for (size_t i = 0; i < sizeof(counter_fields) / sizeof(counter_fields[0]); i++) {
		uint64_t v = *(const uint64_t *)((const uint8_t *)c + counter_fields[i].off);
		json_object_set_new(o, counter_fields[i].name, json_integer((json_int_t)v));
	}
	for (unsigned r = 0; r < RS_DROP_COUNT; r++)
		json_object_set_new(drops, rs_drop_reason_name(r),
				    json_integer((json_int_t)c->drops[r]));
	json_object_set_new(o, "drops", drops);
	json_object_set_new(o, "drops_total", json_integer((json_int_t)rs_counters_drops_total(c)));
	return o;
}

int rs_stats_write_json(const char *path, const struct rs_counters *c, double seconds,
			unsigned n_ports, json_t *extra)
{
	json_t *root = rs_counters_json(c);
	json_t *ports = json_array();
	int rc = -1;

	for (unsigned p = 0; p < n_ports; p++) {
		json_t *o = json_object();
		json_object_set_new(o, "port", json_integer(p));
		json_object_set_new(o, "rx_packets",
				    json_integer((json_int_t)c->ports[p].rx_packets));
		json_object_set_new(o, "rx_bytes", json_integer((json_int_t)c->ports[p].rx_bytes));
		json_object_set_new(o, "tx_packets",
				    json_integer((json_int_t)c->ports[p].tx_packets));
		json_object_set_new(o, "tx_bytes", json_integer((json_int_t)c->ports[p].tx_bytes));
		json_array_append_new(ports, o);
	}
	json_object_set_new(root, "seconds", json_real(seconds));
	json_object_set_new(root, "ports", ports);
	/* pipeline cost per packet on busy bursts, by direction */
	static const char *const dir_names[2] = {"seal", "open"};
	for (unsigned d = 0; d < 2; d++) {
		char key[32];
		double ns = c->busy_packets[d]
				? (double)c->busy_cycles[d] * 1e9 / (double)rte_get_tsc_hz() /
				      (double)c->busy_packets[d]
				: 0.0;
		snprintf(key, sizeof(key), "%s_busy_ns_per_pkt", dir_names[d]);
		json_object_set_new(root, key, json_real(ns));
		snprintf(key, sizeof(key), "%s_busy_packets", dir_names[d]);
		json_object_set_new(root, key, json_integer((json_int_t)c->busy_packets[d]));
	}
	if (extra)
		json_object_update(root, extra);
	rc = json_dump_file(root, path, JSON_INDENT(1) | JSON_SORT_KEYS) == 0 ? 0 : -1;
	json_decref(root);
	return rc;
}
