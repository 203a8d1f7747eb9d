/* main.c: the Hello World flow, in order.
 *
 *   1. compile  compiler.c  in a child process that loads the compiler
 *                           (libbcc's bpf_module_create_c_from_string);
 *                           what comes back is a plain value (compiled.h),
 *                           or it comes from the cache (cache.h)
 *   2. load     load.c      its tables created, its fds patched in,
 *                           bpf_prog_load as BPF_PROG_TYPE_TRACEPOINT
 *   3. attach   attach.c    bpf_attach_tracepoint
 *   4. read     run.c       a private ftrace instance's trace_pipe
 *                           (tracepipe.c), ring and perf buffers
 *   5. detach   attach.c    bpf_close_perf_event_fd, then everything else
 *                           released in reverse order
 *
 * Before them (run_prepare): options, privileges, the source, tracefs and
 * the kernel header tree. Every failure is recorded in one struct error
 * and printed here, once.
 */
#include "error.h"
#include "list.h"
#include "options.h"
#include "run.h"
#include "tracefs.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

/* -l [PATTERN]: the tracepoints of the running kernel, with -v their
 * fields (what args-> offers in a TRACEPOINT_PROBE). */
static int list_mode(const struct options *opts, struct error *err)
{
	struct tracefs tfs = {0};
	int n;

	if (tracefs_open(&tfs, err))
		return -1;
	fflush(stdout);
	n = list_tracepoints(tfs.path, opts->list_pattern, opts->verbose > 0,
			     stdout, err);
	tracefs_release(&tfs);
	if (n == 0)
		return error_set(
			err,
			"no tracepoint matches '%s'; try a wider glob such as 'syscalls:*'",
			opts->list_pattern ? opts->list_pattern : "*");
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct error err = {0};
	struct options opts = {0};
	struct run r;
	int ret = -1, built;

	run_init(&r, &opts);
	if (options_parse(&opts, argc, argv, &err))
		goto done;
	if (opts.help) {
		options_usage(stdout);
		return EXIT_OK;
	}
	if (opts.version) {
		printf("bcc-hello %s\n", BCC_HELLO_VERSION);
		return EXIT_OK;
	}
	if (opts.list) {
		ret = list_mode(&opts, &err);
		goto done;
	}
	if (run_prepare(&r, &err))
		goto done;

	/* 1 and 2. compile and load */
	built = run_build(&r, &err);
	if (built < 0)
		goto done;
	ret = 0;
	if (built > 0 || run_stop_pending(&r)) /* a stop while compiling */
		goto done;
	if (opts.dry_run) {
		ret = run_dry_report(&r, &err);
		goto done;
	}

	/* 3. attach, 4. read, 5. detach */
	ret = run_attach(&r, &err) || run_read(&r, &err) || run_detach(&r, &err)
		      ? -1
		      : 0;
done:
	run_release(&r);
	if (ret) {
		error_print(&err);
		return err.exit_code ? err.exit_code : EXIT_FAIL;
	}
	return EXIT_OK;
}
