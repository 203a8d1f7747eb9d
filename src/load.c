/* load.c: find the entry points, load each with bcc_func_load. */
#include "load.h"
#include "capture.h"
#include "compile.h"
#include "error.h"
#include "source.h"
#include "translate.h"
#include "tutorial.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VERIFIER_LOG_SIZE (1024 * 1024)
#define BPF_LOG_STATS 4 /* only the verifier's statistics */

static void list_functions(const struct program *prog, char *list, size_t size)
{
	size_t n = bpf_num_functions(prog->module);

	list[0] = '\0';
	for (size_t i = 0; i < n && strlen(list) + 64 < size; i++) {
		strcat(list, i ? ", " : "");
		strncat(list, bpf_function_name(prog->module, i), 60);
	}
}

/* Decide where every entry point attaches; refuse what cannot work. */
static int plan(struct loaded_set *set, const struct program *prog,
		const struct source *src, const struct tutorial *tu,
		const struct load_opts *lo, struct error *err)
{
	size_t n = bpf_num_functions(prog->module), plain = 0;
	char list[512];

	list_functions(prog, list, sizeof(list));
	if (n == 0)
		return error_set(
			err,
			"%s: no function to load; a BPF program needs one non-static function, like hello() in programs/hello.c",
			src->name);
	if (n > LOAD_MAX)
		return error_set(
			err,
			"%s: %zu entry points, more than the %d bcc-hello attaches",
			src->name, n, LOAD_MAX);
	if (lo->tp_given && n > 1)
		return error_set(
			err,
			"%s: -t attaches one entry point, but it has %zu (%s); drop -t, each attaches where it says",
			src->name, n, list);
	for (size_t i = 0; i < n; i++) {
		struct loaded *l = &set->progs[i];
		const char *fn = bpf_function_name(prog->module, i);

		l->fd = -1;
		l->verified = -1;
		entry_classify(&l->entry, fn, tutorial_section_of(tu, fn));
		if (lo->tp_given || l->entry.kind == ENTRY_PLAIN) {
			l->entry.kind = ENTRY_PLAIN;
			snprintf(l->entry.category, sizeof(l->entry.category),
				 "%s", lo->category);
			snprintf(l->entry.event, sizeof(l->entry.event), "%s",
				 lo->event);
			plain++;
		}
		if (l->entry.kind == ENTRY_UNSUPPORTED) {
			bool kprobe = strstr(l->entry.what, "kprobe") ||
				      strstr(l->entry.what, "ksyscall") ||
				      strstr(l->entry.what, "kretsyscall");

			if (kprobe && !lo->kprobes)
				return error_set(
					err,
					"%s(): a %s, but this kernel has no kprobes (CONFIG_KPROBES is off); attach to a tracepoint instead (TRACEPOINT_PROBE or SEC(\"tp/...\")), see bcc-hello -l",
					fn, l->entry.what);
			return error_set(
				err,
				"%s(): a %s; bcc-hello attaches tracepoints and raw tracepoints only (TRACEPOINT_PROBE, RAW_TRACEPOINT_PROBE, SEC(\"tp/...\"), SEC(\"raw_tp/...\"))",
				fn, l->entry.what);
		}
	}
	if (plain > 1)
		return error_set(
			err,
			"%s: %zu functions (%s) say nowhere where they attach; keep one, make helpers static inline, or declare each with TRACEPOINT_PROBE or SEC(\"tp/CATEGORY/EVENT\")",
			src->name, plain, list);
	set->n = n;
	return 0;
}

/* "processed 20 insns (limit ...)" from the verifier's statistics. */
static long verified_insns(const char *log)
{
	const char *p = strstr(log, "processed ");

	return p ? strtol(p + 10, NULL, 10) : -1;
}

static int load_call(const struct program *prog, const struct loaded *l,
		     int level, char *log)
{
	const char *fn = l->entry.func;

	log[0] = '\0';
	return bcc_func_load(prog->module, entry_prog_type(&l->entry), fn,
			     bpf_function_start(prog->module, fn),
			     (int)bpf_function_size(prog->module, fn),
			     bpf_module_license(prog->module),
			     bpf_module_kern_version(prog->module), level, log,
			     VERIFIER_LOG_SIZE, NULL, -1);
}

static int load_one(struct loaded *l, const struct program *prog,
		    const struct source *src, int verbose, struct error *err)
{
	const char *fn = l->entry.func;
	struct capture cap;
	char *log, *mapped;
	int fd, e;

	l->insns = bpf_function_size(prog->module, fn) / 8;
	log = calloc(1, VERIFIER_LOG_SIZE);
	if (!log)
		return error_set(err, "out of memory");
	if (capture_begin(&cap)) {
		free(log);
		return error_set(
			err,
			"cannot capture libbcc output: out of file descriptors?");
	}
	fd = load_call(prog, l, verbose ? BPF_LOG_STATS : 0, log);
	if (fd < 0 && !log[0] && errno != EPERM)
		/* Some refusals leave the log empty at level 0: ask again,
		 * with the verifier's full log. */
		fd = load_call(prog, l, 1, log);
	e = errno;
	free(capture_end(&cap)); /* libbcc repeats the log we already hold */
	if (fd < 0) {
		if (e == EPERM && !log[0]) {
			free(log);
			return error_set(
				err,
				"the kernel refused to load %s() (%s): run as root, or with CAP_BPF and CAP_PERFMON",
				fn, strerror(e));
		}
		mapped = translate_verifier_log(log, src);
		free(log);
		error_details(err, mapped);
		return error_set(
			err,
			"the kernel's verifier refused %s() from %s (%s); its log is above, the last lines say why",
			fn, src->name, strerror(e));
	}
	l->verified = verified_insns(log);
	free(log);
	l->fd = fd;
	return 0;
}

int load_programs(struct loaded_set *set, const struct program *prog,
		  const struct source *src, const struct tutorial *tu,
		  const struct load_opts *lo, struct error *err)
{
	set->n = 0;
	if (plan(set, prog, src, tu, lo, err))
		return -1;
	for (size_t i = 0; i < set->n; i++)
		if (load_one(&set->progs[i], prog, src, lo->verbose, err))
			return -1;
	return 0;
}

void load_release(struct loaded_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		if (set->progs[i].fd >= 0)
			close(set->progs[i].fd);
		set->progs[i].fd = -1;
	}
	set->n = 0;
}
