/* error.c: the one place where failures are printed. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int error_vset(struct error *err, int code, const char *fmt, va_list ap)
{
	err->exit_code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int error_set(struct error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, EXIT_FAIL, fmt, ap);
	va_end(ap);
	return -1;
}

int error_usage(struct error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, EXIT_USAGE, fmt, ap);
	va_end(ap);
	return -1;
}

void error_details(struct error *err, char *details)
{
	free(err->details);
	err->details = details;
}

void error_print(struct error *err)
{
	if (err->details && err->details[0]) {
		size_t n = strlen(err->details);

		fputs(err->details, stderr);
		if (err->details[n - 1] != '\n')
			fputc('\n', stderr);
	}
	fprintf(stderr, "bcc-hello: %s\n", err->msg[0] ? err->msg : "failed");
	free(err->details);
	err->details = NULL;
}
