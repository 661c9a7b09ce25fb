/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpseal: command line, start-up in an order that fails before touching a
 * port, the main lcore's loop (generator, verifier, stats, exit conditions)
 * and an orderly shutdown that accounts for every packet.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_pdump.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "app.h"
#include "control.h"
#include "generator.h"
#include "ports.h"
#include "telemetry.h"
#include "verify.h"
#include "worker.h"

struct options {
	const char *config;
	double stats_interval;
	const char *stats_json;
	double duration;
	unsigned exit_on_idle_ms;
	unsigned verify_samples;
	struct rs_stream_start stream_start;
	const char *observers[RS_MAX_OBSERVERS];
	unsigned n_observers;
};

static volatile sig_atomic_t quit_signal;

static void on_signal(int sig)
{
	quit_signal = sig;
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: rtpseal [EAL options] -- -c FILE [options]\n"
	    "\n"
	    "Seals RTP/RTCP into SRTP (AES-GCM, RFC 7714) between the ports of FILE, and\n"
	    "opens it the other way. EAL options are DPDK's own (-l, --vdev, --no-huge,\n"
	    "--file-prefix, ...); the main lcore runs stats and the generator, every other\n"
	    "lcore is a worker.\n"
	    "\n"
	    "  -c, --config FILE        INI configuration (see conf/demo.conf)\n"
	    "  --stats-interval S       print a stats line every S seconds (default 1; 0 = off)\n"
	    "  --stats-json FILE        write the final counters as JSON at exit\n"
	    "  --duration S             exit after S seconds\n"
	    "  --exit-on-idle MS        exit once every RX queue has been empty for MS ms\n"
	    "  --verify-samples N       check the first N sealed packets of every stream\n"
	    "                           with libsrtp2 (independent implementation)\n"
	    "  --initial-roc N          new streams start at ROC N instead of 0 (joining\n"
	    "                           sessions in progress)\n"
	    "  --initial-srtcp-index N  new streams' first SRTCP index (tests of the 2^31 limit)\n"
	    "  --observer LIB.so[@CHANNEL,...][:ARGS]\n"
	    "                           load a packet observer (custom encryption hooks,\n"
	    "                           lib/rs_observer.h) for every or the named channels\n"
	    "  -h, --help               this text\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"stats-interval", required_argument, NULL, 'i'},
	    {"stats-json", required_argument, NULL, 'j'},
	    {"duration", required_argument, NULL, 'd'},
	    {"exit-on-idle", required_argument, NULL, 'e'},
	    {"verify-samples", required_argument, NULL, 'v'},
	    {"initial-roc", required_argument, NULL, 'R'},
	    {"initial-srtcp-index", required_argument, NULL, 'I'},
	    {"observer", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->stats_interval = 1.0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'i':
			o->stats_interval = strtod(optarg, &end);
			if (*end || o->stats_interval < 0)
				goto bad;
			break;
		case 'j':
			o->stats_json = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || o->duration <= 0)
				goto bad;
			break;
		case 'e':
			o->exit_on_idle_ms = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !o->exit_on_idle_ms)
				goto bad;
			break;
		case 'v':
			o->verify_samples = (unsigned)strtoul(optarg, &end, 10);
			if (*end)
				goto bad;
			break;
		case 'R':
		case 'I': {
			unsigned long v = strtoul(optarg, &end, 0);
			if (*end ||
			    v > (c == 'R' ? 0xffffffffUL : (unsigned long)RS_SRTCP_INDEX_MAX))
				goto bad;
			if (c == 'R')
				o->stream_start.roc = (uint32_t)v;
			else
				o->stream_start.srtcp_index = (uint32_t)v;
			break;
		}
		case 'o':
			if (o->n_observers == RS_MAX_OBSERVERS) {
				fprintf(stderr, "rtpseal: at most %d --observer\n",
					RS_MAX_OBSERVERS);
				return -1;
			}
			o->observers[o->n_observers++] = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rtpseal: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->config) {
		fprintf(stderr, "rtpseal: -c FILE is required (after the EAL options and --)\n");
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "rtpseal: bad value '%s' for %s\n", optarg, argv[optind - 1]);
	return -1;
}

static unsigned pool_size(const struct rs_app *app)
{
	unsigned n = app->cfg.n_ports * app->n_workers * 2048 /* RX + TX descriptors */
		     + app->n_workers * (RS_MAX_PORTS * RS_BURST_MAX + 512) + RS_MAX_WORKERS * 32 +
		     4096 /* samples */ + 8192;
	return n;
}

static void sum_workers(const struct rs_app *app, struct rs_counters *total)
{
	const struct rs_counters *per[RS_MAX_WORKERS];

	for (unsigned i = 0; i < app->n_workers; i++)
		per[i] = &app->workers[i]->c;
	rs_counters_sum(total, per, app->n_workers);
}

static int workers_idle_for(const struct rs_app *app, uint64_t cycles)
{
	uint64_t now = rte_rdtsc();

	for (unsigned i = 0; i < app->n_workers; i++) {
		if (now - app->workers[i]->last_rx_tsc < cycles)
			return 0;
		if (app->handoff[i] && !rte_ring_empty(app->handoff[i]))
			return 0;
	}
	return 1;
}

/* --observer LIB.so@NAME for a NAME the config does not have: may be added
 * later through the control socket, or a typo. Say so. */
static void warn_unknown_observer_channels(const struct rs_app *app)
{
	for (unsigned i = 0; i < app->observers.n; i++) {
		char list[sizeof(app->observers.slot[i].channels)];
		char *save = NULL;
		snprintf(list, sizeof(list), "%s", app->observers.slot[i].channels);
		for (char *name = strtok_r(list, ",", &save); name;
		     name = strtok_r(NULL, ",", &save)) {
			unsigned c = 0;
			while (c < app->cfg.n_channels && strcmp(app->cfg.channels[c].name, name))
				c++;
			if (c == app->cfg.n_channels)
				printf("rtpseal: warning: observer %s is attached to channel %s, "
				       "which the "
				       "config does not define (yet)\n",
				       app->observers.slot[i].ops->name, name);
		}
	}
}

/* Several workers: the shared stream-owner table and one hand-off ring per
 * worker (see claim_stream in worker.c). */
static int ownership_init(struct rs_app *app, char *err, size_t err_size)
{
	struct rte_hash_parameters p = {
	    .name = "rs_stream_owner",
	    .entries = app->n_workers * app->cfg.general.max_streams,
	    .key_len = sizeof(struct rs_stream_key),
	    .hash_func = rte_hash_crc,
	    .socket_id = (int)rte_socket_id(),
	    /* readers never lock; writers hold owner_lock */
	    .extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	if (app->n_workers < 2)
		return 0;
	rte_spinlock_init(&app->owner_lock);
	app->stream_owner = rte_hash_create(&p);
	for (unsigned i = 0; i < app->n_workers; i++) {
		char name[RTE_RING_NAMESIZE];
		snprintf(name, sizeof(name), "rs_handoff_%u", i);
		app->handoff[i] = rte_ring_create(name, 4096, (int)rte_socket_id(), RING_F_SC_DEQ);
		if (!app->handoff[i])
			break;
	}
	if (!app->stream_owner || !app->handoff[app->n_workers - 1]) {
		snprintf(err, err_size,
			 "cannot create the stream-ownership table (%u entries): lower [general] "
			 "max_streams, or give DPDK more memory (-m MB with --no-huge)",
			 app->n_workers * app->cfg.general.max_streams);
		return -1;
	}
	return 0;
}

/* Hand-offs still queued when the workers stopped were received and never
 * sent: count them as dropped so rx = tx + drops still holds. */
static void ownership_drain(struct rs_app *app)
{
	for (unsigned i = 0; i < app->n_workers; i++) {
		void *m = NULL;
		while (app->handoff[i] && rte_ring_dequeue(app->handoff[i], &m) == 0) {
			app->workers[i]->c.drops[RS_DROP_HANDOFF_FULL]++;
			rte_pktmbuf_free(m);
		}
	}
}

static void ownership_free(struct rs_app *app)
{
	for (unsigned i = 0; i < RS_MAX_WORKERS; i++)
		rte_ring_free(app->handoff[i]);
	rte_hash_free(app->stream_owner);
}

static int start_workers(struct rs_app *app, char *err, size_t err_size)
{
	unsigned lcore, i = 0;

	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		app->workers[i] = rs_worker_new(app, i, lcore, err, err_size);
		if (!app->workers[i])
			return -1;
		i++;
	}
	char where[96];
	struct rs_keymem_stats km;
	rs_keymem_get_stats(&km);
	printf("rtpseal: tables: %u channels max; %u stream states per worker, %zu bytes each "
	       "(%.1f MB per worker with its hash); stream states, channel counters and flow "
	       "cache on %s\n",
	       app->channels.capacity, app->cfg.general.max_streams,
	       app->workers[0]->streams.stride, (double)app->workers[0]->streams.bytes / 1e6,
	       rs_table_mem_where(&app->workers[0]->streams.mem_alloc, where, sizeof(where)));
	printf("rtpseal: key contexts: %" PRIu64 " of %zu bytes in %" PRIu64
	       " chunk(s) of 2 MiB, %" PRIu64 " advised to use transparent huge pages\n",
	       km.in_use, km.slot_size, km.chunks, km.chunks_advised);
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		rte_eal_remote_launch(rs_worker_main, app->workers[i++], lcore);
	}
	return 0;
}

static int setup(struct rs_app *app, const struct options *o, char *err, size_t err_size)
{
	struct rs_engine *eng;
	enum rs_status st;

	app->n_workers = rte_lcore_count() - 1;
	if (app->n_workers == 0 || app->n_workers > RS_MAX_WORKERS) {
		snprintf(err, err_size,
			 "need 1..%d worker lcores besides the main one (e.g. -l 0,1)",
			 RS_MAX_WORKERS);
		return -1;
	}
	if (rs_channel_table_init(&app->channels,
				  app->cfg.general.max_channels
				      ? app->cfg.general.max_channels
				      : app->cfg.n_channels + RS_EXTRA_CHANNELS,
				  app->cfg.general.rekey_overlap_ms, err, err_size) < 0)
		return -1;
	/* observers from [observer NAME] sections first, then --observer */
	for (unsigned i = 0; i < app->cfg.n_observers; i++)
		if (rs_observer_load(&app->observers, app->cfg.observers[i], app->n_workers, err,
				     err_size) < 0)
			return -1;
	for (unsigned i = 0; i < o->n_observers; i++)
		if (rs_observer_load(&app->observers, o->observers[i], app->n_workers, err,
				     err_size) < 0)
			return -1;
	app->channels.observers = &app->observers;
	warn_unknown_observer_channels(app);
	/* key derivation and precompute happen here, never in a worker */
	eng = rs_engine_new(&st);
	if (!eng) {
		snprintf(err, err_size, "crypto engine: %s", rs_strerror(st));
		return -1;
	}
	const char *what;
	if (rs_selftest(eng, &what) != RS_OK) {
		snprintf(err, err_size,
			 "self-test failed: %s, on ipsec-mb %s code path %s: refusing to start",
			 what, rs_engine_ipsec_version(), rs_engine_arch(eng));
		rs_engine_free(eng);
		return -1;
	}
	printf("rtpseal: ipsec-mb %s, code path %s; self-test passed (AES-GCM RFC 7714, SRTP KDF, "
	       "HKDF, GCM2)\n",
	       rs_engine_ipsec_version(), rs_engine_arch(eng));
	for (unsigned i = 0; i < app->cfg.n_channels; i++) {
		if (rs_channel_add(&app->channels, &app->cfg.channels[i], eng, err, err_size) < 0) {
			rs_engine_free(eng);
			return -1;
		}
		printf("rtpseal: channel %s: mode %s, %u match%s\n", app->cfg.channels[i].name,
		       app->cfg.channels[i].custom ? "custom"
						   : rs_mode_name(app->cfg.channels[i].mode),
		       app->cfg.channels[i].n_match, app->cfg.channels[i].n_match == 1 ? "" : "es");
	}
	rs_engine_free(eng);
	app->pool = rte_pktmbuf_pool_create("rs_mbufs", pool_size(app), 256, 0,
					    RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!app->pool) {
		snprintf(err, err_size, "cannot create the mbuf pool (%u mbufs): %s",
			 pool_size(app), rte_strerror(rte_errno));
		return -1;
	}
	if (o->verify_samples) {
		app->samples =
		    rte_ring_create("rs_samples", 4096, (int)rte_socket_id(), RING_F_SC_DEQ);
		if (!app->samples) {
			snprintf(err, err_size, "cannot create the sample ring");
			return -1;
		}
		app->samples_per_stream = o->verify_samples;
	}
	app->stream_start = o->stream_start;
	if (rs_ports_start(app, err, err_size) < 0)
		return -1;
	size_t rcu_size = rte_rcu_qsbr_get_memsize(app->n_workers);
	app->rcu = rte_zmalloc("rs_rcu", rcu_size, RTE_CACHE_LINE_SIZE);
	if (!app->rcu || rte_rcu_qsbr_init(app->rcu, app->n_workers) != 0) {
		snprintf(err, err_size, "cannot set up RCU for %u workers", app->n_workers);
		return -1;
	}
	app->channels.rcu = app->rcu;
	if (ownership_init(app, err, err_size) < 0)
		return -1;
	return start_workers(app, err, err_size);
}

struct run_state {
	struct rs_app_gen *gen;
	struct rs_verifier *verifier;
	uint64_t hz;
	uint64_t start;
};

static void main_loop(struct rs_app *app, const struct options *o, struct run_state *rs)
{
	struct rs_counters prev, now;
	uint64_t next_stats = rs->start + (uint64_t)(o->stats_interval * (double)rs->hz);
	uint64_t idle_cycles = (uint64_t)o->exit_on_idle_ms * rs->hz / 1000;
	uint64_t end = o->duration ? rs->start + (uint64_t)(o->duration * (double)rs->hz) : 0;
	uint64_t last_line = rs->start;

	memset(&prev, 0, sizeof(prev));
	while (!quit_signal) {
		uint64_t t = rte_rdtsc();
		if (!rs->gen || !rs_app_gen_step(rs->gen))
			rte_delay_us_sleep(rs->gen ? 1 : 1000);
		rs_verifier_poll(rs->verifier, app->samples);
		if (o->stats_interval > 0 && t >= next_stats) {
			sum_workers(app, &now);
			rs_stats_print_line(stdout, &now, &prev,
					    (double)(t - last_line) / (double)rs->hz, app->n_ports);
			prev = now;
			last_line = t;
			next_stats += (uint64_t)(o->stats_interval * (double)rs->hz);
		}
		if (end && t >= end)
			break;
		if (idle_cycles && t - rs->start > idle_cycles &&
		    workers_idle_for(app, idle_cycles))
			break;
	}
	if (quit_signal)
		printf("rtpseal: signal %d: stopping\n", (int)quit_signal);
}

/* Stop the source, let the workers empty their queues, then stop them. */
/* The generator's fault port ([generator] fault_port): every frame it was
 * given must have been received too. */
static int fault_port_unread(const struct rs_app *app, const struct rs_app_gen *gen)
{
	struct rs_app_gen_fault_totals ft;
	int port = rs_app_gen_fault_port(gen);
	uint64_t got = 0;

	if (port < 0)
		return 0;
	rs_app_gen_get_faults(gen, &ft);
	for (unsigned i = 0; i < app->n_workers; i++)
		got += app->workers[i]->c.ports[port].rx_packets;
	return got < ft.fault_port_sent;
}

static int generated_unread(const struct rs_app *app, const struct rs_app_gen *gen)
{
	uint64_t got = 0;

	for (unsigned i = 0; i < app->n_workers; i++)
		got += app->workers[i]->c.ports[rs_app_gen_port(gen)].rx_packets;
	return got < rs_app_gen_sent(gen) || fault_port_unread(app, gen);
}

static void drain_and_stop(struct rs_app *app, struct run_state *rs)
{
	uint64_t settle = rs->hz / 50; /* 20 ms without RX */
	uint64_t give_up = rte_rdtsc() + 2 * rs->hz;

	if (rs->gen) {
		/* frames the generator holds still go out, then every frame it
		 * sent must have been received: an idle-looking worker may just
		 * not have run for a while */
		rs_app_gen_stop(rs->gen);
		while (rte_rdtsc() < give_up && rs_app_gen_step(rs->gen))
			;
		while (rte_rdtsc() < give_up && generated_unread(app, rs->gen))
			rs_verifier_poll(rs->verifier, app->samples);
	}
	while (rte_rdtsc() < give_up && !workers_idle_for(app, settle))
		rs_verifier_poll(rs->verifier, app->samples);
	app->stop_workers = 1;
	rte_eal_mp_wait_lcore();
	ownership_drain(app);
	rs_verifier_poll(rs->verifier, app->samples);
}

/* Per observer: its counters over all workers and its own stats text. */
static json_t *observers_json(const struct rs_app *app)
{
	json_t *list = json_array();

	for (unsigned i = 0; i < app->observers.n; i++) {
		const struct rs_observer_slot *s = &app->observers.slot[i];
		struct rs_observer_counters sum;
		json_t *o = json_object();
		char text[4096];

		rs_worker_observer_counters(app, i, &sum);
		json_object_set_new(o, "name", json_string(s->ops->name));
		json_object_set_new(o, "library", json_string(s->path));
		json_object_set_new(o, "calls", json_integer((json_int_t)sum.calls));
		json_object_set_new(o, "packets", json_integer((json_int_t)sum.packets));
		json_object_set_new(o, "drops", json_integer((json_int_t)sum.drops));
		json_object_set_new(o, "refused", json_integer((json_int_t)sum.refused));
		int (*stats)(void *, char *, size_t) = rs_observer_stats_fn(s);
		if (stats && stats(s->ctx, text, sizeof(text)) == 0) {
			text[sizeof(text) - 1] = '\0';
			json_t *own = json_loads(text, 0, NULL);
			if (own)
				json_object_set_new(o, "stats", own);
		}
		json_array_append_new(list, o);
	}
	return list;
}

/* What the generator sent, and the faults it injected by the drop reason
 * each must be counted under (the soak compares them); NULL without one. */
static json_t *generator_json(const struct rs_app_gen *gen)
{
	static const char *const ways[] = {"ip_len", "udp_len", "rtp_short", "rtp_ext_len",
					   "rtp_padding"};
	struct rs_app_gen_fault_totals ft;
	json_t *o, *faults, *injected, *by;

	if (!gen)
		return NULL;
	rs_app_gen_get_faults(gen, &ft);
	o = json_object();
	faults = json_object();
	injected = json_object();
	by = json_object();
	json_object_set_new(o, "frames", json_integer((json_int_t)rs_app_gen_sent(gen)));
	for (unsigned k = 0; k < RS_APP_GEN_FAULTS; k++)
		json_object_set_new(injected, rs_app_gen_fault_reason(k),
				    json_integer((json_int_t)ft.injected[k]));
	for (unsigned w = 0; w < sizeof(ways) / sizeof(ways[0]); w++)
		json_object_set_new(by, ways[w], json_integer((json_int_t)ft.malformed_by[w]));
	json_object_set_new(faults, "injected", injected);
	json_object_set_new(faults, "malformed_by", by);
	json_object_set_new(faults, "good", json_integer((json_int_t)ft.good));
	json_object_set_new(faults, "fault_port", json_integer(rs_app_gen_fault_port(gen)));
	json_object_set_new(faults, "fault_port_frames",
			    json_integer((json_int_t)ft.fault_port_sent));
	json_object_set_new(o, "faults", faults);
	return o;
}

static int finish(struct rs_app *app, const struct options *o, struct run_state *rs)
{
	struct rs_counters total;
	uint64_t unread = 0, checked, ok, failed;
	double seconds = (double)(rte_rdtsc() - rs->start) / (double)rs->hz;
	struct rs_counters *worker_counters = calloc(app->n_workers, sizeof(*worker_counters));
	unsigned worker_lcores[RS_MAX_WORKERS];
	int rc = 0;

	sum_workers(app, &total);
	json_t *obs_json = observers_json(app); /* before the workers are freed */
	for (unsigned i = 0; i < app->n_workers && worker_counters; i++) {
		worker_counters[i] = app->workers[i]->c;
		worker_lcores[i] = app->workers[i]->lcore_id;
	}
	rs_ports_stop(app, &unread);
	json_t *gen_json = generator_json(rs->gen);
	rs_app_gen_free(rs->gen);
	rs->gen = NULL;
	rs_stats_print_summary(stdout, &total, seconds, app->n_ports);
	if (total.rx_packets != total.tx_packets + rs_counters_drops_total(&total))
		rc = 1;
	rs_verifier_counts(rs->verifier, &checked, &ok, &failed);
	if (rs->verifier) {
		printf("summary: verified with libsrtp2: %lu of %lu sampled sealed packets decrypt "
		       "correctly%s\n",
		       (unsigned long)ok, (unsigned long)checked, failed ? " -- FAILURES" : "");
		if (failed || !checked)
			rc = 1;
	}
	for (unsigned i = 0; i < app->n_workers; i++) {
		rs_worker_free(app->workers[i]);
		app->workers[i] = NULL;
	}
	if (app->samples) {
		void *m = NULL;
		while (rte_ring_dequeue(app->samples, &m) == 0)
			rte_pktmbuf_free(m);
	}
	unsigned in_use = rte_mempool_in_use_count(app->pool);
	printf("summary: mbufs in use at exit: %u of %u%s%s\n", in_use, app->pool->size,
	       unread ? " (after freeing frames left unread on RX)" : "", in_use ? " -- LEAK" : "");
	if (in_use)
		rc = 1;
	json_t *extra = json_object();
	json_t *workers = json_array();
	json_t *verify = json_object();
	for (unsigned i = 0; i < app->n_workers && worker_counters; i++) {
		json_t *wj = rs_counters_json(&worker_counters[i]);
		json_object_set_new(wj, "lcore", json_integer(worker_lcores[i]));
		json_object_set_new(wj, "queue", json_integer(i));
		json_array_append_new(workers, wj);
	}
	json_object_set_new(verify, "checked", json_integer((json_int_t)checked));
	json_object_set_new(verify, "ok", json_integer((json_int_t)ok));
	json_object_set_new(verify, "failed", json_integer((json_int_t)failed));
	json_object_set_new(extra, "workers", workers);
	json_object_set_new(extra, "observers", obs_json);
	json_object_set_new(extra, "verify", verify);
	json_object_set_new(extra, "mbufs_in_use", json_integer(in_use));
	json_object_set_new(extra, "unread_at_exit", json_integer((json_int_t)unread));
	if (gen_json)
		json_object_set_new(extra, "generator", gen_json);
	if (o->stats_json &&
	    rs_stats_write_json(o->stats_json, &total, seconds, app->n_ports, extra) < 0) {
		fprintf(stderr, "rtpseal: cannot write %s\n", o->stats_json);
		rc = 1;
	}
	json_decref(extra);
	free(worker_counters);
	return rc;
}

int main(int argc, char **argv)
{
	static struct rs_app app;
	struct run_state rs = {0};
	struct rs_control *ctl = NULL;
	struct options o;
	char err[RS_ERR_MSG_MAX];
	int n, rc;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "rtpseal: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	argv[0] = (char *)"rtpseal";
	if (parse_options(argc, argv, &o) < 0)
		goto fail_eal;
	if (rs_config_load(o.config, &app.cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "rtpseal: %s\n", err);
		goto fail_eal;
	}
	pthread_mutex_init(&app.ctl_lock, NULL);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rte_pdump_init();
	if (setup(&app, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "rtpseal: %s\n", err);
		app.stop_workers = 1;
		rte_eal_mp_wait_lcore();
		goto fail_cfg;
	}
	rs_telemetry_register(&app);
	ctl = rs_control_start(&app, err, sizeof(err));
	if (!ctl && err[0]) {
		fprintf(stderr, "rtpseal: %s\n", err);
		app.stop_workers = 1;
		rte_eal_mp_wait_lcore();
		goto fail_cfg;
	}
	if (o.verify_samples) {
		rs.verifier = rs_verifier_new(&app.cfg, err, sizeof(err));
		if (!rs.verifier) {
			fprintf(stderr, "rtpseal: %s\n", err);
			rs_control_stop(ctl);
			app.stop_workers = 1;
			rte_eal_mp_wait_lcore();
			goto fail_cfg;
		}
	}
	if (app.cfg.generator.enabled) {
		rs.gen = rs_app_gen_new(&app, err, sizeof(err));
		if (!rs.gen) {
			fprintf(stderr, "rtpseal: %s\n", err);
			rs_control_stop(ctl);
			app.stop_workers = 1;
			rte_eal_mp_wait_lcore();
			goto fail_cfg;
		}
	}
	printf("rtpseal: %u worker%s running\n", app.n_workers, app.n_workers == 1 ? "" : "s");
	fflush(stdout);
	rs.hz = rte_get_tsc_hz();
	rs.start = rte_rdtsc();
	main_loop(&app, &o, &rs);
	rs_control_stop(ctl);
	drain_and_stop(&app, &rs);
	rc = finish(&app, &o, &rs);
	rs_verifier_free(rs.verifier);
	rs_channel_table_free(&app.channels);
	rs_observers_unload(&app.observers);
	ownership_free(&app);
	rs_config_free(&app.cfg);
	rte_free(app.rcu);
	rte_ring_free(app.samples);
	rte_mempool_free(app.pool);
	rte_pdump_uninit();
	rte_eal_cleanup();
	return rc;

fail_cfg:
	rs_channel_table_free(&app.channels);
	rs_observers_unload(&app.observers);
	rs_config_free(&app.cfg);
fail_eal:
	rte_eal_cleanup();
	return 1;
}
