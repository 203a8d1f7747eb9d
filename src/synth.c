/* synth.c: the synthesized header tree (see synth.h). */
#include "synth.h"
#include "error.h"
#include "headers.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static const char kconfig_h[] =
	"/* Made by bcc-hello: what libbcc force-includes. */\n"
	"#ifndef __BCC_HELLO_KCONFIG_H\n"
	"#define __BCC_HELLO_KCONFIG_H\n"
	"#include <generated/autoconf.h>\n"
	"#include <linux/types.h>\n"
	"typedef __u8 u8;\ntypedef __s8 s8;\ntypedef __u16 u16;\n"
	"typedef __s16 s16;\ntypedef __u32 u32;\ntypedef __s32 s32;\n"
	"typedef __u64 u64;\ntypedef __s64 s64;\n"
	"typedef __kernel_size_t size_t;\ntypedef __kernel_ssize_t ssize_t;\n"
	"typedef _Bool bool;\nenum { false = 0, true = 1 };\n"
	"typedef unsigned long uintptr_t;\n"
	"typedef __kernel_pid_t pid_t;\n"
	"typedef unsigned short umode_t;\n"
	"typedef __kernel_uid32_t uid_t;\ntypedef __kernel_gid32_t gid_t;\n"
	"typedef __kernel_loff_t loff_t;\ntypedef __kernel_off_t off_t;\n"
	"typedef __kernel_clockid_t clockid_t;\n"
	"typedef __kernel_timer_t timer_t;\ntypedef __kernel_key_t key_t;\n"
	"typedef __kernel_mqd_t mqd_t;\n"
	"typedef __kernel_time64_t time64_t;\n"
	"typedef __u32 dev_t;\n"
	"typedef unsigned long sector_t;\ntypedef unsigned int gfp_t;\n"
	"typedef unsigned long dma_addr_t;\n"
	"#ifndef NULL\n#define NULL ((void *)0)\n#endif\n"
	/* The user-space API's struct pt_regs has user-space names (rax);
	 * libbcc's PT_REGS_ macros use the kernel's (ax), which the kernel's
	 * BTF gives when a program uses it. */
	"#define pt_regs __bcc_hello_user_pt_regs\n"
	"#include <asm/ptrace.h>\n"
	"#undef pt_regs\n"
	/* Macros of kernel-internal headers that programs take for granted
	 * and that no BTF describes (BTF has types and enum constants, not
	 * #defines), with the kernel's own values. */
	"#define TASK_RUNNING 0x00000000\n"
	"#define TASK_INTERRUPTIBLE 0x00000001\n"
	"#define TASK_UNINTERRUPTIBLE 0x00000002\n"
	"#define __TASK_STOPPED 0x00000004\n"
	"#define __TASK_TRACED 0x00000008\n"
	"#define EXIT_DEAD 0x00000010\n#define EXIT_ZOMBIE 0x00000020\n"
	"#define TASK_PARKED 0x00000040\n#define TASK_DEAD 0x00000080\n"
	"#define TASK_WAKEKILL 0x00000100\n#define TASK_WAKING 0x00000200\n"
	"#define TASK_NOLOAD 0x00000400\n#define TASK_NEW 0x00000800\n"
	"#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)\n"
	"#define TASK_IDLE (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)\n"
	"#define PF_EXITING 0x00000004\n#define PF_KTHREAD 0x00200000\n"
	"#define AF_UNSPEC 0\n#define AF_UNIX 1\n#define AF_INET 2\n"
	"#define AF_INET6 10\n#define AF_NETLINK 16\n#define AF_PACKET 17\n"
	"#define NSEC_PER_USEC 1000L\n#define NSEC_PER_MSEC 1000000L\n"
	"#define NSEC_PER_SEC 1000000000L\n#define USEC_PER_MSEC 1000L\n"
	"#define USEC_PER_SEC 1000000L\n#define MSEC_PER_SEC 1000L\n"
	"#define REQ_OP_BITS 8\n#define REQ_OP_MASK ((1 << REQ_OP_BITS) - 1)\n"
	"#define min_t(t, x, y) ({ t __x = (x); t __y = (y); "
	"__x < __y ? __x : __y; })\n"
	"#define max_t(t, x, y) ({ t __x = (x); t __y = (y); "
	"__x > __y ? __x : __y; })\n"
	"#define div_u64(a, b) ((u64)(a) / (u32)(b))\n"
	"#endif\n";

/* linux/log2.h, which libbcc's helpers include: constant expressions, as
 * the kernel's are for constants (BPF_STACK_TRACE sizes its table with
 * roundup_pow_of_two). */
static const char log2_h[] =
	"/* Made by bcc-hello: the kernel's log2 macros, for constants. */\n"
	"#ifndef __BCC_HELLO_LOG2_H\n#define __BCC_HELLO_LOG2_H\n"
	"#define ilog2(n) (63 - __builtin_clzll((unsigned long long)(n)))\n"
	"#define is_power_of_2(n) ((n) != 0 && (((n) & ((n) - 1)) == 0))\n"
	"#define roundup_pow_of_two(n) ((n) <= 1 ? 1UL : "
	"1UL << (ilog2((n) - 1) + 1))\n"
	"#define rounddown_pow_of_two(n) (1UL << ilog2(n))\n"
	"#endif\n";

const char *synth_config_path(const char *release, char *buf, size_t size)
{
	if (access("/proc/config.gz", R_OK) == 0)
		return "/proc/config.gz";
	if (path_fmt(buf, size, "/boot/config-%s", release) &&
	    access(buf, R_OK) == 0)
		return buf;
	return NULL;
}

static int write_file(const char *root, const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;
	int ok;

	if (!path_fmt(p, sizeof(p), "%s/%s", root, rel))
		return -1;
	f = fopen(p, "we");
	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int mkdirs(const char *root, const char *rel)
{
	char p[PATH_MAX];

	if (!path_fmt(p, sizeof(p), "%s/%s", root, rel))
		return -1;
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

/* CONFIG_X=y becomes "#define CONFIG_X 1", a string or number is kept
 * whole, =m (a module) is left out, as the kernel's own build does. */
static int write_autoconf(const char *root, const char *config)
{
	char p[PATH_MAX], line[4096];
	gzFile in = gzopen(config, "rb"); /* reads plain files too */
	FILE *out;
	int ret = 0;

	if (!in ||
	    !path_fmt(p, sizeof(p), "%s/include/generated/autoconf.h", root)) {
		if (in)
			gzclose(in);
		return -1;
	}
	out = fopen(p, "we");
	if (!out) {
		gzclose(in);
		return -1;
	}
	fputs("/* Made by bcc-hello from the running kernel's configuration. */\n",
	      out);
	while (gzgets(in, line, sizeof(line))) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		*eq = '\0';
		if (!strcmp(eq + 1, "y"))
			fprintf(out, "#define %s 1\n", line);
		else if (strcmp(eq + 1, "m") && strcmp(eq + 1, "n"))
			fprintf(out, "#define %s %s\n", line, eq + 1);
	}
	if (fclose(out))
		ret = -1;
	gzclose(in);
	return ret;
}

/* Link every entry of src into dst, but for the names in `empty`, which
 * become empty files. */
static int link_all(const char *src, const char *dst, const char *const *empty,
		    size_t nempty)
{
	DIR *d = opendir(src);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) && !ret) {
		char from[PATH_MAX], to[PATH_MAX];
		bool skip = false;

		if (e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < nempty; i++)
			skip |= !strcmp(e->d_name, empty[i]);
		if (skip)
			continue;
		if (!path_fmt(from, sizeof(from), "%s/%s", src, e->d_name) ||
		    !path_fmt(to, sizeof(to), "%s/%s", dst, e->d_name) ||
		    symlink(from, to))
			ret = -1;
	}
	closedir(d);
	for (size_t i = 0; i < nempty && !ret; i++)
		ret = write_file(dst, empty[i], "");
	return ret;
}

static const char *kernel_arch(const char *machine)
{
	if (!strcmp(machine, "x86_64") ||
	    (machine[0] == 'i' && strstr(machine, "86")))
		return "x86";
	if (!strcmp(machine, "aarch64"))
		return "arm64";
	if (!strncmp(machine, "arm", 3))
		return "arm";
	if (!strncmp(machine, "ppc", 3))
		return "powerpc";
	if (!strncmp(machine, "s390", 4))
		return "s390";
	if (!strncmp(machine, "riscv", 5))
		return "riscv";
	return machine;
}

static int build(const char *root, const char *config, const char *inc,
		 const char *machine)
{
	static const char *const empty_linux[] = {"bpf.h", "log2.h"};
	const char *arch = kernel_arch(machine);
	char p[PATH_MAX], q[PATH_MAX], page[128];
	long pagesize = sysconf(_SC_PAGESIZE);
	int shift = 0;

	while ((1L << shift) < pagesize)
		shift++;
	snprintf(
		page, sizeof(page),
		"/* Made by bcc-hello: this system's page size. */\n"
		"#define PAGE_SHIFT %d\n#define PAGE_SIZE (1UL << PAGE_SHIFT)\n",
		shift);
	path_fmt(p, sizeof(p), "%s/linux", inc);
	if (mkdirs(root, "include/generated") ||
	    mkdirs(root, "include/linux") ||
	    mkdirs(root, "include/uapi/linux") ||
	    write_autoconf(root, config) ||
	    link_all(p, (path_fmt(q, sizeof(q), "%s/include/linux", root), q),
		     empty_linux, 2) ||
	    link_all(p,
		     (path_fmt(q, sizeof(q), "%s/include/uapi/linux", root), q),
		     empty_linux, 1) ||
	    write_file(root, "include/linux/kconfig.h", kconfig_h) ||
	    write_file(root, "include/linux/log2.h", log2_h))
		return -1;
	path_fmt(p, sizeof(p), "%s/asm-generic", inc);
	path_fmt(q, sizeof(q), "%s/include/asm-generic", root);
	if (symlink(p, q))
		return -1;
	path_fmt(q, sizeof(q), "%s/include/uapi/asm-generic", root);
	if (symlink(p, q))
		return -1;
	path_fmt(q, sizeof(q), "arch/%s/include/asm", arch);
	if (mkdirs(root, q) ||
	    mkdirs(root,
		   (path_fmt(q, sizeof(q), "arch/%s/include/uapi", arch), q)))
		return -1;
	path_fmt(q, sizeof(q), "arch/%s/include/asm/page.h", arch);
	if (write_file(root, q, page))
		return -1;
	/* The arch's asm: Debian's multiarch folder, else /usr/include/asm. */
	path_fmt(p, sizeof(p), "%s/%s-linux-gnu/asm", inc, machine);
	if (access(p, F_OK))
		path_fmt(p, sizeof(p), "%s/asm", inc);
	path_fmt(q, sizeof(q), "%s/arch/%s/include/uapi/asm", root, arch);
	return symlink(p, q);
}

/* A header of the kernel's own include folders: linux/..., net/... */
static bool stub_name_ok(const char *rel)
{
	static const char *const dirs[] = {
		"linux/", "net/",   "asm/",   "trace/", "crypto/",
		"scsi/",  "sound/", "keys/",  "kvm/",	"media/",
		"rdma/",  "soc/",   "video/", "xen/",	"clocksource/",
		"vdso/",  "ras/",   "misc/"};
	size_t n = strlen(rel);
	bool kernel = false;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		kernel |= strncmp(rel, dirs[i], strlen(dirs[i])) == 0;
	if (!kernel)
		return false;

	if (n < 3 || n > 200 || rel[0] == '/' || strstr(rel, "..") ||
	    strcmp(rel + n - 2, ".h") ||
	    strspn(rel, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789_-./") != n)
		return false;
	return true;
}

int synth_stub(const char *root, const char *rel)
{
	char dir[PATH_MAX], p[PATH_MAX];
	const char *slash = strrchr(rel, '/');

	if (!stub_name_ok(rel) ||
	    !path_fmt(p, sizeof(p), "%s/include/%s", root, rel))
		return -1;
	if (access(p, F_OK) == 0)
		return 0;
	if (slash && (!path_fmt(dir, sizeof(dir), "include/%.*s",
				(int)(slash - rel), rel) ||
		      mkdirs(root, dir)))
		return -1;
	path_fmt(dir, sizeof(dir), "include/%s", rel);
	return write_file(root, dir,
			  "/* Made by bcc-hello: the kernel's types come from "
			  "its BTF, not from this header. */\n")
		       ? -1
		       : 1;
}

int synth_tree(char *out, size_t size, int *hold, const char *tmp_dir,
	       const char *config, const char *usr_include, const char *machine,
	       struct error *err)
{
	char tmpl[PATH_MAX], p[PATH_MAX];
	int fd;

	path_fmt(p, sizeof(p), "%s/linux/types.h", usr_include);
	if (access(p, R_OK))
		return error_set(
			err,
			"no kernel headers, and no user-space API headers to make a tree from (%s): install linux-libc-dev, or linux-headers-amd64",
			p);
	fd = headers_mkdtemp(tmp_dir, tmpl, sizeof(tmpl));
	if (fd < 0)
		return error_set(
			err,
			"cannot create a folder in %s for kernel headers: %s; set TMPDIR to a writable folder",
			tmp_dir, strerror(errno));
	if (build(tmpl, config, usr_include, machine)) {
		int e = errno;

		headers_remove_tree(tmpl);
		close(fd);
		return error_set(err,
				 "cannot make a kernel header tree in %s: %s",
				 tmpl, strerror(e));
	}
	path_fmt(out, size, "%s", tmpl);
	*hold = fd;
	return 0;
}
