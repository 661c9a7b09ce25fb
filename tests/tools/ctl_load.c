/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_load: many control requests over one connection, pipelined (up to
 * --window requests in flight), for perf/scale.sh and tests/scale_test.sh.
 *
 *   ctl_load SOCK add FIRST COUNT [--window W] [--prefix P]
 *       channel.add for channels FIRST .. FIRST+COUNT-1: name P<i> (default
 *       "s"), mode AEAD_AES_128_GCM, a key and salt derived from i
 *       (ctl_load key i prints them), match rs_gen_spread_addr(i):5004 --
 *       the channels [generator] spread_channels sends to.
 *   ctl_load SOCK check FIRST COUNT SAMPLES [--window W] [--prefix P] [--seed S]
 *       channel.stats for SAMPLES channels drawn from that range: each must
 *       exist with its match; counts those with sealed_packets > 0.
 *   ctl_load SOCK remove FIRST COUNT [--window W] [--prefix P]
 *   ctl_load key I                       the key and salt (hex) of channel I
 *
 * Prints one JSON line: {"cmd":..,"requests":N,"ok":N,"failed":N,
 * "seconds":S,"per_s":R[,"sealed_nonzero":N][,"first_error":".."]}.
 * Exit status: 0 every request ok, 1 some failed or the connection broke,
 * 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rs_gen_spread.h"

#define LINE_MAX_BYTES 1024
#define IN_MAX	       (1 << 20)

enum op { OP_ADD, OP_CHECK, OP_REMOVE };

struct load {
	enum op op;
	unsigned first, count, samples, window;
	const char *prefix;
	uint64_t seed;
	/* progress */
	unsigned next; /* requests made */
	unsigned done; /* replies read */
	unsigned ok, failed, sealed_nonzero;
	char first_error[256];
	unsigned *sample; /* OP_CHECK: channel of each request */
};

static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void key_hex(unsigned i, char key[33], char salt[25])
{
	uint64_t a = mix64(i * 4ull), b = mix64(i * 4ull + 1), c = mix64(i * 4ull + 2);

	snprintf(key, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
	snprintf(salt, 25, "%016llx%08x", (unsigned long long)c, (unsigned)(mix64(i * 4ull + 3)));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int make_request(struct load *l, char *out, size_t size)
{
	unsigned i;
	uint8_t a[4];

	switch (l->op) {
	case OP_ADD: {
		char key[33], salt[25];
		i = l->first + l->next;
		key_hex(i, key, salt);
		rs_gen_spread_addr(i, a);
		return snprintf(
		    out, size,
		    "{\"cmd\":\"channel.add\",\"name\":\"%s%u\",\"mode\":\"AEAD_AES_128_"
		    "GCM\",\"key\":\"%s\",\"salt\":\"%s\",\"match\":[\"%u.%u.%u.%u:%u\"]}\n",
		    l->prefix, i, key, salt, a[0], a[1], a[2], a[3], (unsigned)RS_GEN_SPREAD_PORT);
	}
	case OP_CHECK:
		i = l->sample[l->next];
		return snprintf(out, size, "{\"cmd\":\"channel.stats\",\"name\":\"%s%u\"}\n",
				l->prefix, i);
	case OP_REMOVE:
		i = l->first + l->next;
		return snprintf(out, size, "{\"cmd\":\"channel.remove\",\"name\":\"%s%u\"}\n",
				l->prefix, i);
	}
	return -1;
}

static void on_reply(struct load *l, const char *line)
{
	int ok = strstr(line, "\"ok\":true") != NULL;

	if (ok && l->op == OP_CHECK) {
		/* the match the pattern gives that channel */
		unsigned i = l->sample[l->done];
		char want[64];
		uint8_t a[4];
		const char *s;
		rs_gen_spread_addr(i, a);
		snprintf(want, sizeof(want), "\"%u.%u.%u.%u:%u\"", a[0], a[1], a[2], a[3],
			 (unsigned)RS_GEN_SPREAD_PORT);
		if (!strstr(line, want)) {
			ok = 0;
			if (!l->first_error[0])
				snprintf(l->first_error, sizeof(l->first_error),
					 "channel %s%u: match is not %s", l->prefix, i, want);
		}
		s = strstr(line, "\"sealed_packets\":");
		if (s && strtoull(s + 17, NULL, 10) > 0)
			l->sealed_nonzero++;
	}
	if (ok) {
		l->ok++;
	} else {
		l->failed++;
		if (!l->first_error[0]) {
			const char *e = strstr(line, "\"error\":\"");
			snprintf(l->first_error, sizeof(l->first_error), "%.200s",
				 e ? e + 9 : line);
			char *q = strchr(l->first_error, '"');
			if (q)
				*q = '\0';
		}
	}
	l->done++;
}

static int run(int fd, struct load *l)
{
	static char in[IN_MAX];
	char out[64 * LINE_MAX_BYTES];
	size_t out_len = 0, out_off = 0, in_len = 0;
	unsigned total = l->op == OP_CHECK ? l->samples : l->count;
	double last_progress = now_s();

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (l->done < total) {
		/* fill the output buffer while the window has room */
		while (out_off == out_len && l->next < total && l->next - l->done < l->window) {
			out_len = 0;
			out_off = 0;
			while (l->next < total && l->next - l->done < l->window &&
			       out_len + LINE_MAX_BYTES <= sizeof(out)) {
				int n = make_request(l, out + out_len, LINE_MAX_BYTES);
				if (n <= 0 || n >= LINE_MAX_BYTES)
					return -1;
				out_len += (size_t)n;
				l->next++;
			}
		}
		struct pollfd p = {.fd = fd, .events = POLLIN | (out_off < out_len ? POLLOUT : 0)};
		if (poll(&p, 1, 10000) <= 0) {
			fprintf(stderr, "ctl_load: no progress for 10 s (%u of %u replies)\n",
				l->done, total);
			return -1;
		}
		if (p.revents & POLLOUT) {
			ssize_t n = send(fd, out + out_off, out_len - out_off, MSG_NOSIGNAL);
			if (n > 0)
				out_off += (size_t)n;
			else if (errno != EAGAIN && errno != EINTR)
				return -1;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(fd, in + in_len, sizeof(in) - 1 - in_len, 0);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0)
				return -1;
			in_len += (size_t)n;
			char *start = in, *nl;
			while ((nl = memchr(start, '\n', in_len - (size_t)(start - in))) != NULL) {
				*nl = '\0';
				on_reply(l, start);
				start = nl + 1;
			}
			in_len -= (size_t)(start - in);
			memmove(in, start, in_len);
			if (in_len == sizeof(in) - 1)
				return -1;
		}
		if (now_s() - last_progress >= 5) {
			last_progress = now_s();
			fprintf(stderr, "ctl_load: %u of %u\n", l->done, total);
		}
	}
	return 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "ctl_load: connect %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int usage(void)
{
	fputs("usage: ctl_load SOCK add|remove FIRST COUNT [--window W] [--prefix P]\n"
	      "       ctl_load SOCK check FIRST COUNT SAMPLES [--window W] [--prefix P] "
	      "[--seed S]\n"
	      "       ctl_load key I\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct load l = {.window = 256, .prefix = "s", .seed = 1};
	const char *names[] = {"add", "check", "remove"};
	int a, fd, rc;
	double t0, secs;

	if (argc == 3 && !strcmp(argv[1], "key")) {
		char key[33], salt[25];
		key_hex((unsigned)strtoul(argv[2], NULL, 10), key, salt);
		printf("%s %s\n", key, salt);
		return 0;
	}
	if (argc < 5)
		return usage();
	if (!strcmp(argv[2], "add"))
		l.op = OP_ADD;
	else if (!strcmp(argv[2], "check"))
		l.op = OP_CHECK;
	else if (!strcmp(argv[2], "remove"))
		l.op = OP_REMOVE;
	else
		return usage();
	l.first = (unsigned)strtoul(argv[3], NULL, 10);
	l.count = (unsigned)strtoul(argv[4], NULL, 10);
	a = 5;
	if (l.op == OP_CHECK) {
		if (argc < 6)
			return usage();
		l.samples = (unsigned)strtoul(argv[5], NULL, 10);
		a = 6;
	}
	for (; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--window"))
			l.window = (unsigned)strtoul(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "--prefix"))
			l.prefix = argv[a + 1];
		else if (!strcmp(argv[a], "--seed"))
			l.seed = strtoull(argv[a + 1], NULL, 10);
		else
			return usage();
	}
	if (a != argc || !l.count || !l.window)
		return usage();
	if (l.op == OP_CHECK) {
		l.sample = calloc(l.samples ? l.samples : 1, sizeof(*l.sample));
		if (!l.sample)
			return 1;
		for (unsigned k = 0; k < l.samples; k++)
			l.sample[k] =
			    l.first + (unsigned)(mix64(l.seed * 1000003ull + k) % l.count);
	}
	fd = connect_to(argv[1]);
	if (fd < 0) {
		free(l.sample);
		return 1;
	}
	t0 = now_s();
	rc = run(fd, &l);
	secs = now_s() - t0;
	close(fd);
	printf("{\"cmd\":\"%s\",\"requests\":%u,\"ok\":%u,\"failed\":%u,\"seconds\":%.3f,"
	       "\"per_s\":%.0f",
	       names[l.op], l.done, l.ok, l.failed, secs, secs > 0 ? l.done / secs : 0.0);
	if (l.op == OP_CHECK)
		printf(",\"sealed_nonzero\":%u", l.sealed_nonzero);
	if (l.first_error[0])
		printf(",\"first_error\":\"%s\"", l.first_error);
	printf("%s}\n", rc < 0 ? ",\"broken\":true" : "");
	free(l.sample);
	return rc < 0 || l.failed ? 1 : 0;
}
