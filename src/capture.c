/* capture.c: point stdout and stderr at a memfd around a libbcc call. */
#include "capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int shared_fd = -1;

void capture_share(int fd)
{
	shared_fd = fd;
}

int capture_begin(struct capture *cap)
{
	fflush(stdout);
	fflush(stderr);
	if (shared_fd >= 0) {
		cap->fd = dup(shared_fd);
		if (cap->fd >= 0 &&
		    (ftruncate(cap->fd, 0) || lseek(cap->fd, 0, SEEK_SET))) {
			close(cap->fd);
			cap->fd = -1;
		}
	} else {
		cap->fd = memfd_create("bcc-hello-capture", MFD_CLOEXEC);
	}
	if (cap->fd < 0)
		return -1;
	cap->saved_out = dup(STDOUT_FILENO);
	cap->saved_err = dup(STDERR_FILENO);
	if (cap->saved_out < 0 || cap->saved_err < 0 ||
	    dup2(cap->fd, STDOUT_FILENO) < 0 ||
	    dup2(cap->fd, STDERR_FILENO) < 0) {
		free(capture_end(cap));
		return -1;
	}
	return 0;
}

char *capture_end(struct capture *cap)
{
	char *text;

	fflush(stdout);
	fflush(stderr);
	if (cap->saved_out >= 0) {
		dup2(cap->saved_out, STDOUT_FILENO);
		close(cap->saved_out);
	}
	if (cap->saved_err >= 0) {
		dup2(cap->saved_err, STDERR_FILENO);
		close(cap->saved_err);
	}
	cap->saved_out = cap->saved_err = -1;
	text = cap->fd < 0 ? NULL : capture_read(cap->fd);
	if (cap->fd >= 0)
		close(cap->fd);
	cap->fd = -1;
	return text;
}

char *capture_read(int fd)
{
	struct stat st;
	char *text = NULL;
	size_t got = 0;

	if (fstat(fd, &st) == 0)
		text = malloc((size_t)st.st_size + 1);
	if (text) {
		while (got < (size_t)st.st_size) {
			ssize_t n = pread(fd, text + got,
					  (size_t)st.st_size - got, (off_t)got);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		text[got] = '\0';
	}
	return text;
}
