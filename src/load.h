/* load.h: stage 3a, hand the compiled entry point to the kernel's verifier. */
#ifndef BCC_HELLO_LOAD_H
#define BCC_HELLO_LOAD_H

#include <stddef.h>

struct error;
struct program;

struct loaded {
	int fd;               /* the program's fd (owned), -1 when none */
	char name[128];       /* entry point's name */
	size_t insns;         /* its size in BPF instructions */
};

/* Load the module's entry point as a tracepoint program. A refusal puts
 * the verifier's log in err's details. name: where the program came from. */
int load_program(struct loaded *ld, const struct program *prog,
		 const char *name, struct error *err);
void load_release(struct loaded *ld);

#endif
