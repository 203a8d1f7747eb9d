/* load.h: stage 2, hand each entry point to the kernel's verifier. */
#ifndef BCC_HELLO_LOAD_H
#define BCC_HELLO_LOAD_H

#include "entry.h"

#include <stdbool.h>
#include <stddef.h>

struct error;
struct program;
struct source;
struct tutorial;

#define LOAD_MAX 64

struct loaded {
	int fd;		    /* the program's fd (owned), -1 when none */
	struct entry entry; /* where it attaches */
	size_t insns;	    /* its size in BPF instructions */
	long verified; /* instructions the verifier processed, -1 = unknown */
};

struct loaded_set {
	size_t n;
	struct loaded progs[LOAD_MAX];
	int *tables; /* an fd (owned) per table of the compiled program */
	size_t ntables;
};

struct load_opts {
	const char *category, *event; /* -t: where plain functions attach */
	bool tp_given;		      /* -t was given explicitly */
	bool kprobes;		      /* the kernel has kprobes */
	int verbose;
	/* After a refusal: the verifier's log annotated with the program's
	 * lines (the compiler's child loads it with them), malloc'd in *log;
	 * 0, or -1 when it cannot. NULL: the kernel's log as it is. */
	int (*explain)(void *ctx, const char *func, int prog_type, char **log);
	void *explain_ctx;
};

/* Find the program's entry points and where each attaches, create its
 * tables, patch their fds into the instructions, then load each with its
 * program type. A refusal puts the verifier's log, its line
 * annotations showing src's own lines, in err's details. */
int load_programs(struct loaded_set *set, const struct program *prog,
		  const struct source *src, const struct tutorial *tu,
		  const struct load_opts *lo, struct error *err);
void load_release(struct loaded_set *set);

#endif
