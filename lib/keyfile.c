/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key files: the one place a key is read from disk, shared by the daemon's
 * config and control socket and by rtpsealctl. A file anyone but its owner
 * can read is refused: a key that others could have copied is not secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "rs_keys.h"

int rs_key_file_read(const char *path, char *buf, size_t buf_size, char *err, size_t err_size)
{
	struct stat st;
	size_t len = 0;
	ssize_t got;
	int fd;

	if (buf_size < 2 || buf_size > INT_MAX) {
		snprintf(err, err_size, "%s: buffer size %zu out of range", path, buf_size);
		return -1;
	}
	/* O_NONBLOCK: opening a FIFO must not hang; fstat refuses it next */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, err_size, "%s: not a regular file", path);
		goto refuse;
	}
	if (st.st_mode & 077) {
		snprintf(err, err_size,
			 "%s: group/world accessible (mode %04o); run chmod 600 on it", path,
			 (unsigned)(st.st_mode & 07777));
		goto refuse;
	}
	while (len < buf_size) {
		got = read(fd, buf + len, buf_size - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, err_size, "%s: read failed: %s", path, strerror(errno));
			goto refuse;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (len >= buf_size) {
		snprintf(err, err_size, "%s: longer than %zu bytes", path, buf_size - 1);
		goto refuse;
	}
	close(fd);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (len == 0) {
		snprintf(err, err_size, "%s: empty", path);
		return -1;
	}
	return (int)len;
refuse:
	close(fd);
	OPENSSL_cleanse(buf, buf_size);
	return -1;
}
