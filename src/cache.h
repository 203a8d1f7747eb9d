/* cache.h: compiled programs kept across runs.
 *
 * What a compile produced (compiled.h, with its warnings) is kept in a
 * folder of root's (/var/cache/bcc-hello; for a non-root user with
 * capabilities $XDG_CACHE_HOME/bcc-hello; BCC_HELLO_CACHE_DIR where tests
 * point it), under a hash of its key: everything the compile depends on
 * (bcc-hello's and libbcc's versions, the compiler's files, the kernel's
 * release and build, its BTF, the header tree and what it was made from,
 * the translated source and the files it includes from its own folder
 * and -I folders, every flag and define, the PID or its placeholder).
 * The whole key is stored in the entry and compared, so a hash collision
 * is a miss, never a wrong program.
 *
 * What is cached goes into the kernel as root: the folder must be ours
 * and private (mode 0700, every folder above it root's or ours, sticky
 * where others may write); an entry must be a regular file of ours, not
 * a link, not writable by others, whole (magic, version, length, CRC-32)
 * and of the same key. Anything else is ignored (-v says why) and
 * replaced. Entries are written to a temporary file and renamed; the
 * oldest go when the folder holds more than 64 MiB.
 */
#ifndef BCC_HELLO_CACHE_H
#define BCC_HELLO_CACHE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct compile_job;
struct program;

struct cache {
	int dirfd; /* the folder, checked; -1 = no cache */
	char dir[PATH_MAX];
	int verbose;
};

/* Open (and make) the cache folder, unless off (--no-cache). A folder
 * that is not safe to use leaves the cache off (-v says why). */
void cache_open(struct cache *c, bool off, int verbose);
/* The entry of key: 0 with prog filled, or -1 (a miss; -v says why when
 * an entry was there and could not be used). */
int cache_get(struct cache *c, const char *key, struct program *prog);
/* Keep prog as the entry of key (nothing happens on any failure: a
 * cache that cannot be written is only slower). */
void cache_put(struct cache *c, const char *key, const struct program *prog);
void cache_close(struct cache *c);
/* The key of job's compile with this PID (or placeholder), malloc'd. */
char *cache_key(const struct compile_job *job, int pid);

#endif
