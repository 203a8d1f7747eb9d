/* owned.c: folders a run makes and holds while it lives (owned.h). */
#include "owned.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int owned_hold(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && flock(fd, LOCK_SH)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

bool owned_abandoned(int dirfd, const char *name)
{
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	bool abandoned;

	if (fd < 0)
		return false;
	abandoned = flock(fd, LOCK_EX | LOCK_NB) == 0;
	/* ".name": made by owned_mkdtemp, and held and renamed an instant
	 * later, unless its run was killed between: abandoned once old */
	if (abandoned && name[0] == '.')
		abandoned =
			fstat(fd, &st) == 0 && time(NULL) - st.st_mtime >= 60;
	close(fd); /* and the lock with it */
	return abandoned;
}

int owned_mkdtemp(const char *dir, const char *name, char *out, size_t size)
{
	char tmp[PATH_MAX];
	const char *suffix;
	int fd, e;

	if (!path_fmt(tmp, sizeof(tmp), "%s/.%sXXXXXX", dir, name) ||
	    !mkdtemp(tmp))
		return -1;
	suffix = tmp + strlen(tmp) - 6;
	fd = owned_hold(tmp);
	if (fd < 0)
		goto fail;
	if (!path_fmt(out, size, "%s/%s%s", dir, name, suffix)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_NOREPLACE) == 0)
		return fd;
fail:
	e = errno;
	rmdir(tmp);
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}
