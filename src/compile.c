/* compile.c: compile BPF C with libbcc (clang and LLVM in this process). */
#include "compile.h"
#include "capture.h"
#include "error.h"
#include "util.h"
#include "source.h"
#include "translate.h"
#include "tutorial.h"

#include <bcc/bcc_common.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\t')
			return false;
	return true;
}

/* libbcc's debug flags (bpf_module.h), for --dump. */
enum {
	DEBUG_LLVM_IR = 0x1,
	DEBUG_BPF = 0x2,
	DEBUG_PREPROCESSOR = 0x4,
	DEBUG_SOURCE = 0x8,
};

static unsigned dump_flags(enum dump_kind kind)
{
	switch (kind) {
	case DUMP_PREPROCESSED:
		return DEBUG_PREPROCESSOR;
	case DUMP_IR:
		return DEBUG_LLVM_IR;
	case DUMP_BPF:
		return DEBUG_BPF | DEBUG_SOURCE;
	default:
		return 0;
	}
}

/* What each bpf_trace_printk format starts with (tutorial.h). */
static const char *mark_definition(bool mark)
{
	return mark ? "#define " TUTORIAL_MARK " \"" TUTORIAL_MARK_PLACEHOLDER
		      "\"\n"
		    : "#define " TUTORIAL_MARK " \"\"\n";
}

/* The text clang compiles: the tutorial prelude, the field types the
 * header tree lacks, then the rewritten source with #line directives
 * naming the user's file. */
static char *full_text(const struct source *src, const struct tutorial *tu,
		       const char *types, bool mark)
{
	struct source rewritten = {
		.text = tu->text, .len = strlen(tu->text), .name = src->name};
	char *body = translate_source(&rewritten), *all;
	const char *def = mark_definition(mark);

	if (!body)
		return NULL;
	all = malloc(strlen(def) + strlen(tu->prelude) + strlen(types) +
		     strlen(body) + 1);
	if (all) {
		strcpy(all, def);
		strcat(all, tu->prelude);
		strcat(all, types);
		strcat(all, body);
	}
	free(body);
	return all;
}

/* The compiler's flags, each one argument (never through a shell). */
static int build_cflags(char ***out, size_t *n, const struct compile_opts *c,
			struct error *err)
{
	size_t cap = 4 + c->ndefines + c->nincludes;
	char **flags = calloc(cap, sizeof(*flags));

	*n = 0;
	if (!flags)
		return error_set(err, "out of memory");
	*out = flags;
	if (asprintf(&flags[(*n)++], "-DPID_FILTER=%d", c->pid_filter) < 0)
		goto oom;
	/* A misspelt helper is an implicit declaration: a warning that
	 * scrolls away, then a verifier refusal that says nothing of it
	 * ("call stack too deep"). An error instead; the failure's own line
	 * names the helper meant, where one is close (rounds.c). */
	if (!(flags[(*n)++] = strdup("-Werror=implicit-function-declaration")))
		goto oom;
	if (c->all_errors && !(flags[(*n)++] = strdup("-ferror-limit=0")))
		goto oom;
	for (size_t i = 0; i < c->ndefines; i++)
		if (asprintf(&flags[(*n)++], "-D%s", c->defines[i]) < 0)
			goto oom;
	for (size_t i = 0; i < c->nincludes; i++) {
		char *abs = realpath(c->includes[i], NULL);

		if (!abs)
			return error_usage(err,
					   "-I %s: %s; give an existing folder",
					   c->includes[i], strerror(errno));
		if (asprintf(&flags[(*n)++], "-I%s", abs) < 0) {
			free(abs);
			goto oom;
		}
		free(abs);
	}
	if (c->source_dir &&
	    asprintf(&flags[(*n)++], "-I%s", c->source_dir) < 0)
		goto oom;
	return 0;
oom:
	flags[--(*n)] = NULL;
	return error_set(err, "out of memory");
}

static void free_cflags(char **flags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(flags[i]);
	free(flags);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* One table: as the kernel created it (its own record of type, sizes and
 * flags), and as libbcc describes it. */
static int take_table(struct compiled_table *t, void *module, size_t id)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);
	size_t n;

	if (bpf_obj_get_info_by_fd(bpf_table_fd_id(module, id), &info, &len))
		return -1;
	t->name = strdup(bpf_table_name(module, id));
	t->type = info.type;
	t->key_size = info.key_size;
	t->value_size = info.value_size;
	t->max_entries = info.max_entries;
	t->flags = info.map_flags;
	t->key_desc = dup_or_null(bpf_table_key_desc_id(module, id));
	t->leaf_desc = dup_or_null(bpf_table_leaf_desc_id(module, id));
	n = t->name ? bpf_perf_event_fields(module, t->name) : 0;
	t->fields = calloc(n ? n : 1, sizeof(*t->fields));
	if (!t->name || !t->fields)
		return -1;
	for (; t->nfields < n; t->nfields++)
		if (!(t->fields[t->nfields] = dup_or_null(bpf_perf_event_field(
			      module, t->name, t->nfields))))
			return -1;
	return 0;
}

/* One function: its instructions, each table fd in them replaced by 0
 * and recorded as a relocation (load patches in its own fds). */
static int take_func(struct compiled_func *f, const struct compiled *c,
		     const int *fds, void *module, size_t id)
{
	const char *name = bpf_function_name(module, id);
	size_t size = bpf_function_size_id(module, id);

	f->name = strdup(name);
	f->ninsns = (uint32_t)(size / sizeof(*f->insns));
	f->insns = malloc(size ? size : 1);
	f->relocs = calloc(f->ninsns ? f->ninsns : 1, sizeof(*f->relocs));
	if (!f->name || !f->insns || !f->relocs || !f->ninsns)
		return -1;
	memcpy(f->insns, bpf_function_start_id(module, id), size);
	for (uint32_t i = 0; i + 1 < f->ninsns; i++) {
		struct bpf_insn *in = &f->insns[i];
		uint32_t t;

		if (in->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (in->src_reg == BPF_PSEUDO_MAP_FD ||
		    in->src_reg == BPF_PSEUDO_MAP_VALUE) {
			for (t = 0; t < c->ntables && fds[t] != in->imm; t++)
				;
			if (t == c->ntables)
				return -1; /* an fd that is no table */
			f->relocs[f->nrelocs++] =
				(struct compiled_reloc){.insn = i, .table = t};
			in->imm = 0;
		}
		i++; /* the second half of the 16-byte instruction */
	}
	return 0;
}

/* The plain value of a module: everything load and the printers need. */
static int take_module(struct compiled *c, void *module)
{
	size_t ntables = bpf_num_tables(module),
	       nfuncs = bpf_num_functions(module);
	int *fds = calloc(ntables ? ntables : 1, sizeof(*fds));
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->license = dup_or_null(bpf_module_license(module));
	c->kern_version = bpf_module_kern_version(module);
	c->tables = calloc(ntables ? ntables : 1, sizeof(*c->tables));
	c->funcs = calloc(nfuncs ? nfuncs : 1, sizeof(*c->funcs));
	if (!fds || !c->license || !c->tables || !c->funcs)
		goto out;
	for (; c->ntables < ntables; c->ntables++) {
		fds[c->ntables] = bpf_table_fd_id(module, c->ntables);
		if (take_table(&c->tables[c->ntables], module, c->ntables))
			goto out;
	}
	for (; c->nfuncs < nfuncs; c->nfuncs++)
		if (take_func(&c->funcs[c->nfuncs], c, fds, module, c->nfuncs))
			goto out;
	ret = 0;
out:
	free(fds);
	if (ret) {
		c->ntables += c->ntables < ntables; /* the one half taken */
		c->nfuncs += c->nfuncs < nfuncs;
		compiled_release(c);
	}
	return ret;
}

#define EXPLAIN_LOG_SIZE (1024 * 1024)

/* Load copts->explain with the verifier's full log, which libbcc annotates
 * with the program's line information (what the tracer's own load,
 * without it, cannot show). */
static void explain(struct program *prog, void *module,
		    const struct compile_opts *copts)
{
	const char *fn = copts->explain;
	struct capture cap;
	char *log = calloc(1, EXPLAIN_LOG_SIZE);
	int fd;

	if (!log || !bpf_function_start(module, fn) || capture_begin(&cap)) {
		free(log);
		return;
	}
	fd = bcc_func_load(
		module, copts->explain_type, fn, bpf_function_start(module, fn),
		(int)bpf_function_size(module, fn), bpf_module_license(module),
		bpf_module_kern_version(module), 1, log, EXPLAIN_LOG_SIZE, NULL,
		-1);
	free(capture_end(&cap)); /* libbcc repeats the log */
	if (fd >= 0)
		close(fd);
	prog->log = log;
}

int compile_program(struct program *prog, const struct source *src,
		    const struct compile_opts *copts, struct error *err)
{
	char **cflags = NULL;
	size_t ncflags = 0;
	struct capture cap;
	char *text, *said, *mapped;
	void *module;
	int ret;
	double t0;

	memset(prog, 0, sizeof(*prog));
	if (build_cflags(&cflags, &ncflags, copts, err)) {
		free_cflags(cflags, ncflags);
		return -1;
	}
	for (size_t i = 0; i < ncflags; i++) {
		size_t used = strlen(prog->flags);

		snprintf(prog->flags + used, sizeof(prog->flags) - used, "%s%s",
			 i ? " " : "", cflags[i]);
	}
	text = full_text(src, copts->tu, copts->types ? copts->types : "",
			 copts->mark);
	if (!text) {
		free_cflags(cflags, ncflags);
		return error_set(err, "out of memory");
	}
	if (capture_begin(&cap)) {
		free(text);
		free_cflags(cflags, ncflags);
		return error_set(
			err,
			"cannot capture compiler output: out of file descriptors?");
	}
	t0 = now_seconds();
	module = bpf_module_create_c_from_string(text, dump_flags(copts->dump),
						 (const char **)cflags,
						 (int)ncflags, true, NULL);
	prog->seconds = now_seconds() - t0;
	said = capture_end(&cap);
	free(text);
	free_cflags(cflags, ncflags);
	mapped = said ? compile_map_diagnostics(said, src->name) : NULL;
	free(said);
	if (module && dump_flags(copts->dump) && mapped) {
		fputs(mapped, copts->dump_out);
		fflush(copts->dump_out);
		mapped[0] = '\0';
	}

	if (!module) {
		if (mapped && strstr(mapped, "Unable to find kernel headers")) {
			free(mapped);
			return error_set(
				err,
				"libbcc found no kernel headers: install linux-headers-amd64 or give a tree with -K DIR");
		}
		/* not an error yet: the rounds may learn from them */
		if (!blank(mapped))
			prog->diagnostics = mapped;
		else
			free(mapped);
		return 1;
	}
	if (!blank(mapped))
		prog->warnings = mapped;
	else
		free(mapped);
	/* The module's part ends here: what it made is copied out as a
	 * plain value, and the module (its tables too) is destroyed. */
	if (copts->explain)
		explain(prog, module, copts);
	ret = take_module(&prog->c, module);
	bpf_module_destroy(module);
	if (ret) {
		free(prog->warnings);
		prog->warnings = NULL;
		return error_set(
			err, "%s: cannot read what libbcc compiled: %s",
			src->name, errno ? strerror(errno) : "out of memory");
	}
	prog->built = true;
	return 0;
}

void compile_dump_source(const struct compile_opts *copts)
{
	/* As translated, without the #line directives that only keep
	 * diagnostics on the user's lines. */
	fputs(mark_definition(copts->mark), copts->dump_out);
	fputs(copts->tu->prelude, copts->dump_out);
	if (copts->types)
		fputs(copts->types, copts->dump_out);
	fputs(copts->tu->text, copts->dump_out);
	fflush(copts->dump_out);
}
