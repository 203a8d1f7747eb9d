/* cache.c: compiled programs kept across runs, safely. */
#include "cache.h"
#include "compile.h"
#include "compiler.h"
#include "rounds.h"
#include "source.h"
#include "tutorial.h"
#include "compiled.h"
#include "error.h"
#include "headers.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define ENTRY_MAGIC "BHCACH"
#define ENTRY_VERSION 1
#define ENTRY_SUFFIX ".bhc"
#define ENTRY_MAX (64UL << 20)
#define CACHE_MAX (64UL << 20) /* the folder, in all */

/* The folder: BCC_HELLO_CACHE_DIR, else root's, else the user's. */
static bool cache_path(char *path, size_t size)
{
	const char *env = getenv("BCC_HELLO_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (env && env[0] == '/')
		return path_fmt(path, size, "%s", env);
	if (geteuid() == 0)
		return path_fmt(path, size, "/var/cache/bcc-hello");
	if (xdg && xdg[0] == '/')
		return path_fmt(path, size, "%s/bcc-hello", xdg);
	if (home && home[0] == '/')
		return path_fmt(path, size, "%s/.cache/bcc-hello", home);
	return false;
}

void cache_open(struct cache *c, bool off, int verbose)
{
	char parent[PATH_MAX], *slash;
	struct error err = {0};
	struct stat st;

	c->dirfd = -1;
	c->verbose = verbose;
	if (off || !cache_path(c->dir, sizeof(c->dir)))
		return;
	snprintf(parent, sizeof(parent), "%s", c->dir);
	slash = strrchr(parent, '/');
	if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	/* Every folder above must be root's or ours (sticky where others
	 * may write), else another user could swap the folder. */
	if (headers_check_tmp_dir(parent, &err)) {
		narrate(c->verbose, "cache: %s not used: %s", c->dir, err.msg);
		return;
	}
	if (mkdir(c->dir, 0700) && errno != EEXIST) {
		narrate(c->verbose, "cache: %s not used: %s", c->dir,
			strerror(errno));
		return;
	}
	c->dirfd =
		open(c->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dirfd < 0) {
		narrate(c->verbose, "cache: %s not used: %s", c->dir,
			errno == ELOOP || errno == ENOTDIR
				? "not a folder (a link?)"
				: strerror(errno));
		return;
	}
	if (fstat(c->dirfd, &st) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		narrate(c->verbose, "cache: %s not used: %s", c->dir,
			"it must be ours and private (mode 0700)");
		close(c->dirfd);
		c->dirfd = -1;
	}
}

void cache_close(struct cache *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
}

/* FNV-1a, 64 bits: the entry's name (the key itself is compared). */
static void entry_name(const char *key, char *name, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	snprintf(name, size, "%016llx" ENTRY_SUFFIX, (unsigned long long)h);
}

/* Read an entry's bytes, if the file may be trusted. */
static unsigned char *read_entry(const struct cache *c, const char *name,
				 size_t *len, const char **why)
{
	int fd = openat(c->dirfd, name,
			O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;

	*why = NULL;
	if (fd < 0) {
		*why = errno == ENOENT	? NULL
		       : errno == ELOOP ? "a symbolic link"
					: strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_uid != geteuid())
		*why = "owned by another user";
	else if (st.st_mode & 022)
		*why = "writable by others";
	else if ((size_t)st.st_size > ENTRY_MAX ||
		 (size_t)st.st_size < FRAME_HEADER)
		*why = "truncated, or too large";
	else if (!(buf = malloc((size_t)st.st_size)))
		*why = "out of memory";
	while (!*why && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			*why = "cannot be read";
		else
			got += (size_t)n;
	}
	if (!*why)
		futimens(fd, NULL); /* used now: the last to go */
	close(fd);
	if (*why) {
		free(buf);
		return NULL;
	}
	*len = got;
	return buf;
}

/* The entry's body: key, warnings, flags, seconds, the value. */
static const char *parse_entry(const unsigned char *b, size_t len,
			       const char *key, struct program *prog)
{
	struct rbuf r;
	char *k;
	const char *why = frame_open(b, len, ENTRY_MAGIC, ENTRY_VERSION, &r);

	if (why)
		return why;
	k = rbuf_str(&r);
	if (!k || strcmp(k, key)) {
		free(k);
		return "stale: made for another source, flags, headers or kernel";
	}
	free(k);
	why = program_read(&r, prog);
	return why ? why : prog->built ? NULL : "malformed (no program)";
}

int cache_get(struct cache *c, const char *key, struct program *prog)
{
	char name[64];
	const char *why;
	unsigned char *b;
	size_t len = 0;

	memset(prog, 0, sizeof(*prog));
	if (c->dirfd < 0)
		return -1;
	entry_name(key, name, sizeof(name));
	b = read_entry(c, name, &len, &why);
	if (b) {
		why = parse_entry(b, len, key, prog);
		free(b);
	}
	if (!why && prog->built)
		return 0;
	compile_release(prog);
	if (why)
		narrate(c->verbose,
			"[1/5] cache: entry %s ignored (%s); compiling", name,
			why);
	return -1;
}

/* Keep the folder under CACHE_MAX: the least recently used go first. */
static void prune(struct cache *c)
{
	int fd = dup(c->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	unsigned long long total = 0;
	char oldest[256];

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (;;) {
		struct timespec when = {0};
		struct stat st;

		total = 0;
		oldest[0] = '\0';
		rewinddir(d);
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);

			/* a temporary file a killed run left, a minute ago */
			if (e->d_name[0] == '.' && n > 4 &&
			    !strcmp(e->d_name + n - 4, ".tmp") &&
			    !fstatat(c->dirfd, e->d_name, &st,
				     AT_SYMLINK_NOFOLLOW) &&
			    st.st_mtim.tv_sec + 60 < time(NULL)) {
				unlinkat(c->dirfd, e->d_name, 0);
				continue;
			}
			if (n <= strlen(ENTRY_SUFFIX) ||
			    strcmp(e->d_name + n - strlen(ENTRY_SUFFIX),
				   ENTRY_SUFFIX) ||
			    fstatat(c->dirfd, e->d_name, &st,
				    AT_SYMLINK_NOFOLLOW))
				continue;
			total += (unsigned long long)st.st_size;
			if (!oldest[0] || st.st_mtim.tv_sec < when.tv_sec ||
			    (st.st_mtim.tv_sec == when.tv_sec &&
			     st.st_mtim.tv_nsec < when.tv_nsec)) {
				when = st.st_mtim;
				snprintf(oldest, sizeof(oldest), "%s",
					 e->d_name);
			}
		}
		if (total <= CACHE_MAX || !oldest[0] ||
		    unlinkat(c->dirfd, oldest, 0))
			break;
	}
	closedir(d);
}

void cache_put(struct cache *c, const char *key, const struct program *prog)
{
	struct wbuf w = {0};
	char name[64], tmp[96];
	bool written;
	int fd;

	if (c->dirfd < 0 || !prog->built)
		return;
	frame_begin(&w);
	wbuf_str(&w, key);
	program_write(&w, prog);
	if (w.failed || w.len > ENTRY_MAX ||
	    !frame_seal(&w, ENTRY_MAGIC, ENTRY_VERSION)) {
		free(w.p);
		return;
	}
	entry_name(key, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
	unlinkat(c->dirfd, tmp, 0); /* left by a killed run of this PID */
	fd = openat(c->dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	written = fd >= 0 && wbuf_write(fd, &w);
	free(w.p);
	if (fd < 0)
		return;
	if (close(fd) || !written || renameat(c->dirfd, tmp, c->dirfd, name)) {
		unlinkat(c->dirfd, tmp, 0);
		return;
	}
	prune(c);
}

/* --- the key ------------------------------------------------------- */

/* A file's identity: device, inode, size, modification time. */
static void key_file(struct strbuf *k, const char *label, const char *path)
{
	struct stat st;
	char line[PATH_MAX + 160];

	if (stat(path, &st))
		snprintf(line, sizeof(line), "%s %s absent\n", label, path);
	else
		snprintf(line, sizeof(line),
			 "%s %s %llu %llu %lld %lld.%09ld\n", label, path,
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	strbuf_adds(k, line);
}

/* A file's content: its size and CRC-32 (for files whose times say
 * nothing, like /proc/config.gz, and for the program's own headers). */
static bool key_content(struct strbuf *k, const char *label, const char *path)
{
	char line[PATH_MAX + 64];
	unsigned char buf[65536];
	uLong crc = crc32(0L, NULL, 0);
	unsigned long long size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		crc = crc32(crc, buf, (uInt)n);
		size += (unsigned long long)n;
	}
	close(fd);
	snprintf(line, sizeof(line), "%s %s %llu %08lx\n", label, path, size,
		 crc);
	strbuf_adds(k, line);
	return true;
}

/* What the header tree is made from. A tree bcc-hello made has a new
 * name each run: its sources identify it. */
static void key_tree(struct strbuf *k, const struct headers *hdr,
		     const struct headers_roots *roots)
{
	char p[PATH_MAX + 64], dirs[PATH_MAX];
	char *dir, *save = NULL;

	snprintf(p, sizeof(p), "headers %d %s\n", (int)hdr->kind, hdr->version);
	strbuf_adds(k, p);
	if (hdr->kind == HEADERS_SYNTHESIZED) {
		snprintf(p, sizeof(p), "%s/linux/version.h",
			 roots->usr_include);
		key_file(k, "uapi", p);
		key_content(k, "config", roots->config);
		strbuf_adds(k, roots->machine);
		strbuf_adds(k, "\n");
		return;
	}
	snprintf(dirs, sizeof(dirs), "%s", hdr->origin);
	for (dir = strtok_r(dirs, " +", &save); dir;
	     dir = strtok_r(NULL, " +", &save)) {
		key_file(k, "tree", dir);
		snprintf(p, sizeof(p), "%s/include/generated/autoconf.h", dir);
		key_file(k, "tree", p);
		snprintf(p, sizeof(p), "%s/Makefile", dir);
		key_file(k, "tree", p);
	}
}

/* The files the source includes from its own folder or -I folders (and
 * what they include), by content. */
static void key_includes(struct strbuf *k, const char *text,
			 const struct compile_opts *co, int depth, int *left)
{
	for (const char *p = text; (p = strstr(p, "include")) && *left > 0;) {
		const char *q = p + strlen("include"), *end;
		char name[256], path[PATH_MAX];

		p = q;
		q += strspn(q, " \t");
		if (*q != '"' && *q != '<')
			continue;
		end = strchr(q + 1, *q == '"' ? '"' : '>');
		if (!end || end - q - 1 <= 0 ||
		    end - q - 1 >= (long)sizeof(name) ||
		    memchr(q, '\n', (size_t)(end - q)))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(end - q - 1), q + 1);
		for (size_t i = 0; i <= co->nincludes; i++) {
			const char *dir = i < co->nincludes ? co->includes[i]
							    : co->source_dir;
			struct source src;
			struct error err = {0};

			if (!dir ||
			    !path_fmt(path, sizeof(path), "%s/%s", dir, name) ||
			    !key_content(k, "include", path))
				continue;
			(*left)--;
			if (depth < 4 && source_read(&src, path, &err) == 0) {
				key_includes(k, src.text, co, depth + 1, left);
				source_release(&src);
			}
			free(err.details);
			break;
		}
	}
}

char *cache_key(const struct compile_job *job, int pid)
{
	const struct compile_opts *co = job->copts;
	const struct headers_roots *roots = job->rounds->roots;
	struct strbuf k = {0};
	struct stat st;
	char line[PATH_MAX + 64];
	int left = 64;

	snprintf(line, sizeof(line),
		 "bcc-hello %s\nlibbcc %s\nkernel %s %s %s\n",
		 BCC_HELLO_VERSION, BCC_HELLO_LIBBCC_VERSION,
		 roots->release ? roots->release : "",
		 roots->build ? roots->build : "",
		 roots->machine ? roots->machine : "");
	strbuf_adds(&k, line);
	if (roots->libbcc)
		key_file(&k, "libbcc", roots->libbcc);
	if (compiler_path(line, sizeof(line)))
		key_file(&k, "compiler", line);
	/* the kernel's BTF: its size (sysfs gives no useful times) */
	snprintf(line, sizeof(line), "btf %lld\n",
		 !roots->btf || stat(roots->btf, &st) ? -1LL
						      : (long long)st.st_size);
	strbuf_adds(&k, line);
	key_tree(&k, job->rounds->hdr, job->rounds->roots);
	snprintf(line, sizeof(line), "pid %d\nfile %s\n", pid, job->src->name);
	strbuf_adds(&k, line);
	for (size_t i = 0; i < co->ndefines; i++) {
		strbuf_adds(&k, "define ");
		strbuf_adds(&k, co->defines[i]);
		strbuf_adds(&k, "\n");
	}
	for (size_t i = 0; i < co->nincludes; i++) {
		char *abs = realpath(co->includes[i], NULL);

		strbuf_adds(&k, "include-dir ");
		strbuf_adds(&k, abs ? abs : co->includes[i]);
		strbuf_adds(&k, "\n");
		free(abs);
	}
	if (co->source_dir) {
		strbuf_adds(&k, "source-dir ");
		strbuf_adds(&k, co->source_dir);
		strbuf_adds(&k, "\n");
	}
	key_includes(&k, job->tu->text, co, 0, &left);
	strbuf_adds(&k, "prelude\n");
	strbuf_adds(&k, job->tu->prelude);
	strbuf_adds(&k, "\nsource\n");
	strbuf_adds(&k, job->tu->text);
	if (k.oom) {
		free(k.p);
		return NULL;
	}
	return k.p;
}
