/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the control socket's request handler. Each line of the
 * input is one request, handed to rs_control_handle() in turn (so a fuzzed
 * channel.add can be followed by its rekey and remove); an empty line is
 * the control thread's tick once every rekey overlap is over. The app's
 * channel table starts with two channels and one attached (pretend)
 * observer for mode custom; after the input it is put back as it was, so
 * memory stays bounded and inputs replay alike.
 *
 * Checks: every reply is one JSON object {"ok":true,...} or
 * {"ok":false,"error":"..."}; the table's counts add up; and no reply quotes
 * 20 characters of a key or salt value of its request (see
 * check_no_secret).
 *
 * DPDK memory (rte_hash, rte_malloc) comes from rte_eal_init with
 * --no-huge --no-pci --no-shconf: no hugepages, devices or shared files;
 * LeakSanitizer scans that memory too.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_eal.h>
#include <rte_memory.h>
#include <sanitizer/lsan_interface.h>

#include "app.h"
#include "control.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_control: %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define MAX_LINES    16
#define CAPACITY     64
#define SECRET_MIN   20
#define CUSTOM_CHANS "cust,cust-2"

/* demo.conf's keys: public, DEMO ONLY */
static const struct rs_channel_fields base[] = {
    {.name = "room-42",
     .mode = "AES_128_GCM2",
     .key = "d26d1bdc9357b6571ee9c7fa1aeccd13f14c26011dd33130e406174704b4e76b",
     .salt = "930M8X1hej7fFj0FYyALZKXFRanAYTi8FE6HHjur0qM=",
     .match = "10.0.0.2:5004, *:6000",
     .audio_pt = "0, 8, 111",
     .video_pt = "96, 97"},
    {.name = "sip-trunk",
     .mode = "AEAD_AES_128_GCM",
     .key = "8c87cf2a617c7360b6338fb9a8dfa0fe",
     .salt = "0280f0622f6574324bfed474",
     .match = "10.0.0.4:5004, [2001:db8::4]:5004",
     .policy = "audio:encrypt video:pass other:drop"},
};
#define N_BASE (sizeof(base) / sizeof(base[0]))

static struct rs_app app;
static struct rs_engine *eng;
static uint32_t base_gen[N_BASE];

static void base_add(unsigned i)
{
	struct rs_channel_conf cc;
	char err[RS_ERR_MSG_MAX];

	if (rs_channel_conf_make(&base[i], &cc, err, sizeof(err)) < 0 ||
	    rs_channel_add(&app.channels, &cc, eng, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_control: channel %s: %s\n", base[i].name, err);
		abort();
	}
	rs_master_key_wipe(&cc.master);
	base_gen[i] = rs_channel_find(&app.channels, base[i].name)->gen;
}

/* Channels, key sets and hash tables live in DPDK memory, which
 * LeakSanitizer does not scan: what only they point to (the key contexts,
 * malloc'd) would look leaked. Scan it as a root. */
static int lsan_root(const struct rte_memseg_list *msl, void *arg)
{
	(void)arg;
	if (msl->base_va && msl->len)
		__lsan_register_root_region(msl->base_va, msl->len);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* no hugepages, no devices, no shared config files (the prefix
	 * names an empty directory under /var/run/dpdk) */
	char *eal[] = {"fuzz_control",
		       "--no-huge",
		       "-m",
		       "128",
		       "--no-pci",
		       "--no-shconf",
		       "--file-prefix",
		       "rtpseal-fuzz",
		       "--no-telemetry",
		       "--log-level=3",
		       NULL};
	char err[RS_ERR_MSG_MAX];
	enum rs_status st;
	int devnull;

	(void)argc;
	(void)argv;
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "fuzz_control: rte_eal_init failed\n");
		abort();
	}
	rte_memseg_list_walk(lsan_root, NULL);
	/* the handlers log each change on stdout: keep the fuzzer's log short */
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDOUT_FILENO);
		close(devnull);
	}
	pthread_mutex_init(&app.ctl_lock, NULL);
	app.cfg.general.rekey_overlap_ms = 2000;
	if (rs_channel_table_init(&app.channels, CAPACITY, app.cfg.general.rekey_overlap_ms, err,
				  sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_control: %s\n", err);
		abort();
	}
	app.observers.n = 1;
	snprintf(app.observers.slot[0].channels, sizeof(app.observers.slot[0].channels), "%s",
		 CUSTOM_CHANS);
	app.channels.observers = &app.observers;
	eng = rs_engine_new(&st);
	CHECK(eng != NULL);
	for (unsigned i = 0; i < N_BASE; i++)
		base_add(i);
	return 0;
}

/* Is s a substring of any string, object key or number in v, other than
 * the top-level key and salt values? */
static int found_elsewhere(json_t *v, const char *s, int top)
{
	const char *k;
	json_t *item;
	size_t i;
	char num[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, k, item)
		{
			if (strstr(k, s))
				return 1;
			if (top && (!strcmp(k, "key") || !strcmp(k, "salt")))
				continue;
			if (found_elsewhere(item, s, 0))
				return 1;
		}
		return 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, item)
		{
			if (found_elsewhere(item, s, 0))
				return 1;
		}
		return 0;
	case JSON_STRING:
		return strstr(json_string_value(v), s) != NULL;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return strstr(num, s) != NULL;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return strstr(num, s) != NULL;
	default:
		return 0;
	}
}

/* Every letter and digit changed to another of its kind (hex stays hex,
 * base64 stays base64, the length stays), past an SDES "inline:" prefix. */
static void shift_chars(char *s)
{
	if (!strncmp(s, "inline:", 7))
		s += 7;
	for (; *s; s++) {
		char c = *s;
		if (c >= '0' && c <= '9')
			*s = c == '9' ? '0' : (char)(c + 1);
		else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
			*s = (c | 0x20) == 'f' ? (char)(c - 5) : (char)(c + 1);
		else if ((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z'))
			*s = (c | 0x20) == 'z' ? (char)(c - 19) : (char)(c + 1);
	}
}

/*
 * A reply that holds SECRET_MIN characters of the request's key or salt
 * value that no other field of the request holds is suspect: a message's
 * own text can happen to match (the fuzzer can type "10.0.0.2:5004, *:6000"
 * as a key). So the request is made again with the value's letters and
 * digits shifted: if that reply holds the shifted text (and no other field
 * does), the value was quoted. Only error replies are looked at (they
 * change nothing).
 */
static void check_no_secret(const char *line, const char *reply)
{
	static const char *const secret[] = {"key", "salt"};
	json_t *req = json_loads(line, JSON_REJECT_DUPLICATES, NULL);

	if (!json_is_object(req) || strncmp(reply, "{\"ok\":false", 11)) {
		json_decref(req);
		return;
	}
	for (unsigned i = 0; i < 2; i++) {
		json_t *v = json_object_get(req, secret[i]);
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;
		size_t n = s ? strlen(s) : 0;
		char window[SECRET_MIN + 1];
		size_t at = 0;

		while (at + SECRET_MIN <= n) {
			memcpy(window, s + at, SECRET_MIN);
			window[SECRET_MIN] = '\0';
			if (strstr(reply, window) && !found_elsewhere(req, window, 1))
				break;
			at++;
		}
		if (at + SECRET_MIN > n)
			continue;

		json_t *again = json_deep_copy(req);
		char *shifted = strdup(s);
		CHECK(again && shifted);
		shift_chars(shifted);
		json_object_set_new(again, secret[i], json_string(shifted));
		char *line2 = json_dumps(again, JSON_COMPACT);
		char *reply2 = line2 ? rs_control_handle(&app, eng, line2) : NULL;
		memcpy(window, shifted + at, SECRET_MIN);
		if (reply2 && strncmp(window, s + at, SECRET_MIN) && strstr(reply2, window) &&
		    !found_elsewhere(again, window, 1)) {
			fprintf(stderr, "fuzz_control: reply quotes the request's %s: %s\n",
				secret[i], reply);
			abort();
		}
		free(reply2);
		free(line2);
		free(shifted);
		json_decref(again);
	}
	json_decref(req);
}

static void check_reply(const char *line, const char *reply)
{
	json_t *r;
	json_t *ok;

	CHECK(reply != NULL);
	CHECK(strchr(reply, '\n') == NULL);
	r = json_loads(reply, JSON_REJECT_DUPLICATES, NULL);
	CHECK(json_is_object(r));
	ok = json_object_get(r, "ok");
	CHECK(json_is_boolean(ok));
	if (!json_is_true(ok))
		CHECK(json_is_string(json_object_get(r, "error")));
	json_decref(r);
	check_no_secret(line, reply);
}

static void check_table(void)
{
	unsigned live = 0;

	for (unsigned slot = 0; slot < app.channels.capacity; slot++)
		live += app.channels.by_id[slot] != NULL;
	CHECK(live == app.channels.n);
	CHECK(app.channels.n + app.channels.n_free == app.channels.capacity);
}

/* Back to the two base channels, as first added. */
static void restore(void)
{
	char err[RS_ERR_MSG_MAX];
	char name[RS_CHANNEL_NAME_MAX];

	for (unsigned slot = 0; slot < app.channels.capacity; slot++) {
		const struct rs_channel *ch = app.channels.by_id[slot];
		unsigned i = 0;
		if (!ch)
			continue;
		while (i < N_BASE && strcmp(ch->name, base[i].name))
			i++;
		if (i < N_BASE && ch->gen == base_gen[i] && ch->rekeys == 0)
			continue;
		snprintf(name, sizeof(name), "%s", ch->name);
		CHECK(rs_channel_remove(&app.channels, name, err, sizeof(err)) == 0);
	}
	for (unsigned i = 0; i < N_BASE; i++)
		if (!rs_channel_find(&app.channels, base[i].name))
			base_add(i);
	check_table();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t start = 0;
	unsigned lines = 0;

	while (start <= size && lines < MAX_LINES) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
		char *line = malloc(len + 1);
		char *reply;

		CHECK(line != NULL);
		memcpy(line, data + start, len);
		line[len] = '\0';
		if (len == 0) {
			/* the control thread's tick, long after every overlap */
			pthread_mutex_lock(&app.ctl_lock);
			rs_channel_expire_previous(&app.channels, UINT64_MAX);
			pthread_mutex_unlock(&app.ctl_lock);
		} else {
			reply = rs_control_handle(&app, eng, line);
			check_reply(line, reply);
			free(reply);
		}
		check_table();
		explicit_bzero(line, len);
		free(line);
		lines++;
		if (!nl)
			break;
		start += len + 1;
	}
	restore();
	return 0;
}
