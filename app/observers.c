/* SPDX-License-Identifier: BSD-3-Clause */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "observers.h"

/* The fields an ABI-1 table must have, up to and including the callbacks. */
#define ABI1_MIN_SIZE                                                                              \
	(offsetof(struct rs_observer, on_receive_video) + sizeof(rs_observer_burst_fn))

static int split_spec(const char *spec, struct rs_observer_slot *s, const char **args)
{
	const char *colon = strchr(spec, ':');
	const char *at = strchr(spec, '@');
	size_t path_len;

	if (at && colon && at > colon)
		at = NULL; /* an '@' inside ARGS */
	path_len = (size_t)((at ? at : colon ? colon : spec + strlen(spec)) - spec);
	if (path_len == 0 || path_len >= sizeof(s->path))
		return -1;
	memcpy(s->path, spec, path_len);
	s->path[path_len] = '\0';
	if (at) {
		size_t n = (size_t)((colon ? colon : at + strlen(at)) - at - 1);
		if (n == 0 || n >= sizeof(s->channels))
			return -1;
		memcpy(s->channels, at + 1, n);
		s->channels[n] = '\0';
	}
	*args = colon ? colon + 1 : NULL;
	return 0;
}

int rs_observer_load(struct rs_observer_set *set, const char *spec, unsigned n_workers, char *err,
		     size_t err_size)
{
	struct rs_observer_slot *s;
	rs_observer_entry_fn entry;
	const char *args = NULL;
	char init_err[256] = "";

	if (set->n >= RS_MAX_OBSERVERS) {
		snprintf(err, err_size, "--observer %s: at most %d observers", spec,
			 RS_MAX_OBSERVERS);
		return -1;
	}
	s = &set->slot[set->n];
	memset(s, 0, sizeof(*s));
	if (split_spec(spec, s, &args) < 0) {
		snprintf(err, err_size, "--observer %s: expected LIB.so[@CHANNEL,...][:ARGS]",
			 spec);
		return -1;
	}
	s->dl = dlopen(s->path, RTLD_NOW | RTLD_LOCAL);
	if (!s->dl) {
		snprintf(err, err_size, "--observer %s: cannot load: %s", s->path, dlerror());
		return -1;
	}
	*(void **)&entry = dlsym(s->dl, RS_OBSERVER_ENTRY);
	if (!entry) {
		snprintf(err, err_size,
			 "--observer %s: no %s symbol: not an rtpseal packet observer", s->path,
			 RS_OBSERVER_ENTRY);
		goto fail;
	}
	s->ops = entry();
	if (!s->ops || s->ops->abi_version != RS_OBSERVER_ABI_VERSION ||
	    s->ops->struct_size < ABI1_MIN_SIZE) {
		snprintf(err, err_size,
			 "--observer %s: observer ABI version %u (table of %u bytes); this rtpseal "
			 "speaks version %d: rebuild the observer against lib/rs_observer.h",
			 s->path, s->ops ? s->ops->abi_version : 0,
			 s->ops ? s->ops->struct_size : 0, RS_OBSERVER_ABI_VERSION);
		goto fail;
	}
	if (!s->ops->name || !s->ops->init) {
		snprintf(err, err_size, "--observer %s: the table has no name or no init", s->path);
		goto fail;
	}
	s->ctx = s->ops->init(args, n_workers, init_err, sizeof(init_err));
	if (!s->ctx) {
		snprintf(err, err_size, "--observer %s (%s): init failed: %s", s->path,
			 s->ops->name, init_err[0] ? init_err : "no reason given");
		goto fail;
	}
	printf("rtpseal: observer %s loaded from %s, attached to %s\n", s->ops->name, s->path,
	       s->channels[0] ? s->channels : "every channel");
	set->n++;
	return 0;
fail:
	dlclose(s->dl);
	memset(s, 0, sizeof(*s));
	return -1;
}

void rs_observers_unload(struct rs_observer_set *set)
{
	for (unsigned i = 0; i < set->n; i++) {
		struct rs_observer_slot *s = &set->slot[i];
		if (s->ops->fini)
			s->ops->fini(s->ctx);
		dlclose(s->dl);
	}
	memset(set, 0, sizeof(*set));
}

static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

uint32_t rs_observers_mask(const struct rs_observer_set *set, const char *channel)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < set->n; i++)
		if (!set->slot[i].channels[0] || listed(set->slot[i].channels, channel))
			mask |= 1u << i;
	return mask;
}
