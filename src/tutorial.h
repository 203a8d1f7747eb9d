/* tutorial.h: make libbpf-style tutorial sources compile with libbcc.
 *
 * The eBPF tutorials write programs for libbpf: #include <bpf/bpf_helpers.h>,
 * SEC("tp/syscalls/sys_enter_write") on each entry point, bpf_printk(),
 * char LICENSE[] SEC("license") = "...", and top-level const globals such
 * as `const pid_t pid_filter = 0;`. libbcc knows none of these. This pass
 * rewrites them, line for line (the line count never changes, so every
 * diagnostic still names the user's line):
 *   - the libbpf includes and <linux/bpf.h> become comments (a small
 *     prelude defines SEC; libbcc has its own UAPI definitions);
 *   - so does #include "vmlinux.h": the kernel's types come from its BTF,
 *     made compatible with libbcc's own definitions (btftypes.h);
 *   - bpf_printk becomes bpf_trace_printk, which libbcc rewrites itself
 *     (it cannot be reached through a macro);
 *   - the license line becomes `#define BPF_LICENSE ...`, as libbcc reads it;
 *   - each const global becomes a macro, `#define NAME ((TYPE)(VALUE))`,
 *     its value settable with --set NAME=VALUE (and -p for pid_filter);
 *   - each SEC("...") is recorded with the function it annotates, so the
 *     entry point can be attached where it says.
 * Comments in a line that is replaced are left out of the replacement,
 * except a block comment still open at its end, which the replacement
 * ends with too: every line starts inside a comment where it did.
 */
#ifndef BCC_HELLO_TUTORIAL_H
#define BCC_HELLO_TUTORIAL_H

#include <stdbool.h>
#include <stddef.h>

struct error;

#define TUTORIAL_MAX 64

struct setting {
	const char *name;  /* a C identifier */
	const char *value; /* an integer constant */
};

struct tutorial {
	char *text;    /* the rewritten source, same lines (owned) */
	char *prelude; /* definitions to put before it (owned, maybe "") */
	size_t nsections;
	struct {
		char func[128];
		char section[128];
	} sections[TUTORIAL_MAX];
	size_t nconsts;
	struct {
		char name[128];
		char type[128];
		char value[128];
	} consts[TUTORIAL_MAX];
	bool libbpf_style; /* any of the above was found */
	bool vmlinux;	   /* it includes "vmlinux.h": every kernel type */
	bool printk; /* it prints with bpf_trace_printk (trace_pipe lines) */
	/* A call whose format could not be marked (its '(' on another
	 * line): this run's lines cannot be told from other programs'. */
	bool unmarked;
};

/* Each bpf_trace_printk call's format starts with this macro, defined
 * before the program (compile.c): an 8-byte placeholder that each run
 * replaces with its own secret in the compiled instructions
 * (compiled_set_mark), so that its reader knows its program's lines from
 * any other program's (the kernel writes them all into every buffer that
 * records the event), and no traced string can forge one. Defined as ""
 * where that cannot be done. */
#define TUTORIAL_MARK "__bh_mark"
#define TUTORIAL_MARK_PLACEHOLDER "bh:mark:"

/* Rewrite text (name for messages). sets: --set values; pid: -p value
 * (0 = none), given to a const global named pid_filter or PID_FILTER. */
int tutorial_rewrite(struct tutorial *tu, const char *text, const char *name,
		     const struct setting *sets, size_t nsets, int pid,
		     struct error *err);
/* The section recorded for a function, or NULL. */
const char *tutorial_section_of(const struct tutorial *tu, const char *func);
/* Is s an integer constant --set accepts (decimal or hex, optional '-')? */
bool tutorial_valid_value(const char *s);
void tutorial_release(struct tutorial *tu);

#endif
