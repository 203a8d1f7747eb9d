/* util.h: small helpers shared by the stages. */
#ifndef BCC_HELLO_UTIL_H
#define BCC_HELLO_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* snprintf for paths and names: false when the result did not fit (it is
 * then cut, and must not be used). */
bool path_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A growing NUL-terminated string. After a failed allocation it stops
 * growing and oom is set; the caller checks once at the end. */
struct strbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);

/* Parse a kernel CPU list file ("0-3,6"): up to max CPU numbers into
 * cpus; returns how many, or -1 if the file cannot be read or parsed. */
int cpu_list(const char *path, int *cpus, int max);

/* -v narration: "bcc-hello: " and the line on stderr (stdout stays the
 * events), when verbose. */
void narrate(int verbose, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Seconds on the monotonic clock. */
double now_seconds(void);

/* "s" after a count other than 1 ("1 event", "2 events"), else "". */
const char *plural(unsigned long long n);

/* The name quoted ('...') after prefix in the len bytes of line, into
 * buf: false if there is none, it is empty, or it does not fit. */
bool quoted_after(const char *line, size_t len, const char *prefix, char *buf,
		  size_t size);

#endif
