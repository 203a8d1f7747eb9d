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
/* Read a file: opened once, without waiting on a FIFO; checked on that fd
 * with fstat (a regular file of at most SOURCE_MAX_BYTES) before anything
 * is read; read whole from that fd, at most the size fstat gave; refused
 * if empty or if it holds a NUL or another control byte (the message
 * names its line). Invalid UTF-8 is left to the compiler. Every refusal
 * is one line naming the path. */
int source_read(struct source *src, const char *path, struct error *err);
void source_release(struct source *src);

#endif
