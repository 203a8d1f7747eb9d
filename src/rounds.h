/* rounds.h: stage 1, compiled again until the program has what it needs.
 *
 * libbcc compiles once; a failed compile says what was missing, and the
 * next round supplies it:
 *   - a tracepoint field's type the header tree lacks, defined from the
 *     format file (tptypes.h);
 *   - a kernel struct, typedef or enum constant, defined from the running
 *     kernel's BTF (btftypes.h), on the tree bcc-hello makes or for a
 *     program that includes vmlinux.h, with a kernel-internal header the
 *     made tree lacks made an empty file in it;
 *   - with no readable BTF, an installed header tree of another version
 *     (headers_fallback), with its warning.
 */
#ifndef BCC_HELLO_ROUNDS_H
#define BCC_HELLO_ROUNDS_H

#include "btftypes.h"
#include "error.h"

struct compile_opts;
struct headers;
struct headers_roots;
struct program;
struct source;
struct tptypes;
struct tutorial;

/* What the rounds share, across the versions of a --watch session. */
struct rounds {
	const char *file;    /* -f FILE, for messages ("the program" if NULL) */
	int verbose;	     /* -v: say what each round defined */
	const char *tracefs; /* where the format files are */
	struct headers *hdr; /* the tree; replaced by the fallback */
	const struct headers_roots *roots;
	struct btftypes btf;  /* the kernel's types, read on first need */
	int btf_state;	      /* 0 not read yet, 1 read, -1 unreadable */
	struct error btf_err; /* why it is unreadable */
};

/* Compile src (tu: its translation) into prog, in as many rounds as it
 * takes; types collects the tracepoint field types learned. copts->types
 * is set for each round. 0, or -1 with err set (one line; clang's
 * diagnostics in its details). */
int rounds_compile(struct rounds *rd, const struct source *src,
		   const struct tutorial *tu, struct tptypes *types,
		   struct program *prog, struct compile_opts *copts,
		   struct error *err);

#endif
