/* synth.h: a kernel header tree made from what the running system has.
 *
 * Programs like the ones this tool runs (tracepoints, bpf_trace_printk,
 * maps) need almost nothing from kernel headers, yet libbcc compiles
 * against a tree. Where the running kernel's own headers are missing, we
 * build the small tree libbcc needs, in a private temporary folder:
 *   - the user-space API headers every machine with a compiler has
 *     (linux-libc-dev: /usr/include/linux, asm-generic, the arch's asm),
 *     reachable as linux/... and uapi/linux/..., but for linux/bpf.h, empty:
 *     libbcc carries its own definitions, which the system's copy clashes with;
 *   - include/generated/autoconf.h from the running kernel's configuration
 *     (/proc/config.gz or /boot/config-RELEASE): the exact CONFIG_ values;
 *   - include/linux/kconfig.h, which libbcc force-includes: autoconf.h,
 *     linux/types.h and the kernel's own type names (u32, size_t, umode_t...);
 *   - an asm/page.h with the running system's PAGE_SIZE.
 * No struct layouts come with it: a program that needs kernel-internal
 * headers fails to find them, and then another tree is tried.
 */
#ifndef BCC_HELLO_SYNTH_H
#define BCC_HELLO_SYNTH_H

#include <stddef.h>

struct error;

/* Make the tree in a new folder under tmp_dir; its path in out, the
 * descriptor that holds it (owned.h) in *hold. config: the kernel
 * configuration file (gzip or plain); usr_include: /usr/include; machine:
 * uname -m. Returns 0, or -1 with err set (and nothing left). */
int synth_tree(char *out, size_t size, int *hold, const char *tmp_dir,
	       const char *config, const char *usr_include, const char *machine,
	       struct error *err);
/* A kernel-internal header the tree lacks (rel: "linux/blkdev.h"), as
 * an empty file in the tree at root: where the kernel's types come from
 * its BTF, the header itself is not needed. 1 if made, 0 if it was there,
 * -1 if rel is not a plain header path or it cannot be made. */
int synth_stub(const char *root, const char *rel);
/* The kernel configuration of release: /proc/config.gz, else
 * /boot/config-RELEASE; NULL if neither is readable. */
const char *synth_config_path(const char *release, char *buf, size_t size);

#endif
