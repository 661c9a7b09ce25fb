/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_client: raw socket behaviour for tests/control_test.sh that rtpsealctl
 * cannot produce (it always sends one whole line per write), and a DPDK
 * telemetry v2 client.
 *
 *   ctl_client SOCK send [-d MS] CHUNK...  write each CHUNK as one write(),
 *                                          MS ms apart (default 50); then print
 *                                          one reply line per '\n' sent, or
 *                                          "EOF" if the daemon closed first (a
 *                                          write that fails: what the daemon
 *                                          sent before, then "EOF")
 *   ctl_client SOCK pad N                  one request line of exactly N bytes
 *                                          ({"cmd":"ping"} padded with blanks)
 *                                          plus '\n', written while reading;
 *                                          print the replies, then "EOF" if the
 *                                          daemon closed the connection within
 *                                          0.3 s, else "TIMEOUT"
 *   ctl_client SOCK hangup TEXT            write TEXT (no newline), close
 *   ctl_client SOCK clients N              hold N connections open at once,
 *                                          then ping on each: "I REPLY" lines
 *   ctl_client tel PATH CMD...             telemetry v2 (SOCK_SEQPACKET): one
 *                                          reply line per CMD
 *
 * Exit status: 0 done, 1 socket error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REPLY_MAX     (1 << 20)
#define TIMEOUT_MS    5000
#define CLOSE_WAIT_MS 300
#define MAX_CLIENTS   64
#define TEL_REPLY_MAX (1 << 16)

static void usage(FILE *to)
{
	fputs("usage: ctl_client SOCK send [-d MS] CHUNK...\n"
	      "       ctl_client SOCK pad N\n"
	      "       ctl_client SOCK hangup TEXT\n"
	      "       ctl_client SOCK clients N\n"
	      "       ctl_client tel PATH CMD...\n",
	      to);
}

static int connect_to(const char *path, int type)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "ctl_client: path too long: %s\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "ctl_client: connect %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Write out[0..len) while reading replies; print each reply line. Stops when
 * `want` lines were printed after everything was written, at EOF ("EOF" is
 * printed), or after timeout_ms ("TIMEOUT"). Returns the lines printed.
 */
static int converse(int fd, const char *out, size_t len, int want, int timeout_ms)
{
	static char in[REPLY_MAX];
	size_t sent = 0, got = 0;
	int lines = 0;
	long long deadline = now_ms() + timeout_ms;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN | (sent < len ? POLLOUT : 0)};
		long long left = deadline - now_ms();
		if (sent == len && lines >= want)
			return lines;
		if (left <= 0) {
			printf("TIMEOUT\n");
			return lines;
		}
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		if (p.revents & POLLOUT) {
			ssize_t n = send(fd, out + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (errno != EAGAIN && errno != EINTR)
				sent = len; /* the peer is gone: read what it said */
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(fd, in + got, sizeof(in) - 1 - got, 0);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				if (got) {
					in[got] = '\0';
					printf("%s\n", in);
				}
				printf("EOF\n");
				return lines;
			}
			got += (size_t)n;
			char *nl;
			while ((nl = memchr(in, '\n', got)) != NULL) {
				size_t used = (size_t)(nl - in) + 1;
				printf("%.*s\n", (int)(used - 1), in);
				lines++;
				memmove(in, in + used, got - used);
				got -= used;
			}
			if (got == sizeof(in) - 1) {
				printf("OVERLONG REPLY\n");
				return lines;
			}
		}
	}
}

static int cmd_send(const char *path, int argc, char **argv)
{
	int delay_ms = 50, first = 0, want = 0;
	int fd;

	if (argc >= 2 && !strcmp(argv[0], "-d")) {
		delay_ms = atoi(argv[1]);
		first = 2;
	}
	if (first >= argc)
		return 2;
	fd = connect_to(path, SOCK_STREAM);
	if (fd < 0)
		return 1;
	for (int i = first; i < argc; i++) {
		size_t len = strlen(argv[i]);
		for (size_t k = 0; k < len; k++)
			want += argv[i][k] == '\n';
		if (send(fd, argv[i], len, MSG_NOSIGNAL) != (ssize_t)len) {
			/* the daemon hung up: print what it said, then EOF */
			fprintf(stderr, "ctl_client: send: %s\n", strerror(errno));
			want = 1 << 30;
			break;
		}
		if (i + 1 < argc)
			usleep((useconds_t)delay_ms * 1000);
	}
	converse(fd, "", 0, want, TIMEOUT_MS);
	close(fd);
	return 0;
}

static int cmd_pad(const char *path, const char *count)
{
	static const char head[] = "{\"cmd\":\"ping\"";
	long n = atol(count);
	char *line;
	int fd;

	if (n < (long)sizeof(head) || n > REPLY_MAX)
		return 2;
	line = malloc((size_t)n + 1);
	if (!line)
		return 1;
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, ' ', (size_t)n - sizeof(head));
	line[n - 1] = '}';
	line[n] = '\n';
	fd = connect_to(path, SOCK_STREAM);
	if (fd < 0) {
		free(line);
		return 1;
	}
	/* one reply is all a line gets; then wait a little for a close
	 * ("TIMEOUT": the connection stayed open) */
	if (converse(fd, line, (size_t)n + 1, 1, TIMEOUT_MS) == 1)
		converse(fd, "", 0, 1 << 30, CLOSE_WAIT_MS);
	close(fd);
	free(line);
	return 0;
}

static int cmd_hangup(const char *path, const char *text)
{
	int fd = connect_to(path, SOCK_STREAM);

	if (fd < 0)
		return 1;
	if (send(fd, text, strlen(text), MSG_NOSIGNAL) != (ssize_t)strlen(text))
		fprintf(stderr, "ctl_client: send: %s\n", strerror(errno));
	close(fd);
	return 0;
}

static int cmd_clients(const char *path, const char *count)
{
	int n = atoi(count);
	int fds[MAX_CLIENTS];

	if (n < 1 || n > MAX_CLIENTS)
		return 2;
	for (int i = 0; i < n; i++) {
		fds[i] = connect_to(path, SOCK_STREAM);
		if (fds[i] < 0)
			return 1;
		usleep(20 * 1000); /* accepted in this order */
	}
	for (int i = 0; i < n; i++) {
		static const char ping[] = "{\"cmd\":\"ping\"}\n";
		printf("%d ", i + 1);
		fflush(stdout);
		converse(fds[i], ping, sizeof(ping) - 1, 1, TIMEOUT_MS);
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}

static int cmd_tel(const char *path, int argc, char **argv)
{
	static char buf[TEL_REPLY_MAX];
	int fd = connect_to(path, SOCK_SEQPACKET);
	ssize_t n;

	if (fd < 0)
		return 1;
	n = recv(fd, buf, sizeof(buf) - 1, 0); /* the greeting */
	if (n <= 0) {
		fprintf(stderr, "ctl_client: no telemetry greeting\n");
		close(fd);
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		if (send(fd, argv[i], strlen(argv[i]), MSG_NOSIGNAL) < 0) {
			fprintf(stderr, "ctl_client: send: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0) {
			fprintf(stderr, "ctl_client: no telemetry reply to %s\n", argv[i]);
			close(fd);
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", buf);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "tel"))
		rc = cmd_tel(argv[2], argc - 3, argv + 3);
	else if (argc >= 4 && !strcmp(argv[2], "send"))
		rc = cmd_send(argv[1], argc - 3, argv + 3);
	else if (argc == 4 && !strcmp(argv[2], "pad"))
		rc = cmd_pad(argv[1], argv[3]);
	else if (argc == 4 && !strcmp(argv[2], "hangup"))
		rc = cmd_hangup(argv[1], argv[3]);
	else if (argc == 4 && !strcmp(argv[2], "clients"))
		rc = cmd_clients(argv[1], argv[3]);
	if (rc == 2)
		usage(stderr);
	return rc;
}
