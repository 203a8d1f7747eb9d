/* compiled.h: what a compile produces, as a plain value.
 *
 * The one thing the compile stage hands to the others: per entry point its
 * name and instructions, with where each instruction refers to a table;
 * per table what the kernel needs to create it and what the printers need
 * to decode it (libbcc's type descriptions, the fields of the records a
 * ring or perf buffer carries). No pointer into a compiler, no file
 * descriptor: load creates the tables and patches their fds in, and the
 * value can cross a pipe (from the compiler's child process) as bytes.
 *
 * The bytes: "BHPROG" magic, a format version, the length and a CRC-32 of
 * what follows; then every field, each integer little-endian (instructions
 * in this machine's own layout, as the kernel takes them), each string
 * and array with its length first. compiled_decode checks every length
 * against what is left and every reference against what it points into:
 * bytes from anywhere decode to a valid value, or to an error.
 */
#ifndef BCC_HELLO_COMPILED_H
#define BCC_HELLO_COMPILED_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Instruction insn of a function loads the fd of table `table`
 * (BPF_LD_IMM64 with src_reg BPF_PSEUDO_MAP_FD). */
struct compiled_reloc {
	uint32_t insn;
	uint32_t table;
};

struct compiled_func {
	char *name;
	struct bpf_insn *insns;
	uint32_t ninsns;
	struct compiled_reloc *relocs;
	uint32_t nrelocs;
};

struct compiled_table {
	char *name;
	uint32_t type; /* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries, flags;
	char *key_desc, *leaf_desc; /* libbcc's JSON descriptions, or NULL */
	char **fields; /* of what a ring or perf buffer carries ("u32 pid#") */
	uint32_t nfields;
};

/* An instruction whose immediate is the value of -p (PID_FILTER). */
struct compiled_site {
	uint32_t func;
	uint32_t insn;
};

struct compiled {
	char *license;
	uint32_t kern_version;
	struct compiled_func *funcs;
	uint32_t nfuncs;
	struct compiled_table *tables;
	uint32_t ntables;
	/* Compiled with a placeholder PID (compiler.h): where it is, so any
	 * PID can be patched in (compiled_set_pid). pid_sites_known is false
	 * for a program compiled with its real PID. */
	struct compiled_site *pid_sites;
	uint32_t npid_sites;
	uint32_t pid_sites_known;
	/* Where the mark's placeholder is loaded (ld_imm64 pairs), so each
	 * run patches in its own (compiled_set_mark). marked is false for a
	 * program whose bpf_trace_printk lines carry no mark (tutorial.h). */
	struct compiled_site *mark_sites;
	uint32_t nmark_sites;
	uint32_t marked;
};

/* The encoding of c, malloc'd, its size in *len; NULL if out of memory. */
unsigned char *compiled_encode(const struct compiled *c, size_t *len);
/* Decode len bytes into c: 0, or -1 with *why saying what is wrong. */
int compiled_decode(struct compiled *c, const unsigned char *data, size_t len,
		    const char **why);
/* a and b were compiled alike but for the PID, pa in a and pb in b: are
 * they the same program but for immediates that are pa in a and pb in b?
 * Then those are a's PID sites (pid_sites_known set): 0. Else -1 (the
 * PID shapes more of the code than a constant: compile with the real
 * one). */
int compiled_find_pid_sites(struct compiled *a, const struct compiled *b,
			    int32_t pa, int32_t pb);
/* Patch pid in at every PID site. */
void compiled_set_pid(struct compiled *c, int32_t pid);
/* Find where the 8 bytes of placeholder are loaded as one constant: 0
 * (marked set, the sites recorded), or -1 if it is loaded nowhere so, or
 * half of it apart (an unaligned format: the mark cannot be patched), or
 * out of memory. */
int compiled_find_mark_sites(struct compiled *c, const char placeholder[8]);
/* Patch mark in at every mark site. */
void compiled_set_mark(struct compiled *c, const char mark[8]);
/* The function called name, or NULL. */
const struct compiled_func *compiled_func(const struct compiled *c,
					  const char *name);
void compiled_release(struct compiled *c);

/* Low-level writer and reader, shared with the compiler's result message
 * (compiler.c). A writer that runs out of memory stays failed. */
struct wbuf {
	unsigned char *p;
	size_t len, cap;
	int failed;
};
void wbuf_u32(struct wbuf *w, uint32_t v);
void wbuf_bytes(struct wbuf *w, const void *data, size_t len);
/* A string (NULL is written apart from "", and read back as NULL). */
void wbuf_str(struct wbuf *w, const char *s);
/* Write all of w to fd; false if w failed or the write did. */
bool wbuf_write(int fd, const struct wbuf *w);

struct rbuf {
	const unsigned char *p;
	size_t left;
	int failed;
};
uint32_t rbuf_u32(struct rbuf *r);

/* A frame: a 6-byte magic, a 2-byte format version, the length of the
 * body and its CRC-32, then the body. frame_begin reserves the header in
 * w; frame_seal fills it in (false if the body is too large). frame_open
 * checks the header and the CRC, and points body at the body: NULL, or
 * what is wrong. */
#define FRAME_HEADER 16
void frame_begin(struct wbuf *w);
bool frame_seal(struct wbuf *w, const char magic[6], unsigned version);
const char *frame_open(const unsigned char *data, size_t len,
		       const char magic[6], unsigned version,
		       struct rbuf *body);
/* A string as malloc'd text; NULL for a NULL string, and on failure (then
 * r->failed is set). A string with a NUL byte inside is a failure. */
char *rbuf_str(struct rbuf *r);
/* len bytes, malloc'd; NULL with r->failed on failure. */
void *rbuf_bytes(struct rbuf *r, size_t len);

#endif
