/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket and request handlers. One request object per line, one
 * response per line: {"ok":true,...} or {"ok":false,"error":"..."}. A
 * failed request changes nothing. Key and salt text is wiped from every
 * buffer it passed through and never appears in a response.
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "control.h"
#include "worker.h"

#define MAX_CLIENTS 16
#define TICK_MS	    50 /* overlap expiry granularity */

struct client {
	int fd;
	size_t len;
	char buf[RS_CTL_REQUEST_MAX + 2]; /* a full request, its newline, a NUL */
};

struct rs_control {
	struct rs_app *app;
	struct rs_engine *eng; /* the control thread's own: derivation and precompute */
	int listen_fd;
	char path[RS_PATH_MAX];
	pthread_t thread;
	volatile int stop;
	struct client *clients[MAX_CLIENTS];
};

static uint64_t now_ms(void)
{
	return rte_get_tsc_cycles() / (rte_get_tsc_hz() / 1000);
}

/* ---- responses ---- */

static json_t *error_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n = s[0] < 0x80		   ? 1
		   : (s[0] & 0xe0) == 0xc0 ? 2
		   : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4
					   : 0;

	if (n == 2 && s[0] < 0xc2)
		return 0; /* overlong */
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Messages quote names from the request, and truncation may cut a
 * multi-byte character: JSON strings must be valid UTF-8, so any byte that
 * does not start a complete sequence becomes '?'. */
static void utf8_sanitize(char *s)
{
	while (*s) {
		size_t n = utf8_seq((const unsigned char *)s);
		if (!n) {
			*s++ = '?';
			continue;
		}
		s += n;
	}
}

static json_t *error_reply(const char *fmt, ...)
{
	char msg[RS_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_sanitize(msg);
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

static json_t *ok_reply(void)
{
	return json_pack("{s:b}", "ok", 1);
}

/* ---- request fields ---- */

/* Every field of a request must be one the command knows. */
static int check_fields(json_t *req, const char *const *allowed, char *bad, size_t bad_size)
{
	const char *key;
	json_t *v;

	json_object_foreach(req, key, v)
	{
		int known = !strcmp(key, "cmd");
		for (const char *const *a = allowed; *a && !known; a++)
			known = !strcmp(key, *a);
		if (!known) {
			snprintf(bad, bad_size, "%s", key);
			return -1;
		}
	}
	return 0;
}

/* A string field, or NULL if absent; -1 if present but not a string. */
static int get_string(json_t *req, const char *name, const char **out)
{
	json_t *v = json_object_get(req, name);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/* A list field given as a JSON array (of strings or integers) or as the
 * config file's comma-separated string, flattened to the latter. */
static int get_list(json_t *req, const char *name, char *out, size_t out_size, const char **res)
{
	json_t *v = json_object_get(req, name);
	size_t used = 0;
	size_t i;
	json_t *item;

	*res = NULL;
	if (!v)
		return 0;
	if (json_is_string(v)) {
		*res = json_string_value(v);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return -1;
	out[0] = '\0';
	json_array_foreach(v, i, item)
	{
		int n;
		if (json_is_string(item))
			n = snprintf(out + used, out_size - used, "%s%s", i ? "," : "",
				     json_string_value(item));
		else if (json_is_integer(item))
			n = snprintf(out + used, out_size - used, "%s%lld", i ? "," : "",
				     (long long)json_integer_value(item));
		else
			return -1;
		if (n < 0 || (size_t)n >= out_size - used)
			return -1;
		used += (size_t)n;
	}
	*res = out;
	return 0;
}

/* Overwrite the key and salt strings jansson holds for this request. */
static void wipe_secrets(json_t *req)
{
	static const char *const secret[] = {"key", "salt"};

	for (unsigned i = 0; i < 2; i++) {
		json_t *v = json_object_get(req, secret[i]);
		if (v && json_is_string(v))
			explicit_bzero((char *)json_string_value(v), json_string_length(v));
	}
}

/* ---- commands ---- */

static json_t *cmd_ping(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	(void)app;
	(void)eng;
	(void)req;
	return json_pack("{s:b,s:b,s:s}", "ok", 1, "pong", 1, "ipsec_mb",
			 rs_engine_ipsec_version());
}

/* Live heap bytes: the C heap (glibc, every arena) and DPDK's heap. Their
 * in-use figures stay flat when nothing leaks, while RSS may still rise by
 * fragmentation and first touch (the soak reports both). */
static json_t *memory_json(void)
{
	struct mallinfo2 mi = mallinfo2();
	uint64_t dpdk_in_use = 0, dpdk_size = 0;

	for (unsigned i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats ms;
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &ms) == 0) {
			dpdk_in_use += ms.heap_allocsz_bytes;
			dpdk_size += ms.heap_totalsz_bytes;
		}
	}
	return json_pack("{s:I,s:I,s:I,s:I}", "malloc_in_use",
			 (json_int_t)(mi.uordblks + mi.hblkhd), "malloc_system",
			 (json_int_t)(mi.arena + mi.hblkhd), "dpdk_heap_in_use",
			 (json_int_t)dpdk_in_use, "dpdk_heap_size", (json_int_t)dpdk_size);
}

static json_t *cmd_stats(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	const struct rs_counters *per[RS_MAX_WORKERS];
	struct rs_counters total;
	json_t *r = ok_reply();

	(void)eng;
	(void)req;
	for (unsigned i = 0; i < app->n_workers; i++)
		per[i] = &app->workers[i]->c;
	rs_counters_sum(&total, per, app->n_workers);
	json_t *st = rs_counters_json(&total);
	/* busy cycles so far, as ns (deltas of two replies give the pipeline's
	 * cost per packet over an interval: perf/bench_scale.sh) */
	static const char *const dir_names[2] = {"seal", "open"};
	for (unsigned d = 0; d < 2; d++) {
		char key[32];
		snprintf(key, sizeof(key), "%s_busy_packets", dir_names[d]);
		json_object_set_new(st, key, json_integer((json_int_t)total.busy_packets[d]));
		snprintf(key, sizeof(key), "%s_busy_ns", dir_names[d]);
		json_object_set_new(st, key,
				    json_integer((json_int_t)((double)total.busy_cycles[d] * 1e9 /
							      (double)rte_get_tsc_hz())));
	}
	json_object_set_new(r, "stats", st);
	/* per port rx/tx packets (the soak waits on them: a port drained) */
	json_t *ports = json_array();
	for (unsigned p = 0; p < app->n_ports; p++)
		json_array_append_new(ports,
				      json_pack("{s:I,s:I}", "rx_packets",
						(json_int_t)total.ports[p].rx_packets, "tx_packets",
						(json_int_t)total.ports[p].tx_packets));
	json_object_set_new(r, "ports", ports);
	json_object_set_new(r, "memory", memory_json());
	json_object_set_new(r, "channels", json_integer(app->channels.n));
	json_object_set_new(r, "max_channels", json_integer(app->channels.capacity));
	return r;
}

static json_t *channel_json(const struct rs_app *app, const struct rs_channel *ch, int counters)
{
	const struct rs_keyset *ks = rs_channel_keys(ch);
	json_t *o = json_object();
	json_t *matches = json_array();

	for (unsigned i = 0; i < ch->n_match; i++) {
		char text[RS_MATCH_TEXT_MAX];
		rs_match_format(&ch->match[i], text, sizeof(text));
		json_array_append_new(matches, json_string(text));
	}
	json_object_set_new(o, "name", json_string(ch->name));
	json_object_set_new(o, "mode", json_string(ch->custom ? "custom" : rs_mode_name(ch->mode)));
	json_object_set_new(o, "match", matches);
	json_object_set_new(o, "key_epoch", json_integer((json_int_t)ks->epoch));
	json_object_set_new(o, "rekeys", json_integer((json_int_t)ch->rekeys));
	json_object_set_new(o, "previous_key_active", json_boolean(ks->previous != NULL));
	if (counters) {
		struct rs_chan_counters sum;
		rs_worker_channel_counters(app, ch, &sum);
		json_object_set_new(o, "sealed_packets", json_integer((json_int_t)sum.sealed));
		json_object_set_new(o, "opened_packets", json_integer((json_int_t)sum.opened));
		json_object_set_new(o, "opened_prev_key",
				    json_integer((json_int_t)sum.opened_prev_key));
		json_object_set_new(o, "auth_fail", json_integer((json_int_t)sum.auth_fail));
		json_object_set_new(o, "replay", json_integer((json_int_t)sum.replay));
	}
	return o;
}

/* A non-negative integer field, or def if absent; -1 if anything else. */
static int get_count(json_t *req, const char *name, uint64_t def, uint64_t *out)
{
	json_t *v = json_object_get(req, name);

	*out = def;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* Every channel, or a page: "limit" channels from table slot "offset" on,
 * with "next_offset" to continue from while more remain (a million
 * channels make a reply of ~150 MB and hold the control lock meanwhile). */
static json_t *cmd_list(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	uint64_t offset, limit, n = 0;
	unsigned slot;
	json_t *r, *list;

	(void)eng;
	if (get_count(req, "offset", 0, &offset) < 0 ||
	    get_count(req, "limit", UINT64_MAX, &limit) < 0)
		return error_reply("channel.list: offset and limit must be integers >= 0");
	r = ok_reply();
	list = json_array();
	for (slot = offset < app->channels.capacity ? (unsigned)offset : app->channels.capacity;
	     slot < app->channels.capacity && n < limit; slot++) {
		const struct rs_channel *ch = app->channels.by_id[slot];
		if (!ch)
			continue;
		json_array_append_new(list, channel_json(app, ch, 0));
		n++;
	}
	json_object_set_new(r, "channels", list);
	if (limit != UINT64_MAX) {
		while (slot < app->channels.capacity && !app->channels.by_id[slot])
			slot++;
		json_object_set_new(r, "next_offset",
				    slot < app->channels.capacity ? json_integer(slot)
								  : json_null());
	}
	return r;
}

static json_t *cmd_channel_stats(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	const char *name;
	const struct rs_channel *ch;
	json_t *r;

	(void)eng;
	if (get_string(req, "name", &name) < 0 || !name)
		return error_reply("channel.stats needs \"name\" (a string)");
	ch = rs_channel_find(&app->channels, name);
	if (!ch)
		return error_reply("no channel named %s", name);
	r = ok_reply();
	json_object_set_new(r, "channel", channel_json(app, ch, 1));
	return r;
}

static json_t *cmd_add(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	char match[RS_MAX_MATCHES * RS_MATCH_TEXT_MAX], apt[1024], vpt[1024];
	struct rs_channel_fields f = {0};
	struct rs_channel_conf cc;
	char err[RS_ERR_MSG_MAX];
	int rc;

	if (get_string(req, "name", &f.name) < 0 || get_string(req, "mode", &f.mode) < 0 ||
	    get_string(req, "key", &f.key) < 0 || get_string(req, "key_file", &f.key_file) < 0 ||
	    get_string(req, "salt", &f.salt) < 0 || get_string(req, "policy", &f.policy) < 0)
		return error_reply("name, mode, key, key_file, salt and policy must be strings");
	if (get_list(req, "match", match, sizeof(match), &f.match) < 0 ||
	    get_list(req, "audio_pt", apt, sizeof(apt), &f.audio_pt) < 0 ||
	    get_list(req, "video_pt", vpt, sizeof(vpt), &f.video_pt) < 0)
		return error_reply(
		    "match, audio_pt and video_pt must be non-empty arrays or strings");
	if (!f.name)
		return error_reply("channel.add needs \"name\"");
	if (!f.match)
		return error_reply("channel.add needs \"match\"");
	rc = rs_channel_conf_make(&f, &cc, err, sizeof(err));
	if (rc == 0) {
		rc = rs_channel_add(&app->channels, &cc, eng, err, sizeof(err));
		rs_master_key_wipe(&cc.master);
	}
	if (rc < 0)
		return error_reply("channel.add %s: %s", f.name, err);
	printf("rtpseal: control: channel %s added (mode %s)\n", cc.name,
	       cc.custom ? "custom" : rs_mode_name(cc.mode));
	return json_pack("{s:b,s:s,s:I}", "ok", 1, "name", cc.name, "key_epoch", (json_int_t)1);
}

static json_t *cmd_rekey(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	const char *name, *key, *key_file, *salt, *roc;
	struct rs_master_key mk;
	const struct rs_channel *ch;
	char err[RS_ERR_MSG_MAX];
	int roc_reset = 0;
	int rc;

	if (get_string(req, "name", &name) < 0 || get_string(req, "key", &key) < 0 ||
	    get_string(req, "key_file", &key_file) < 0 || get_string(req, "salt", &salt) < 0 ||
	    get_string(req, "roc", &roc) < 0)
		return error_reply("name, key, key_file, salt and roc must be strings");
	if (!name)
		return error_reply("channel.rekey needs \"name\"");
	if (roc && strcmp(roc, "keep") && strcmp(roc, "reset"))
		return error_reply("channel.rekey %s: roc must be \"keep\" or \"reset\"", name);
	roc_reset = roc && !strcmp(roc, "reset");
	ch = rs_channel_find(&app->channels, name);
	if (!ch)
		return error_reply("no channel named %s", name);
	if (ch->custom)
		return error_reply(
		    "channel.rekey %s: mode custom: its packet observer holds its keys", name);
	if (rs_channel_key_make(ch->mode, key, key_file, salt, &mk, err, sizeof(err)) < 0)
		return error_reply("channel.rekey %s: %s", name, err);
	rc =
	    rs_channel_rekey(&app->channels, name, &mk, roc_reset, eng, now_ms(), err, sizeof(err));
	rs_master_key_wipe(&mk);
	if (rc < 0)
		return error_reply("channel.rekey %s: %s", name, err);
	printf("rtpseal: control: channel %s rekeyed, key epoch %lu (roc %s)\n", name,
	       (unsigned long)rs_channel_keys(ch)->epoch, roc_reset ? "reset" : "keep");
	return json_pack("{s:b,s:s,s:I}", "ok", 1, "name", name, "key_epoch",
			 (json_int_t)rs_channel_keys(ch)->epoch);
}

static json_t *cmd_remove(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	const char *name;
	char err[RS_ERR_MSG_MAX];

	(void)eng;
	if (get_string(req, "name", &name) < 0 || !name)
		return error_reply("channel.remove needs \"name\" (a string)");
	if (rs_channel_remove(&app->channels, name, err, sizeof(err)) < 0)
		return error_reply("%s", err);
	printf("rtpseal: control: channel %s removed\n", name);
	return ok_reply();
}

struct command {
	const char *name;
	json_t *(*fn)(struct rs_app *app, struct rs_engine *eng, json_t *req);
	const char *const fields[12];
};

static const struct command commands[] = {
    {"ping", cmd_ping, {NULL}},
    {"stats", cmd_stats, {NULL}},
    {"channel.list", cmd_list, {"offset", "limit", NULL}},
    {"channel.stats", cmd_channel_stats, {"name", NULL}},
    {"channel.add",
     cmd_add,
     {"name", "mode", "key", "key_file", "salt", "match", "audio_pt", "video_pt", "policy", NULL}},
    {"channel.rekey", cmd_rekey, {"name", "key", "key_file", "salt", "roc", NULL}},
    {"channel.remove", cmd_remove, {"name", NULL}},
};

static json_t *dispatch(struct rs_app *app, struct rs_engine *eng, json_t *req)
{
	const char *cmd;
	char bad[64];

	if (!json_is_object(req))
		return error_reply("a request is one JSON object per line");
	if (get_string(req, "cmd", &cmd) < 0 || !cmd)
		return error_reply("missing \"cmd\" (ping, stats, channel.list, channel.stats, "
				   "channel.add, channel.rekey, channel.remove)");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name))
			continue;
		if (check_fields(req, commands[i].fields, bad, sizeof(bad)) < 0)
			return error_reply("%s: unknown field \"%s\"", cmd, bad);
		return commands[i].fn(app, eng, req);
	}
	return error_reply("unknown command \"%.64s\"", cmd);
}

/* What is wrong with a request that does not parse. jansson's own text
 * quotes the input near the error, which may be key material: never used. */
static const char *json_error_name(const json_error_t *e)
{
	switch (json_error_code(e)) {
	case json_error_invalid_utf8:
		return "invalid UTF-8";
	case json_error_premature_end_of_input:
		return "unexpected end of input";
	case json_error_end_of_input_expected:
		return "text after the JSON object";
	case json_error_duplicate_key:
		return "duplicate field";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "NUL character";
	case json_error_numeric_overflow:
		return "number out of range";
	default:
		return "invalid syntax";
	}
}

char *rs_control_handle(struct rs_app *app, struct rs_engine *eng, const char *line)
{
	json_error_t jerr;
	json_t *req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	json_t *resp;
	char *out;

	pthread_mutex_lock(&app->ctl_lock);
	if (!req)
		resp = error_reply("malformed JSON at column %d: %s", jerr.column,
				   json_error_name(&jerr));
	else
		resp = dispatch(app, eng, req);
	pthread_mutex_unlock(&app->ctl_lock);
	if (!resp)
		resp =
		    json_pack("{s:b,s:s}", "ok", 0, "error", "internal error building the reply");
	if (req) {
		wipe_secrets(req);
		json_decref(req);
	}
	out = json_dumps(resp, JSON_COMPACT);
	json_decref(resp);
	return out;
}

/* ---- socket ---- */

static void send_line(int fd, const char *text)
{
	size_t len = strlen(text);
	const char nl = '\n';

	/* client sockets have a send timeout: one that stops reading cannot
	 * hold the control thread for long */
	if (send(fd, text, len, MSG_NOSIGNAL) != (ssize_t)len)
		return;
	send(fd, &nl, 1, MSG_NOSIGNAL);
}

static void client_close(struct rs_control *ctl, unsigned i)
{
	struct client *c = ctl->clients[i];

	close(c->fd);
	explicit_bzero(c->buf, sizeof(c->buf));
	free(c);
	ctl->clients[i] = NULL;
}

static void client_accept(struct rs_control *ctl)
{
	int fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	struct ucred cred = {.uid = (uid_t)-1};
	socklen_t len = sizeof(cred);
	const struct timeval send_timeout = {.tv_sec = 2};

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != geteuid()) {
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "{\"ok\":false,\"error\":\"permission denied: uid %u is not the owner of "
			 "this socket\"}",
			 (unsigned)cred.uid);
		send_line(fd, msg);
		printf("rtpseal: control: refused a client with uid %u\n", (unsigned)cred.uid);
		close(fd);
		return;
	}
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		if (ctl->clients[i])
			continue;
		ctl->clients[i] = calloc(1, sizeof(struct client));
		if (!ctl->clients[i])
			break;
		ctl->clients[i]->fd = fd;
		return;
	}
	send_line(fd, "{\"ok\":false,\"error\":\"too many control clients\"}");
	close(fd);
}

/* Replies to the lines of one read, sent together: one send (and one
 * wake-up of the client) per read instead of two per reply, which is what
 * bounded pipelined loads (perf/scale.sh: 256 channel.add in flight). */
struct replies {
	char *buf;
	size_t len, cap;
};

static void replies_add(int fd, struct replies *r, const char *text)
{
	size_t n = strlen(text);

	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *bigger = realloc(r->buf, cap);
		if (!bigger) {
			/* send what is held, then this one alone */
			if (r->len)
				(void)send(fd, r->buf, r->len, MSG_NOSIGNAL);
			r->len = 0;
			send_line(fd, text);
			return;
		}
		r->buf = bigger;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, text, n);
	r->buf[r->len + n] = '\n';
	r->len += n + 1;
}

/* client sockets have a send timeout: one that stops reading cannot hold
 * the control thread for long */
static void replies_send(int fd, struct replies *r)
{
	size_t off = 0;

	while (off < r->len) {
		ssize_t n = send(fd, r->buf + off, r->len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* Read what is there; answer every complete line. Request bytes (keys)
 * are wiped as soon as their line is handled. */
static void client_read(struct rs_control *ctl, unsigned i)
{
	struct client *c = ctl->clients[i];
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	struct replies out = {0};
	size_t start = 0;
	char *nl;

	if (n <= 0) {
		client_close(ctl, i);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf + start, '\n', c->len - start)) != NULL) {
		*nl = '\0';
		char *resp = rs_control_handle(ctl->app, ctl->eng, c->buf + start);
		size_t used = (size_t)(nl - (c->buf + start)) + 1;
		explicit_bzero(c->buf + start, used);
		start += used;
		replies_add(c->fd, &out,
			    resp ? resp : "{\"ok\":false,\"error\":\"out of memory\"}");
		free(resp);
	}
	if (start) {
		memmove(c->buf, c->buf + start, c->len - start);
		c->len -= start;
		explicit_bzero(c->buf + c->len, start);
	}
	if (c->len == sizeof(c->buf) - 1) {
		replies_add(c->fd, &out,
			    "{\"ok\":false,\"error\":\"request longer than 65535 bytes\"}");
		replies_send(c->fd, &out);
		client_close(ctl, i);
		return;
	}
	replies_send(c->fd, &out);
}

static void *control_main(void *arg)
{
	struct rs_control *ctl = arg;

	while (!ctl->stop) {
		struct pollfd pfd[MAX_CLIENTS + 1];
		unsigned idx[MAX_CLIENTS + 1];
		unsigned n = 0;

		pfd[n].fd = ctl->listen_fd;
		pfd[n].events = POLLIN;
		n++;
		for (unsigned i = 0; i < MAX_CLIENTS; i++) {
			if (!ctl->clients[i])
				continue;
			pfd[n].fd = ctl->clients[i]->fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		int ready = poll(pfd, n, TICK_MS);
		if (ready > 0) {
			if (pfd[0].revents & POLLIN)
				client_accept(ctl);
			for (unsigned k = 1; k < n; k++)
				if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
					client_read(ctl, idx[k]);
		}
		pthread_mutex_lock(&ctl->app->ctl_lock);
		rs_channel_expire_previous(&ctl->app->channels, now_ms());
		pthread_mutex_unlock(&ctl->app->ctl_lock);
	}
	return NULL;
}

/* Bind path mode 0600; refuse if another process is serving it. */
static int socket_open(const char *path, char *err, size_t err_size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, err_size, "control socket path too long: %s", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, err_size, "control socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(err, err_size, "control socket %s is in use by another process", path);
		close(fd);
		return -1;
	}
	close(fd);
	unlink(path); /* a stale socket of a process that is gone */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		snprintf(err, err_size, "control socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct rs_control *rs_control_start(struct rs_app *app, char *err, size_t err_size)
{
	const char *path = app->cfg.general.control_socket;
	struct rs_control *ctl;
	enum rs_status st;

	err[0] = '\0';
	if (!path[0])
		return NULL;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl) {
		snprintf(err, err_size, "control: out of memory");
		return NULL;
	}
	ctl->app = app;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	ctl->eng = rs_engine_new(&st);
	if (!ctl->eng) {
		snprintf(err, err_size, "control: crypto engine: %s", rs_strerror(st));
		free(ctl);
		return NULL;
	}
	ctl->listen_fd = socket_open(path, err, err_size);
	if (ctl->listen_fd < 0) {
		rs_engine_free(ctl->eng);
		free(ctl);
		return NULL;
	}
	if (rte_ctrl_thread_create(&ctl->thread, "rs-control", NULL, control_main, ctl) != 0) {
		snprintf(err, err_size, "control: cannot start the control thread");
		close(ctl->listen_fd);
		unlink(path);
		rs_engine_free(ctl->eng);
		free(ctl);
		return NULL;
	}
	printf("rtpseal: control socket %s (mode 0600, owner uid %u only)\n", path,
	       (unsigned)geteuid());
	return ctl;
}

void rs_control_stop(struct rs_control *ctl)
{
	if (!ctl)
		return;
	ctl->stop = 1;
	pthread_join(ctl->thread, NULL);
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		if (ctl->clients[i])
			client_close(ctl, i);
	close(ctl->listen_fd);
	unlink(ctl->path);
	rs_engine_free(ctl->eng);
	free(ctl);
}
