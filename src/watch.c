/* watch.c: inotify on the source file's folder, with a quiet period. */
#include "watch.h"
#include "error.h"
#include "util.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

int watch_open(struct watch *w, const char *path, struct error *err)
{
	char dir[PATH_MAX], base[PATH_MAX];

	w->pending = false;
	w->last = 0;
	path_fmt(dir, sizeof(dir), "%s", path);
	path_fmt(base, sizeof(base), "%s", path);
	path_fmt(w->name, sizeof(w->name), "%s", basename(base));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return error_set(
			err,
			"--watch: inotify is not available (%s); send SIGHUP to reload instead",
			strerror(errno));
	if (inotify_add_watch(w->fd, dirname(dir),
			      IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
				      IN_MODIFY | IN_ATTRIB) < 0) {
		int e = errno;

		watch_release(w);
		return error_set(err,
				 "--watch: cannot watch the folder of %s: %s",
				 path, strerror(e));
	}
	return 0;
}

void watch_drain(struct watch *w)
{
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			if (ev->len && !strcmp(ev->name, w->name)) {
				w->pending = true;
				w->last = now_seconds();
			}
			p += sizeof(*ev) + ev->len;
		}
	}
}

int watch_due_ms(const struct watch *w)
{
	double left;

	if (!w->pending)
		return -1;
	left = w->last + WATCH_QUIET_MS / 1000.0 - now_seconds();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

void watch_release(struct watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
