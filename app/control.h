/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane (DESIGN §6): a control thread (not a polling lcore)
 * serving JSON lines on a UNIX stream socket, mode 0600, to peers with the
 * owner's uid only. It is the channel table's only writer while workers run.
 */
#ifndef RS_APP_CONTROL_H
#define RS_APP_CONTROL_H

#include "app.h"

#define RS_CTL_REQUEST_MAX 65535 /* bytes in one request line, newline excluded */

struct rs_control;

/* Create the socket and start the thread; NULL with a message when the
 * socket cannot be served. Without a control_socket in the config, returns
 * NULL with err empty. */
struct rs_control *rs_control_start(struct rs_app *app, char *err, size_t err_size);

/* Stop the thread, close and unlink the socket. */
void rs_control_stop(struct rs_control *ctl);

/*
 * Handle one request line; returns the one-line response (no newline),
 * malloc'd. Exposed for tests and the fuzzer. Takes the app's control lock.
 * The caller wipes the request text afterwards (it may hold keys).
 */
char *rs_control_handle(struct rs_app *app, struct rs_engine *eng, const char *line);

#endif
