/* error.h: how failures travel from where they happen to where they print.
 *
 * A stage that fails fills one struct error (what happened and what to do)
 * and returns -1; only main() prints it, once, and picks the exit code.
 */
#ifndef BCC_HELLO_ERROR_H
#define BCC_HELLO_ERROR_H

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	/* the run failed: headers, compile, load, attach... */
	EXIT_USAGE = 2, /* the command line was wrong */
};

struct error {
	int exit_code;	/* EXIT_FAIL or EXIT_USAGE */
	char msg[1024]; /* one line: what happened and what to do */
	char *details;	/* optional multi-line text printed after msg (owned) */
};

/* Record a failure; always returns -1 so callers can `return error_set(...)`. */
int error_set(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same, as a usage error (exit code 2). */
int error_usage(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Attach multi-line details (compiler diagnostics, verifier log); takes ownership. */
void error_details(struct error *err, char *details);
/* Print "bcc-hello: msg" and the details to stderr, then free them. */
void error_print(struct error *err);

#endif
