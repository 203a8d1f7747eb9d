/* source.h: the BPF C text to compile, from the embedded program or a file. */
#ifndef BCC_HELLO_SOURCE_H
#define BCC_HELLO_SOURCE_H

#include <stddef.h>

struct error;

#define SOURCE_MAX_BYTES (1024 * 1024) /* larger files are refused */

struct source {
	char *text; /* NUL-terminated program text (owned) */
	size_t len;
	const char *name; /* for diagnostics: the path as given, or "hello.c" */
};

/* The embedded programs/hello.c. */
int source_embedded(struct source *src, struct error *err);
/* Read a file: opened once, checked on that fd (regular, within the size
 * limit), read whole, and refused if it is not text. */
int source_read(struct source *src, const char *path, struct error *err);
void source_release(struct source *src);

#endif
