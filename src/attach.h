/* attach.h: stage 3b, attach the loaded program to a tracepoint, and detach. */
#ifndef BCC_HELLO_ATTACH_H
#define BCC_HELLO_ATTACH_H

struct error;
struct tracefs;

struct attachment {
	int fd; /* the perf event from bpf_attach_tracepoint (owned), -1 = none */
};

/* Attach prog_fd to CATEGORY:EVENT, which is checked to exist first so
 * that the user gets one clear message rather than libbcc's own. */
int attach_tracepoint(struct attachment *at, const struct tracefs *tfs,
		      int prog_fd, const char *category, const char *event,
		      struct error *err);
/* Detach: closing the perf event fd is what detaches (libbcc's
 * bpf_detach_tracepoint does nothing). */
void attach_release(struct attachment *at);

#endif
