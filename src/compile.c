/* compile.c: compile BPF C with libbcc (clang and LLVM in this process). */
#include "compile.h"
#include "capture.h"
#include "error.h"
#include "util.h"
#include "source.h"
#include "translate.h"

#include <bcc/bcc_common.h>
#include <stdio.h>
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

int compile_program(struct program *prog, const struct source *src,
		    const struct compile_opts *copts, struct error *err)
{
	char define[64];
	const char *cflags[] = {define};
	struct capture cap;
	char *text, *said, *mapped;
	double t0;

	memset(prog, 0, sizeof(*prog));
	snprintf(define, sizeof(define), "-DPID_FILTER=%d", copts->pid_filter);
	text = translate_source(src);
	if (!text)
		return error_set(err, "out of memory");
	if (capture_begin(&cap)) {
		free(text);
		return error_set(
			err,
			"cannot capture compiler output: out of file descriptors?");
	}
	t0 = now_seconds();
	prog->module =
		bpf_module_create_c_from_string(text, 0, cflags, 1, true, NULL);
	prog->seconds = now_seconds() - t0;
	said = capture_end(&cap);
	free(text);
	mapped = said ? compile_map_diagnostics(said, src->name) : NULL;
	free(said);

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
			"%s: compilation failed; fix the errors above and run again",
			src->name);
	}
	if (!blank(mapped))
		prog->warnings = mapped;
	else
		free(mapped);
	return 0;
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
