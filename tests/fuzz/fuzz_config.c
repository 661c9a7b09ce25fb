/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the INI config parser. Each input is the text of a
 * config file, written to a memfd and loaded through its /proc/self/fd
 * path, then freed.
 *
 * Checks: a refused file has a message naming the file, with a reason
 * (never rte_cfgfile's bare "could not parse it"), and leaves nothing
 * allocated; a loaded one keeps the limits config.h states; and no message
 * quotes 20 characters of a key or salt value (see check_no_secret).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_config: %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define SECRET_MIN 20

static int memfd = -1;
static char path[64];

static void write_input(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (memfd < 0) {
		memfd = memfd_create("fuzz.conf", MFD_CLOEXEC);
		CHECK(memfd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	CHECK(ftruncate(memfd, 0) == 0);
	while (done < size) {
		ssize_t n = pwrite(memfd, data + done, size - done, (off_t)done);
		CHECK(n > 0);
		done += (size_t)n;
	}
}

/* Skip blanks and tabs. */
static const char *blank(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Every letter and digit changed to another of its kind (hex stays hex,
 * base64 stays base64, the length stays), past an SDES "inline:" prefix. */
static void shift_chars(char *s, size_t n)
{
	size_t i = n >= 7 && !strncmp(s, "inline:", 7) ? 7 : 0;

	for (; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			s[i] = c == '9' ? '0' : (char)(c + 1);
		else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
			s[i] = (c | 0x20) == 'f' ? (char)(c - 5) : (char)(c + 1);
		else if ((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z'))
			s[i] = (c | 0x20) == 'z' ? (char)(c - 19) : (char)(c + 1);
	}
}

/* Where the value of a "key = VALUE" or "salt = VALUE" line is (a ';' not
 * after '\' starts a comment); 0 if the line is no such line. */
static size_t secret_value(const char *line, const char *stop, const char **value)
{
	const char *p = blank(line, stop), *v, *ve;
	size_t name_len = 0;

	if (stop - p > 4 && !strncmp(p, "salt", 4))
		name_len = 4;
	else if (stop - p > 3 && !strncmp(p, "key", 3))
		name_len = 3;
	p = blank(p + name_len, stop);
	if (!name_len || p == stop || *p != '=')
		return 0;
	v = blank(p + 1, stop);
	ve = v;
	while (ve < stop && !(*ve == ';' && ve[-1] != '\\'))
		ve++;
	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
		ve--;
	*value = v;
	return (size_t)(ve - v);
}

/* Does the message hold SECRET_MIN characters of value that the file holds
 * nowhere else? Returns where in value they start, or -1. */
static long quoted_at(const char *text, const char *value, size_t n, const char *err)
{
	char window[SECRET_MIN + 1];

	for (size_t at = 0; at + SECRET_MIN <= n; at++) {
		const char *first;
		memcpy(window, value + at, SECRET_MIN);
		window[SECRET_MIN] = '\0';
		if (!strstr(err, window))
			continue;
		first = strstr(text, window);
		if (first == value + at && !strstr(first + 1, window))
			return (long)at;
	}
	return -1;
}

/*
 * No message quotes a key or salt. A message holding SECRET_MIN characters
 * of such a value that the file holds nowhere else is suspect, but its own
 * text can happen to match (the fuzzer can type "10.0.0.2:5004, *:6000" as
 * a key): the file is loaded again with the value's letters and digits
 * shifted, and only if that message holds the shifted text (which the file
 * holds nowhere else either) was it quoted.
 */
static void check_no_secret(char *text, size_t size, const char *err)
{
	char *line = text, *end = text + size;

	while (line < end) {
		char *eol = memchr(line, '\n', (size_t)(end - line));
		char *stop = eol ? eol : end;
		const char *v = NULL;
		size_t n = secret_value(line, stop, &v);
		long at = n >= SECRET_MIN ? quoted_at(text, v, n, err) : -1;

		if (at >= 0) {
			struct rs_config cfg;
			char err2[RS_ERR_MSG_MAX] = "";
			char *value = text + (v - text);
			char before[SECRET_MIN + 1], after[SECRET_MIN + 1];

			memcpy(before, value + at, SECRET_MIN);
			before[SECRET_MIN] = '\0';
			shift_chars(value, n);
			memcpy(after, value + at, SECRET_MIN);
			after[SECRET_MIN] = '\0';
			write_input((const uint8_t *)text, size);
			if (rs_config_load(path, &cfg, err2, sizeof(err2)) == 0)
				rs_config_free(&cfg);
			else if (strcmp(before, after) && strstr(err2, after) &&
				 quoted_at(text, value + at, SECRET_MIN, err2) == 0) {
				fprintf(stderr, "fuzz_config: message quotes a key or salt: %s\n",
					err);
				abort();
			}
			return;
		}
		line = eol ? eol + 1 : end;
	}
}

static void check_loaded(const struct rs_config *cfg)
{
	CHECK(cfg->general.replay_window >= 64 && cfg->general.replay_window <= 32768);
	CHECK(cfg->general.burst >= 1 && cfg->general.burst <= 64);
	CHECK(cfg->n_ports <= RS_MAX_PORTS);
	CHECK(cfg->n_observers <= RS_CONFIG_MAX_OBSERVERS);
	CHECK(cfg->general.control_socket[sizeof(cfg->general.control_socket) - 1] == '\0');
	for (unsigned i = 0; i < cfg->n_channels; i++) {
		const struct rs_channel_conf *c = &cfg->channels[i];
		size_t n = strnlen(c->name, sizeof(c->name));
		CHECK(n > 0 && n < sizeof(c->name));
		CHECK(c->n_match >= 1 && c->n_match <= RS_MAX_MATCHES);
		CHECK(c->custom || c->master.key_len == 16 || c->master.key_len == 32);
		for (unsigned pt = 0; pt < 128; pt++)
			CHECK(c->pt_map.cls[pt] < RS_CLASS_COUNT);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rs_config cfg;
	char err[RS_ERR_MSG_MAX];
	char *text;
	int rc;

	write_input(data, size);
	err[0] = '\0';
	rc = rs_config_load(path, &cfg, err, sizeof(err));
	if (rc == 0) {
		check_loaded(&cfg);
		rs_config_free(&cfg);
		return 0;
	}
	CHECK(rc == -1);
	CHECK(cfg.channels == NULL);
	CHECK(err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
	CHECK(strncmp(err, path, strlen(path)) == 0);
	/* the lint before rte_cfgfile refuses everything rte_cfgfile would,
	 * with a line number and a reason: its own bare "could not parse it"
	 * is never what the user gets */
	char bare[sizeof(err)];
	snprintf(bare, sizeof(bare), "%s: rte_cfgfile could not parse it", path);
	CHECK(strcmp(err, bare) != 0);
	/* a NUL-terminated copy for the text searches; a file with a NUL
	 * in it is refused for that, quoting nothing */
	if (memchr(data, '\0', size))
		return 0;
	text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	check_no_secret(text, size, err);
	free(text);
	return 0;
}
