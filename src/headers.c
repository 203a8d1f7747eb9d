/* headers.c: find, and where needed merge, a kernel header tree for libbcc.
 *
 * libbcc runs clang inside the tree it is given (BCC_KERNEL_SOURCE) with
 * -I paths relative to it: include, arch/ARCH/include, their uapi and
 * generated folders, and -include include/linux/kconfig.h. Debian ships a
 * version's headers in two folders, linux-headers-V-common (the sources)
 * and linux-headers-V-FLAVOUR (include/generated, arch/ARCH/include/generated,
 * the configuration). Neither works alone, so we merge them into a private
 * tree of symbolic links: one folder where both have a folder, one link for
 * everything else, the flavour's files winning.
 */
#include "headers.h"
#include "owned.h"
#include "error.h"
#include "synth.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PREFIX "linux-headers-"

static struct utsname system_uts;
static char config_buf[PATH_MAX];

/* Where a tree is made without $TMPDIR: /dev/shm if it is a tmpfs we may
 * write, else /tmp. A made tree is about 1,150 symbolic links; on this
 * machine's ext4 /tmp they took 0.35 s, a third of the start-up, and on
 * tmpfs 8 ms. */
static const char *default_tmp_dir(void)
{
	struct statfs fs;

	if (statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
	    access("/dev/shm", W_OK | X_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

void headers_roots_system(struct headers_roots *roots)
{
	const char *tmp = getenv("TMPDIR");

	uname(&system_uts);
	roots->modules_dir = "/lib/modules";
	roots->usr_src = "/usr/src";
	roots->kheaders = "/sys/kernel/kheaders.tar.xz";
	roots->tmp_dir = tmp && tmp[0] == '/' ? tmp : default_tmp_dir();
	roots->release = system_uts.release;
	roots->config = synth_config_path(system_uts.release, config_buf,
					  sizeof(config_buf));
	roots->usr_include = "/usr/include";
	roots->machine = system_uts.machine;
	roots->libbcc = BCC_HELLO_LIBBCC_PATH;
	roots->btf = "/sys/kernel/btf/vmlinux";
	roots->build = system_uts.version;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_file(const char *dir, const char *rel)
{
	char p[PATH_MAX];

	if (!path_fmt(p, sizeof(p), "%s/%s", dir, rel))
		return false;
	return is_file(p);
}

bool headers_tree_complete(const char *dir)
{
	return has_file(dir, "include/linux/kconfig.h") &&
	       has_file(dir, "include/generated/autoconf.h");
}

/* Remove name, in the folder open at parent, and all it holds. Every
 * level is opened with O_NOFOLLOW relative to the one above: a symbolic
 * link is removed, never followed, whatever was swapped in where. */
static int remove_at(int parent, const char *name, int depth)
{
	int fd, ret = 0;
	DIR *d;
	struct dirent *e;

	fd = openat(parent, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -1;
		return unlinkat(parent, name, 0) && errno != ENOENT ? -1 : 0;
	}
	d = depth < 64 ? fdopendir(fd) : NULL;
	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			ret |= remove_at(dirfd(d), e->d_name, depth + 1);
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) && errno != ENOENT)
		ret = -1;
	return ret;
}

int headers_remove_tree(const char *dir)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(dir, '/');
	int pfd, ret;

	if (!slash || !slash[1] ||
	    !path_fmt(parent, sizeof(parent), "%.*s",
		      slash == dir ? 1 : (int)(slash - dir), dir))
		return -1;
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return errno == ENOENT ? 0 : -1;
	ret = remove_at(pfd, slash + 1, 0);
	close(pfd);
	return ret;
}

int headers_check_tmp_dir(const char *dir, struct error *err)
{
	char real[PATH_MAX], *p;
	uid_t me = geteuid();

	if (!realpath(dir, real))
		return error_set(
			err,
			"cannot use %s for temporary header trees: %s; set TMPDIR to an existing folder, or unset it",
			dir, strerror(errno));
	/* The folder and every folder above it: another user who may
	 * rename or replace an entry could swap our tree for another. */
	for (;;) {
		struct stat st;

		if (stat(real, &st))
			return error_set(err, "cannot use %s: %s: %s", dir,
					 real, strerror(errno));
		if (st.st_uid != 0 && st.st_uid != me)
			return error_set(
				err,
				"TMPDIR %s is unsafe: %s belongs to uid %u, who could replace what bcc-hello makes there for root to compile or remove; set TMPDIR to a folder of root's, or unset it",
				dir, real, (unsigned)st.st_uid);
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    !(st.st_mode & S_ISVTX))
			return error_set(
				err,
				"TMPDIR %s is unsafe: other users may write %s and it lacks the sticky bit, so they could replace what bcc-hello makes there; set TMPDIR to a folder only root may write, or unset it",
				dir, real);
		if (!strcmp(real, "/"))
			break;
		p = strrchr(real, '/');
		if (p == real)
			p++;
		*p = '\0';
	}
	return 0;
}

/* Link every entry of `first` then `second` into `out`; where both hold a
 * folder of the same name, make a folder and recurse. */
static int merge_into(const char *out, const char *first, const char *second)
{
	const char *srcs[2] = {first, second};

	if (mkdir(out, 0755) && errno != EEXIST)
		return -1;
	for (int i = 0; i < 2; i++) {
		DIR *d = opendir(srcs[i]);
		struct dirent *e;

		if (!d)
			return -1;
		while ((e = readdir(d))) {
			char from[PATH_MAX], to[PATH_MAX], other[PATH_MAX];
			struct stat st;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			path_fmt(to, sizeof(to), "%s/%s", out, e->d_name);
			if (lstat(to, &st) == 0)
				continue; /* taken by the first tree or merged */
			path_fmt(from, sizeof(from), "%s/%s", srcs[i],
				 e->d_name);
			path_fmt(other, sizeof(other), "%s/%s", srcs[1 - i],
				 e->d_name);
			if (i == 0 && is_dir(from) && is_dir(other)) {
				if (merge_into(to, from, other)) {
					closedir(d);
					return -1;
				}
			} else if (symlink(from, to)) {
				closedir(d);
				return -1;
			}
		}
		closedir(d);
	}
	return 0;
}

static int merge_pair(struct headers *hdr, const struct headers_roots *roots,
		      const char *flavour, const char *common,
		      struct error *err)
{
	char tmpl[PATH_MAX];

	hdr->hold = headers_mkdtemp(roots->tmp_dir, tmpl, sizeof(tmpl));
	if (hdr->hold < 0)
		return error_set(
			err,
			"cannot create a folder in %s to merge %s and %s: %s; set TMPDIR to a writable folder",
			roots->tmp_dir, flavour, common, strerror(errno));
	path_fmt(hdr->merged, sizeof(hdr->merged), "%s", tmpl);
	if (merge_into(tmpl, flavour, common)) {
		int e = errno;

		headers_release(hdr);
		return error_set(err, "cannot merge %s and %s in %s: %s",
				 flavour, common, roots->tmp_dir, strerror(e));
	}
	path_fmt(hdr->path, sizeof(hdr->path), "%s", tmpl);
	return 0;
}

/* Split a path into its parent folder and base name (trailing slashes
 * dropped). */
static void split_path(const char *dir, char *parent, char *base)
{
	char copy[PATH_MAX];
	char *slash;
	size_t n;

	path_fmt(copy, sizeof(copy), "%s", dir);
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (!slash) {
		path_fmt(parent, PATH_MAX, ".");
		path_fmt(base, PATH_MAX, "%s", copy);
		return;
	}
	path_fmt(base, PATH_MAX, "%s", slash + 1);
	if (slash == copy)
		slash[1] = '\0';
	else
		*slash = '\0';
	path_fmt(parent, PATH_MAX, "%s", copy);
}

/* For a Debian folder ".../linux-headers-V-FLAVOUR" (FLAVOUR may hold
 * dashes: amd64, cloud-amd64), or ".../linux-headers-V-common", the two
 * halves of its pair, if both are there. Returns 0 and fills both. */
static int debian_pair(const char *dir, char *flavour, char *common)
{
	char parent[PATH_MAX], base[PATH_MAX], cand[PATH_MAX];
	size_t blen, plen = strlen(PREFIX);
	DIR *d;
	struct dirent *e;
	int found = -1;

	split_path(dir, parent, base);
	blen = strlen(base);
	if (strncmp(base, PREFIX, plen) || blen <= plen)
		return -1;

	if (blen > 7 && !strcmp(base + blen - 7, "-common")) {
		/* The common half: its flavours are "<stem>-*" with generated
		 * headers; the shortest name wins (amd64 before cloud-amd64). */
		size_t stem = blen - 6; /* "linux-headers-V-" */

		if (!has_file(dir, "include/linux/kconfig.h"))
			return -1;
		d = opendir(parent);
		if (!d)
			return -1;
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, base, stem) ||
			    !strcmp(e->d_name, base) ||
			    (found == 0 &&
			     strlen(e->d_name) >=
				     strlen(strrchr(flavour, '/') + 1)))
				continue;
			if (!path_fmt(cand, sizeof(cand), "%s/%s", parent,
				      e->d_name) ||
			    !has_file(cand, "include/generated/autoconf.h"))
				continue;
			path_fmt(flavour, PATH_MAX, "%s", cand);
			found = 0;
		}
		closedir(d);
		if (found == 0)
			path_fmt(common, PATH_MAX, "%s/%s", parent, base);
		return found;
	}

	/* A flavour half: its common half is named by the version, which
	 * ends at one of the dashes; try the longest version first. */
	if (!has_file(dir, "include/generated/autoconf.h"))
		return -1;
	for (size_t cut = blen; cut > plen; cut--) {
		if (base[cut - 1] != '-' || cut == blen)
			continue;
		if (!path_fmt(cand, sizeof(cand), "%s/%.*scommon", parent,
			      (int)cut, base) ||
		    !has_file(cand, "include/linux/kconfig.h"))
			continue;
		path_fmt(flavour, PATH_MAX, "%s/%s", parent, base);
		path_fmt(common, PATH_MAX, "%s", cand);
		return 0;
	}
	return -1;
}

static int use_dir(struct headers *hdr, const struct headers_roots *roots,
		   const char *dir, enum headers_kind kind, struct error *err)
{
	char flavour[PATH_MAX], common[PATH_MAX];

	hdr->kind = kind;
	path_fmt(hdr->origin, sizeof(hdr->origin), "%s", dir);
	if (headers_tree_complete(dir)) {
		path_fmt(hdr->path, sizeof(hdr->path), "%s", dir);
		return 0;
	}
	if (debian_pair(dir, flavour, common) == 0) {
		path_fmt(hdr->origin, sizeof(hdr->origin), "%s + %s", flavour,
			 common);
		return merge_pair(hdr, roots, flavour, common, err);
	}
	return -2; /* not a tree */
}

/* The version part of "linux-headers-VERSION". */
static const char *version_of(const char *name)
{
	return name + strlen(PREFIX);
}

/* Is candidate a better choice than best? The running kernel's own
 * version wins, then the newest version, then the shorter name (amd64
 * before cloud-amd64). */
static bool better(const char *cand, bool cand_exact, const char *best,
		   bool best_exact)
{
	int cmp;

	if (!best[0])
		return true;
	if (cand_exact != best_exact)
		return cand_exact;
	cmp = strverscmp(version_of(cand), version_of(best));
	if (cmp)
		return cmp > 0;
	return strlen(cand) < strlen(best);
}

/* A /usr/src entry we can use: a complete tree, or a Debian flavour half
 * whose -common half is there too. */
static bool usable(const char *dir)
{
	char f[PATH_MAX], c[PATH_MAX];

	if (headers_tree_complete(dir))
		return true;
	return has_file(dir, "include/generated/autoconf.h") &&
	       debian_pair(dir, f, c) == 0;
}

static int find_installed(struct headers *hdr,
			  const struct headers_roots *roots, struct error *err)
{
	DIR *d = opendir(roots->usr_src);
	struct dirent *e;
	char best[256] = "", p[PATH_MAX];
	bool best_exact = false;
	int ret;

	if (!d)
		return -2;
	while ((e = readdir(d))) {
		bool exact;

		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) ||
		    strlen(e->d_name) >= sizeof(best))
			continue;
		path_fmt(p, sizeof(p), "%s/%s", roots->usr_src, e->d_name);
		if (!usable(p))
			continue;
		exact = !strcmp(version_of(e->d_name), roots->release);
		if (better(e->d_name, exact, best, best_exact)) {
			path_fmt(best, sizeof(best), "%s", e->d_name);
			best_exact = exact;
		}
	}
	closedir(d);
	if (!best[0])
		return -2;
	path_fmt(p, sizeof(p), "%s/%s", roots->usr_src, best);
	ret = use_dir(hdr, roots, p, HEADERS_INSTALLED, err);
	if (ret)
		return ret;
	if (!best_exact) {
		hdr->mismatched = true;
		path_fmt(hdr->version, sizeof(hdr->version), "%s",
			 version_of(best));
	}
	return 0;
}

int headers_find(struct headers *hdr, const struct headers_roots *roots,
		 const char *explicit_dir, struct error *err)
{
	int ret;

	memset(hdr, 0, sizeof(*hdr));
	if (explicit_dir) {
		if (!is_dir(explicit_dir))
			return error_set(
				err,
				"kernel headers '%s': no such folder; give a kernel header tree with -K DIR",
				explicit_dir);
		ret = use_dir(hdr, roots, explicit_dir, HEADERS_EXPLICIT, err);
		if (ret == -2)
			return error_set(
				err,
				"kernel headers '%s': not a kernel header tree (no include/linux/kconfig.h and include/generated/autoconf.h); give the folder of a linux-headers package",
				explicit_dir);
		return ret;
	}

	/* Headers of the running kernel: libbcc finds these itself, in
	 * build alone or split between build and source (Debian's layout). */
	{
		char build[PATH_MAX], src[PATH_MAX];

		path_fmt(build, sizeof(build), "%s/%s/build",
			 roots->modules_dir, roots->release);
		path_fmt(src, sizeof(src), "%s/%s/source", roots->modules_dir,
			 roots->release);
		if (has_file(build, "include/generated/autoconf.h") &&
		    (has_file(build, "include/linux/kconfig.h") ||
		     has_file(src, "include/linux/kconfig.h"))) {
			hdr->kind = HEADERS_MODULES;
			path_fmt(hdr->origin, sizeof(hdr->origin), "%s", build);
			return 0;
		}
	}
	if (is_file(roots->kheaders)) {
		hdr->kind = HEADERS_KHEADERS;
		path_fmt(hdr->origin, sizeof(hdr->origin), "%s",
			 roots->kheaders);
		return 0;
	}
	if (roots->config && roots->usr_include && roots->machine) {
		hdr->kind = HEADERS_SYNTHESIZED;
		hdr->pending = true;
		path_fmt(hdr->origin, sizeof(hdr->origin), "%s/linux and %s",
			 roots->usr_include, roots->config);
		return roots->lazy ? 0 : headers_materialize(hdr, roots, err);
	}
	return headers_fallback(hdr, roots, err);
}

int headers_materialize(struct headers *hdr, const struct headers_roots *roots,
			struct error *err)
{
	if (!hdr->pending)
		return 0;
	if (synth_tree(hdr->merged, sizeof(hdr->merged), &hdr->hold,
		       roots->tmp_dir, roots->config, roots->usr_include,
		       roots->machine, err))
		return -1;
	hdr->pending = false;
	path_fmt(hdr->path, sizeof(hdr->path), "%s", hdr->merged);
	path_fmt(hdr->origin, sizeof(hdr->origin),
		 "%s/linux and %s, made into %s", roots->usr_include,
		 roots->config, hdr->merged);
	return 0;
}

const char *headers_how(const struct headers *hdr)
{
	switch (hdr->kind) {
	case HEADERS_EXPLICIT:
		return "given with -K or BCC_KERNEL_SOURCE";
	case HEADERS_MODULES:
		return "the running kernel's, found by libbcc";
	case HEADERS_KHEADERS:
		return "the running kernel's kheaders, unpacked by libbcc";
	case HEADERS_SYNTHESIZED:
		return "made from the user-space API headers and the running kernel's configuration";
	case HEADERS_INSTALLED:
		return hdr->merged[0] ? "installed, merged into a private tree"
				      : "installed";
	}
	return "";
}

int headers_fallback(struct headers *hdr, const struct headers_roots *roots,
		     struct error *err)
{
	int ret;

	headers_release(hdr);
	memset(hdr, 0, sizeof(*hdr));
	ret = find_installed(hdr, roots, err);
	if (ret == -2)
		return error_set(
			err,
			"no kernel headers found for kernel %s: install them (apt-get install linux-headers-amd64, or your distribution's kernel headers package) or give a tree with -K DIR",
			roots->release);
	return ret;
}

int headers_mkdtemp(const char *tmp_dir, char *out, size_t size)
{
	char name[64];

	snprintf(name, sizeof(name), HEADERS_TREE_PREFIX "%d-", (int)getpid());
	return owned_mkdtemp(tmp_dir, name, out, size);
}

int headers_use(const struct headers *hdr, int verbose, struct error *err)
{
	if (headers_apply(hdr, err))
		return -1;
	narrate(verbose, "kernel headers: %s (%s)", hdr->origin,
		headers_how(hdr));
	return 0;
}

int headers_apply(const struct headers *hdr, struct error *err)
{
	int ret = hdr->path[0] ? setenv("BCC_KERNEL_SOURCE", hdr->path, 1)
			       : unsetenv("BCC_KERNEL_SOURCE");

	if (ret)
		return error_set(err, "cannot set BCC_KERNEL_SOURCE: %s",
				 strerror(errno));
	return 0;
}

void headers_release(struct headers *hdr)
{
	if (hdr->merged[0]) {
		headers_remove_tree(hdr->merged);
		hdr->merged[0] = '\0';
		if (hdr->hold >= 0)
			close(hdr->hold); /* and the lock with it */
		hdr->hold = -1;
	}
}

int headers_hold(struct headers *hdr)
{
	hdr->hold = hdr->merged[0] ? owned_hold(hdr->merged) : -1;
	return hdr->merged[0] && hdr->hold < 0 ? -1 : 0;
}

int headers_remove_stale(const char *tmp_dir)
{
	static const char prefix[] = HEADERS_TREE_PREFIX;
	DIR *d = opendir(tmp_dir);
	struct dirent *e;
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		/* ".bcc-hello-headers-...": not yet renamed (owned.h) */
		const char *n = e->d_name + (e->d_name[0] == '.');
		char p[PATH_MAX];
		struct stat st;

		if (strncmp(n, prefix, sizeof(prefix) - 1) ||
		    !path_fmt(p, sizeof(p), "%s/%s", tmp_dir, e->d_name) ||
		    lstat(p, &st) || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid() ||
		    !owned_abandoned(dirfd(d), e->d_name))
			continue;
		if (headers_remove_tree(p) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
