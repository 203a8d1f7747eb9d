/* main.c: the Hello World flow, in order.
 *
 *   1. compile  compile.c   bpf_module_create_c_from_string (clang in-process)
 *   2. load     load.c      bcc_func_load, as BPF_PROG_TYPE_TRACEPOINT
 *   3. attach   attach.c    bpf_attach_tracepoint
 *   4. read     tracepipe.c a private ftrace instance's trace_pipe
 *   5. detach   attach.c    bpf_close_perf_event_fd, then everything else
 *                           released in reverse order
 *
 * Before them: options, privileges, tracefs and the kernel header tree.
 * Every failure is recorded in one struct error and printed here, once.
 */
#include "attach.h"
#include "compile.h"
#include "error.h"
#include "util.h"
#include "headers.h"
#include "list.h"
#include "load.h"
#include "options.h"
#include "output.h"
#include "privilege.h"
#include "source.h"
#include "tracefs.h"
#include "tracepipe.h"
#include "tutorial.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The only global state: set by the signal handler, read by the loop. */
static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	exiting = sig;
}

/* -v narration, on stderr so that stdout stays the events. */
static void narrate(const struct options *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void narrate(const struct options *opts, const char *fmt, ...)
{
	va_list ap;

	if (!opts->verbose)
		return;
	va_start(ap, fmt);
	fputs("bcc-hello: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Stop signals are blocked except while the loop waits in ppoll(), so a
 * signal can never be lost between checking the flag and waiting, and no
 * blocking call is silently restarted. */
static void setup_signals(sigset_t *stop_set)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(stop_set);
	sigaddset(stop_set, SIGINT);
	sigaddset(stop_set, SIGTERM);
	sigaddset(stop_set, SIGHUP);
	sigprocmask(SIG_BLOCK, stop_set, NULL);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is seen as EPIPE */
}

/* Was a stop signal sent while it was blocked (during compile, say)? */
static bool stop_pending(const sigset_t *stop_set)
{
	sigset_t pending;

	if (exiting)
		return true;
	if (sigpending(&pending))
		return false;
	for (int s = 1; s < NSIG; s++)
		if (sigismember(stop_set, s) && sigismember(&pending, s))
			return true;
	return false;
}

static const char *headers_how(const struct headers *hdr)
{
	switch (hdr->kind) {
	case HEADERS_EXPLICIT:
		return "given with -K or BCC_KERNEL_SOURCE";
	case HEADERS_MODULES:
		return "the running kernel's, found by libbcc";
	case HEADERS_KHEADERS:
		return "the running kernel's kheaders, unpacked by libbcc";
	case HEADERS_INSTALLED:
		return hdr->merged[0] ? "installed, merged into a private tree"
				      : "installed";
	}
	return "";
}

/* Stage 4: read until a signal, the duration, the count, or a closed
 * stdout. Output is flushed after each batch read from the kernel, so a
 * pipe (bcc-hello | grep) sees events live. */
static int read_loop(struct tracepipe *tp, struct output *out,
		     const struct options *opts, struct error *err)
{
	double deadline =
		opts->duration > 0 ? now_seconds() + opts->duration : 0;
	struct pollfd pfd = {.fd = tp->fd, .events = POLLIN};
	sigset_t none;

	sigemptyset(&none);
	while (!exiting) {
		struct timespec ts, *timeout = NULL;
		long n;
		int ready;

		if (deadline) {
			double left = deadline - now_seconds();

			if (left <= 0)
				break;
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
			timeout = &ts;
		}
		ready = ppoll(&pfd, 1, timeout, &none);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, "waiting for trace_pipe: %s",
					 strerror(errno));
		}
		if (ready == 0)
			continue;
		/* Drain what is there, up to a bound, then flush once. */
		for (int batch = 0; batch < 64; batch++) {
			n = tracepipe_read(tp, output_line, out);
			if (n < 0)
				return error_set(err,
						 "reading %s/trace_pipe: %s",
						 tp->dir, strerror(errno));
			if (n == 0 || out->failed ||
			    (out->limit && out->events >= out->limit))
				break;
		}
		if (!output_flush(out))
			break; /* the reader went away: a normal stop */
		if (out->limit && out->events >= out->limit)
			break;
	}
	return 0;
}

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

/* Does the program filter by PID in a way -p reaches? */
static bool honours_pid(const struct source *src, const struct tutorial *tu)
{
	for (size_t i = 0; i < tu->nconsts; i++)
		if (!strcmp(tu->consts[i].name, "pid_filter") ||
		    !strcmp(tu->consts[i].name, "PID_FILTER"))
			return true;
	return strstr(src->text, "PID_FILTER") != NULL;
}

static void narrate_loaded(const struct options *opts,
			   const struct loaded_set *set, double seconds)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct loaded *l = &set->progs[i];
		char where[300], verified[64] = "";

		if (l->verified >= 0)
			snprintf(verified, sizeof(verified),
				 ", %ld processed by the verifier",
				 l->verified);
		narrate(opts, "[2/5] load: %s() for %s, %zu instructions%s",
			l->entry.func,
			entry_describe(&l->entry, where, sizeof(where)),
			l->insns, verified);
	}
	narrate(opts, "[2/5] loaded %zu program%s in %.3f s", set->n,
		set->n == 1 ? "" : "s", seconds);
}

static void summary(const struct output *out, const struct tracepipe *tp)
{
	fprintf(stderr, "bcc-hello: %lu events, %llu lost", out->events,
		tracepipe_lost(tp));
	if (out->own)
		fprintf(stderr, " (%lu of bcc-hello's own writes hidden)",
			out->own);
	if (out->others)
		fprintf(stderr,
			" (%lu lines of other processes, printed by other BPF programs, hidden)",
			out->others);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	struct error err = {0};
	struct options opts;
	struct headers_roots roots;
	struct headers hdr = {0};
	struct tracefs tfs = {0};
	struct source src = {0};
	struct tutorial tu = {0};
	struct program prog = {0};
	struct loaded_set set = {0};
	struct attachments at = {0};
	struct tracepipe *tp = NULL;
	struct setting sets[OPTIONS_MAX_LIST];
	struct output out;
	struct compile_opts copts;
	struct load_opts lo;
	sigset_t stop_set;
	const char *explicit_dir;
	char kprobe_events[PATH_MAX];
	double t0;
	int ret = -1, stale, loaded;

	setup_signals(&stop_set);
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

	/* What the flow needs before it starts: privileges, tracefs, a
	 * kernel header tree and the program's source. */
	if (privilege_check(&err))
		goto done;
	if (tracefs_open(&tfs, &err))
		goto done;
	stale = tracepipe_remove_stale(&tfs);
	narrate(&opts, "tracefs at %s%s%s", tfs.path,
		tfs.mounted_by_us ? " (mounted by bcc-hello)" : "",
		stale ? "; removed instances of killed runs" : "");
	explicit_dir =
		opts.kernel_dir ? opts.kernel_dir : getenv("BCC_KERNEL_SOURCE");
	headers_roots_system(&roots);
	if (headers_find(&hdr, &roots, explicit_dir, &err) ||
	    headers_apply(&hdr, &err))
		goto done;
	narrate(&opts, "kernel headers: %s (%s)", hdr.origin,
		headers_how(&hdr));
	if (hdr.mismatched)
		fprintf(stderr,
			"bcc-hello: warning: no headers for kernel %s; compiling against %s headers (struct layouts come from that version; tracepoint arguments stay exact)\n",
			roots.release, hdr.version);
	if (opts.file ? source_read(&src, opts.file, &err)
		      : source_embedded(&src, &err))
		goto done;
	for (size_t i = 0; i < opts.nsets; i++)
		sets[i] =
			(struct setting){opts.sets[i].name, opts.sets[i].value};
	if (tutorial_rewrite(&tu, src.text, src.name, sets, opts.nsets,
			     opts.pid, &err))
		goto done;
	if (opts.pid && !honours_pid(&src, &tu))
		fprintf(stderr,
			"bcc-hello: warning: %s uses neither PID_FILTER nor a const pid_filter, so -p %d filters nothing in the kernel\n",
			src.name, opts.pid);

	/* The pipe is opened before compiling: a busy or missing pipe is
	 * reported before the slow part, and the instance exists before the
	 * attach, so no event of the program is missed. */
	if (!opts.dry_run) {
		tp = malloc(sizeof(*tp));
		if (!tp) {
			error_set(&err, "out of memory");
			goto done;
		}
		if (tracepipe_open(tp, &tfs, opts.global_pipe, &err)) {
			free(tp);
			tp = NULL;
			goto done;
		}
	}

	/* 1. compile */
	copts = (struct compile_opts){.pid_filter = opts.pid,
				      .tu = &tu,
				      .defines = opts.defines,
				      .ndefines = opts.ndefines,
				      .includes = opts.includes,
				      .nincludes = opts.nincludes,
				      .dump = opts.dump,
				      .dump_out = stdout,
				      .verbose = opts.verbose};
	narrate(&opts, "[1/5] compile: %s%s with -DPID_FILTER=%d", src.name,
		tu.libbpf_style ? " (libbpf style, translated)" : "", opts.pid);
	for (size_t i = 0; i < tu.nconsts; i++)
		narrate(&opts, "[1/5] const %s %s = %s", tu.consts[i].type,
			tu.consts[i].name, tu.consts[i].value);
	if (compile_program(&prog, &src, &copts, &err))
		goto done;
	if (prog.warnings)
		fputs(prog.warnings, stderr);
	narrate(&opts, "[1/5] compiled in %.3f s with %s (and libbcc's own)",
		prog.seconds, prog.flags);
	if (stop_pending(&stop_set))
		goto stopped;

	/* 2. load */
	path_fmt(kprobe_events, sizeof(kprobe_events), "%s/kprobe_events",
		 tfs.path);
	lo = (struct load_opts){.category = opts.tp_category,
				.event = opts.tp_event,
				.tp_given = opts.tp_given,
				.kprobes = access(kprobe_events, F_OK) == 0,
				.verbose = opts.verbose};
	t0 = now_seconds();
	if (tp)
		tracepipe_before_load(tp, &tfs,
				      strstr(tu.text, "bpf_trace_printk"));
	loaded = load_programs(&set, &prog, &src, &tu, &lo, &err);
	if (tp)
		tracepipe_after_load(tp, &tfs, loaded == 0);
	if (loaded)
		goto done;
	narrate_loaded(&opts, &set, now_seconds() - t0);
	if (opts.dry_run) {
		fprintf(stderr,
			"bcc-hello: %s: compiled and loaded %zu program%s; nothing attached (--dry-run)\n",
			src.name, set.n, set.n == 1 ? "" : "s");
		goto stopped;
	}
	/* The kernel holds the programs now. A module without tables (maps)
	 * is not needed any more: free clang's and LLVM's memory before the
	 * long-running part. */
	compile_drop_if_unused(&prog);

	/* 3. attach */
	t0 = now_seconds();
	if (attach_all(&at, &tfs, &set, &err))
		goto done;
	for (size_t i = 0; i < set.n; i++) {
		char where[300];

		narrate(&opts, "[3/5] attach: %s() to %s",
			set.progs[i].entry.func,
			entry_describe(&set.progs[i].entry, where,
				       sizeof(where)));
	}
	narrate(&opts, "[3/5] attached in %.3f s", now_seconds() - t0);

	/* 4. read */
	narrate(&opts, "[4/5] read: %s/trace_pipe; Ctrl-C to stop", tp->dir);
	output_init(&out, stdout, opts.raw, getpid(), opts.pid, opts.count);
	if (!opts.raw) {
		fprintf(stdout, "%-18s %-16s %-7s %-3s %s\n", "TIME(s)", "COMM",
			"PID", "CPU", "MESSAGE");
		out.header_done = true;
		output_flush(&out);
	}
	if (!stop_pending(&stop_set) && read_loop(tp, &out, &opts, &err))
		goto done;

	/* 5. detach, then the summary with the kernel's own lost count. */
	attach_release(&at);
	narrate(&opts, "[5/5] detach: closed %zu attachment%s; removing %s",
		set.n, set.n == 1 ? "" : "s",
		tp->instance ? tp->dir : "nothing (global pipe)");
	summary(&out, tp);
stopped:
	ret = 0;
done:
	attach_release(&at);
	if (tp) {
		tracepipe_release(tp);
		free(tp);
	}
	load_release(&set);
	compile_release(&prog);
	tutorial_release(&tu);
	source_release(&src);
	headers_release(&hdr);
	tracefs_release(&tfs);
	if (ret) {
		error_print(&err);
		return err.exit_code ? err.exit_code : EXIT_FAIL;
	}
	return EXIT_OK;
}
