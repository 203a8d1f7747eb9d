/* rounds.c: stage 1's compile rounds (see rounds.h). */
#include "rounds.h"
#include "compile.h"
#include "error.h"
#include "headers.h"
#include "source.h"
#include "synth.h"
#include "tptypes.h"
#include "tutorial.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A compile against the synthesized tree failed on a missing header:
 * the program needs kernel-internal headers. Switch to an installed tree
 * (with its warning) and say so; true if the compile is worth retrying. */
static bool needs_real_headers(struct rounds *rd, const char *diagnostics,
			       struct error *err)
{
	const char *details = diagnostics ? diagnostics : "";
	const char *nf = strstr(details, "file not found");
	const char *incomplete =
		strstr(details, "incomplete definition of type 'struct ");
	char missing[256] = "a kernel header";
	struct error fb = {0};

	if (rd->hdr->kind != HEADERS_SYNTHESIZED || (!nf && !incomplete))
		return false;
	if (!nf) { /* a kernel struct the user-space API does not define */
		const char *name =
			incomplete + strlen("incomplete definition of type '");
		size_t n = strcspn(name, "'");

		snprintf(missing, sizeof(missing), "%.*s", (int)n, name);
		nf = details; /* no file name to look for */
	}
	/* "...: fatal error: 'linux/sched.h' file not found" */
	for (const char *q = nf; q > details + 1 && q[-1] != '\n'; q--)
		if (q[-1] == '\'' && q - 1 < nf - 2) {
			const char *end = strchr(q, '\'');

			if (end && end < nf)
				snprintf(missing, sizeof(missing), "<%.*s>",
					 (int)(end - q), q);
			break;
		}
	if (headers_fallback(rd->hdr, rd->roots, &fb) ||
	    headers_apply(rd->hdr, &fb)) {
		error_set(
			err,
			"%s needs kernel types beyond the user-space API (%s is not there), the kernel has no readable BTF and no headers are installed: install linux-headers-amd64 (or your kernel's headers), or give a tree with -K DIR",
			rd->file ? rd->file : "the program", missing);
		return false;
	}
	fprintf(stderr,
		"bcc-hello: warning: %s needs kernel-internal headers (%s) and the kernel has no readable BTF; compiling against the installed %s headers, whose struct layouts come from that version, not from kernel %s\n",
		rd->file ? rd->file : "the program", missing,
		rd->hdr->mismatched ? rd->hdr->version : "kernel's",
		rd->roots->release);
	return true;
}

/* Are kernel types taken from BTF: on the tree bcc-hello makes (which has
 * none), or for a program that includes vmlinux.h? */
static bool uses_btf(const struct rounds *rd, const struct tutorial *tu)
{
	return rd->hdr->kind == HEADERS_SYNTHESIZED || tu->vmlinux;
}

/* The kernel's BTF, read the first time a program needs it. */
static bool btf_ready(struct rounds *rd)
{
	if (rd->btf_state == 0)
		rd->btf_state =
			btftypes_open(&rd->btf, NULL, &rd->btf_err) ? -1 : 1;
	return rd->btf_state > 0;
}

/* A call of an undeclared function (a misspelt helper: clang's error,
 * -Werror=implicit-function-declaration): its name in fn, and the helper
 * meant, if one is close, in helper (else ""). */
static bool undeclared_function(struct rounds *rd, const char *diagnostics,
				char *fn, size_t fsize, char *helper,
				size_t hsize)
{
	/* clang 14's words, and those of clang 15 and later */
	static const char *const tags[] = {"implicit declaration of function '",
					   "call to undeclared function '"};
	bool found = false;

	helper[0] = '\0';
	for (size_t i = 0; diagnostics && !found && i < 2; i++)
		found = quoted_after(diagnostics, strlen(diagnostics), tags[i],
				     fn, fsize);
	if (!found)
		return false;
	if (btf_ready(rd))
		btftypes_nearest_helper(&rd->btf, fn, helper, hsize);
	return true;
}

/* Missing kernel-internal headers (fatal: one per compile) become empty
 * files in our made tree: their types come from BTF. How many were made. */
static int stub_headers(struct rounds *rd, const char *details)
{
	int made = 0;

	for (const char *p = details; (p = strstr(p, "' file not found"));
	     p++) {
		const char *q = p;
		char rel[256];

		while (q > details && q[-1] != '\'' && q[-1] != '\n')
			q--;
		if (q == details || q[-1] != '\'' || p - q >= 256)
			continue;
		snprintf(rel, sizeof(rel), "%.*s", (int)(p - q), q);
		if (synth_stub(rd->hdr->path, rel) == 1) {
			narrate(rd->verbose,
				"[1/5] <%s> is not in the made tree: its types come from the kernel's BTF",
				rel);
			made++;
		}
	}
	return made;
}

/* Learn what the program lacks from the kernel's BTF: kernel structs and
 * typedefs, enum constants, missing kernel-internal headers. */
static int learn_kernel_types(struct rounds *rd, const struct tutorial *tu,
			      const char *details)
{
	size_t before = rd->btf.nnames;
	int added;

	if (!uses_btf(rd, tu) || !btf_ready(rd))
		return 0;
	added = btftypes_learn(&rd->btf, details);
	if (added < 0)
		return -1;
	if (rd->hdr->kind == HEADERS_SYNTHESIZED)
		added += stub_headers(rd, details);
	for (size_t i = before; i < rd->btf.nnames; i++)
		narrate(rd->verbose, "[1/5] from the kernel's BTF: %s",
			rd->btf.names[i]);
	return added;
}

/* The text put before the program: tracepoint field types, then the
 * kernel's own types. */
static char *types_text(struct rounds *rd, const struct tutorial *tu,
			const struct tptypes *types)
{
	const char *kernel = "";
	char *all;

	if (rd->btf_state > 0 && uses_btf(rd, tu)) {
		kernel = btftypes_text(&rd->btf);
		if (!kernel)
			return NULL;
	}
	if (asprintf(&all, "%s%s", tptypes_text(types), kernel) < 0)
		return NULL;
	return all;
}

/* The one line that says why clang refused the program. */
static void say_failure(struct rounds *rd, const struct source *src,
			const char *diagnostics, struct error *err)
{
	char fn[128], helper[128];

	if (rd->btf.absent[0] && diagnostics &&
	    strstr(diagnostics, rd->btf.absent))
		error_set(
			err,
			"%s: %s is a type of neither the running kernel (its BTF has no such name) nor the headers; check its spelling, or define it in the program",
			src->name, rd->btf.absent);
	else if (undeclared_function(rd, diagnostics, fn, sizeof(fn), helper,
				     sizeof(helper)))
		error_set(
			err,
			"%s: compilation failed: %s() is declared nowhere%s%s%s; fix the errors above and run (or, with --watch, save) again",
			src->name, fn, helper[0] ? " (did you mean '" : "",
			helper, helper[0] ? "'?)" : "");
	else
		error_set(
			err,
			"%s: compilation failed; fix the errors above and run (or, with --watch, save) again",
			src->name);
}

/* Compile; when clang did not know a tracepoint field's type, define it
 * from the format file and compile again (a few rounds: clang stops at
 * 20 errors); when it lacks kernel types, define them from the kernel's
 * BTF; with no BTF, when the program needs kernel-internal headers,
 * switch to an installed tree, forgetting the types learned against the
 * other. */
int rounds_compile(struct rounds *rd, const struct source *src,
		   const struct tutorial *tu, struct tptypes *types,
		   struct program *prog, struct compile_opts *copts,
		   struct error *err)
{
	bool fell_back = false;
	char *prefix = NULL;
	double seconds = 0;

	if (tu->vmlinux && !btf_ready(rd))
		return error_set(
			err,
			"%s includes vmlinux.h, which bcc-hello makes from the kernel's BTF, and %s cannot be read; this kernel needs CONFIG_DEBUG_INFO_BTF=y",
			src->name, "/sys/kernel/btf/vmlinux");
	for (int round = 0;; round++) {
		size_t before = types->n;
		int added, ret;

		free(prefix);
		prefix = types_text(rd, tu, types);
		if (!prefix)
			return error_set(err, "out of memory");
		copts->types = prefix;
		copts->all_errors = round > 0;
		compile_release(prog); /* the round before's diagnostics */
		ret = compile_program(prog, src, copts, err);
		seconds += prog->seconds;
		if (ret < 0) {
			free(prefix);
			copts->types = NULL;
			return -1;
		}
		if (ret == 0 && round < 24 && prog->warnings &&
		    strstr(prog->warnings, "will not be visible outside") &&
		    learn_kernel_types(rd, tu, prog->warnings) > 0) {
			/* a parameter's kernel struct, never dereferenced:
			 * defined, so that its type is the kernel's */
			compile_release(prog);
			continue;
		}
		if (ret == 0 || round >= 24)
			break;
		added = tptypes_learn(types, prog->diagnostics, tu->text,
				      rd->tracefs);
		if (added > 0) {
			narrate(rd->verbose,
				"[1/5] the header tree lacks %d tracepoint field type%s; defined from the format files (size and sign):",
				added, plural(added));
			for (size_t i = before; i < types->n; i++)
				narrate(rd->verbose, "[1/5]   %s",
					types->names[i]);
		} else if (added == 0) {
			added = learn_kernel_types(rd, tu, prog->diagnostics);
		}
		if (added < 0) {
			free(prefix);
			return error_set(err, "out of memory");
		}
		if (added == 0 &&
		    (fell_back || rd->btf_state > 0 ||
		     !needs_real_headers(rd, prog->diagnostics, err)))
			break;
		if (added == 0) {
			fell_back = true;
			tptypes_release(types);
		}
	}
	if (copts->dump == DUMP_SOURCE)
		compile_dump_source(copts); /* once, the last round's */
	free(prefix);
	copts->types = NULL;
	prog->seconds = seconds; /* every round's */
	if (prog->built)
		return 0;
	/* It did not compile: clang's last errors are the error's, unless
	 * one is said already (needs_real_headers). */
	if (!err->msg[0])
		say_failure(rd, src, prog->diagnostics, err);
	error_details(err, prog->diagnostics);
	prog->diagnostics = NULL;
	return -1;
}
