/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpsealctl: the control client (DESIGN §6). Talks JSON lines to rtpseal's
 * control socket; genkey, gensalt and derive work without a daemon.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "rtpseal.h"

#define DEFAULT_SOCKET "/run/rtpseal/rtpseal.sock"
#define LINE_MAX_LEN   (1 << 20)
#define LIST_PAGE      10000 /* channels per channel.list request */

enum exit_code {
	EXIT_OK = 0,
	EXIT_REFUSED = 1, /* the daemon answered ok:false */
	EXIT_USAGE = 2,
	EXIT_NO_DAEMON = 3,
};

struct ctl {
	const char *socket_path;
	int json;
	int fd;
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: rtpsealctl [-s SOCKET] [--json] COMMAND [ARGS]\n"
	    "\n"
	    "Commands that talk to a running rtpseal (socket: -s, $RTPSEAL_SOCKET, "
	    "or\n" DEFAULT_SOCKET "):\n"
	    "  ping                          is the daemon there?\n"
	    "  stats                         packet, class and drop counters\n"
	    "  list                          channels, modes, matches, key epochs\n"
	    "  channel-stats NAME            one channel's counters\n"
	    "  add NAME --mode MODE (--key KEY | --key-file FILE) [--salt SALT]\n"
	    "      --match ADDR:PORT [--match ...] [--audio-pt LIST] [--video-pt LIST]\n"
	    "      [--policy POLICY]         add a channel (fields as in the config file)\n"
	    "  rekey NAME (--key KEY | --key-file FILE) [--salt SALT] [--roc keep|reset]\n"
	    "                                new key and salt; sealing switches at once, the old\n"
	    "                                key still opens packets during the overlap\n"
	    "  remove NAME                   remove a channel\n"
	    "  batch [--timestamps]          send request lines (JSON) from stdin, print each\n"
	    "                                reply (prefixed with send and reply wall-clock ns)\n"
	    "\n"
	    "Commands that need no daemon:\n"
	    "  genkey                        a key string like `openssl rand -hex 32`\n"
	    "  gensalt                       a salt like `openssl rand -base64 32`\n"
	    "  derive --mode MODE (--key KEY | --key-file FILE) [--salt SALT]\n"
	    "                                the SRTP master key||salt of a channel, as SDES\n"
	    "                                inline: and as a GStreamer srtp-key buffer\n"
	    "\n"
	    "--key - reads the key from stdin (keeps it out of the process list).\n"
	    "--json prints the daemon's reply as one JSON line.\n"
	    "Exit status: 0 ok, 1 refused by the daemon, 2 usage error, 3 daemon not reachable.\n");
}

/* ---- talking to the daemon ---- */

static int ctl_connect(struct ctl *c)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(c->socket_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "rtpsealctl: socket path too long: %s\n", c->socket_path);
		return -1;
	}
	memcpy(sa.sun_path, c->socket_path, strlen(c->socket_path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EACCES)
			fprintf(
			    stderr,
			    "rtpsealctl: permission denied on %s: only the user rtpseal runs as "
			    "may use its control socket\n",
			    c->socket_path);
		else
			fprintf(stderr,
				"rtpsealctl: cannot reach rtpseal at %s: %s\n"
				"  (is rtpseal running with control_socket = %s in its config?)\n",
				c->socket_path, strerror(errno), c->socket_path);
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

/* Send one line, read one reply line (malloc'd). */
/* Send one request line and read its reply line. fast: read the reply in
 * blocks (one request, one reply: nothing follows the newline); else a byte
 * per recv, which is what `batch` has always done -- and tests/rekey_test.sh's
 * storms are paced by it: block reads let a storm rekey one channel twice
 * while packets sealed under the first key are still in the rings, and
 * those then fail both keys the overlap holds. */
static char *exchange_as(struct ctl *c, const char *line, int fast)
{
	size_t len = strlen(line), cap = 4096, used = 0;
	char *reply = malloc(cap);

	if (!reply)
		return NULL;
	/* a daemon that refuses us (another uid, too many clients) answers and
	 * closes before reading: a failed send still has a reply to read */
	if (send(c->fd, line, len, MSG_NOSIGNAL) == (ssize_t)len)
		send(c->fd, "\n", 1, MSG_NOSIGNAL);
	for (;;) {
		if (used + 1 >= cap) {
			char *bigger = cap < LINE_MAX_LEN * 64 ? realloc(reply, cap * 2) : NULL;
			if (!bigger) {
				free(reply);
				return NULL;
			}
			reply = bigger;
			cap *= 2;
		}
		ssize_t n = recv(c->fd, reply + used, fast ? cap - 1 - used : 1, 0);
		if (n <= 0) {
			free(reply);
			return NULL;
		}
		char *nl = memchr(reply + used, '\n', (size_t)n);
		if (nl) {
			*nl = '\0';
			return reply;
		}
		used += (size_t)n;
	}
}

static char *exchange(struct ctl *c, const char *line)
{
	return exchange_as(c, line, 0);
}

static void print_human(const json_t *r)
{
	const char *key;
	json_t *v;

	if (json_object_size(r) == 1) {
		printf("ok\n");
		return;
	}
	json_object_foreach((json_t *)r, key, v)
	{
		if (!strcmp(key, "ok"))
			continue;
		char *text = json_is_string(v) ? strdup(json_string_value(v))
					       : json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
		printf("%s: %s\n", key, text ? text : "?");
		free(text);
	}
}

/* Send req (consumed), print the reply, return the exit code. */
static int request(struct ctl *c, json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT);
	json_t *reply_json;
	char *reply;
	int rc;

	/* the request may carry a key: wipe jansson's copies too */
	json_t *k = json_object_get(req, "key");
	if (k && json_is_string(k))
		OPENSSL_cleanse((char *)json_string_value(k), json_string_length(k));
	json_decref(req);
	if (!line)
		return EXIT_USAGE;
	if (ctl_connect(c) < 0) {
		OPENSSL_cleanse(line, strlen(line));
		free(line);
		return EXIT_NO_DAEMON;
	}
	reply = exchange(c, line);
	OPENSSL_cleanse(line, strlen(line));
	free(line);
	close(c->fd);
	if (!reply) {
		fprintf(stderr, "rtpsealctl: no reply from %s\n", c->socket_path);
		return EXIT_NO_DAEMON;
	}
	reply_json = json_loads(reply, 0, NULL);
	if (!reply_json) {
		fprintf(stderr, "rtpsealctl: unreadable reply\n");
		free(reply);
		return EXIT_REFUSED;
	}
	rc = json_is_true(json_object_get(reply_json, "ok")) ? EXIT_OK : EXIT_REFUSED;
	if (c->json)
		printf("%s\n", reply);
	else if (rc != EXIT_OK)
		fprintf(stderr, "rtpsealctl: %s\n",
			json_string_value(json_object_get(reply_json, "error")));
	else
		print_human(reply_json);
	json_decref(reply_json);
	free(reply);
	return rc;
}

/* channel.list in pages of LIST_PAGE on one connection (a reply for a
 * million channels at once would be ~150 MB), printed as one reply. */
static int list_all(struct ctl *c)
{
	json_t *all = json_array();
	json_int_t offset = 0;
	int rc = EXIT_OK;

	if (!all)
		return EXIT_REFUSED;
	if (ctl_connect(c) < 0) {
		json_decref(all);
		return EXIT_NO_DAEMON;
	}
	for (;;) {
		char line[128];
		snprintf(line, sizeof(line),
			 "{\"cmd\":\"channel.list\",\"offset\":%lld,\"limit\":%d}",
			 (long long)offset, LIST_PAGE);
		char *reply = exchange_as(c, line, 1);
		int got = reply != NULL;
		json_t *r = got ? json_loads(reply, 0, NULL) : NULL;
		free(reply);
		if (!r) {
			fprintf(stderr, "rtpsealctl: %s\n", got ? "unreadable reply" : "no reply");
			rc = EXIT_NO_DAEMON;
			break;
		}
		if (!json_is_true(json_object_get(r, "ok"))) {
			fprintf(stderr, "rtpsealctl: %s\n",
				json_string_value(json_object_get(r, "error")));
			json_decref(r);
			rc = EXIT_REFUSED;
			break;
		}
		json_array_extend(all, json_object_get(r, "channels"));
		json_t *next = json_object_get(r, "next_offset");
		int more = json_is_integer(next);
		if (more)
			offset = json_integer_value(next);
		json_decref(r);
		if (!more)
			break;
	}
	close(c->fd);
	if (rc == EXIT_OK) {
		json_t *r = json_pack("{s:b,s:o}", "ok", 1, "channels", all);
		if (c->json) {
			char *text = json_dumps(r, JSON_COMPACT);
			printf("%s\n", text ? text : "");
			free(text);
		} else {
			print_human(r);
		}
		json_decref(r);
	} else {
		json_decref(all);
	}
	return rc;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* timestamps: prefix each reply with the wall-clock ns the request was sent
 * and the reply read (for tests that relate replies to captured packets) */
static int batch(struct ctl *c, int timestamps)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = EXIT_OK;

	if (ctl_connect(c) < 0)
		return EXIT_NO_DAEMON;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!n)
			continue;
		uint64_t sent = realtime_ns();
		char *reply = exchange(c, line);
		uint64_t got = realtime_ns();
		OPENSSL_cleanse(line, (size_t)n);
		if (!reply) {
			fprintf(stderr, "rtpsealctl: connection lost\n");
			rc = EXIT_NO_DAEMON;
			break;
		}
		if (!strstr(reply, "\"ok\":true"))
			rc = EXIT_REFUSED;
		if (timestamps)
			printf("%lu %lu ", (unsigned long)sent, (unsigned long)got);
		printf("%s\n", reply);
		fflush(stdout);
		free(reply);
	}
	if (line)
		OPENSSL_cleanse(line, cap);
	free(line);
	close(c->fd);
	return rc;
}

/* ---- arguments ---- */

struct fields {
	const char *mode, *key, *key_file, *salt, *roc, *policy, *audio_pt, *video_pt;
	json_t *match;
	char key_buf[1024];
};

static int read_key_stdin(struct fields *f)
{
	if (!fgets(f->key_buf, sizeof(f->key_buf), stdin)) {
		fprintf(stderr, "rtpsealctl: --key -: nothing on stdin\n");
		return -1;
	}
	f->key_buf[strcspn(f->key_buf, "\r\n")] = '\0';
	f->key = f->key_buf;
	return 0;
}

static int parse_fields(int argc, char **argv, struct fields *f)
{
	static const struct option opts[] = {
	    {"mode", required_argument, NULL, 'm'},	{"key", required_argument, NULL, 'k'},
	    {"key-file", required_argument, NULL, 'f'}, {"salt", required_argument, NULL, 's'},
	    {"roc", required_argument, NULL, 'r'},	{"policy", required_argument, NULL, 'p'},
	    {"audio-pt", required_argument, NULL, 'a'}, {"video-pt", required_argument, NULL, 'v'},
	    {"match", required_argument, NULL, 'M'},	{NULL, 0, NULL, 0},
	};
	int ch;

	f->match = json_array();
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			f->mode = optarg;
			break;
		case 'k':
			f->key = optarg;
			break;
		case 'f':
			f->key_file = optarg;
			break;
		case 's':
			f->salt = optarg;
			break;
		case 'r':
			f->roc = optarg;
			break;
		case 'p':
			f->policy = optarg;
			break;
		case 'a':
			f->audio_pt = optarg;
			break;
		case 'v':
			f->video_pt = optarg;
			break;
		case 'M':
			json_array_append_new(f->match, json_string(optarg));
			break;
		default:
			return -1;
		}
	}
	if (f->key && !strcmp(f->key, "-") && read_key_stdin(f) < 0)
		return -1;
	if (optind != argc) {
		fprintf(stderr, "rtpsealctl: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static void set_opt(json_t *req, const char *name, const char *value)
{
	if (value)
		json_object_set_new(req, name, json_string(value));
}

/* ---- commands without a daemon ---- */

static int random_text(int base64)
{
	uint8_t raw[32];
	char out[96];

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		fprintf(stderr, "rtpsealctl: no randomness from OpenSSL\n");
		return EXIT_USAGE;
	}
	if (base64) {
		EVP_EncodeBlock((unsigned char *)out, raw, sizeof(raw));
	} else {
		for (size_t i = 0; i < sizeof(raw); i++)
			snprintf(out + 2 * i, 3, "%02x", raw[i]);
	}
	printf("%s\n", out);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(out, sizeof(out));
	return EXIT_OK;
}

static int derive(const struct fields *f, int json)
{
	char key_text[1024], err[256], sdes[RS_SDES_INLINE_MAX];
	const char *key = f->key;
	struct rs_master_key mk;
	enum rs_mode mode;
	enum rs_status st;
	int n;

	if (!f->mode || (!f->key == !f->key_file)) {
		fprintf(stderr, "rtpsealctl: derive needs --mode and one of --key / --key-file\n");
		return EXIT_USAGE;
	}
	st = rs_mode_from_name(f->mode, &mode);
	if (st != RS_OK) {
		fprintf(stderr, "rtpsealctl: --mode %s: %s\n", f->mode, rs_strerror(st));
		return EXIT_USAGE;
	}
	if (f->key_file) {
		n = rs_key_file_read(f->key_file, key_text, sizeof(key_text), err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "rtpsealctl: --key-file %s\n", err);
			return EXIT_USAGE;
		}
		key = key_text;
	}
	st = rs_master_key_make(mode, key, strlen(key), f->salt, &mk);
	OPENSSL_cleanse(key_text, sizeof(key_text));
	if (st != RS_OK) {
		fprintf(stderr, "rtpsealctl: %s\n", rs_strerror(st));
		return EXIT_USAGE;
	}
	if (rs_master_key_to_sdes(&mk, sdes, sizeof(sdes)) != RS_OK) {
		rs_master_key_wipe(&mk);
		return EXIT_USAGE;
	}
	char hex[2 * (RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN) + 1];
	for (unsigned i = 0; i < mk.key_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", mk.key[i]);
	for (unsigned i = 0; i < RS_MASTER_SALT_LEN; i++)
		snprintf(hex + 2 * (mk.key_len + i), 3, "%02x", mk.salt[i]);
	const char *srtp = mk.key_len == 16 ? "AEAD_AES_128_GCM" : "AEAD_AES_256_GCM";
	const char *gst = mk.key_len == 16 ? "aes-128-gcm" : "aes-256-gcm";
	if (json)
		printf(
		    "{\"mode\":\"%s\",\"srtp_profile\":\"%s\",\"sdes\":\"%s\",\"srtp_key\":\"%s\","
		    "\"gst_cipher\":\"%s\"}\n",
		    rs_mode_name(mode), srtp, sdes, hex, gst);
	else
		printf("mode:      %s (SRTP profile %s)\n"
		       "sdes:      %s\n"
		       "gstreamer: srtp-key=(buffer)%s srtp-cipher=%s srtp-auth=null "
		       "srtcp-cipher=%s srtcp-auth=null\n",
		       rs_mode_name(mode), srtp, sdes, hex, gst, gst);
	OPENSSL_cleanse(hex, sizeof(hex));
	OPENSSL_cleanse(sdes, sizeof(sdes));
	rs_master_key_wipe(&mk);
	return EXIT_OK;
}

/* ---- main ---- */

static json_t *named(const char *cmd, const char *name)
{
	return json_pack("{s:s,s:s}", "cmd", cmd, "name", name);
}

static int run(struct ctl *c, const char *cmd, int argc, char **argv)
{
	struct fields f = {0};
	const char *name = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	int shift = name ? 1 : 0;
	json_t *req;
	int rc;

	if (!strcmp(cmd, "genkey") || !strcmp(cmd, "gensalt"))
		return argc == 1 ? random_text(!strcmp(cmd, "gensalt")) : EXIT_USAGE;
	if (!strcmp(cmd, "list"))
		return argc == 1 ? list_all(c) : EXIT_USAGE;
	if (!strcmp(cmd, "ping") || !strcmp(cmd, "stats")) {
		if (argc != 1)
			return EXIT_USAGE;
		return request(c, json_pack("{s:s}", "cmd", cmd));
	}
	if (!strcmp(cmd, "batch")) {
		if (argc == 2 && !strcmp(argv[1], "--timestamps"))
			return batch(c, 1);
		return argc == 1 ? batch(c, 0) : EXIT_USAGE;
	}
	if (parse_fields(argc - shift, argv + shift, &f) < 0) {
		json_decref(f.match);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "derive")) {
		rc = name ? EXIT_USAGE : derive(&f, c->json);
		OPENSSL_cleanse(f.key_buf, sizeof(f.key_buf));
		json_decref(f.match);
		return rc;
	}
	if (!name) {
		fprintf(stderr, "rtpsealctl: %s needs a channel NAME\n", cmd);
		json_decref(f.match);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "channel-stats")) {
		req = named("channel.stats", name);
	} else if (!strcmp(cmd, "remove")) {
		req = named("channel.remove", name);
	} else if (!strcmp(cmd, "rekey")) {
		req = named("channel.rekey", name);
		set_opt(req, "key", f.key);
		set_opt(req, "key_file", f.key_file);
		set_opt(req, "salt", f.salt);
		set_opt(req, "roc", f.roc);
	} else if (!strcmp(cmd, "add")) {
		req = named("channel.add", name);
		set_opt(req, "mode", f.mode);
		set_opt(req, "key", f.key);
		set_opt(req, "key_file", f.key_file);
		set_opt(req, "salt", f.salt);
		set_opt(req, "policy", f.policy);
		set_opt(req, "audio_pt", f.audio_pt);
		set_opt(req, "video_pt", f.video_pt);
		if (json_array_size(f.match))
			json_object_set(req, "match", f.match);
	} else {
		fprintf(stderr, "rtpsealctl: unknown command '%s' (see --help)\n", cmd);
		json_decref(f.match);
		return EXIT_USAGE;
	}
	json_decref(f.match);
	rc = request(c, req);
	OPENSSL_cleanse(f.key_buf, sizeof(f.key_buf));
	return rc;
}

int main(int argc, char **argv)
{
	struct ctl c = {.fd = -1};
	int i = 1;

	c.socket_path = getenv("RTPSEAL_SOCKET") ? getenv("RTPSEAL_SOCKET") : DEFAULT_SOCKET;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			c.json = 1;
		} else if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "--socket")) &&
			   i + 1 < argc) {
			c.socket_path = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "rtpsealctl: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	int rc = run(&c, argv[i], argc - i, argv + i);
	if (rc == EXIT_USAGE)
		fprintf(stderr, "rtpsealctl: see rtpsealctl --help\n");
	return rc;
}
