/* watch.h: notice when the program's source file is saved.
 *
 * inotify watches the file's folder, so that every way editors save is
 * seen: writing in place (close after write), renaming a new file over it
 * (vim, sed -i) and deleting then creating it. A burst of events (an editor
 * writes, renames and changes modes in one save) becomes one reload: the
 * change counts once the file has been quiet for WATCH_QUIET_MS.
 */
#ifndef BCC_HELLO_WATCH_H
#define BCC_HELLO_WATCH_H

#include <limits.h>
#include <stdbool.h>

struct error;

#define WATCH_QUIET_MS 150

struct watch {
	int fd;			 /* the inotify fd (owned), -1 = none */
	char name[NAME_MAX + 1]; /* the file's name in its folder */
	bool pending;		 /* a change seen, not yet reloaded */
	double last;		 /* when the last event came (monotonic) */
};

int watch_open(struct watch *w, const char *path, struct error *err);
/* Read the pending inotify events (non-blocking); note a change of ours. */
void watch_drain(struct watch *w);
/* Milliseconds until a pending change is quiet (0 = reload now, -1 = none). */
int watch_due_ms(const struct watch *w);
void watch_release(struct watch *w);

#endif
