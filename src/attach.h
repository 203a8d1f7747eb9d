/* attach.h: stage 3, attach each loaded entry point, and detach. */
#ifndef BCC_HELLO_ATTACH_H
#define BCC_HELLO_ATTACH_H

#include "load.h"

struct error;
struct tracefs;

struct attachments {
	size_t n;
	int fds[LOAD_MAX];  /* one per entry point (owned), -1 = none */
	bool raw[LOAD_MAX]; /* a raw tracepoint: closed with close() */
};

/* What attach_all checks before it attaches (each tracepoint exists; a
 * raw tracepoint only the kernel can check), for --dry-run: 0, or -1
 * with err set. */
int attach_check(const struct tracefs *tfs, const struct loaded_set *set,
		 struct error *err);
/* Attach every program of set where its entry says. A tracepoint is
 * checked to exist first, so that the user gets one clear message rather
 * than libbcc's own. */
int attach_all(struct attachments *at, const struct tracefs *tfs,
	       const struct loaded_set *set, struct error *err);
/* Detach: closing the perf event fd is what detaches a tracepoint
 * (libbcc's bpf_detach_tracepoint does nothing). */
void attach_release(struct attachments *at);

#endif
