/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_telemetry.h>

#include "telemetry.h"
#include "worker.h"

/* Telemetry callbacks take no user data: the app is registered once. */
static const struct rs_app *tel_app;

static void add_counters(struct rte_tel_data *d, const struct rs_counters *c)
{
	rte_tel_data_add_dict_u64(d, "rx_packets", c->rx_packets);
	rte_tel_data_add_dict_u64(d, "tx_packets", c->tx_packets);
	rte_tel_data_add_dict_u64(d, "drops_total", rs_counters_drops_total(c));
	for (unsigned r = 0; r < RS_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(d, rs_drop_reason_name(r), c->drops[r]);
	rte_tel_data_add_dict_u64(d, "audio_packets", c->audio_packets);
	rte_tel_data_add_dict_u64(d, "video_packets", c->video_packets);
	rte_tel_data_add_dict_u64(d, "rtcp_packets", c->rtcp_packets);
	rte_tel_data_add_dict_u64(d, "passthrough_packets", c->passthrough_packets);
	rte_tel_data_add_dict_u64(d, "sealed_packets", c->sealed_packets);
	rte_tel_data_add_dict_u64(d, "opened_packets", c->opened_packets);
	rte_tel_data_add_dict_u64(d, "streams", c->streams);
}

static void sum_all(struct rs_counters *total)
{
	const struct rs_counters *per[RS_MAX_WORKERS];

	for (unsigned i = 0; i < tel_app->n_workers; i++)
		per[i] = &tel_app->workers[i]->c;
	rs_counters_sum(total, per, tel_app->n_workers);
}

static int cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	static struct rs_counters total; /* telemetry runs on one thread */

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	sum_all(&total);
	add_counters(d, &total);
	return 0;
}

static int cmd_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < tel_app->n_workers; i++) {
		const struct rs_worker *w = tel_app->workers[i];
		struct rte_tel_data *ld = rte_tel_data_alloc();
		char name[32];
		if (!ld)
			return -1;
		rte_tel_data_start_dict(ld);
		rte_tel_data_add_dict_u64(ld, "lcore", w->lcore_id);
		rte_tel_data_add_dict_u64(ld, "queue", w->queue);
		add_counters(ld, &w->c);
		snprintf(name, sizeof(name), "worker%u", i);
		rte_tel_data_add_dict_container(d, name, ld, 0);
	}
	return 0;
}

/* Telemetry replies are bounded (a few hundred entries); the full list is
 * channel.list on the control socket. */
#define TEL_CHANNELS_MAX 256

static int cmd_channels(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rs_app *app = (struct rs_app *)tel_app;
	unsigned listed = 0;

	(void)cmd;
	(void)params;
	struct rte_tel_data *names = rte_tel_data_alloc();
	struct rte_tel_data *epochs = rte_tel_data_alloc();

	if (!names || !epochs) {
		rte_tel_data_free(names);
		rte_tel_data_free(epochs);
		return -1;
	}
	/* names go in an array of strings: telemetry dict keys may only be
	 * [A-Za-z0-9_/], channel names may also hold '-' */
	rte_tel_data_start_array(names, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(epochs, RTE_TEL_U64_VAL);
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&app->ctl_lock);
	rte_tel_data_add_dict_u64(d, "count", app->channels.n);
	for (unsigned slot = 0; slot < app->channels.capacity && listed < TEL_CHANNELS_MAX;
	     slot++) {
		const struct rs_channel *ch = app->channels.by_id[slot];
		if (!ch)
			continue;
		rte_tel_data_add_array_string(names, ch->name);
		rte_tel_data_add_array_u64(epochs, rs_channel_keys(ch)->epoch);
		listed++;
	}
	pthread_mutex_unlock(&app->ctl_lock);
	rte_tel_data_add_dict_container(d, "names", names, 0);
	rte_tel_data_add_dict_container(d, "key_epochs", epochs, 0);
	return 0;
}

static int cmd_channel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rs_app *app = (struct rs_app *)tel_app;
	const struct rs_channel *ch;
	struct rs_chan_counters sum;
	int rc = 0;

	(void)cmd;
	if (!params || !*params)
		return -1;
	pthread_mutex_lock(&app->ctl_lock);
	ch = rs_channel_find(&app->channels, params);
	if (!ch) {
		rc = -1;
		goto out;
	}
	rs_worker_channel_counters(app, ch, &sum);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", ch->name);
	rte_tel_data_add_dict_string(d, "mode", ch->custom ? "custom" : rs_mode_name(ch->mode));
	rte_tel_data_add_dict_u64(d, "key_epoch", rs_channel_keys(ch)->epoch);
	rte_tel_data_add_dict_u64(d, "rekeys", ch->rekeys);
	rte_tel_data_add_dict_u64(d, "sealed_packets", sum.sealed);
	rte_tel_data_add_dict_u64(d, "opened_packets", sum.opened);
	rte_tel_data_add_dict_u64(d, "opened_prev_key", sum.opened_prev_key);
	rte_tel_data_add_dict_u64(d, "auth_fail", sum.auth_fail);
	rte_tel_data_add_dict_u64(d, "replay", sum.replay);
out:
	pthread_mutex_unlock(&app->ctl_lock);
	return rc;
}

static int cmd_observers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < tel_app->observers.n; i++) {
		struct rs_observer_counters sum;
		struct rte_tel_data *od = rte_tel_data_alloc();
		if (!od)
			return -1;
		rs_worker_observer_counters(tel_app, i, &sum);
		rte_tel_data_start_dict(od);
		rte_tel_data_add_dict_u64(od, "calls", sum.calls);
		rte_tel_data_add_dict_u64(od, "packets", sum.packets);
		rte_tel_data_add_dict_u64(od, "drops", sum.drops);
		rte_tel_data_add_dict_u64(od, "refused", sum.refused);
		rte_tel_data_add_dict_container(d, tel_app->observers.slot[i].ops->name, od, 0);
	}
	return 0;
}

static int cmd_observer_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char text[RTE_TEL_MAX_SINGLE_STRING_LEN]; /* telemetry clients have threads of their own */

	(void)cmd;
	for (unsigned i = 0; params && i < tel_app->observers.n; i++) {
		const struct rs_observer_slot *s = &tel_app->observers.slot[i];
		int (*stats)(void *, char *, size_t) = rs_observer_stats_fn(s);
		if (strcmp(s->ops->name, params) || !stats)
			continue;
		if (stats(s->ctx, text, sizeof(text)) != 0)
			return -1;
		text[sizeof(text) - 1] = '\0';
		rte_tel_data_string(d, text);
		return 0;
	}
	return -1;
}

void rs_telemetry_register(const struct rs_app *app)
{
	tel_app = app;
	rte_telemetry_register_cmd("/rtpseal/stats", cmd_stats,
				   "Packet, class and drop counters summed over workers");
	rte_telemetry_register_cmd("/rtpseal/lcores", cmd_lcores,
				   "Per worker lcore: queue, packet, class and drop counters");
	rte_telemetry_register_cmd("/rtpseal/observers", cmd_observers,
				   "Per packet observer: calls, packets, drops, refused packets");
	rte_telemetry_register_cmd("/rtpseal/observer", cmd_observer_stats,
				   "One observer's own figures (JSON text). Parameter: name");
	rte_telemetry_register_cmd("/rtpseal/channels", cmd_channels,
				   "Channel names and key epochs (first 256), and the count");
	rte_telemetry_register_cmd(
	    "/rtpseal/channel", cmd_channel,
	    "One channel: mode, key epoch, rekeys, counters. Parameter: name");
}
