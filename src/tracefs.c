/* tracefs.c: where ftrace lives, as bpftool's tracelog.c finds it. */
#include "tracefs.h"
#include "error.h"
#include "util.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

static bool is_tracefs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == TRACEFS_MAGIC;
}

static bool from_proc_mounts(char *out, size_t size)
{
	FILE *f = fopen("/proc/mounts", "re");
	char dev[256], dir[PATH_MAX], type[64];
	bool found = false;

	if (!f)
		return false;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "tracefs") && is_tracefs(dir)) {
			snprintf(out, size, "%s", dir);
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

int tracefs_open(struct tracefs *tfs, struct error *err)
{
	static const char *const known[] = {"/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing"};

	tfs->mounted_by_us = false;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (is_tracefs(known[i])) {
			path_fmt(tfs->path, sizeof(tfs->path), "%s", known[i]);
			return 0;
		}
	}
	if (from_proc_mounts(tfs->path, sizeof(tfs->path)))
		return 0;
	/* Mount where this system keeps it: /sys/kernel/tracing, or on old
	 * kernels without that folder, debugfs's tracing folder. In a mount
	 * namespace of our own, where we can: nothing anyone else sees
	 * changes, and two runs never race to mount and unmount one shared
	 * mount (the first one's unmount failing while the second reads).
	 * Instances are the kernel's, the same in every namespace. */
	path_fmt(tfs->path, sizeof(tfs->path), "%s",
		 access(known[0], F_OK) == 0 ? known[0] : known[1]);
	tfs->private_ns =
		unshare(CLONE_NEWNS) == 0 &&
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
	if (mount("nodev", tfs->path, "tracefs", 0, NULL) == 0) {
		tfs->mounted_by_us = true;
		return 0;
	}
	return error_set(
		err,
		"tracefs is not mounted and mounting it at %s failed (%s): run as root, or mount it with 'mount -t tracefs nodev %s'",
		tfs->path, strerror(errno), tfs->path);
}

void tracefs_release(struct tracefs *tfs)
{
	/* In our own namespace the mount goes with the process; else busy
	 * means someone else uses it now, and then it stays. */
	if (tfs->mounted_by_us && !tfs->private_ns)
		umount2(tfs->path, 0);
	tfs->mounted_by_us = false;
}

bool tracefs_event_exists(const struct tracefs *tfs, const char *category,
			  const char *event)
{
	char p[PATH_MAX];
	struct stat st;

	path_fmt(p, sizeof(p), "%s/events/%s/%s/format", tfs->path, category,
		 event);
	return stat(p, &st) == 0;
}

int tracefs_write(const char *dir, const char *file, const char *value)
{
	char p[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	path_fmt(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

long tracefs_read(const char *dir, const char *file, char *buf, size_t size)
{
	char p[PATH_MAX];
	size_t got = 0;
	int fd;

	path_fmt(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return (long)got;
}
