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
};

struct load_opts {
	const char *category, *event; /* -t: where plain functions attach */
	bool tp_given;		      /* -t was given explicitly */
	bool kprobes;		      /* the kernel has kprobes */
	int verbose;
};

/* Find the module's entry points and where each attaches, then load each
 * with its program type. A refusal puts the verifier's log, its line
 * annotations showing src's own lines, in err's details. */
int load_programs(struct loaded_set *set, const struct program *prog,
		  const struct source *src, const struct tutorial *tu,
		  const struct load_opts *lo, struct error *err);
void load_release(struct loaded_set *set);

#endif
