/* test_cache.c: a cached program comes back only when it may: same key,
 * whole, ours, in a private folder; and the key changes with everything
 * the compile depends on. */
#include "cache.h"
#include "check.h"
#include "compile.h"
#include "compiler.h"
#include "headers.h"
#include "rounds.h"
#include "source.h"
#include "tutorial.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];	/* this test's own folder */
static char dir[128];	/* the cache folder in it */
static char entry[256]; /* the one entry a test wrote */

static struct bpf_insn insns[] = {
	{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 7},
	{.code = BPF_JMP | BPF_EXIT},
};

static void sample(struct program *p)
{
	static struct compiled_func f = {.name = "hello", .ninsns = 2};

	memset(p, 0, sizeof(*p));
	f.insns = insns;
	p->c = (struct compiled){.license = "GPL", .funcs = &f, .nfuncs = 1};
	p->built = true;
	p->warnings = "w.c:1:1: warning: something\n";
	snprintf(p->flags, sizeof(p->flags), "-DPID_FILTER=0");
	p->seconds = 0.25;
}

static void open_cache(struct cache *c)
{
	setenv("BCC_HELLO_CACHE_DIR", dir, 1);
	cache_open(c, false, 0);
}

/* The file name of the only entry in the folder. */
static void find_entry(void)
{
	char cmd[256];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -t %s/*.bhc", dir);
	f = popen(cmd, "r");
	entry[0] = '\0';
	if (f && fgets(entry, sizeof(entry), f))
		entry[strcspn(entry, "\n")] = '\0';
	if (f)
		pclose(f);
}

static void reset(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

static int get(const char *key)
{
	struct cache c;
	struct program p;
	int ret;

	open_cache(&c);
	ret = cache_get(&c, key, &p);
	if (ret == 0) {
		CHECK_STR(p.warnings, "w.c:1:1: warning: something\n");
		CHECK_STR(p.flags, "-DPID_FILTER=0");
		CHECK_INT(p.c.nfuncs, 1);
		CHECK(memcmp(p.c.funcs[0].insns, insns, sizeof(insns)) == 0);
	}
	compile_release(&p);
	cache_close(&c);
	return ret;
}

static void put(const char *key)
{
	struct cache c;
	struct program p;

	sample(&p);
	open_cache(&c);
	CHECK(c.dirfd >= 0);
	cache_put(&c, key, &p);
	cache_close(&c);
	find_entry();
}

TEST(an_entry_comes_back_for_its_key_only)
{
	reset();
	put("key one");
	CHECK_INT(get("key one"), 0);
	CHECK_INT(get("key two"), -1);
}

TEST(the_folder_is_made_private)
{
	struct stat st;

	reset();
	put("k");
	CHECK_INT(stat(dir, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	CHECK_INT(stat(entry, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
}

/* Flip one byte of the entry at off (from its end when negative). */
static void damage(long off)
{
	int fd = open(entry, O_RDWR);
	unsigned char b;
	off_t at = off >= 0 ? off : lseek(fd, 0, SEEK_END) + off;

	CHECK(pread(fd, &b, 1, at) == 1);
	b ^= 0x20;
	CHECK(pwrite(fd, &b, 1, at) == 1);
	close(fd);
}

TEST(a_corrupted_entry_is_never_used)
{
	reset();
	put("k");
	damage(-5);
	CHECK_INT(get("k"), -1);
	put("k"); /* and is replaced */
	CHECK_INT(get("k"), 0);
	damage(2); /* the magic */
	CHECK_INT(get("k"), -1);
}

TEST(a_truncated_entry_is_never_used)
{
	reset();
	put("k");
	CHECK_INT(truncate(entry, 40), 0);
	CHECK_INT(get("k"), -1);
	CHECK_INT(truncate(entry, 0), 0);
	CHECK_INT(get("k"), -1);
}

TEST(an_entry_of_another_user_is_never_used)
{
	reset();
	put("k");
	CHECK_INT(chown(entry, 65534, 65534), 0);
	CHECK_INT(get("k"), -1);
}

TEST(an_entry_others_may_write_is_never_used)
{
	reset();
	put("k");
	CHECK_INT(chmod(entry, 0666), 0);
	CHECK_INT(get("k"), -1);
}

TEST(a_symbolic_link_in_the_folder_is_never_followed)
{
	char real[256];

	reset();
	put("k");
	snprintf(real, sizeof(real), "%s/elsewhere", root);
	CHECK_INT(rename(entry, real), 0);
	CHECK_INT(symlink(real, entry), 0);
	CHECK_INT(get("k"), -1);
	unlink(real);
}

TEST(an_entry_made_for_another_key_is_stale)
{
	char other[256];

	reset();
	put("the other key");
	snprintf(other, sizeof(other), "%s", entry);
	put("k");
	CHECK_INT(rename(other, entry), 0); /* "k"'s name, another key */
	CHECK_INT(get("k"), -1);
}

TEST(a_folder_others_may_read_is_not_used)
{
	struct cache c;

	reset();
	put("k");
	CHECK_INT(chmod(dir, 0755), 0);
	open_cache(&c);
	CHECK_INT(c.dirfd, -1);
	cache_close(&c);
	CHECK_INT(get("k"), -1);
}

TEST(a_folder_that_is_a_link_is_not_used)
{
	char real[256];
	struct cache c;

	reset();
	snprintf(real, sizeof(real), "%s/real", root);
	CHECK_INT(mkdir(real, 0700), 0);
	CHECK_INT(symlink(real, dir), 0);
	open_cache(&c);
	CHECK_INT(c.dirfd, -1);
	cache_close(&c);
	unlink(dir);
	rmdir(real);
}

TEST(no_cache_is_off)
{
	struct cache c;

	setenv("BCC_HELLO_CACHE_DIR", dir, 1);
	cache_open(&c, true, 0);
	CHECK_INT(c.dirfd, -1);
}

/* --- the key ------------------------------------------------------- */

static struct headers hdr;
static struct headers_roots roots;
static struct rounds rounds = {.hdr = &hdr, .roots = &roots};
static struct source src = {.name = "w.c"};
static struct tutorial tu;
static struct compile_opts co;
static struct compile_job job = {
	.rounds = &rounds, .src = &src, .tu = &tu, .copts = &co};
static char config[256], inc[256], incdir[256], libbcc[256], btf[256];

static char *key(int pid)
{
	return cache_key(&job, pid);
}

/* Does changing something (between before() and after) change the key? */
static char *saved;
static void before(void)
{
	saved = key(0);
}
static int changed(void)
{
	char *now = key(0);
	int diff = strcmp(saved, now) != 0;

	free(saved);
	free(now);
	return diff;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

TEST(the_key_changes_with_every_input)
{
	const char *defs[] = {"N=1"}, *defs2[] = {"N=2"};
	const char *incs[] = {incdir};
	char *a, *b;

	tu.text = "#include \"mine.h\"\nint x;\n";
	tu.prelude = "/* prelude */\n";
	hdr.kind = HEADERS_SYNTHESIZED;
	roots.usr_include = "/usr/include";
	roots.config = config;
	roots.machine = "x86_64";
	roots.libbcc = libbcc;
	roots.btf = btf;
	write_file(libbcc, "libbcc 0.26.0\n");
	write_file(btf, "types\n");
	write_file(config, "CONFIG_BPF=y\n");
	write_file(inc, "#define MINE 1\n");
	co.includes = incs;
	co.nincludes = 1;

	before();
	CHECK(!changed()); /* the same inputs, the same key */
	a = key(0);
	b = key(1234);
	CHECK(strcmp(a, b) != 0); /* the PID */
	free(a);
	free(b);
	before();
	tu.text = "#include \"mine.h\"\nint y;\n";
	CHECK(changed()); /* the source */
	before();
	co.defines = defs;
	co.ndefines = 1;
	CHECK(changed()); /* a define */
	before();
	co.defines = defs2;
	CHECK(changed()); /* its value */
	before();
	write_file(inc, "#define MINE 2\n");
	CHECK(changed()); /* a header the source includes */
	before();
	write_file(config, "CONFIG_BPF=n\n");
	CHECK(changed()); /* the kernel's configuration */
	before();
	hdr.kind = HEADERS_INSTALLED;
	snprintf(hdr.origin, sizeof(hdr.origin), "%s", root);
	CHECK(changed()); /* the header tree */
	before();
	snprintf(hdr.version, sizeof(hdr.version), "6.1.0-56-amd64");
	CHECK(changed()); /* its version */
	before();
	src.name = "v.c";
	CHECK(changed()); /* the file's name (its diagnostics say it) */
	before();
	roots.release = "6.18.1";
	CHECK(changed()); /* the kernel's release */
	before();
	roots.build = "#2 SMP";
	CHECK(changed()); /* its build */
	before();
	write_file(libbcc, "libbcc 0.26.0 and a bit\n");
	CHECK(changed()); /* libbcc's library file */
	before();
	write_file(btf, "more types\n");
	CHECK(changed()); /* the kernel's BTF */
}

int main(void)
{
	char tmpl[] = "/tmp/bcc-hello-cache-test.XXXXXX";

	if (geteuid() != 0) {
		puts("SKIP: the cache's ownership checks need root (chown)");
		return 77;
	}
	snprintf(root, sizeof(root), "%s", mkdtemp(tmpl));
	snprintf(dir, sizeof(dir), "%s/cache", root);
	snprintf(config, sizeof(config), "%s/config", root);
	snprintf(incdir, sizeof(incdir), "%s/inc", root);
	snprintf(inc, sizeof(inc), "%s/inc/mine.h", root);
	snprintf(libbcc, sizeof(libbcc), "%s/libbcc.so", root);
	snprintf(btf, sizeof(btf), "%s/vmlinux", root);
	mkdir(incdir, 0700);
	RUN(an_entry_comes_back_for_its_key_only);
	RUN(the_folder_is_made_private);
	RUN(a_corrupted_entry_is_never_used);
	RUN(a_truncated_entry_is_never_used);
	RUN(an_entry_of_another_user_is_never_used);
	RUN(an_entry_others_may_write_is_never_used);
	RUN(a_symbolic_link_in_the_folder_is_never_followed);
	RUN(an_entry_made_for_another_key_is_stale);
	RUN(a_folder_others_may_read_is_not_used);
	RUN(a_folder_that_is_a_link_is_not_used);
	RUN(no_cache_is_off);
	RUN(the_key_changes_with_every_input);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd))
			check_failures++;
	}
	return check_failures ? 1 : 0;
}
