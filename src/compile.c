/* compile.c: compile BPF C with libbcc (clang and LLVM in this process). */
#include "compile.h"
#include "capture.h"
#include "error.h"
#include "util.h"
#include "source.h"
#include "translate.h"
#include "tutorial.h"

#include <bcc/bcc_common.h>
#include <stdio.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VIRTUAL_MAIN "/virtual/main.c"

/* Copy text, replacing each occurrence of `from` by `to`. */
static char *replace_all(const char *text, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to), n = 0, cap;
	const char *p;
	char *out, *o;

	for (p = text; (p = strstr(p, from)); p += flen)
		n++;
	cap = strlen(text) + n * (tlen > flen ? tlen - flen : 0) + 1;
	out = malloc(cap);
	if (!out)
		return NULL;
	for (o = out, p = text;;) {
		const char *hit = strstr(p, from);

		if (!hit) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, to, tlen);
		o += tlen;
		p = hit + flen;
	}
	return out;
}

char *compile_map_diagnostics(const char *text, const char *name)
{
	return replace_all(text, VIRTUAL_MAIN, name);
}

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

/* The text clang compiles: the tutorial prelude, the field types the
 * header tree lacks, then the rewritten source with #line directives
 * naming the user's file. */
static char *full_text(const struct source *src, const struct tutorial *tu,
		       const char *types)
{
	struct source rewritten = {
		.text = tu->text, .len = strlen(tu->text), .name = src->name};
	char *body = translate_source(&rewritten), *all;

	if (!body)
		return NULL;
	all = malloc(strlen(tu->prelude) + strlen(types) + strlen(body) + 1);
	if (all) {
		strcpy(all, tu->prelude);
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
	size_t cap = 3 + c->ndefines + c->nincludes;
	char **flags = calloc(cap, sizeof(*flags));

	*n = 0;
	if (!flags)
		return error_set(err, "out of memory");
	*out = flags;
	if (asprintf(&flags[(*n)++], "-DPID_FILTER=%d", c->pid_filter) < 0)
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

int compile_program(struct program *prog, const struct source *src,
		    const struct compile_opts *copts, struct error *err)
{
	char **cflags = NULL;
	size_t ncflags = 0;
	struct capture cap;
	char *text, *said, *mapped;
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
	text = full_text(src, copts->tu, copts->types ? copts->types : "");
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
	prog->module = bpf_module_create_c_from_string(
		text, dump_flags(copts->dump), (const char **)cflags,
		(int)ncflags, true, NULL);
	prog->seconds = now_seconds() - t0;
	said = capture_end(&cap);
	free(text);
	free_cflags(cflags, ncflags);
	mapped = said ? compile_map_diagnostics(said, src->name) : NULL;
	free(said);
	if (prog->module && dump_flags(copts->dump) && mapped) {
		fputs(mapped, copts->dump_out);
		fflush(copts->dump_out);
		mapped[0] = '\0';
	}

	if (!prog->module) {
		if (mapped && strstr(mapped, "Unable to find kernel headers")) {
			free(mapped);
			return error_set(
				err,
				"libbcc found no kernel headers: install linux-headers-amd64 or give a tree with -K DIR");
		}
		if (!blank(mapped))
			error_details(err, mapped);
		else
			free(mapped);
		return error_set(
			err,
			"%s: compilation failed; fix the errors above and run (or, with --watch, save) again",
			src->name);
	}
	if (!blank(mapped))
		prog->warnings = mapped;
	else
		free(mapped);
	return 0;
}

void compile_dump_source(const struct compile_opts *copts)
{
	/* As translated, without the #line directives that only keep
	 * diagnostics on the user's lines. */
	fputs(copts->tu->prelude, copts->dump_out);
	if (copts->types)
		fputs(copts->types, copts->dump_out);
	fputs(copts->tu->text, copts->dump_out);
	fflush(copts->dump_out);
}

void compile_release(struct program *prog)
{
	if (prog->module)
		bpf_module_destroy(prog->module);
	prog->module = NULL;
	free(prog->warnings);
	prog->warnings = NULL;
}

void compile_drop_if_unused(struct program *prog)
{
	if (!prog->module || bpf_num_tables(prog->module) > 0)
		return;
	bpf_module_destroy(prog->module);
	prog->module = NULL;
	malloc_trim(0);
}
