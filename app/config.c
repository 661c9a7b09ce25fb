/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI configuration (DESIGN §5) through DPDK's rte_cfgfile: one parser
 * per section kind, a table of keys for the plain sections, cross-section
 * checks last. Every message is "FILE: [SECTION] KEY: why" and never quotes
 * a key or salt; every buffer that held key text is cleansed.
 *
 * rte_cfgfile skips lines without '=', truncates long names and values and
 * fails without saying why; lint_file() reads the file first and turns
 * each of those cases into an error with a line number.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <rte_cfgfile.h>
#include <rte_ether.h>

#include "config.h"
#include "rs_gen.h"
#include "rs_gen_spread.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	PT_MAX = 127,
	GEN_STREAMS_MAX = 1024,
	REKEY_OVERLAP_MAX_MS = 60000,
	RATE_PPS_MAX = 1000000000,
	/* rte_cfgfile's line buffer: name + value + " = \n" */
	LINE_MAX_LEN = CFG_NAME_LEN + CFG_VALUE_LEN + 2,
	SUN_PATH_MAX = 107,
};

/* Where a message points: file and section (both NULL for channel.add). */
struct where {
	const char *path;
	const char *section;
	char *err;
	size_t err_size;
};

static int fail(const struct where *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const struct where *w, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!w->err || w->err_size == 0)
		return -1;
	if (w->path)
		n = snprintf(w->err, w->err_size, "%s: [%s] ", w->path, w->section);
	if (n >= 0 && (size_t)n < w->err_size && key)
		n += snprintf(w->err + n, w->err_size - (size_t)n, "%s: ", key);
	if (n >= 0 && (size_t)n < w->err_size) {
		va_start(ap, fmt);
		vsnprintf(w->err + n, w->err_size - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- small value parsers ---- */

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Decimal digits only: no sign, no blanks, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int parse_range(const struct where *w, const char *key, const char *s, uint64_t min,
		       uint64_t max, uint64_t *out)
{
	if (parse_u64(s, out) != 0)
		return fail(w, key, "must be a decimal number %" PRIu64 "..%" PRIu64, min, max);
	if (*out < min || *out > max)
		return fail(w, key, "must be %" PRIu64 "..%" PRIu64 " (got %" PRIu64 ")", min, max,
			    *out);
	return 0;
}

static int word_index(const char *s, const char *const *words, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- the [general], [port N] and [generator] keys, as tables ---- */

enum field_kind { F_UINT, F_U16, F_U64, F_PASS, F_ROLE, F_SOCKET, F_MAC, F_ONOFF };

struct field {
	const char *name;
	enum field_kind kind;
	size_t off;	/* into the section's struct */
	size_t has_off; /* F_MAC: its has_* flag */
	uint64_t min, max;
	uint8_t required;
};

#define GEN(m)	offsetof(struct rs_general_conf, m)
#define PORT(m) offsetof(struct rs_port_conf, m)
#define GENR(m) offsetof(struct rs_generator_conf, m)

static const struct field general_fields[] = {
    {"control_socket", F_SOCKET, GEN(control_socket), 0, 0, 0, 0},
    {"replay_window", F_UINT, GEN(replay_window), 0, RS_WINDOW_MIN, RS_WINDOW_MAX, 0},
    {"burst", F_UINT, GEN(burst), 0, 1, 64, 0},
    {"rekey_overlap_ms", F_UINT, GEN(rekey_overlap_ms), 0, 0, REKEY_OVERLAP_MAX_MS, 0},
    {"non_media", F_PASS, GEN(non_media), 0, 0, 0, 0},
    {"fragments", F_PASS, GEN(fragments), 0, 0, 0, 0},
    {"ipv6_ext", F_PASS, GEN(ipv6_ext), 0, 0, 0, 0},
    {"no_channel", F_PASS, GEN(no_channel), 0, 0, 0, 0},
    {"max_channels", F_UINT, GEN(max_channels), 0, 1, RS_MAX_CHANNELS_LIMIT, 0},
    {"max_streams", F_UINT, GEN(max_streams), 0, 1024, RS_MAX_STREAMS_LIMIT, 0},
};

static const struct field port_fields[] = {
    {"role", F_ROLE, PORT(role), 0, 0, 0, 1},
    {"peer", F_U16, PORT(peer), 0, 0, RS_MAX_PORTS - 1, 1},
    {"dst_mac", F_MAC, PORT(dst_mac), PORT(has_dst_mac), 0, 0, 0},
    {"src_mac", F_MAC, PORT(src_mac), PORT(has_src_mac), 0, 0, 0},
};

static const struct field generator_fields[] = {
    {"port", F_U16, GENR(port), 0, 0, RS_MAX_PORTS - 1, 1},
    {"rate_pps", F_U64, GENR(rate_pps), 0, 0, RATE_PPS_MAX, 0},
    {"streams_per_channel", F_UINT, GENR(streams_per_channel), 0, 1, GEN_STREAMS_MAX, 0},
    {"audio_share", F_UINT, GENR(audio_share), 0, 0, 100, 0},
    {"seed", F_U64, GENR(seed), 0, 0, UINT64_MAX, 0},
    {"audio_payload", F_UINT, GENR(audio_payload), 0, 0, RS_GEN_PAYLOAD_FIXED_MAX, 0},
    {"video_payload", F_UINT, GENR(video_payload), 0, 0, RS_GEN_PAYLOAD_FIXED_MAX, 0},
    {"udp_checksum", F_ONOFF, GENR(udp_checksum), 0, 0, 0, 0},
    {"rtcp", F_ONOFF, GENR(rtcp), 0, 0, 0, 0},
    {"spread_channels", F_UINT, GENR(spread_channels), 0, 0, RS_GEN_SPREAD_CHANNELS_MAX, 0},
};

static int set_mac(const struct where *w, const struct field *f, const char *v, uint8_t *base)
{
	struct rte_ether_addr a;

	if (rte_ether_unformat_addr(v, &a) != 0)
		return fail(w, f->name, "must be a MAC address like 02:00:00:00:00:01");
	if (rte_is_zero_ether_addr(&a))
		return fail(w, f->name, "must not be 00:00:00:00:00:00");
	if (f->has_off == PORT(has_src_mac) && !rte_is_unicast_ether_addr(&a))
		return fail(w, f->name, "a source MAC must be unicast (low bit of byte 0 clear)");
	memcpy(base + f->off, a.addr_bytes, RTE_ETHER_ADDR_LEN);
	base[f->has_off] = 1;
	return 0;
}

static int set_field(const struct where *w, const struct field *f, const char *v, uint8_t *base)
{
	static const char *const pass_words[] = {[RS_PASS] = "pass", [RS_DROP] = "drop"};
	static const char *const role_words[] = {
	    [RS_ROLE_CLEAR] = "clear", [RS_ROLE_CIPHER] = "cipher"};
	static const char *const onoff_words[] = {"off", "on"};
	uint64_t n = 0;
	int i;

	switch (f->kind) {
	case F_UINT:
	case F_U16:
	case F_U64:
		if (parse_range(w, f->name, v, f->min, f->max, &n) != 0)
			return -1;
		if (f->kind == F_UINT)
			*(unsigned *)(base + f->off) = (unsigned)n;
		else if (f->kind == F_U16)
			*(uint16_t *)(base + f->off) = (uint16_t)n;
		else
			*(uint64_t *)(base + f->off) = n;
		return 0;
	case F_PASS:
		i = word_index(v, pass_words, ARRAY_SIZE(pass_words));
		if (i < 0)
			return fail(w, f->name, "must be pass or drop");
		*(enum rs_pass_policy *)(base + f->off) = (enum rs_pass_policy)i;
		return 0;
	case F_ROLE:
		i = word_index(v, role_words, ARRAY_SIZE(role_words));
		if (i < 0)
			return fail(
			    w, f->name,
			    "must be clear (RTP in, SRTP out) or cipher (SRTP in, RTP out)");
		*(enum rs_port_role *)(base + f->off) = (enum rs_port_role)i;
		return 0;
	case F_SOCKET:
		/* empty: no control socket */
		if (*v && *v != '/')
			return fail(w, f->name, "must be an absolute path (or empty for none)");
		if (strlen(v) > SUN_PATH_MAX)
			return fail(w, f->name, "longer than %d characters (sun_path)",
				    SUN_PATH_MAX);
		snprintf((char *)(base + f->off), RS_PATH_MAX, "%s", v);
		return 0;
	case F_MAC:
		return set_mac(w, f, v, base);
	case F_ONOFF:
		i = word_index(v, onoff_words, ARRAY_SIZE(onoff_words));
		if (i < 0)
			return fail(w, f->name, "must be on or off");
		*(unsigned *)(base + f->off) = (unsigned)i;
		return 0;
	}
	return fail(w, f->name, "internal: unknown field kind");
}

/* ---- the entries of one section ---- */

struct section {
	char name[CFG_NAME_LEN];
	struct rte_cfgfile_entry *e;
	int n;
};

/* Entry copies may hold key text: wiped before they are freed. */
static void section_release(struct section *s)
{
	if (s->e) {
		OPENSSL_cleanse(s->e, sizeof(*s->e) * (size_t)s->n);
		free(s->e);
	}
	s->e = NULL;
	s->n = 0;
}

static int section_get(struct rte_cfgfile *cfg, int index, struct section *s)
{
	s->n = rte_cfgfile_section_num_entries_by_index(cfg, s->name, index);
	s->e = NULL;
	if (s->n < 0)
		return -1;
	if (s->n == 0)
		return 0;
	s->e = calloc((size_t)s->n, sizeof(*s->e));
	if (!s->e)
		return -1;
	if (rte_cfgfile_section_entries_by_index(cfg, index, s->name, s->e, s->n) != s->n) {
		section_release(s);
		return -1;
	}
	return 0;
}

/* Unknown and repeated keys; an empty value only where allowed. */
static int check_keys(const struct where *w, const struct section *s, const char *const *known,
		      unsigned n_known, const char *may_be_empty)
{
	for (int i = 0; i < s->n; i++) {
		const char *k = s->e[i].name;
		if (word_index(k, known, n_known) < 0)
			return fail(w, k, "unknown key in this section");
		for (int j = 0; j < i; j++)
			if (strcmp(k, s->e[j].name) == 0)
				return fail(w, k, "given twice");
		if (!s->e[i].value[0] && (!may_be_empty || strcmp(k, may_be_empty) != 0))
			return fail(w, k, "empty value");
	}
	return 0;
}

enum { FIELDS_MAX = 16 };
_Static_assert(ARRAY_SIZE(general_fields) <= FIELDS_MAX, "general_fields");
_Static_assert(ARRAY_SIZE(port_fields) <= FIELDS_MAX, "port_fields");
_Static_assert(ARRAY_SIZE(generator_fields) <= FIELDS_MAX, "generator_fields");

static int apply_fields(const struct where *w, const struct section *s, const struct field *f,
			unsigned nf, void *obj)
{
	const char *names[FIELDS_MAX];
	unsigned seen = 0;

	for (unsigned i = 0; i < nf; i++)
		names[i] = f[i].name;
	if (check_keys(w, s, names, nf, "control_socket") != 0)
		return -1;
	for (int i = 0; i < s->n; i++) {
		int k = word_index(s->e[i].name, names, nf);
		if (set_field(w, &f[k], s->e[i].value, obj) != 0)
			return -1;
		seen |= 1u << k;
	}
	for (unsigned i = 0; i < nf; i++)
		if (f[i].required && !(seen & (1u << i)))
			return fail(w, f[i].name, "missing (required in this section)");
	return 0;
}

/* ---- key files ---- */

/* ---- match lists ---- */

static const char *match_parse_why(const char *text, struct rs_match *out)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = text;
	size_t hlen;
	uint64_t port;

	memset(out, 0, sizeof(*out));
	if (text[0] == '[') {
		const char *end = strchr(text, ']');
		if (!end || end[1] != ':')
			return "expected [IPV6]:PORT";
		h = text + 1;
		hlen = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strchr(text, ':');
		if (!colon)
			return "expected ADDR:PORT, [IPV6]:PORT or *:PORT";
		if (strchr(colon + 1, ':'))
			return "an IPv6 address goes in brackets: [2001:db8::1]:5004";
		hlen = (size_t)(colon - text);
	}
	if (parse_u64(colon + 1, &port) != 0 || port < 1 || port > 65535)
		return "port must be 1..65535";
	out->port = (uint16_t)port;
	if (hlen == 0 || hlen >= sizeof(host))
		return "address missing or too long";
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (text[0] != '[' && strcmp(host, "*") == 0) {
		out->any_addr = 1;
		return NULL;
	}
	if (text[0] != '[' && inet_pton(AF_INET, host, out->addr) == 1) {
		out->ip_version = 4;
		return NULL;
	}
	if (text[0] == '[' && inet_pton(AF_INET6, host, out->addr) == 1) {
		out->ip_version = 6;
		return NULL;
	}
	return text[0] == '[' ? "not an IPv6 address" : "not an IPv4 address or *";
}

int rs_match_parse(const char *text, struct rs_match *out)
{
	char buf[RS_MATCH_TEXT_MAX + 16];
	size_t n;

	text = skip_blank(text);
	n = strlen(text);
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return match_parse_why(buf, out) ? -1 : 0;
}

int rs_match_equal(const struct rs_match *a, const struct rs_match *b)
{
	if (a->port != b->port || a->any_addr != b->any_addr)
		return 0;
	if (a->any_addr)
		return 1;
	return a->ip_version == b->ip_version &&
	       memcmp(a->addr, b->addr, a->ip_version == 4 ? 4 : 16) == 0;
}

int rs_match_format(const struct rs_match *m, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];
	int n;

	if (m->any_addr)
		n = snprintf(buf, size, "*:%u", m->port);
	else if (!inet_ntop(m->ip_version == 4 ? AF_INET : AF_INET6, m->addr, host, sizeof(host)))
		n = -1;
	else if (m->ip_version == 4)
		n = snprintf(buf, size, "%s:%u", host, m->port);
	else
		n = snprintf(buf, size, "[%s]:%u", host, m->port);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/*
 * Comma-separated list: calls fn(item, index) for each trimmed entry; an
 * empty entry ("a,,b", a trailing comma) is an error. The copy it works on
 * is wiped (lists never hold keys, but the cost is nil and the rule stays
 * simple: every buffer a value went through is cleansed).
 */
typedef int (*item_fn)(const struct where *w, const char *key, const char *item, unsigned idx,
		       void *arg);

static int for_each_item(const struct where *w, const char *key, const char *list, item_fn fn,
			 void *arg)
{
	char buf[RS_KEY_TEXT_MAX];
	char *rest = buf, *tok;
	unsigned idx = 0;
	int rc = 0;

	if (strlen(list) >= sizeof(buf))
		return fail(w, key, "list longer than %zu characters", sizeof(buf) - 1);
	if (!*skip_blank(list))
		return fail(w, key, "needs at least one entry");
	snprintf(buf, sizeof(buf), "%s", list);
	while (rc == 0 && (tok = strsep(&rest, ",")) != NULL) {
		char *end = tok + strlen(tok);
		tok = (char *)skip_blank(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		idx++;
		rc = *tok ? fn(w, key, tok, idx, arg) : fail(w, key, "entry %u is empty", idx);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

static int match_item(const struct where *w, const char *key, const char *item, unsigned idx,
		      void *arg)
{
	struct rs_channel_conf *cc = arg;
	struct rs_match m;
	const char *why;
	char text[RS_MATCH_TEXT_MAX];

	if (cc->n_match >= RS_MAX_MATCHES)
		return fail(w, key, "more than %d entries", RS_MAX_MATCHES);
	why = strlen(item) > RS_MATCH_TEXT_MAX ? "too long" : match_parse_why(item, &m);
	if (why)
		return fail(w, key, "entry %u: %s", idx, why);
	for (unsigned i = 0; i < cc->n_match; i++) {
		if (rs_match_equal(&cc->match[i], &m)) {
			rs_match_format(&m, text, sizeof(text));
			return fail(w, key, "%s listed twice", text);
		}
	}
	cc->match[cc->n_match++] = m;
	return 0;
}

/* ---- payload types and policy ---- */

struct pt_list {
	enum rs_media_class cls;
	uint8_t *seen; /* [128]: class + 1 of the list that named it */
	struct rs_pt_map *map;
};

static int pt_item(const struct where *w, const char *key, const char *item, unsigned idx,
		   void *arg)
{
	struct pt_list *l = arg;
	uint64_t pt;

	if (parse_u64(item, &pt) != 0 || pt > PT_MAX)
		return fail(w, key, "entry %u: a payload type is a number 0..%d", idx, PT_MAX);
	if (l->seen[pt] == l->cls + 1)
		return fail(w, key, "payload type %u listed twice", (unsigned)pt);
	if (l->seen[pt])
		return fail(w, key, "payload type %u is in both audio_pt and video_pt",
			    (unsigned)pt);
	l->seen[pt] = (uint8_t)(l->cls + 1);
	if (rs_pt_map_set(l->map, (unsigned)pt, l->cls) != RS_OK)
		return fail(w, key, "payload type %u refused", (unsigned)pt);
	return 0;
}

static const char *const policy_words[] = {
    [RS_POLICY_ENCRYPT] = "encrypt", [RS_POLICY_PASS] = "pass", [RS_POLICY_DROP] = "drop"};

/* "encrypt" for every class, or "audio:encrypt video:pass other:drop"
 * (blank- or comma-separated); a class not named stays encrypt. */
static int parse_policy(const struct where *w, const char *text, enum rs_class_policy *pol)
{
	static const char *const classes[] = {
	    [RS_CLASS_AUDIO] = "audio", [RS_CLASS_VIDEO] = "video", [RS_CLASS_OTHER] = "other"};
	char buf[128], *save = NULL, *tok;
	unsigned named = 0;
	int p = word_index(text, policy_words, ARRAY_SIZE(policy_words));

	if (p >= 0) {
		for (unsigned c = 0; c < RS_CLASS_COUNT; c++)
			pol[c] = (enum rs_class_policy)p;
		return 0;
	}
	if (strlen(text) >= sizeof(buf))
		return fail(w, "policy", "too long");
	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');
		int c;
		if (!colon)
			return fail(w, "policy",
				    "expected encrypt|pass|drop or CLASS:ACTION pairs "
				    "like \"audio:encrypt video:pass other:drop\"");
		*colon = '\0';
		c = word_index(tok, classes, ARRAY_SIZE(classes));
		p = word_index(colon + 1, policy_words, ARRAY_SIZE(policy_words));
		if (c < 0)
			return fail(w, "policy", "class must be audio, video or other");
		if (p < 0)
			return fail(w, "policy", "%s: action must be encrypt, pass or drop",
				    classes[c]);
		if (named & (1u << c))
			return fail(w, "policy", "%s given twice", classes[c]);
		named |= 1u << c;
		pol[c] = (enum rs_class_policy)p;
	}
	return named ? 0 : fail(w, "policy", "empty");
}

/* ---- keys and salts ---- */

static int all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/* Decoded length of base64 text, or -1; the bytes are wiped. */
static long b64_len(const char *s)
{
	uint8_t tmp[96];
	size_t got = 0;
	long r = -1;

	if (rs_base64_decode(s, tmp, sizeof(tmp), &got) == RS_OK)
		r = (long)got;
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return r;
}

/* Why a GCM2 salt is refused, with the length found (never the value). */
static int gcm2_salt_fail(const struct where *w, const char *salt)
{
	size_t n = strlen(salt);
	long got = b64_len(salt);

	if (got >= 0)
		return fail(w, "salt",
			    "must be 32 bytes as base64 or 64 hex digits (got %ld bytes)", got);
	if (all_hex(salt, n))
		return fail(w, "salt",
			    "must be 32 bytes as base64 or 64 hex digits (got %zu hex "
			    "digits)",
			    n);
	return fail(w, "salt",
		    "not valid base64 or hex (expected 32 bytes as base64, as "
		    "`openssl rand -base64 32` prints, or 64 hex digits)");
}

static int aead_key_fail(const struct where *w, const char *kname, enum rs_mode mode,
			 const char *key, enum rs_status st)
{
	unsigned kl = rs_mode_key_len(mode);
	size_t n = strlen(key);

	if (strncmp(key, "inline:", 7) == 0) {
		long got = b64_len(key + 7);
		if (got < 0)
			return fail(w, kname, "inline: value is not valid base64");
		return fail(w, kname,
			    "inline: must hold %u bytes (%u-byte key + 12-byte salt) for %s "
			    "(got %ld bytes)",
			    kl + RS_MASTER_SALT_LEN, kl, rs_mode_name(mode), got);
	}
	if (st == RS_ERR_KEY_LENGTH && all_hex(key, n))
		return fail(w, kname, "must be %u hex digits for %s (got %zu)", 2 * kl,
			    rs_mode_name(mode), n);
	return fail(w, kname, "must be %u hex digits or SDES inline:BASE64 for %s", 2 * kl,
		    rs_mode_name(mode));
}

static int key_status_fail(const struct where *w, const char *kname, enum rs_mode mode,
			   const char *key, const char *salt, enum rs_status st)
{
	int gcm2 = mode == RS_MODE_AES_128_GCM2 || mode == RS_MODE_AES_256_GCM2;
	int aead = mode == RS_MODE_AEAD_AES_128_GCM || mode == RS_MODE_AEAD_AES_256_GCM;

	switch (st) {
	case RS_ERR_KEY_MISSING:
		return fail(w, kname, "empty");
	case RS_ERR_KEY_ENCODING:
	case RS_ERR_KEY_LENGTH:
		if (aead)
			return aead_key_fail(w, kname, mode, key, st);
		break;
	case RS_ERR_SALT_MISSING:
		return fail(w, "salt", "%s needs a salt (%s)", rs_mode_name(mode),
			    gcm2 ? "32 bytes as base64 or 64 hex digits" : "24 hex digits");
	case RS_ERR_SALT_ENCODING:
	case RS_ERR_SALT_LENGTH:
		if (gcm2)
			return gcm2_salt_fail(w, salt);
		if (all_hex(salt, strlen(salt)))
			return fail(w, "salt", "must be 12 bytes as 24 hex digits (got %zu)",
				    strlen(salt));
		return fail(w, "salt", "must be 12 bytes as 24 hex digits");
	case RS_ERR_SALT_UNUSED:
		if (aead)
			return fail(w, "salt",
				    "must be absent when the key is SDES inline: "
				    "(the salt is inside it)");
		return fail(w, "salt", "%s", rs_strerror(st));
	default:
		break;
	}
	return fail(w, kname, "%s", rs_strerror(st));
}

static int key_make(const struct where *w, enum rs_mode mode, const char *key, const char *key_file,
		    const char *salt, struct rs_master_key *out)
{
	char text[RS_KEY_TEXT_MAX];
	char why[RS_ERR_MSG_MAX];
	const char *kname = key_file ? "key_file" : "key";
	size_t len;
	enum rs_status st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((key != NULL) == (key_file != NULL))
		return fail(w, "key", "give exactly one of key and key_file");
	if (key_file) {
		int n = rs_key_file_read(key_file, text, sizeof(text), why, sizeof(why));
		if (n < 0)
			return fail(w, "key_file", "%s", why);
		len = (size_t)n;
	} else {
		len = strlen(key);
		if (len >= sizeof(text))
			return fail(w, "key", "longer than %zu characters", sizeof(text) - 1);
		memcpy(text, key, len + 1);
	}
	st = rs_master_key_make(mode, text, len, salt, out);
	if (st != RS_OK) {
		rs_master_key_wipe(out);
		rc = key_status_fail(w, kname, mode, text, salt, st);
	}
	OPENSSL_cleanse(text, sizeof(text));
	return rc;
}

int rs_channel_key_make(enum rs_mode mode, const char *key, const char *key_file, const char *salt,
			struct rs_master_key *out, char *err, size_t err_size)
{
	struct where w = {NULL, NULL, err, err_size};

	return key_make(&w, mode, key, key_file, salt, out);
}

/* ---- channels ---- */

static int name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= RS_CHANNEL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static int channel_make(const struct where *w, const struct rs_channel_fields *f,
			struct rs_channel_conf *out)
{
	uint8_t seen[PT_MAX + 1] = {0};
	struct pt_list audio = {RS_CLASS_AUDIO, seen, &out->pt_map};
	struct pt_list video = {RS_CLASS_VIDEO, seen, &out->pt_map};
	enum rs_status st;

	memset(out, 0, sizeof(*out));
	if (!f->name || !name_valid(f->name))
		return fail(w, "name", "must be 1..%d characters of A-Z a-z 0-9 _ -",
			    RS_CHANNEL_NAME_MAX - 1);
	snprintf(out->name, sizeof(out->name), "%s", f->name);
	if (!f->mode)
		return fail(w, "mode",
			    "missing (AES_128_GCM2, AES_256_GCM2, AEAD_AES_128_GCM, "
			    "AEAD_AES_256_GCM, AES_128_GCM, AES_256_GCM or custom)");
	out->custom = strcmp(f->mode, "custom") == 0;
	if (out->custom) {
		if (f->key || f->key_file || f->salt)
			return fail(w,
				    f->key	  ? "key"
				    : f->key_file ? "key_file"
						  : "salt",
				    "mode custom takes no key or salt: its packet observer holds "
				    "its keys");
	} else {
		st = rs_mode_from_name(f->mode, &out->mode);
		if (st != RS_OK)
			return fail(w, "mode", "%s", rs_strerror(st));
	}
	if (!f->match)
		return fail(w, "match", "missing (e.g. 10.0.0.2:5004, *:6000)");
	if (for_each_item(w, "match", f->match, match_item, out) != 0)
		return -1;
	rs_pt_map_init(&out->pt_map);
	if (f->audio_pt && for_each_item(w, "audio_pt", f->audio_pt, pt_item, &audio) != 0)
		return -1;
	if (f->video_pt && for_each_item(w, "video_pt", f->video_pt, pt_item, &video) != 0)
		return -1;
	for (unsigned c = 0; c < RS_CLASS_COUNT; c++)
		out->policy[c] = RS_POLICY_ENCRYPT;
	if (f->policy && parse_policy(w, f->policy, out->policy) != 0)
		return -1;
	/* key last: nothing else can fail once the master key exists */
	if (out->custom)
		return 0;
	return key_make(w, out->mode, f->key, f->key_file, f->salt, &out->master);
}

int rs_channel_conf_make(const struct rs_channel_fields *f, struct rs_channel_conf *out, char *err,
			 size_t err_size)
{
	struct where w = {NULL, NULL, err, err_size};

	if (channel_make(&w, f, out) != 0) {
		rs_master_key_wipe(&out->master);
		return -1;
	}
	return 0;
}

static const struct {
	const char *name;
	size_t off;
} channel_keys[] = {
    {"mode", offsetof(struct rs_channel_fields, mode)},
    {"key", offsetof(struct rs_channel_fields, key)},
    {"key_file", offsetof(struct rs_channel_fields, key_file)},
    {"salt", offsetof(struct rs_channel_fields, salt)},
    {"match", offsetof(struct rs_channel_fields, match)},
    {"audio_pt", offsetof(struct rs_channel_fields, audio_pt)},
    {"video_pt", offsetof(struct rs_channel_fields, video_pt)},
    {"policy", offsetof(struct rs_channel_fields, policy)},
};

/* ---- section parsers ---- */

static int parse_general(const struct where *w, const struct section *s, struct rs_config *cfg)
{
	return apply_fields(w, s, general_fields, ARRAY_SIZE(general_fields), &cfg->general);
}

static int parse_port(const struct where *w, const struct section *s, const char *arg,
		      struct rs_config *cfg)
{
	uint64_t id;
	struct rs_port_conf *p;

	if (parse_u64(arg, &id) != 0 || id >= RS_MAX_PORTS)
		return fail(w, NULL, "port number must be 0..%d", RS_MAX_PORTS - 1);
	p = &cfg->ports[id];
	if (p->present)
		return fail(w, NULL, "section given twice");
	if (apply_fields(w, s, port_fields, ARRAY_SIZE(port_fields), p) != 0)
		return -1;
	p->present = 1;
	if (id + 1 > cfg->n_ports)
		cfg->n_ports = (unsigned)id + 1;
	return 0;
}

static int parse_channel(const struct where *w, const struct section *s, const char *arg,
			 struct rs_config *cfg)
{
	const char *names[ARRAY_SIZE(channel_keys)];
	struct rs_channel_fields f = {.name = arg};
	struct rs_channel_conf *cc;

	for (unsigned i = 0; i < ARRAY_SIZE(channel_keys); i++)
		names[i] = channel_keys[i].name;
	if (check_keys(w, s, names, ARRAY_SIZE(names), NULL) != 0)
		return -1;
	for (unsigned i = 0; i < cfg->n_channels; i++)
		if (strcmp(cfg->channels[i].name, arg) == 0)
			return fail(w, NULL, "section given twice");
	for (int i = 0; i < s->n; i++) {
		int k = word_index(s->e[i].name, names, ARRAY_SIZE(names));
		*(const char **)((char *)&f + channel_keys[k].off) = s->e[i].value;
	}
	cc = &cfg->channels[cfg->n_channels];
	if (channel_make(w, &f, cc) != 0) {
		OPENSSL_cleanse(cc, sizeof(*cc));
		return -1;
	}
	cfg->n_channels++;
	return 0;
}

/* The [generator] fault-injection keys (faults, fault_channel, fault_port;
 * see struct rs_generator_conf). They are taken out of the section before
 * the table of plain keys sees the rest, so that table stays as it is.
 * rest->e points into s->e (not owned). */
static int parse_generator_faults(const struct where *w, const struct section *s,
				  struct section *rest, struct rte_cfgfile_entry *rest_e,
				  struct rs_generator_conf *g)
{
	static const struct field faults_field = {"faults", F_UINT, 0, 0, 0, 100, 0};
	static const struct field port_field = {"fault_port", F_U16, 0, 0, 0, RS_MAX_PORTS - 1, 0};

	memcpy(rest->name, s->name, sizeof(rest->name));
	rest->e = rest_e;
	rest->n = 0;
	for (int i = 0; i < s->n; i++) {
		const char *k = s->e[i].name, *v = s->e[i].value;
		int dup = 0;
		if (strncmp(k, "fault", 5) != 0) {
			rest_e[rest->n++] = s->e[i];
			continue;
		}
		for (int j = 0; j < i; j++)
			dup |= strcmp(k, s->e[j].name) == 0;
		if (dup)
			return fail(w, k, "given twice");
		if (strcmp(k, "faults") == 0) {
			if (set_field(w, &faults_field, v, (uint8_t *)&g->faults) != 0)
				return -1;
		} else if (strcmp(k, "fault_port") == 0) {
			if (set_field(w, &port_field, v, (uint8_t *)&g->fault_port) != 0)
				return -1;
			g->has_fault_port = 1;
		} else if (strcmp(k, "fault_channel") == 0) {
			if (!*v || strlen(v) >= sizeof(g->fault_channel))
				return fail(w, k, "must name a [channel NAME]");
			memcpy(g->fault_channel, v, strlen(v) + 1);
		} else {
			return fail(w, k, "unknown key in this section");
		}
	}
	return 0;
}

static int parse_generator(const struct where *w, const struct section *s, struct rs_config *cfg)
{
	struct rte_cfgfile_entry *rest_e = calloc((size_t)s->n + 1, sizeof(*rest_e));
	struct section rest;
	int rc = -1;

	if (!rest_e)
		return fail(w, NULL, "out of memory");
	if (parse_generator_faults(w, s, &rest, rest_e, &cfg->generator) == 0 &&
	    apply_fields(w, &rest, generator_fields, ARRAY_SIZE(generator_fields),
			 &cfg->generator) == 0)
		rc = 0;
	free(rest_e);
	if (rc)
		return -1;
	cfg->generator.enabled = 1;
	return 0;
}

/* The fault keys across sections: the channel exists and has keys, and the
 * fault port is a cipher port (the generator port is a clear one). Faults
 * go with the model traffic, not spread_channels. */
static int check_generator_faults(const char *path, const struct rs_config *cfg, char *err,
				  size_t err_size)
{
	const struct rs_generator_conf *g = &cfg->generator;
	struct where w = {path, "generator", err, err_size};
	unsigned c = 0;

	if (!g->enabled)
		return 0;
	if (!g->faults) {
		if (g->fault_channel[0] || g->has_fault_port)
			return fail(&w, "faults", "missing: fault_channel and fault_port need it");
		return 0;
	}
	if (!g->fault_channel[0])
		return fail(&w, "fault_channel", "missing (required when faults > 0)");
	while (c < cfg->n_channels && strcmp(cfg->channels[c].name, g->fault_channel) != 0)
		c++;
	if (c == cfg->n_channels)
		return fail(&w, "fault_channel", "no [channel %s]", g->fault_channel);
	if (cfg->channels[c].custom)
		return fail(&w, "fault_channel", "channel %s has mode custom: no SRTP to fault",
			    g->fault_channel);
	if (cfg->n_channels < 2)
		return fail(&w, "fault_channel", "needs another channel for the good traffic");
	if (g->has_fault_port &&
	    (g->fault_port >= cfg->n_ports || cfg->ports[g->fault_port].role != RS_ROLE_CIPHER))
		return fail(&w, "fault_port", "must be a configured cipher port");
	return 0;
}

/* [observer NAME]: library (required), channels (optional, comma-separated;
 * default every channel), args (optional, handed to the observer's init).
 * Kept as the --observer spec LIB.so[@CHAN,...][:ARGS]. */
static int parse_observer(const struct where *w, const struct section *s, struct rs_config *cfg)
{
	static const char *const known[] = {"library", "channels", "args"};
	const char *lib = NULL, *channels = NULL, *args = NULL;
	char list[RS_OBSERVER_SPEC_MAX];
	size_t n = 0;

	if (check_keys(w, s, known, ARRAY_SIZE(known), NULL) != 0)
		return -1;
	for (int i = 0; i < s->n; i++) {
		int k = word_index(s->e[i].name, known, ARRAY_SIZE(known));
		const char **slot = k == 0 ? &lib : k == 1 ? &channels : &args;
		*slot = s->e[i].value;
	}
	if (!lib)
		return fail(w, "library", "missing (path of the observer's .so)");
	if (strpbrk(lib, "@:"))
		return fail(w, "library", "a path with '@' or ':' cannot be loaded");
	if (cfg->n_observers == RS_CONFIG_MAX_OBSERVERS)
		return fail(w, NULL, "at most %d observers", RS_CONFIG_MAX_OBSERVERS);
	for (const char *p = channels; p && *p && n + 1 < sizeof(list); p++)
		if (*p != ' ' && *p != '\t')
			list[n++] = *p;
	list[n] = '\0';
	int len = snprintf(cfg->observers[cfg->n_observers], RS_OBSERVER_SPEC_MAX, "%s%s%s%s%s",
			   lib, n ? "@" : "", list, args ? ":" : "", args ? args : "");
	if (len < 0 || len >= RS_OBSERVER_SPEC_MAX)
		return fail(w, NULL, "library, channels and args too long together");
	cfg->n_observers++;
	return 0;
}

/* "port 3" -> kind "port", arg "3"; "general" -> arg "". once: the
 * [general] section was seen already. */
static int dispatch(const struct where *w, const struct section *s, struct rs_config *cfg,
		    int *once)
{
	const char *sp = strpbrk(s->name, " \t");
	size_t klen = sp ? (size_t)(sp - s->name) : strlen(s->name);
	const char *arg = sp ? skip_blank(sp) : "";
	int simple = !*arg;

	if (klen == 7 && strncmp(s->name, "general", 7) == 0 && simple) {
		if ((*once)++)
			return fail(w, NULL, "section given twice");
		return parse_general(w, s, cfg);
	}
	if (klen == 9 && strncmp(s->name, "generator", 9) == 0 && simple) {
		if (cfg->generator.enabled)
			return fail(w, NULL, "section given twice");
		return parse_generator(w, s, cfg);
	}
	if (klen == 4 && strncmp(s->name, "port", 4) == 0 && !simple)
		return parse_port(w, s, arg, cfg);
	if (klen == 7 && strncmp(s->name, "channel", 7) == 0 && !simple)
		return parse_channel(w, s, arg, cfg);
	if (klen == 8 && strncmp(s->name, "observer", 8) == 0 && !simple)
		return parse_observer(w, s, cfg);
	return fail(w, NULL,
		    "unknown section (expected [general], [port N], [channel NAME], "
		    "[observer NAME] or [generator])");
}

/* ---- checks across sections ---- */

static int check_ports(const char *path, struct rs_config *cfg, char *err, size_t err_size)
{
	char sec[16];
	struct where w = {path, sec, err, err_size};

	if (cfg->n_ports == 0) {
		snprintf(err, err_size, "%s: no [port N] section: at least one port is needed",
			 path);
		return -1;
	}
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		const struct rs_port_conf *p = &cfg->ports[i];
		snprintf(sec, sizeof(sec), "port %u", i);
		/* DPDK numbers the ports it finds from 0 */
		if (!p->present)
			return fail(&w, NULL,
				    "missing: ports are numbered from 0 without gaps "
				    "(the highest is [port %u])",
				    cfg->n_ports - 1);
		if (p->peer == i)
			return fail(&w, "peer", "a port cannot be its own peer");
		if (p->peer >= cfg->n_ports || !cfg->ports[p->peer].present)
			return fail(&w, "peer", "port %u is not configured (no [port %u])", p->peer,
				    p->peer);
		if (cfg->ports[p->peer].role == p->role)
			return fail(&w, "peer",
				    "port %u has role %s too: a clear port's peer must be a "
				    "cipher port and the other way round",
				    p->peer, p->role == RS_ROLE_CLEAR ? "clear" : "cipher");
	}
	if (cfg->generator.enabled) {
		const struct rs_generator_conf *g = &cfg->generator;
		snprintf(sec, sizeof(sec), "generator");
		if (g->port >= cfg->n_ports || !cfg->ports[g->port].present)
			return fail(&w, "port", "port %u is not configured (no [port %u])", g->port,
				    g->port);
		if (cfg->ports[g->port].role != RS_ROLE_CLEAR)
			return fail(&w, "port",
				    "port %u has role cipher: the generator makes "
				    "clear RTP and feeds a clear port",
				    g->port);
	}
	return 0;
}

static int check_matches(const char *path, const struct rs_config *cfg, char *err, size_t err_size)
{
	char sec[CFG_NAME_LEN + 8], text[RS_MATCH_TEXT_MAX];
	struct where w = {path, sec, err, err_size};

	for (unsigned a = 0; a < cfg->n_channels; a++) {
		const struct rs_channel_conf *ca = &cfg->channels[a];
		for (unsigned b = 0; b < a; b++) {
			const struct rs_channel_conf *cb = &cfg->channels[b];
			for (unsigned i = 0; i < ca->n_match; i++) {
				for (unsigned j = 0; j < cb->n_match; j++) {
					if (!rs_match_equal(&ca->match[i], &cb->match[j]))
						continue;
					snprintf(sec, sizeof(sec), "channel %s", ca->name);
					rs_match_format(&ca->match[i], text, sizeof(text));
					return fail(&w, "match",
						    "%s is already matched by channel %s", text,
						    cb->name);
				}
			}
		}
	}
	return 0;
}

/* Table sizes against what the file asks of them. */
static int check_sizes(const char *path, const struct rs_config *cfg, char *err, size_t err_size)
{
	const struct rs_generator_conf *g = &cfg->generator;
	unsigned max = cfg->general.max_channels;
	struct where w = {path, "general", err, err_size};

	if (max && max < cfg->n_channels)
		return fail(&w, "max_channels",
			    "%u is fewer than the %u channels this file defines", max,
			    cfg->n_channels);
	if (!g->enabled || !g->spread_channels)
		return 0;
	w.section = "generator";
	if ((uint64_t)g->spread_channels * g->streams_per_channel > RS_GEN_SPREAD_STREAMS_MAX)
		return fail(&w, "spread_channels",
			    "%u channels x %u streams_per_channel is more than %u streams",
			    g->spread_channels, g->streams_per_channel, RS_GEN_SPREAD_STREAMS_MAX);
	if ((uint64_t)g->spread_channels + cfg->n_channels >
	    (max ? max : (uint64_t)cfg->n_channels + RS_EXTRA_CHANNELS))
		return fail(&w, "spread_channels",
			    "%u channels do not fit the channel table: set [general] max_channels "
			    "to at least %u",
			    g->spread_channels, g->spread_channels + cfg->n_channels);
	return 0;
}

/* ---- the file ---- */

/*
 * What rte_cfgfile would accept silently or refuse without a reason: a
 * line that is neither [section] nor key = value, a key before any
 * section, names and values it would truncate, lines it cannot read.
 * Mirrors its comment rule: the first ';' not preceded by '\' starts one.
 */
struct lint {
	const char *path;
	unsigned line;
	char section[LINE_MAX_LEN];
	char *err;
	size_t err_size;
};

static int lint_fail(const struct lint *l, const char *key, const char *why)
{
	snprintf(l->err, l->err_size, "%s:%u: [%s] %s%s%s", l->path, l->line,
		 l->section[0] ? l->section : "(before any section)", key ? key : "",
		 key ? ": " : "", why);
	return -1;
}

/* Whitespace as rte_cfgfile strips it (isspace), so that what the lint
 * sees is what rte_cfgfile will see: a line starting with a form feed or a
 * vertical tab gets a reason with its line number, not "could not parse". */
static char *trim(char *s, char *end)
{
	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static int lint_line(struct lint *l, char *line, size_t len)
{
	char *c = memchr(line, ';', len), *eq, *s, *name, *value;

	if (len > LINE_MAX_LEN)
		return lint_fail(l, NULL, "line longer than 322 characters (rte_cfgfile's limit)");
	if (c && (c == line || c[-1] != '\\'))
		*c = '\0';
	s = trim(line, line + strlen(line));
	if (!*s)
		return 0;
	if (*s == '[') {
		char *end = strchr(s, ']');
		char *after;
		if (!end)
			return lint_fail(l, NULL, "section header without ']'");
		after = end + 1;
		name = trim(s + 1, end);
		snprintf(l->section, sizeof(l->section), "%.*s%s", CFG_NAME_LEN - 1, name,
			 strlen(name) >= CFG_NAME_LEN ? "..." : "");
		if (strlen(name) >= CFG_NAME_LEN)
			return lint_fail(l, NULL,
					 "section name longer than 63 characters "
					 "(a channel name in a file: at most 55)");
		if (*trim(after, after + strlen(after)))
			return lint_fail(l, NULL, "text after the section header's ']'");
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq)
		return lint_fail(l, NULL,
				 "expected 'key = value' or '[section]' "
				 "(comments start with ';')");
	*eq = '\0';
	name = trim(s, eq);
	value = trim(eq + 1, eq + 1 + strlen(eq + 1));
	if (!*name)
		return lint_fail(l, NULL, "'=' without a key name before it");
	if (strlen(name) >= CFG_NAME_LEN)
		return lint_fail(l, NULL, "key name longer than 63 characters");
	if (!l->section[0])
		return lint_fail(l, name, "outside any section");
	if (strlen(value) >= CFG_VALUE_LEN)
		return lint_fail(l, name,
				 "value longer than 255 characters (use key_file for "
				 "a long key)");
	return 0;
}

static int lint_file(const char *path, char *err, size_t err_size)
{
	struct lint l = {path, 0, "", err, err_size};
	char iobuf[4096];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	/* our buffer, so the copy of the file stdio keeps can be wiped */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		l.line++;
		if (memchr(line, '\0', (size_t)n))
			rc = lint_fail(&l, NULL, "NUL byte in the line");
		else
			rc = lint_line(&l, line, (size_t)(n && line[n - 1] == '\n' ? n - 1 : n));
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, err_size, "%s: read error", path);
		rc = -1;
	}
	fclose(f);
	if (line) {
		OPENSSL_cleanse(line, cap);
		free(line);
	}
	OPENSSL_cleanse(iobuf, sizeof(iobuf));
	return rc;
}

/* rte_cfgfile keeps its own copy of every value and frees it unwiped:
 * overwrite the key and salt entries in place first. */
static void cfgfile_wipe_close(struct rte_cfgfile *cf)
{
	static const char *const secret[] = {"key", "salt"};
	char filler[CFG_VALUE_LEN], name[CFG_NAME_LEN];
	int n = rte_cfgfile_num_sections(cf, NULL, 0);

	memset(filler, 'x', sizeof(filler) - 1);
	filler[sizeof(filler) - 1] = '\0';
	for (int i = 0; i < n; i++) {
		if (rte_cfgfile_section_num_entries_by_index(cf, name, i) <= 0)
			continue;
		for (unsigned k = 0; k < ARRAY_SIZE(secret); k++)
			if (rte_cfgfile_has_entry(cf, name, secret[k]))
				rte_cfgfile_set_entry(cf, name, secret[k], filler);
	}
	rte_cfgfile_close(cf);
}

static int parse_sections(const char *path, struct rte_cfgfile *cf, struct rs_config *cfg,
			  char *err, size_t err_size)
{
	int n = rte_cfgfile_num_sections(cf, NULL, 0);
	int rc = 0, general_seen = 0;

	cfg->channels = calloc(n > 0 ? (size_t)n : 1, sizeof(*cfg->channels));
	if (!cfg->channels) {
		snprintf(err, err_size, "%s: out of memory", path);
		return -1;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		struct section s;
		struct where w = {path, s.name, err, err_size};
		if (section_get(cf, i, &s) != 0) {
			snprintf(err, err_size, "%s: cannot read section %d", path, i + 1);
			return -1;
		}
		rc = dispatch(&w, &s, cfg, &general_seen);
		section_release(&s);
	}
	return rc;
}

static void config_defaults(struct rs_config *cfg, const char *path)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	cfg->general.replay_window = 1024;
	cfg->general.burst = 32;
	cfg->general.rekey_overlap_ms = 2000;
	cfg->general.non_media = RS_PASS;
	cfg->general.fragments = RS_PASS;
	cfg->general.ipv6_ext = RS_PASS;
	cfg->general.no_channel = RS_DROP;
	cfg->general.max_channels = 0; /* the file's channels + RS_EXTRA_CHANNELS */
	cfg->general.max_streams = RS_DEFAULT_MAX_STREAMS;
	cfg->generator.rate_pps = 0;
	cfg->generator.streams_per_channel = 4;
	cfg->generator.audio_share = 70;
	cfg->generator.seed = 1;
	cfg->generator.audio_payload = 0;
	cfg->generator.video_payload = 0;
	cfg->generator.udp_checksum = 1;
	cfg->generator.rtcp = 1;
}

int rs_config_load(const char *path, struct rs_config *cfg, char *err, size_t err_size)
{
	struct rte_cfgfile_parameters params = {.comment_character = ';'};
	struct rte_cfgfile *cf;
	int rc;

	config_defaults(cfg, path);
	if (strlen(path) >= sizeof(cfg->path)) {
		snprintf(err, err_size, "%.64s...: path longer than %d characters", path,
			 RS_PATH_MAX - 1);
		return -1;
	}
	if (lint_file(path, err, err_size) != 0)
		return -1;
	cf = rte_cfgfile_load_with_params(path, CFG_FLAG_EMPTY_VALUES, &params);
	if (!cf) {
		snprintf(err, err_size, "%s: rte_cfgfile could not parse it", path);
		return -1;
	}
	rc = parse_sections(path, cf, cfg, err, err_size);
	cfgfile_wipe_close(cf);
	if (rc == 0)
		rc = check_ports(path, cfg, err, err_size);
	if (rc == 0)
		rc = check_matches(path, cfg, err, err_size);
	if (rc == 0)
		rc = check_sizes(path, cfg, err, err_size);
	if (rc == 0)
		rc = check_generator_faults(path, cfg, err, err_size);
	if (rc != 0)
		rs_config_free(cfg);
	return rc;
}

void rs_config_free(struct rs_config *cfg)
{
	if (!cfg)
		return;
	if (cfg->channels) {
		OPENSSL_cleanse(cfg->channels, sizeof(*cfg->channels) * cfg->n_channels);
		free(cfg->channels);
	}
	memset(cfg, 0, sizeof(*cfg));
}
