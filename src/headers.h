/* headers.h: find the kernel header tree libbcc compiles against.
 *
 * Order: -K DIR or BCC_KERNEL_SOURCE; /lib/modules/RELEASE/build (and
 * source); /sys/kernel/kheaders.tar.xz (all the running kernel's own); a
 * tree synthesized from the user-space API headers and the running
 * kernel's configuration (synth.h); and only when a program needs more,
 * the newest /usr/src/linux-headers-* tree, merging Debian's split -ARCH
 * and -common folders into one private tree of symbolic links (nothing in
 * system folders is changed).
 */
#ifndef BCC_HELLO_HEADERS_H
#define BCC_HELLO_HEADERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct error;

enum headers_kind {
	HEADERS_EXPLICIT, /* -K or BCC_KERNEL_SOURCE */
	HEADERS_MODULES,  /* /lib/modules/RELEASE/build: libbcc finds it */
	HEADERS_KHEADERS, /* /sys/kernel/kheaders.tar.xz: libbcc unpacks it */
	HEADERS_SYNTHESIZED, /* made from the UAPI headers and the config */
	HEADERS_INSTALLED,   /* a /usr/src tree, possibly merged */
};

/* Where to look; the defaults are the real system, tests point elsewhere. */
struct headers_roots {
	const char *modules_dir; /* /lib/modules */
	const char *usr_src;	 /* /usr/src */
	const char *kheaders;	 /* /sys/kernel/kheaders.tar.xz */
	/* where a tree is made: $TMPDIR, else /dev/shm (a tmpfs), else /tmp */
	const char *tmp_dir;
	const char *release;	 /* uname -r */
	const char *config;	 /* the kernel's configuration, NULL = none */
	const char *usr_include; /* /usr/include, for a synthesized tree */
	const char *machine;	 /* uname -m */
	/* What else a compiled program depends on (cache.h's key): */
	const char *libbcc; /* libbcc's library file (its compiler) */
	const char *btf;    /* /sys/kernel/btf/vmlinux */
	const char *build;  /* uname -v: the kernel's build */
	/* Make a synthesized tree only when a compile needs one
	 * (headers_materialize): a cached program needs none. */
	bool lazy;
};

struct headers {
	enum headers_kind kind;
	char path
		[PATH_MAX]; /* the tree libbcc gets as BCC_KERNEL_SOURCE ("" = its own search) */
	char origin[PATH_MAX]; /* what was found, for -v and warnings */
	char merged
		[PATH_MAX]; /* our temporary merged tree, removed by release ("" = none) */
	int hold;	   /* holds merged, when there is one (owned.h) */
	bool mismatched;   /* headers of another kernel version */
	bool pending;	   /* a tree to make (roots->lazy), not made yet */
	char version[128]; /* that version, when mismatched */
};

/* Fill roots with the running system's paths. */
void headers_roots_system(struct headers_roots *roots);
/* Resolve a tree; explicit = -K or BCC_KERNEL_SOURCE (NULL if neither). */
int headers_find(struct headers *hdr, const struct headers_roots *roots,
		 const char *explicit_dir, struct error *err);
/* Make the tree headers_find chose but did not make yet (pending), and
 * say where it is. 0 when there is nothing to make. */
int headers_materialize(struct headers *hdr, const struct headers_roots *roots,
			struct error *err);
/* Where the tree comes from, for -v ("made from the user-space API
 * headers and the running kernel's configuration"). */
const char *headers_how(const struct headers *hdr);
/* The synthesized tree lacked a header a program needs: use an installed
 * tree instead (mismatched, with its warning). -1 if there is none. */
int headers_fallback(struct headers *hdr, const struct headers_roots *roots,
		     struct error *err);
/* Remove header trees left in tmp_dir by bcc-hello runs that were killed
 * (bcc-hello-headers-*, of ours, that no live run holds). Returns how
 * many. */
int headers_remove_stale(const char *tmp_dir);
/* Make BCC_KERNEL_SOURCE say what headers_find chose. */
int headers_apply(const struct headers *hdr, struct error *err);
/* Header trees are made in $TMPDIR as HEADERS_TREE_PREFIX<pid>-XXXXXX. */
#define HEADERS_TREE_PREFIX "bcc-hello-headers-"
/* A new tree's folder, held (owned_mkdtemp): the holding descriptor with
 * its path in out, or -1 (errno). */
int headers_mkdtemp(const char *tmp_dir, char *out, size_t size);
/* headers_apply, then say which tree with -v ("kernel headers: ..."). */
int headers_use(const struct headers *hdr, int verbose, struct error *err);
/* Remove the merged tree, if one was made. */
void headers_release(struct headers *hdr);

/* Does dir hold a complete tree (include/linux/kconfig.h and
 * include/generated/autoconf.h)? */
bool headers_tree_complete(const char *dir);
/* Hold the merged tree a compiler's child made (owned.h): 0, or -1 when
 * it cannot be held. */
int headers_hold(struct headers *hdr);
/* Remove a folder tree without following symbolic links: each level is
 * opened relative to the one above with O_NOFOLLOW, the top one too. */
int headers_remove_tree(const char *dir);
/* May header trees be made in dir, as root? It and every folder above it
 * must belong to root (or to us) and, where others may write, have the
 * sticky bit: else another user could replace or rename what we make
 * there. 0, or -1 with err saying which folder and why. */
int headers_check_tmp_dir(const char *dir, struct error *err);

#endif
