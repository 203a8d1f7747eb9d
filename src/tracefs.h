/* tracefs.h: find tracefs, mounting it when the system has not. */
#ifndef BCC_HELLO_TRACEFS_H
#define BCC_HELLO_TRACEFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct error;

struct tracefs {
	char path[PATH_MAX]; /* /sys/kernel/tracing or where it is mounted */
	bool mounted_by_us;  /* unmounted again by tracefs_release */
	bool private_ns;     /* mounted in a mount namespace of our own */
};

/* Find a mounted tracefs (known places checked with statfs, then
 * /proc/mounts), or mount one at /sys/kernel/tracing, in a mount namespace
 * of the process's own where it can make one (nothing outside it changes;
 * the mount ends with the process). */
int tracefs_open(struct tracefs *tfs, struct error *err);
void tracefs_release(struct tracefs *tfs);

/* Does CATEGORY:EVENT exist (events/CAT/EV/format under tfs)? */
bool tracefs_event_exists(const struct tracefs *tfs, const char *category,
			  const char *event);

/* Write a short string to a file under tracefs; 0 or -errno. */
int tracefs_write(const char *dir, const char *file, const char *value);
/* Read a file under dir into buf (NUL-terminated); bytes read or -errno. */
long tracefs_read(const char *dir, const char *file, char *buf, size_t size);

#endif
