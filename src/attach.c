/* attach.c: bpf_attach_tracepoint and its one release, bpf_close_perf_event_fd. */
#include "attach.h"
#include "capture.h"
#include "error.h"
#include "tracefs.h"

#include <bcc/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int attach_tracepoint(struct attachment *at, const struct tracefs *tfs,
		      int prog_fd, const char *category, const char *event,
		      struct error *err)
{
	struct capture cap;
	int fd, e;

	at->fd = -1;
	if (!tracefs_event_exists(tfs, category, event))
		return error_set(
			err,
			"tracepoint %s:%s does not exist on this kernel; list them with 'ls %s/events/%s' (or look in %s/available_events)",
			category, event, tfs->path, category, tfs->path);
	if (capture_begin(&cap))
		return error_set(
			err,
			"cannot capture libbcc output: out of file descriptors?");
	fd = bpf_attach_tracepoint(prog_fd, category, event);
	e = errno;
	free(capture_end(&cap));
	if (fd < 0)
		return error_set(err, "cannot attach to tracepoint %s:%s: %s",
				 category, event, strerror(e));
	at->fd = fd;
	return 0;
}

void attach_release(struct attachment *at)
{
	if (at->fd >= 0)
		bpf_close_perf_event_fd(at->fd);
	at->fd = -1;
}
