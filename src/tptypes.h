/* tptypes.h: tracepoint field types that the header tree lacks.
 *
 * For each TRACEPOINT_PROBE, libbcc copies the field types of the
 * tracepoint's format file, word for word, into a struct it puts above
 * the function. Many of those are kernel-internal type names (ino_t,
 * umode_t, xfs_extlen_t, enum dma_data_direction...) that no user-space
 * header defines, and some are private to one subsystem and in no header
 * at all. When clang says it does not know one, this module defines it
 * from what the format file says of the field (its size and sign), so
 * that the struct has the kernel's layout, and the compile is retried.
 * Only names that clang reported unknown are defined: a header that does
 * define one is never contradicted.
 */
#ifndef BCC_HELLO_TPTYPES_H
#define BCC_HELLO_TPTYPES_H

#include "util.h"

#include <stddef.h>

#define TPTYPES_MAX 256

struct tptypes {
	struct strbuf defs;	  /* C definitions, one per line */
	char *names[TPTYPES_MAX]; /* what is defined (owned), for -v */
	size_t n;
};

/* Read a failed compile's diagnostics; for each type clang did not know
 * that a tracepoint field of the program (text: its source) uses, add a
 * definition made from the format file under tracefs. Returns how many
 * were added: 0 means retrying would not help. -1: out of memory. */
int tptypes_learn(struct tptypes *t, const char *diagnostics, const char *text,
		  const char *tracefs);
/* The definitions, to put before the program ("" when none). */
const char *tptypes_text(const struct tptypes *t);
void tptypes_release(struct tptypes *t);

#endif
