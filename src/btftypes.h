/* btftypes.h: kernel types from the running kernel's own BTF.
 *
 * A program that reads kernel structs (task->real_parent->tgid) must be
 * compiled with the running kernel's struct layouts; a header tree of
 * another version gives wrong offsets and silently wrong values. The
 * kernel describes its own types in /sys/kernel/btf/vmlinux. This module
 * reads it with libbpf (btf__*, btf_dump__*: what bpftool's
 * `btf dump ... format c` uses) and writes C definitions of
 *   - the types a failed compile said it lacked (an incomplete struct, an
 *     unknown type name), with what they contain by value;
 *   - an enumerator the compile said was undeclared (TASK_COMM_LEN is
 *     an enum constant in BTF), as a one-constant enum.
 * libbcc's own helpers (its copy of the BPF UAPI) and the user-space API
 * headers already define some of these; a definition that clang reports
 * as a redefinition (or that errs for any other reason) is learned as
 * "already defined" and left out, with what only it needed, from then on.
 * As bpftrace does it: only what the program uses, so nothing collides,
 * and clang parses a few hundred lines, not a 2.8 MB dump of every type.
 * A program that includes "vmlinux.h" gets its types the same way.
 */
#ifndef BCC_HELLO_BTFTYPES_H
#define BCC_HELLO_BTFTYPES_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

struct btf;
struct error;

/* The file name the definitions carry in diagnostics (a #line). */
#define BTFTYPES_FILE "/virtual/bcc-hello/kernel-types.h"

struct btftypes {
	struct btf *btf;  /* the running kernel's BTF (owned); NULL = none */
	char path[256];	  /* where it was read from */
	unsigned *wanted; /* BTF ids of the types to define */
	size_t nwanted, capwanted;
	char **skip; /* keys ("struct x", "typedef y", "enum {A") defined already */
	size_t nskip;
	struct btf_const { /* an enum constant a program used */
		char name[160];
		char *line;   /* "enum { NAME = V };\n" (owned) */
		bool dropped; /* defined elsewhere after all */
	} * consts;
	size_t nconsts;
	char **names; /* what was learned, for -v */
	size_t nnames;
	char *text;  /* the definitions, made on demand (owned) */
	char **keys; /* per line of text, the key of its declaration */
	size_t nlines;
	bool stale;	  /* text must be made again */
	char absent[160]; /* the first type asked for that BTF lacks, or "" */
};

/* Read the kernel's BTF from path (NULL: /sys/kernel/btf/vmlinux).
 * Returns 0, or -1 with err set (the file is missing or unreadable). */
int btftypes_open(struct btftypes *bt, const char *path, struct error *err);
bool btftypes_available(const struct btftypes *bt);
/* Read a failed compile's diagnostics: definitions of ours that erred are
 * left out from now on; types and enumerators clang lacked and BTF has
 * are wanted. Returns how many things changed: 0 means retrying would
 * not help. -1: out of memory. */
int btftypes_learn(struct btftypes *bt, const char *diagnostics);
/* Ask for one type by C name ("struct task_struct", "pid_t"); 1 if BTF
 * has it, 0 if not, -1 out of memory. */
int btftypes_want(struct btftypes *bt, const char *cname);
/* The definitions, with #line markers, to put before the program ("" if
 * nothing is wanted); NULL when out of memory. Owned by bt. */
const char *btftypes_text(struct btftypes *bt);
/* The BPF helper named most like name (a misspelling of one): the
 * kernel's own list, enum bpf_func_id, as "bpf_<id in lower case>"; true
 * with it in out, false if none is close or there is no BTF. */
bool btftypes_nearest_helper(const struct btftypes *bt, const char *name,
			     char *out, size_t size);
void btftypes_release(struct btftypes *bt);

#endif
