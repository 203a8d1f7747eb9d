/* test_headers.c: finding a kernel header tree, over fake trees built in a
 * temporary folder that stands for /lib/modules, /usr/src, kheaders and
 * $TMPDIR. */
#include "check.h"
#include "error.h"
#include "headers.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* One fake system per test, removed at its end. */
struct fake {
	char root[PATH_MAX];
	char modules[PATH_MAX];
	char usr_src[PATH_MAX];
	char kheaders[PATH_MAX];
	char tmp[PATH_MAX];
	struct headers_roots roots;
};

/* snprintf for paths; a path that does not fit fails the test. */
static void fmt_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fmt_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "%s: path too long: %s\n", check_current, buf);
		check_failures++;
	}
}

static void check_contains(const char *text, const char *want, int line)
{
	if (!strstr(text, want)) {
		fprintf(stderr, "%s:%d: %s: \"%s\" does not contain \"%s\"\n",
			__FILE__, line, check_current, text, want);
		check_failures++;
	}
}
#define CHECK_CONTAINS(text, want) check_contains((text), (want), __LINE__)

/* mkdir -p */
static void make_dirs(const char *path)
{
	char p[PATH_MAX];

	fmt_path(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: cannot create %s\n", check_current, p);
		check_failures++;
	}
}

/* Write path, creating its folders. */
static void make_path(const char *path, const char *text)
{
	char p[PATH_MAX];
	char *slash;
	FILE *f;

	fmt_path(p, sizeof(p), "%s", path);
	slash = strrchr(p, '/');
	*slash = '\0';
	make_dirs(p);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

/* Write dir/rel, creating its folders. */
static void make_file(const char *dir, const char *rel, const char *text)
{
	char p[PATH_MAX];

	fmt_path(p, sizeof(p), "%s/%s", dir, rel);
	make_path(p, text);
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf, never following links (independent of headers_remove_tree). */
static void remove_all(const char *dir)
{
	if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS)) {
		fprintf(stderr, "%s: cannot remove %s\n", check_current, dir);
		check_failures++;
	}
}

/* The text of dir/rel, or "" if it cannot be read. */
static const char *read_back(const char *dir, const char *rel)
{
	static char text[256];
	char p[PATH_MAX];
	FILE *f;
	size_t n;

	text[0] = '\0';
	fmt_path(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "r");
	if (!f)
		return text;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static bool exists(const char *dir, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	fmt_path(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &st) == 0;
}

static void fake_init(struct fake *fk, const char *release)
{
	const char *tmp = getenv("TMPDIR");

	memset(fk, 0, sizeof(*fk));
	fmt_path(fk->root, sizeof(fk->root), "%s/test_headers_XXXXXX",
		 tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(fk->root)) {
		fprintf(stderr, "%s: mkdtemp failed\n", check_current);
		check_failures++;
	}
	fmt_path(fk->modules, sizeof(fk->modules), "%s/lib/modules", fk->root);
	fmt_path(fk->usr_src, sizeof(fk->usr_src), "%s/usr/src", fk->root);
	fmt_path(fk->kheaders, sizeof(fk->kheaders),
		 "%s/sys/kernel/kheaders.tar.xz", fk->root);
	fmt_path(fk->tmp, sizeof(fk->tmp), "%s/tmp", fk->root);
	make_dirs(fk->modules);
	make_dirs(fk->usr_src);
	make_dirs(fk->tmp);
	fk->roots.modules_dir = fk->modules;
	fk->roots.usr_src = fk->usr_src;
	fk->roots.kheaders = fk->kheaders;
	fk->roots.tmp_dir = fk->tmp;
	fk->roots.release = release;
}

/* The private tmp folder must be empty again: every merged tree removed. */
static void fake_done(struct fake *fk)
{
	if (rmdir(fk->tmp)) {
		fprintf(stderr,
			"%s: %s is not empty: a merged tree was left behind\n",
			check_current, fk->tmp);
		check_failures++;
	}
	remove_all(fk->root);
}

/* A complete tree (what one linux-headers package of most distributions
 * holds) at usr_src/name. Returns its path in a static buffer. */
static const char *make_tree(const char *parent, const char *name)
{
	static char dir[PATH_MAX];

	fmt_path(dir, sizeof(dir), "%s/%s", parent, name);
	make_file(dir, "include/linux/kconfig.h", "kconfig of a complete tree");
	make_file(dir, "include/generated/autoconf.h",
		  "autoconf of a complete tree");
	make_file(dir, "Makefile", "Makefile");
	return dir;
}

/* A Debian pair for version V (e.g. "6.1.0-56"): linux-headers-V-FLAVOUR
 * with the generated headers and linux-headers-V-common with the rest. */
static void make_debian_pair(const char *usr_src, const char *v,
			     const char *flavour)
{
	char dir[PATH_MAX];

	fmt_path(dir, sizeof(dir), "%s/linux-headers-%s-%s", usr_src, v,
		 flavour);
	make_file(dir, "include/generated/autoconf.h", "flavour autoconf.h");
	make_file(dir, "include/config/auto.conf", "flavour auto.conf");
	make_file(dir, "arch/x86/include/generated/asm/cpufeaturemasks.h",
		  "flavour cpufeaturemasks.h");
	make_file(dir, "Makefile", "flavour Makefile");
	fmt_path(dir, sizeof(dir), "%s/linux-headers-%s-common", usr_src, v);
	make_file(dir, "include/linux/kconfig.h", "common kconfig.h");
	make_file(dir, "include/linux/sched.h", "common sched.h");
	make_file(dir, "arch/x86/include/asm/ptrace.h", "common ptrace.h");
	make_file(dir, "Makefile", "common Makefile");
}

/* hdr is a merged tree of the pair made by make_debian_pair: both halves
 * resolve through it, the flavour winning where both have a file. */
static void check_merged(const struct fake *fk, const struct headers *hdr)
{
	CHECK(hdr->merged[0] != '\0');
	if (!hdr->merged[0])
		return; /* no tree to look into */
	CHECK_STR(hdr->path, hdr->merged);
	CHECK(strncmp(hdr->merged, fk->tmp, strlen(fk->tmp)) == 0 &&
	      hdr->merged[strlen(fk->tmp)] == '/');
	CHECK(headers_tree_complete(hdr->path));
	CHECK_STR(read_back(hdr->path, "include/linux/kconfig.h"),
		  "common kconfig.h");
	CHECK_STR(read_back(hdr->path, "include/generated/autoconf.h"),
		  "flavour autoconf.h");
	CHECK_STR(read_back(hdr->path, "include/linux/sched.h"),
		  "common sched.h");
	CHECK_STR(read_back(hdr->path, "include/config/auto.conf"),
		  "flavour auto.conf");
	CHECK_STR(read_back(hdr->path, "arch/x86/include/asm/ptrace.h"),
		  "common ptrace.h");
	CHECK_STR(read_back(hdr->path,
			    "arch/x86/include/generated/asm/cpufeaturemasks.h"),
		  "flavour cpufeaturemasks.h");
	CHECK_STR(read_back(hdr->path, "Makefile"), "flavour Makefile");
}

TEST(an_explicit_complete_tree_is_used_as_it_is)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	const char *dir;

	fake_init(&fk, "6.1.0-56-amd64");
	dir = make_tree(fk.root, "my-kernel");
	CHECK_INT(headers_find(&hdr, &fk.roots, dir, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_EXPLICIT);
	CHECK_STR(hdr.path, dir);
	CHECK_STR(hdr.origin, dir);
	CHECK_STR(hdr.merged, "");
	CHECK(!hdr.mismatched);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(an_explicit_missing_folder_is_an_error)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char dir[PATH_MAX];

	fake_init(&fk, "6.1.0-56-amd64");
	make_tree(fk.usr_src, "linux-headers-6.1.0-56-amd64");
	fmt_path(dir, sizeof(dir), "%s/no-such-folder", fk.root);
	CHECK_INT(headers_find(&hdr, &fk.roots, dir, &err), -1);
	CHECK_INT(err.exit_code, EXIT_FAIL);
	CHECK_CONTAINS(err.msg, dir);
	CHECK_CONTAINS(err.msg, "no such folder");
	fake_done(&fk);
}

TEST(an_explicit_folder_that_is_not_a_tree_is_an_error)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char dir[PATH_MAX];

	fake_init(&fk, "6.1.0-56-amd64");
	make_tree(fk.usr_src, "linux-headers-6.1.0-56-amd64");
	fmt_path(dir, sizeof(dir), "%s/half", fk.root);
	make_file(dir, "include/linux/kconfig.h", "only kconfig.h");
	CHECK_INT(headers_find(&hdr, &fk.roots, dir, &err), -1);
	CHECK_INT(err.exit_code, EXIT_FAIL);
	CHECK_CONTAINS(err.msg, dir);
	CHECK_CONTAINS(err.msg, "not a kernel header tree");
	fake_done(&fk);
}

TEST(an_explicit_regular_file_is_an_error)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char file[PATH_MAX];

	fake_init(&fk, "6.1.0-56-amd64");
	make_file(fk.root, "headers.tar", "not a folder");
	fmt_path(file, sizeof(file), "%s/headers.tar", fk.root);
	CHECK_INT(headers_find(&hdr, &fk.roots, file, &err), -1);
	CHECK_CONTAINS(err.msg, "no such folder");
	fake_done(&fk);
}

TEST(the_modules_build_tree_wins_over_usr_src)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char build[PATH_MAX];

	fake_init(&fk, "6.1.0-56-amd64");
	make_tree(fk.modules, "6.1.0-56-amd64/build");
	make_tree(fk.usr_src, "linux-headers-6.1.0-56-amd64");
	make_path(fk.kheaders, "xz");
	fmt_path(build, sizeof(build), "%s/6.1.0-56-amd64/build", fk.modules);
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_MODULES);
	CHECK_STR(hdr.origin, build);
	CHECK_STR(hdr.path, ""); /* libbcc finds it itself */
	CHECK_STR(hdr.merged, "");
	CHECK(!hdr.mismatched);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(a_debian_modules_build_with_its_source_half_is_left_to_libbcc)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char build[PATH_MAX];

	/* Debian: build holds the generated headers (the -amd64 half),
	 * source the rest (the -common half); libbcc reads both. */
	fake_init(&fk, "6.1.0-56-amd64");
	make_file(fk.modules,
		  "6.1.0-56-amd64/build/include/generated/autoconf.h",
		  "flavour autoconf.h");
	make_file(fk.modules, "6.1.0-56-amd64/source/include/linux/kconfig.h",
		  "common kconfig.h");
	fmt_path(build, sizeof(build), "%s/6.1.0-56-amd64/build", fk.modules);
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_MODULES);
	CHECK_STR(hdr.origin, build);
	CHECK_STR(hdr.path, "");
	CHECK_STR(hdr.merged, "");
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(a_modules_build_without_generated_headers_is_not_used)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char want[PATH_MAX];

	/* Without include/generated/autoconf.h clang cannot compile against
	 * it, whatever source holds. */
	fake_init(&fk, "6.1.0-56-amd64");
	make_file(fk.modules, "6.1.0-56-amd64/build/include/linux/kconfig.h",
		  "kconfig.h");
	make_file(fk.modules, "6.1.0-56-amd64/source/include/linux/kconfig.h",
		  "kconfig.h");
	make_tree(fk.usr_src, "linux-headers-6.1.0-56-amd64");
	fmt_path(want, sizeof(want), "%s/linux-headers-6.1.0-56-amd64",
		 fk.usr_src);
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_INSTALLED);
	CHECK_STR(hdr.path, want);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(a_modules_tree_of_another_release_is_not_used)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char want[PATH_MAX];

	fake_init(&fk, "6.1.0-56-amd64");
	make_tree(fk.modules, "6.1.0-9-amd64/build");
	make_tree(fk.usr_src, "linux-headers-6.1.0-9-amd64");
	fmt_path(want, sizeof(want), "%s/linux-headers-6.1.0-9-amd64",
		 fk.usr_src);
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_INSTALLED);
	CHECK_STR(hdr.path, want);
	CHECK(hdr.mismatched);
	CHECK_STR(hdr.version, "6.1.0-9-amd64");
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(the_kheaders_file_is_used_when_there_is_no_modules_tree)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;

	fake_init(&fk, "6.1.0-56-amd64");
	make_path(fk.kheaders, "xz");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_KHEADERS);
	CHECK_STR(hdr.origin, fk.kheaders);
	CHECK_STR(hdr.path, "");
	CHECK_STR(hdr.merged, "");
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(a_debian_split_pair_is_merged_into_a_private_tree)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;

	fake_init(&fk, "6.5.0-1-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_INSTALLED);
	check_merged(&fk, &hdr);
	CHECK(hdr.mismatched);
	CHECK_STR(hdr.version, "6.1.0-56-amd64");
	CHECK_CONTAINS(hdr.origin, "linux-headers-6.1.0-56-amd64");
	CHECK_CONTAINS(hdr.origin, "linux-headers-6.1.0-56-common");
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(the_pair_of_the_running_kernel_is_not_mismatched)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;

	fake_init(&fk, "6.1.0-56-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	check_merged(&fk, &hdr);
	CHECK(!hdr.mismatched);
	CHECK_STR(hdr.version, "");
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(an_explicit_flavour_half_is_merged_with_its_common_half)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char dir[PATH_MAX];

	fake_init(&fk, "6.5.0-1-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	fmt_path(dir, sizeof(dir), "%s/linux-headers-6.1.0-56-amd64",
		 fk.usr_src);
	CHECK_INT(headers_find(&hdr, &fk.roots, dir, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_EXPLICIT);
	check_merged(&fk, &hdr);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(an_explicit_common_half_is_merged_with_its_flavour_half)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char dir[PATH_MAX];

	fake_init(&fk, "6.5.0-1-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	fmt_path(dir, sizeof(dir), "%s/linux-headers-6.1.0-56-common",
		 fk.usr_src);
	CHECK_INT(headers_find(&hdr, &fk.roots, dir, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_EXPLICIT);
	check_merged(&fk, &hdr);
	headers_release(&hdr);

	/* The same, written with a trailing slash. */
	strcat(dir, "/");
	CHECK_INT(headers_find(&hdr, &fk.roots, dir, &err), 0);
	check_merged(&fk, &hdr);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(an_explicit_cloud_flavour_is_merged_with_the_common_half)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char dir[PATH_MAX];

	/* Debian's linux-headers-V-cloud-amd64 depends on linux-headers-V-common,
	 * like -amd64: the flavour is "cloud-amd64", not "amd64". */
	fake_init(&fk, "6.5.0-1-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "cloud-amd64");
	fmt_path(dir, sizeof(dir), "%s/linux-headers-6.1.0-56-cloud-amd64",
		 fk.usr_src);
	if (headers_find(&hdr, &fk.roots, dir, &err)) {
		fprintf(stderr, "%s: headers_find failed: %s\n", check_current,
			err.msg);
		check_failures++;
	}
	CHECK_INT(hdr.kind, HEADERS_EXPLICIT);
	check_merged(&fk, &hdr);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(an_explicit_half_without_its_other_half_is_an_error)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char dir[PATH_MAX];

	fake_init(&fk, "6.5.0-1-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	fmt_path(dir, sizeof(dir), "%s/linux-headers-6.1.0-56-common",
		 fk.usr_src);
	remove_all(dir);
	fmt_path(dir, sizeof(dir), "%s/linux-headers-6.1.0-56-amd64",
		 fk.usr_src);
	CHECK_INT(headers_find(&hdr, &fk.roots, dir, &err), -1);
	CHECK_CONTAINS(err.msg, "not a kernel header tree");
	fake_done(&fk);
}

TEST(a_merge_into_a_missing_tmp_dir_is_an_error_naming_tmpdir)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char tmp[PATH_MAX];

	fake_init(&fk, "6.5.0-1-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	fmt_path(tmp, sizeof(tmp), "%s/no-such-tmp", fk.root);
	fk.roots.tmp_dir = tmp;
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), -1);
	CHECK_INT(err.exit_code, EXIT_FAIL);
	CHECK_CONTAINS(err.msg, "TMPDIR");
	CHECK_STR(hdr.merged, "");
	fake_done(&fk);
}

static void check_newest_wins(const char *older, const char *newer,
			      bool newer_first)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char want[64];

	fake_init(&fk, "6.5.0-1-amd64");
	if (newer_first)
		make_debian_pair(fk.usr_src, newer, "amd64");
	make_debian_pair(fk.usr_src, older, "amd64");
	if (!newer_first)
		make_debian_pair(fk.usr_src, newer, "amd64");
	fmt_path(want, sizeof(want), "%s-amd64", newer);
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK(hdr.mismatched);
	CHECK_STR(hdr.version, want);
	CHECK_CONTAINS(hdr.origin, want);
	check_merged(&fk, &hdr);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(the_newest_version_wins_in_version_order)
{
	/* strcmp would put 6.1.0-9 after 6.1.0-56. */
	check_newest_wins("6.1.0-9", "6.1.0-56", false);
	check_newest_wins("6.1.0-9", "6.1.0-56", true);
	check_newest_wins("6.1.0-56", "6.10.0-1", false);
	check_newest_wins("6.1.0-56", "6.10.0-1", true);
}

TEST(the_running_kernels_version_wins_over_a_newer_one)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;

	fake_init(&fk, "6.1.0-9-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-9", "amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK(!hdr.mismatched);
	CHECK_CONTAINS(hdr.origin, "linux-headers-6.1.0-9-amd64");
	check_merged(&fk, &hdr);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(a_complete_installed_tree_is_used_without_merging)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char want[PATH_MAX];

	fake_init(&fk, "5.15.0-91-generic");
	make_tree(fk.usr_src, "linux-headers-5.15.0-91-generic");
	make_file(fk.usr_src, "linux-headers-5.15.0-91/include/linux/kconfig.h",
		  "an Ubuntu source half without generated headers");
	fmt_path(want, sizeof(want), "%s/linux-headers-5.15.0-91-generic",
		 fk.usr_src);
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	CHECK_INT(hdr.kind, HEADERS_INSTALLED);
	CHECK_STR(hdr.path, want);
	CHECK_STR(hdr.merged, "");
	CHECK(!hdr.mismatched);
	headers_release(&hdr);
	fake_done(&fk);
}

TEST(nothing_found_is_an_error_that_names_linux_headers)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;

	fake_init(&fk, "6.1.0-56-amd64");
	/* Only halves that cannot be used: a lone common half, a lone
	 * flavour half, and an unrelated folder. */
	make_file(fk.usr_src,
		  "linux-headers-6.1.0-56-common/include/linux/kconfig.h",
		  "common");
	make_file(fk.usr_src,
		  "linux-headers-6.1.0-9-amd64/include/generated/autoconf.h",
		  "flavour");
	make_tree(fk.usr_src, "nvidia-535");
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), -1);
	CHECK_INT(err.exit_code, EXIT_FAIL);
	CHECK_CONTAINS(err.msg, "linux-headers");
	CHECK_CONTAINS(err.msg, "6.1.0-56-amd64");
	CHECK_CONTAINS(err.msg, "-K DIR");
	fake_done(&fk);
}

TEST(a_missing_usr_src_is_the_same_error)
{
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char none[PATH_MAX];

	fake_init(&fk, "6.1.0-56-amd64");
	fmt_path(none, sizeof(none), "%s/no-usr-src", fk.root);
	fk.roots.usr_src = none;
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), -1);
	CHECK_CONTAINS(err.msg, "linux-headers");
	fake_done(&fk);
}

TEST(release_removes_the_merged_tree_and_nothing_else)
{
	static const char *const kept[] = {
		"linux-headers-6.1.0-56-amd64/include/generated/autoconf.h",
		"linux-headers-6.1.0-56-amd64/include/config/auto.conf",
		"linux-headers-6.1.0-56-amd64/arch/x86/include/generated/asm/cpufeaturemasks.h",
		"linux-headers-6.1.0-56-amd64/Makefile",
		"linux-headers-6.1.0-56-common/include/linux/kconfig.h",
		"linux-headers-6.1.0-56-common/include/linux/sched.h",
		"linux-headers-6.1.0-56-common/arch/x86/include/asm/ptrace.h",
		"linux-headers-6.1.0-56-common/Makefile",
	};
	struct headers hdr;
	struct error err = {0};
	struct fake fk;
	char merged[PATH_MAX];

	fake_init(&fk, "6.5.0-1-amd64");
	make_debian_pair(fk.usr_src, "6.1.0-56", "amd64");
	CHECK_INT(headers_find(&hdr, &fk.roots, NULL, &err), 0);
	fmt_path(merged, sizeof(merged), "%s", hdr.merged);
	CHECK(merged[0] != '\0');
	CHECK(exists(merged, "include/linux/kconfig.h"));
	headers_release(&hdr);
	CHECK_STR(hdr.merged, "");
	CHECK(!exists(merged, ""));
	headers_release(&hdr); /* twice is harmless */
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (!exists(fk.usr_src, kept[i])) {
			fprintf(stderr, "%s: %s was removed\n", check_current,
				kept[i]);
			check_failures++;
		}
	}
	CHECK_STR(
		read_back(
			fk.usr_src,
			"linux-headers-6.1.0-56-common/include/linux/kconfig.h"),
		"common kconfig.h");
	fake_done(&fk);
}

TEST(apply_sets_or_clears_bcc_kernel_source)
{
	struct headers hdr;
	struct error err = {0};

	memset(&hdr, 0, sizeof(hdr));
	fmt_path(hdr.path, sizeof(hdr.path), "/some/tree");
	CHECK_INT(headers_apply(&hdr, &err), 0);
	CHECK_STR(getenv("BCC_KERNEL_SOURCE"), "/some/tree");
	hdr.path[0] = '\0';
	CHECK_INT(headers_apply(&hdr, &err), 0);
	CHECK(getenv("BCC_KERNEL_SOURCE") == NULL);
}

/* A folder of the test's own under /tmp, or NULL. */
static char *scratch(char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/bcc-hello-unit.XXXXXX");
	return mkdtemp(buf);
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f)
		fclose(f);
}

TEST(removing_a_tree_never_follows_a_symbolic_link)
{
	char root[64], tree[128], keep[128], p[256];

	if (!scratch(root, sizeof(root)))
		return;
	/* keep/: what another user's link points at */
	snprintf(keep, sizeof(keep), "%s/keep", root);
	snprintf(tree, sizeof(tree), "%s/tree", root);
	CHECK_INT(mkdir(keep, 0700), 0);
	snprintf(p, sizeof(p), "%s/precious", keep);
	touch(p);
	CHECK_INT(mkdir(tree, 0700), 0);
	snprintf(p, sizeof(p), "%s/link", tree);
	CHECK_INT(symlink(keep, p), 0);
	snprintf(p, sizeof(p), "%s/sub", tree);
	CHECK_INT(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/sub/file", tree);
	touch(p);
	CHECK_INT(headers_remove_tree(tree), 0);
	CHECK(access(tree, F_OK) != 0);
	snprintf(p, sizeof(p), "%s/precious", keep);
	CHECK_INT(access(p, F_OK), 0);

	/* the tree itself swapped for a link: the link goes, not keep/ */
	CHECK_INT(symlink(keep, tree), 0);
	CHECK_INT(headers_remove_tree(tree), 0);
	CHECK_INT(access(p, F_OK), 0);
	CHECK(access(tree, F_OK) != 0);
	headers_remove_tree(root);
}

TEST(a_tmp_dir_others_may_write_needs_the_sticky_bit)
{
	char root[64], open_dir[128];
	struct error err = {0};

	if (!scratch(root, sizeof(root)))
		return;
	snprintf(open_dir, sizeof(open_dir), "%s/open", root);
	CHECK_INT(mkdir(open_dir, 0700), 0);
	CHECK_INT(chmod(open_dir, 0777), 0);
	CHECK_INT(headers_check_tmp_dir(open_dir, &err), -1);
	CHECK(strstr(err.msg, "lacks the sticky bit"));
	CHECK(strstr(err.msg, open_dir));
	CHECK_INT(chmod(open_dir, 01777), 0);
	CHECK_INT(headers_check_tmp_dir(open_dir, &err), 0);
	CHECK_INT(headers_check_tmp_dir("/tmp", &err), 0);
	if (geteuid() == 0) { /* a folder of another user's, or below one */
		char below[160];

		CHECK_INT(chown(open_dir, 65534, 65534), 0);
		CHECK_INT(headers_check_tmp_dir(open_dir, &err), -1);
		CHECK(strstr(err.msg, "belongs to uid 65534"));
		snprintf(below, sizeof(below), "%s/below", open_dir);
		CHECK_INT(mkdir(below, 0700), 0);
		CHECK_INT(headers_check_tmp_dir(below, &err), -1);
		CHECK(strstr(err.msg, "belongs to uid 65534"));
	}
	CHECK_INT(headers_check_tmp_dir("/nonexistent/bcc-hello", &err), -1);
	CHECK(strstr(err.msg, "unset it"));
	headers_remove_tree(root);
}

int main(void)
{
	RUN(an_explicit_complete_tree_is_used_as_it_is);
	RUN(an_explicit_missing_folder_is_an_error);
	RUN(an_explicit_folder_that_is_not_a_tree_is_an_error);
	RUN(an_explicit_regular_file_is_an_error);
	RUN(the_modules_build_tree_wins_over_usr_src);
	RUN(a_debian_modules_build_with_its_source_half_is_left_to_libbcc);
	RUN(a_modules_build_without_generated_headers_is_not_used);
	RUN(a_modules_tree_of_another_release_is_not_used);
	RUN(the_kheaders_file_is_used_when_there_is_no_modules_tree);
	RUN(a_debian_split_pair_is_merged_into_a_private_tree);
	RUN(the_pair_of_the_running_kernel_is_not_mismatched);
	RUN(an_explicit_flavour_half_is_merged_with_its_common_half);
	RUN(an_explicit_common_half_is_merged_with_its_flavour_half);
	RUN(an_explicit_cloud_flavour_is_merged_with_the_common_half);
	RUN(an_explicit_half_without_its_other_half_is_an_error);
	RUN(a_merge_into_a_missing_tmp_dir_is_an_error_naming_tmpdir);
	RUN(the_newest_version_wins_in_version_order);
	RUN(the_running_kernels_version_wins_over_a_newer_one);
	RUN(a_complete_installed_tree_is_used_without_merging);
	RUN(nothing_found_is_an_error_that_names_linux_headers);
	RUN(a_missing_usr_src_is_the_same_error);
	RUN(release_removes_the_merged_tree_and_nothing_else);
	RUN(apply_sets_or_clears_bcc_kernel_source);
	RUN(removing_a_tree_never_follows_a_symbolic_link);
	RUN(a_tmp_dir_others_may_write_needs_the_sticky_bit);
	return CHECK_DONE();
}
