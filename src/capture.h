/* capture.h: catch what libbcc prints by itself.
 *
 * libbcc and clang write diagnostics straight to file descriptors 1 and 2
 * ("Unable to find kernel headers" even goes to stdout). Around each libbcc
 * call that may print, we point both at one anonymous file, then read it
 * back, so that the user sees one message, mapped to their own file.
 */
#ifndef BCC_HELLO_CAPTURE_H
#define BCC_HELLO_CAPTURE_H

struct capture {
	int saved_out, saved_err; /* the real stdout and stderr */
	int fd;			  /* the anonymous file both point at */
};

/* Start capturing stdout and stderr. Returns 0 or -1 (errno set). */
int capture_begin(struct capture *cap);
/* Restore stdout and stderr; return what was printed (malloc'd, NUL-
 * terminated, possibly empty) or NULL if out of memory. */
char *capture_end(struct capture *cap);

/* From now on, capture into fd (truncated at each capture_begin) instead
 * of a new anonymous file: the compiler's child, so that its parent can
 * read what LLVM printed before it ended the process. */
void capture_share(int fd);
/* What fd holds, from its start: malloc'd, NUL-terminated, or NULL. */
char *capture_read(int fd);

#endif
