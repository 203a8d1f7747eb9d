/* attach.c: bpf_attach_tracepoint and bpf_attach_raw_tracepoint, and their
 * one release each. */
#include "attach.h"
#include "capture.h"
#include "error.h"
#include "tracefs.h"

#include <bcc/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_one(const struct tracefs *tfs, const struct entry *e,
		     struct error *err)
{
	/* A raw tracepoint may be a bare one, with no event in tracefs: the
	 * kernel alone can tell, at the attach. */
	if (e->kind == ENTRY_RAW_TRACEPOINT)
		return 0;
	if (!tracefs_event_exists(tfs, e->category, e->event))
		return error_set(
			err,
			"tracepoint %s:%s (for %s()) does not exist on this kernel; list them with 'bcc-hello -l %s:*'",
			e->category, e->event, e->func, e->category);
	return 0;
}

int attach_check(const struct tracefs *tfs, const struct loaded_set *set,
		 struct error *err)
{
	for (size_t i = 0; i < set->n; i++)
		if (check_one(tfs, &set->progs[i].entry, err))
			return -1;
	return 0;
}

static int attach_one(struct attachments *at, const struct tracefs *tfs,
		      const struct loaded *l, struct error *err)
{
	const struct entry *e = &l->entry;
	bool raw = e->kind == ENTRY_RAW_TRACEPOINT;
	struct capture cap;
	int fd, saved;

	if (check_one(tfs, e, err))
		return -1;
	if (capture_begin(&cap))
		return error_set(
			err,
			"cannot capture libbcc output: out of file descriptors?");
	fd = raw ? bpf_attach_raw_tracepoint(l->fd, e->event)
		 : bpf_attach_tracepoint(l->fd, e->category, e->event);
	saved = errno;
	free(capture_end(&cap));
	if (fd < 0) {
		if (raw)
			return error_set(
				err,
				"cannot attach %s() to raw tracepoint %s: %s; check the name with 'bcc-hello -l \"*:%s\"'",
				e->func, e->event, strerror(saved), e->event);
		return error_set(
			err, "cannot attach %s() to tracepoint %s:%s: %s",
			e->func, e->category, e->event, strerror(saved));
	}
	at->raw[at->n] = raw;
	at->fds[at->n++] = fd;
	return 0;
}

int attach_all(struct attachments *at, const struct tracefs *tfs,
	       const struct loaded_set *set, struct error *err)
{
	at->n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (attach_one(at, tfs, &set->progs[i], err))
			return -1;
	return 0;
}

void attach_release(struct attachments *at)
{
	for (size_t i = 0; i < at->n; i++) {
		if (at->raw[i])
			close(at->fds[i]);
		else
			bpf_close_perf_event_fd(at->fds[i]);
	}
	at->n = 0;
}
