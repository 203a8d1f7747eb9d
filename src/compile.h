/* compile.h: stage 1 of the flow, BPF C text to a compiled program.
 *
 * The only file that calls libbcc's compiler (bpf_module_create_c_from_
 * string); it runs in the compiler's child process (compiler.h), never in
 * the tracer. clang's diagnostics are captured and rewritten to name the
 * user's file and lines. What libbcc made is copied out as a plain value
 * (compiled.h), and the module destroyed at once.
 */
#ifndef BCC_HELLO_COMPILE_H
#define BCC_HELLO_COMPILE_H

#include "compiled.h"
#include "options.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct error;
struct source;
struct tutorial;

struct compile_opts {
	int pid_filter;		   /* -DPID_FILTER=N, 0 = every process */
	const struct tutorial *tu; /* the source, rewritten for libbcc */
	const char *types; /* tracepoint field types to define first, or NULL */
	const char *const *defines; /* -D NAME[=VALUE] */
	size_t ndefines;
	const char *const *includes; /* -I DIR (made absolute: libbcc runs
					clang inside the header tree) */
	size_t nincludes;
	const char *source_dir; /* -f FILE's folder, searched last for its
				   own headers ("execsnoop.h"), or NULL */
	enum dump_kind dump;	/* --dump: what to print to dump_out */
	FILE *dump_out;
	int verbose;
	bool all_errors; /* no limit on clang's errors (rounds that learn) */
	/* bpf_trace_printk formats start with the mark's placeholder
	 * (tutorial.h); false: with nothing. */
	bool mark;
	/* Load this function (of this program type) once compiled, with the
	 * verifier's full log, annotated by libbcc with the source lines,
	 * into prog->log (compiler.h: after a refusal). NULL otherwise. */
	const char *explain;
	int explain_type;
};

struct program {
	struct compiled c; /* what was compiled (owned) */
	bool built;	   /* c holds a program */
	bool cached;	   /* it came from the cache (cache.h) */
	double seconds;	   /* how long clang and LLVM took */
	char *warnings; /* compiler warnings of a successful build, or NULL */
	char *log;	/* the verifier's log asked for by explain, or NULL */
	char *diagnostics; /* clang's errors of a compile that failed, or NULL */
	char flags[1024]; /* our compiler flags, for -v (libbcc adds its own) */
};

/* 0: compiled; 1: clang refused it (its errors in prog->diagnostics,
 * which are no error yet: rounds.c learns from them); -1: an error, in
 * err (out of memory, no header tree, a bad -I folder). */
int compile_program(struct program *prog, const struct source *src,
		    const struct compile_opts *copts, struct error *err);
/* --dump source: what the last compile was given, as translated (the
 * prelude, the types defined for it, the rewritten source). */
void compile_dump_source(const struct compile_opts *copts);
void compile_release(struct program *prog);
/* What crosses a pipe or is cached of a program: its warnings, flags,
 * compile time and compiled value (none when not built). program_read
 * takes the rest of r: NULL, or what is wrong. */
void program_write(struct wbuf *w, const struct program *prog);
const char *program_read(struct rbuf *r, struct program *prog);

/* Rewrite libbcc's diagnostics for the user: the virtual file name
 * becomes the source's name. Returns a malloc'd string or NULL. */
char *compile_map_diagnostics(const char *text, const char *name);

#endif
