/* load.c: create the tables, patch their fds in, load each entry point. */
#include "load.h"
#include "compile.h"
#include "error.h"
#include "source.h"
#include "translate.h"
#include "tutorial.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VERIFIER_LOG_SIZE (1024 * 1024)
#define BPF_LOG_STATS 4 /* only the verifier's statistics */

static void list_functions(const struct program *prog, char *list, size_t size)
{
	size_t n = prog->c.nfuncs;

	list[0] = '\0';
	for (size_t i = 0; i < n && strlen(list) + 64 < size; i++) {
		strcat(list, i ? ", " : "");
		strncat(list, prog->c.funcs[i].name, 60);
	}
}

/* Decide where every entry point attaches; refuse what cannot work. */
static int plan(struct loaded_set *set, const struct program *prog,
		const struct source *src, const struct tutorial *tu,
		const struct load_opts *lo, struct error *err)
{
	size_t n = prog->c.nfuncs, plain = 0;
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
		const char *fn = prog->c.funcs[i].name;

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

/* Each table, as the compile described it; its fd in set->tables. */
static int create_tables(struct loaded_set *set, const struct compiled *c,
			 struct error *err)
{
	set->tables = malloc((c->ntables ? c->ntables : 1) * sizeof(int));
	if (!set->tables)
		return error_set(err, "out of memory");
	for (; set->ntables < c->ntables; set->ntables++) {
		const struct compiled_table *t = &c->tables[set->ntables];
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = t->flags);
		int fd = bpf_map_create(t->type, t->name, t->key_size,
					t->value_size, t->max_entries, &o);

		if (fd < 0)
			return error_set(
				err,
				"cannot create table %s (%u entries of %u bytes): %s; %s",
				t->name, t->max_entries, t->value_size,
				strerror(errno),
				errno == EPERM
					? "run as root, or with CAP_BPF"
					: "make it smaller, or check its kind");
		set->tables[set->ntables] = fd;
	}
	return 0;
}

static int load_call(const struct compiled_func *f, const struct loaded *l,
		     const char *license, uint32_t kern_version, int level,
		     char *log)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = (__u32)level,
		    .log_buf = log, .log_size = VERIFIER_LOG_SIZE,
		    .kern_version = kern_version);

	log[0] = '\0';
	return bpf_prog_load(entry_prog_type(&l->entry), f->name, license,
			     f->insns, f->ninsns, &o);
}

/* The verifier's log for a refusal: libbcc's annotated one from the
 * compiler's child when it can give it, else the kernel's own. */
static char *refusal_log(const struct loaded *l, const struct load_opts *lo,
			 char *own)
{
	char *annotated = NULL;

	if (lo->explain &&
	    lo->explain(lo->explain_ctx, l->entry.func,
			entry_prog_type(&l->entry), &annotated) == 0 &&
	    annotated && annotated[0]) {
		free(own);
		return annotated;
	}
	free(annotated);
	return own;
}

static int load_one(struct loaded *l, const struct loaded_set *set,
		    const struct program *prog, const struct source *src,
		    const struct load_opts *lo, struct error *err)
{
	const char *fn = l->entry.func;
	const struct compiled_func *f = compiled_func(&prog->c, fn);
	char *log, *mapped;
	int fd, e;

	if (!f)
		return error_set(err, "%s: no function %s() was compiled",
				 src->name, fn);
	/* the tables' fds, where the compile left their places */
	for (uint32_t i = 0; i < f->nrelocs; i++)
		f->insns[f->relocs[i].insn].imm =
			set->tables[f->relocs[i].table];
	l->insns = f->ninsns;
	log = calloc(1, VERIFIER_LOG_SIZE);
	if (!log)
		return error_set(err, "out of memory");
	fd = load_call(f, l, prog->c.license, prog->c.kern_version,
		       lo->verbose ? BPF_LOG_STATS : 0, log);
	if (fd < 0 && !log[0] && errno != EPERM)
		/* Some refusals leave the log empty at level 0: ask again,
		 * with the verifier's full log. */
		fd = load_call(f, l, prog->c.license, prog->c.kern_version, 1,
			       log);
	e = errno;
	if (fd < 0) {
		if (e == EPERM && !log[0]) {
			free(log);
			return error_set(
				err,
				"the kernel refused to load %s() (%s): run as root, or with CAP_BPF and CAP_PERFMON",
				fn, strerror(e));
		}
		log = refusal_log(l, lo, log);
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
	if (plan(set, prog, src, tu, lo, err) ||
	    create_tables(set, &prog->c, err))
		return -1;
	for (size_t i = 0; i < set->n; i++)
		if (load_one(&set->progs[i], set, prog, src, lo, err))
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
	for (size_t i = 0; i < set->ntables; i++)
		close(set->tables[i]);
	free(set->tables);
	set->tables = NULL;
	set->ntables = 0;
}
