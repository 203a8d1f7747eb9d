/* load.h: stage 3a, hand the compiled entry point to the kernel's verifier. */
#ifndef BCC_HELLO_LOAD_H
#define BCC_HELLO_LOAD_H

#include <stddef.h>

struct error;
struct program;
struct source;

struct loaded {
	int fd;		/* the program's fd (owned), -1 when none */
	char name[128]; /* entry point's name */
	size_t insns;	/* its size in BPF instructions */
};

/* Load the module's entry point as a tracepoint program. A refusal puts
 * the verifier's log, its line annotations showing src's own lines, in
 * err's details. */
int load_program(struct loaded *ld, const struct program *prog,
		 const struct source *src, struct error *err);
void load_release(struct loaded *ld);

#endif
