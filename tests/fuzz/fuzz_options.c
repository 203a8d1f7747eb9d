/* fuzz_options.c: libFuzzer target for the command-line parser.
 *
 * The input is an argument vector: the arguments one after the other,
 * each ended by a NUL byte (the last one may end with the input), as in
 * /proc/PID/cmdline. argv[0] is "bcc-hello". Each argument is its own
 * allocation, so that AddressSanitizer sees a read past its end.
 *
 * options_parse() never exits: -h and -V only set opts->help and
 * opts->version, and errors come back in struct error. getopt keeps its
 * state in globals (optind, optarg and glibc's own); options_parse()
 * resets it with optind = 0, and so does this target before each call.
 * What parsing promises is checked: on success every field is in its
 * documented range, and the strings kept point into argv.
 */
#include "error.h"
#include "options.h"
#include "tutorial.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

static void require(int cond, const char *what)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_options: %s\n", what);
	abort();
}

/* Is s one of the arguments (or inside one)? */
static int in_argv(const char *s, char **args, int n)
{
	for (int i = 0; i < n; i++)
		if (s >= args[i] && s <= args[i] + strlen(args[i]))
			return 1;
	return 0;
}

static void check_options(const struct options *o, char **args, int n)
{
	require(o->pid >= 0 && o->pid <= 4194304, "-p out of range");
	require(o->duration >= 0 && o->duration <= 31536000.0,
		"-d out of range");
	require(options_valid_name(o->tp_category) &&
			options_valid_name(o->tp_event),
		"an invalid tracepoint name");
	require(o->ndefines <= OPTIONS_MAX_LIST &&
			o->nincludes <= OPTIONS_MAX_LIST &&
			o->nsets <= OPTIONS_MAX_LIST,
		"more than OPTIONS_MAX_LIST -D, -I or --set");
	require(!o->file || (o->file[0] && in_argv(o->file, args, n)),
		"-f not an argument");
	require(!o->kernel_dir ||
			(o->kernel_dir[0] && in_argv(o->kernel_dir, args, n)),
		"-K not an argument");
	require(!o->list_pattern || in_argv(o->list_pattern, args, n),
		"the -l pattern not an argument");
	require(!o->watch || o->file, "--watch without -f");
	require(o->dump == DUMP_NONE || o->dry_run, "--dump without dry run");
	for (size_t i = 0; i < o->ndefines; i++)
		require(in_argv(o->defines[i], args, n), "-D not an argument");
	for (size_t i = 0; i < o->nincludes; i++)
		require(o->includes[i][0] && in_argv(o->includes[i], args, n),
			"-I not an argument");
	for (size_t i = 0; i < o->nsets; i++) {
		require(in_argv(o->sets[i].value, args, n),
			"a --set value not an argument");
		require(o->sets[i].name[0] &&
				tutorial_valid_value(o->sets[i].value),
			"an invalid --set");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *args[MAX_ARGS + 1], *argv[MAX_ARGS + 1];
	const char *p = (const char *)data, *end = p + size;
	struct options *opts = malloc(sizeof(*opts));
	struct error err = {0};
	int n = 0;

	if (!opts)
		return 0;
	args[n++] = strdup("bcc-hello");
	while (p < end && n < MAX_ARGS) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);

		args[n] = malloc(len + 1);
		if (!args[n])
			break;
		memcpy(args[n], p, len);
		args[n++][len] = '\0';
		p += len + 1;
	}
	args[n] = NULL;
	/* getopt_long permutes argv: give it a copy of the pointers. */
	memcpy(argv, args, (size_t)(n + 1) * sizeof(*args));

	for (int i = 1; i < n; i++) {
		options_valid_name(args[i]);
		tutorial_valid_value(args[i]);
	}
	optind = 0;
	if (options_parse(opts, n, argv, &err) == 0)
		check_options(opts, args, n);
	else
		require(err.msg[0] && err.exit_code == EXIT_USAGE,
			"a failure that is not a usage error with a message");
	free(err.details);
	for (int i = 0; i < n; i++)
		free(args[i]);
	free(opts);
	return 0;
}
