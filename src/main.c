/* main.c: the Hello World flow, in order.
 *
 *   1. compile  compile.c   bpf_module_create_c_from_string (clang in-process)
 *   2. load     load.c      bcc_func_load, as BPF_PROG_TYPE_TRACEPOINT
 *   3. attach   attach.c    bpf_attach_tracepoint
 *   4. read     tracepipe.c a private ftrace instance's trace_pipe
 *   5. detach   attach.c    bpf_close_perf_event_fd, then everything else
 *                           released in reverse order
 *
 * Before them: options, privileges, the source, tracefs and the kernel
 * header tree.
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
#include "events.h"
#include "maps.h"
#include "rounds.h"
#include "tptypes.h"
#include "tracepipe.h"
#include "tutorial.h"
#include "watch.h"

#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
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
	case HEADERS_SYNTHESIZED:
		return "made from the user-space API headers and the running kernel's configuration";
	case HEADERS_INSTALLED:
		return hdr->merged[0] ? "installed, merged into a private tree"
				      : "installed";
	}
	return "";
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
		narrate(opts->verbose,
			"[2/5] load: %s() for %s, %zu instructions%s",
			l->entry.func,
			entry_describe(&l->entry, where, sizeof(where)),
			l->insns, verified);
	}
	narrate(opts->verbose, "[2/5] loaded %zu program%s in %.3f s", set->n,
		set->n == 1 ? "" : "s", seconds);
}

/* The exit summary. Lost is what the kernel dropped or overwrote, and what
 * could not be written; what a stop (-c, -d, a signal) left unshown is
 * not lost, and is said apart: still queued in the kernel, or read after
 * the stop. */
static void summary(const struct output *out, const struct tracepipe *tp,
		    unsigned long lost_records)
{
	unsigned long long queued = tracepipe_unread(tp);

	fprintf(stderr, "bcc-hello: %lu events, %llu lost", out->events,
		tracepipe_lost(tp) + lost_records + out->unwritten);
	if (lost_records)
		fprintf(stderr, " (%lu of them perf buffer records)",
			lost_records);
	if (out->unwritten)
		fprintf(stderr,
			" (%lu of them never written: their output was not read)",
			out->unwritten);
	if (queued || out->discarded)
		fprintf(stderr,
			" (not shown, not lost: %llu still queued at the stop, %lu read after it)",
			queued, out->discarded);
	if (out->own)
		fprintf(stderr, " (%lu of bcc-hello's own writes hidden)",
			out->own);
	if (out->others)
		fprintf(stderr,
			" (%lu lines of other processes, printed by other BPF programs, hidden)",
			out->others);
	fputc('\n', stderr);
}

/* One version of the program, from its source to its attachments. With
 * --watch a new version is built while the old one still runs. */
struct version {
	struct source src;
	struct tutorial tu;
	struct tptypes types; /* field types the header tree lacks */
	struct program prog;
	struct loaded_set set;
	struct events ev; /* readers of its ring and perf buffer tables */
	struct attachments at;
};

/* What the stages share, for building versions and the read loop. */
struct run {
	const struct options *opts;
	const struct tracefs *tfs;
	struct headers *hdr;
	const struct headers_roots *roots;
	struct tracepipe *tp;	/* NULL with --dry-run */
	struct tracepipe guard; /* --dry-run: only restores the top-level
				   bpf_trace_printk event after load */
	struct output out;
	struct watch watch;
	sigset_t stop_set;
	unsigned long lost_records; /* of versions already released */
	struct rounds rounds; /* what compile rounds learn, for every version */
};

static void release_version(struct version *v)
{
	attach_release(&v->at);
	events_release(&v->ev);
	load_release(&v->set);
	compile_release(&v->prog);
	tptypes_release(&v->types);
	tutorial_release(&v->tu);
	source_release(&v->src);
}

static int read_source(struct version *v, const struct options *opts,
		       struct error *err)
{
	return opts->file ? source_read(&v->src, opts->file, err)
			  : source_embedded(&v->src, err);
}

/* Stages 1 and 2 for one version: read (unless the source is read
 * already), translate, compile, load. */
static int build_version(struct version *v, struct run *r, struct error *err)
{
	const struct options *opts = r->opts;
	struct setting sets[OPTIONS_MAX_LIST];
	struct compile_opts copts;
	struct load_opts lo;
	char kprobe_events[PATH_MAX], source_dir[PATH_MAX] = "";
	struct tracepipe *tp;
	double t0;
	int loaded;

	if (!v->src.text && read_source(v, opts, err))
		return -1;
	for (size_t i = 0; i < opts->nsets; i++)
		sets[i] = (struct setting){opts->sets[i].name,
					   opts->sets[i].value};
	if (tutorial_rewrite(&v->tu, v->src.text, v->src.name, sets,
			     opts->nsets, opts->pid, err))
		return -1;
	if (opts->pid && !honours_pid(&v->src, &v->tu))
		fprintf(stderr,
			"bcc-hello: warning: %s uses neither PID_FILTER nor a const pid_filter, so -p %d filters nothing in the kernel\n",
			v->src.name, opts->pid);

	/* 1. compile */
	if (opts->file) {
		char *abs = realpath(opts->file, NULL);

		if (abs)
			snprintf(source_dir, sizeof(source_dir), "%s",
				 dirname(abs));
		free(abs);
	}
	copts = (struct compile_opts){.pid_filter = opts->pid,
				      .source_dir =
					      source_dir[0] ? source_dir : NULL,
				      .tu = &v->tu,
				      .defines = opts->defines,
				      .ndefines = opts->ndefines,
				      .includes = opts->includes,
				      .nincludes = opts->nincludes,
				      .dump = opts->dump,
				      .dump_out = stdout,
				      .verbose = opts->verbose};
	narrate(opts->verbose, "[1/5] compile: %s%s", v->src.name,
		v->tu.libbpf_style ? " (libbpf style, translated)" : "");
	for (size_t i = 0; i < v->tu.nconsts; i++)
		narrate(opts->verbose, "[1/5] const %s %s = %s",
			v->tu.consts[i].type, v->tu.consts[i].name,
			v->tu.consts[i].value);
	if (rounds_compile(&r->rounds, &v->src, &v->tu, &v->types, &v->prog,
			   &copts, err))
		return -1;
	if (v->prog.warnings)
		fputs(v->prog.warnings, stderr);
	narrate(opts->verbose,
		"[1/5] compiled in %.3f s with %s (and libbcc's own)",
		v->prog.seconds, v->prog.flags);

	/* 2. load */
	path_fmt(kprobe_events, sizeof(kprobe_events), "%s/kprobe_events",
		 r->tfs->path);
	lo = (struct load_opts){.category = opts->tp_category,
				.event = opts->tp_event,
				.tp_given = opts->tp_given,
				.kprobes = access(kprobe_events, F_OK) == 0,
				.verbose = opts->verbose};
	t0 = now_seconds();
	tp = r->tp ? r->tp : &r->guard;
	tracepipe_before_load(tp, r->tfs,
			      strstr(v->tu.text, "bpf_trace_printk"));
	loaded = load_programs(&v->set, &v->prog, &v->src, &v->tu, &lo, err);
	tracepipe_after_load(tp, r->tfs, loaded == 0);
	if (loaded)
		return -1;
	narrate_loaded(opts, &v->set, now_seconds() - t0);
	/* The kernel holds the programs now. A module without tables (maps)
	 * is not needed any more: free clang's and LLVM's memory before the
	 * long-running part. */
	compile_drop_if_unused(&v->prog);
	return 0;
}

/* Stage 3 for one version. */
static int attach_version(struct version *v, struct run *r, struct error *err)
{
	double t0 = now_seconds();

	/* Readers first: no record of the program is missed. */
	if (events_open(&v->ev, v->prog.module, output_record, &r->out, err))
		return -1;
	for (size_t i = 0; i < v->ev.ntables; i++)
		narrate(r->opts->verbose, "[3/5] reading table %s (%s)",
			v->ev.tables[i].name,
			v->ev.tables[i].ring ? "ring buffer"
					     : "perf buffer, one per CPU");
	if (attach_all(&v->at, r->tfs, &v->set, err))
		return -1;
	for (size_t i = 0; i < v->set.n; i++) {
		char where[300];

		narrate(r->opts->verbose, "[3/5] attach: %s() to %s",
			v->set.progs[i].entry.func,
			entry_describe(&v->set.progs[i].entry, where,
				       sizeof(where)));
	}
	narrate(r->opts->verbose, "[3/5] attached in %.3f s",
		now_seconds() - t0);
	return 0;
}

/* --watch: build and attach the new version while the old one runs;
 * only then detach the old one, so no event is missed (a few may be seen
 * twice). A version that fails leaves the last good one running. */
static void reload(struct version *versions, struct version **cur,
		   struct run *r)
{
	struct error err = {0};
	struct version *old = *cur;
	struct version *spare =
		old == &versions[0] ? &versions[1] : &versions[0];
	char when[16];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	memset(spare, 0, sizeof(*spare));
	if (build_version(spare, r, &err) || attach_version(spare, r, &err)) {
		release_version(spare);
		error_print(&err);
		fprintf(stderr,
			"bcc-hello: %s reload of %s failed; the previous version keeps running\n",
			when, r->opts->file);
		return;
	}
	/* What the old version sent before its detach is still printed. */
	attach_release(&old->at);
	events_drain(&old->ev);
	r->lost_records += events_lost(&old->ev);
	release_version(old);
	*cur = spare;
	r->out.no_printk = !strstr(spare->tu.text, "bpf_trace_printk");
	fprintf(stderr, "bcc-hello: %s reloaded %s (compiled in %.3f s)\n",
		when, r->opts->file, spare->prog.seconds);
	/* The released version's memory is free for the next one. */
	memset(old, 0, sizeof(*old));
}

/* Stage 4: read until a signal, the duration, the count, or a closed
 * stdout; with --watch, reload on a saved file or SIGHUP. Output is
 * flushed after each batch read from the kernel, so a pipe
 * (bcc-hello | grep) sees events live. */
/* -i: print the maps now, labelled with the wall-clock time. */
static int print_maps(struct run *r, const struct version *v, bool at_exit,
		      struct error *err)
{
	char when[16];
	time_t now = time(NULL);
	int ret;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	/* A large map takes seconds: a stop signal cuts the print short
	 * (maps.c checks the flag), so it must reach the handler. */
	sigprocmask(SIG_UNBLOCK, &r->stop_set, NULL);
	ret = maps_print(v->prog.module, v->tu.text, &r->out, r->opts->verbose,
			 at_exit ? NULL : when, err);
	sigprocmask(SIG_BLOCK, &r->stop_set, NULL);
	if (ret < 0)
		return -1;
	output_flush(&r->out);
	return 0;
}

static int read_loop(struct run *r, struct version *versions,
		     struct version **cur, struct error *err)
{
	const struct options *opts = r->opts;
	double deadline =
		opts->duration > 0 ? now_seconds() + opts->duration : 0;
	double next_maps =
		opts->interval > 0 ? now_seconds() + opts->interval : 0;
	struct pollfd *pfd = NULL;
	size_t cap = 0;
	struct output *out = &r->out;
	sigset_t none;
	int ret = 0;

	sigemptyset(&none);
	for (;;) {
		struct timespec ts, *timeout = NULL;
		double left = -1;
		int ready, due;
		size_t nev;

		/* Blocked from here to ppoll(), which unblocks them while it
		 * waits: a signal is never missed between this check and the
		 * wait. Unblocked again while reading and printing, so that
		 * a flood that keeps ppoll() from ever waiting, or a write
		 * blocked on a full pipe, cannot delay a stop. */
		sigprocmask(SIG_BLOCK, &r->stop_set, NULL);
		if (exiting == SIGHUP && opts->watch) {
			exiting = 0;
			reload(versions, cur, r);
			continue;
		}
		if (exiting)
			break;
		if (deadline) {
			left = deadline - now_seconds();
			if (left <= 0)
				break;
		}
		if (next_maps) {
			double wait = next_maps - now_seconds();

			if (wait <= 0) {
				if (print_maps(r, *cur, false, err)) {
					ret = -1;
					break;
				}
				/* A print longer than the interval: the next
				 * one an interval after this one, not at once
				 * (the loop must get to wait, and to see a
				 * stop signal). */
				next_maps += opts->interval;
				if (next_maps <= now_seconds())
					next_maps =
						now_seconds() + opts->interval;
				continue;
			}
			if (left < 0 || wait < left)
				left = wait;
		}
		due = opts->watch ? watch_due_ms(&r->watch) : -1;
		if (due == 0) {
			r->watch.pending = false;
			reload(versions, cur, r);
			continue;
		}
		if (due > 0 && (left < 0 || due / 1000.0 < left))
			left = due / 1000.0;
		if (tracepipe_recheck(r->tp, r->tfs) &&
		    (left < 0 || left > 0.01))
			left = 0.01;
		if (left >= 0) {
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
			timeout = &ts;
		}
		/* trace_pipe, the watched folder, then the version's ring
		 * and perf buffers (they change with each reload). */
		if (cap < 2 + (*cur)->ev.nreaders) {
			struct pollfd *grown;

			cap = 2 + (*cur)->ev.nreaders;
			grown = realloc(pfd, cap * sizeof(*pfd));
			if (!grown) {
				ret = error_set(err, "out of memory");
				break;
			}
			pfd = grown;
		}
		pfd[0] = (struct pollfd){.fd = r->tp->fd, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = r->watch.fd, .events = POLLIN};
		nev = events_pollfds(&(*cur)->ev, pfd + 2, cap - 2);
		ready = ppoll(pfd, 2 + nev, timeout, &none);
		sigprocmask(SIG_UNBLOCK, &r->stop_set, NULL);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			ret = error_set(err, "waiting for trace_pipe: %s",
					strerror(errno));
			break;
		}
		if (opts->watch && (pfd[1].revents & POLLIN))
			watch_drain(&r->watch);
		if (nev)
			events_service(&(*cur)->ev, pfd + 2, nev);
		/* Drain what is there, up to a bound, then flush once. */
		for (int batch = 0; batch < 64 && (pfd[0].revents & POLLIN);
		     batch++) {
			long n = tracepipe_read(r->tp, output_line, out);

			if (n < 0) {
				ret = error_set(err,
						"reading %s/trace_pipe: %s",
						r->tp->dir, strerror(errno));
				break;
			}
			if (n == 0 || out->failed || exiting ||
			    (out->limit && out->events >= out->limit))
				break;
		}
		if (exiting && !(exiting == SIGHUP && opts->watch))
			break; /* even if the output is stuck */
		if (ret || !output_flush(out))
			break; /* an error, or the reader went away */
		if (out->limit && out->events >= out->limit)
			break;
	}
	sigprocmask(SIG_BLOCK, &r->stop_set, NULL);
	free(pfd);
	return ret;
}

int main(int argc, char **argv)
{
	struct error err = {0};
	struct options opts;
	struct headers_roots roots;
	struct headers hdr = {0};
	struct tracefs tfs = {0};
	struct version versions[2] = {0};
	struct version *cur = &versions[0];
	struct run r = {
		.opts = &opts,
		.tfs = &tfs,
		.hdr = &hdr,
		.roots = &roots,
		.watch = {.fd = -1},
		.rounds = {.tracefs = tfs.path, .hdr = &hdr, .roots = &roots}};
	const char *explicit_dir;
	int ret = -1, stale;

	setup_signals(&r.stop_set);
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
	if (opts.watch)
		sigdelset(&r.stop_set, SIGHUP); /* SIGHUP reloads */
	r.rounds.file = opts.file;
	r.rounds.verbose = opts.verbose;

	/* What the flow needs before it starts: privileges, the source
	 * (a bad -f file is refused at once, before any setup), tracefs, a
	 * kernel header tree. */
	if (privilege_check(&err) || read_source(cur, &opts, &err))
		goto done;
	if (tracefs_open(&tfs, &err))
		goto done;
	headers_roots_system(&roots);
	if (headers_check_tmp_dir(roots.tmp_dir, &err))
		goto done;
	stale = tracepipe_remove_stale(&tfs) +
		headers_remove_stale(roots.tmp_dir);
	narrate(opts.verbose, "tracefs at %s%s%s", tfs.path,
		!tfs.mounted_by_us ? ""
		: tfs.private_ns
			? " (mounted by bcc-hello, in a mount namespace of its own)"
			: " (mounted by bcc-hello)",
		stale ? "; removed what killed runs left" : "");
	explicit_dir =
		opts.kernel_dir ? opts.kernel_dir : getenv("BCC_KERNEL_SOURCE");
	if (headers_find(&hdr, &roots, explicit_dir, &err) ||
	    headers_apply(&hdr, &err))
		goto done;
	narrate(opts.verbose, "kernel headers: %s (%s)", hdr.origin,
		headers_how(&hdr));
	if (hdr.mismatched)
		fprintf(stderr,
			"bcc-hello: warning: no headers for kernel %s; compiling against %s headers (struct layouts come from that version; tracepoint arguments stay exact)\n",
			roots.release, hdr.version);
	if (opts.watch && watch_open(&r.watch, opts.file, &err))
		goto done;

	/* The pipe is opened before compiling: a busy or missing pipe is
	 * reported before the slow part, and the instance exists before the
	 * attach, so no event of the program is missed. */
	if (!opts.dry_run) {
		r.tp = malloc(sizeof(*r.tp));
		if (!r.tp) {
			error_set(&err, "out of memory");
			goto done;
		}
		if (tracepipe_open(r.tp, &tfs, opts.global_pipe, &err)) {
			free(r.tp);
			r.tp = NULL;
			goto done;
		}
	}

	/* 1 and 2. compile and load */
	r.guard.instance = true; /* for --dry-run: see struct run */
	if (build_version(cur, &r, &err))
		goto done;
	if (opts.dry_run) {
		while (tracepipe_recheck(&r.guard, &tfs))
			usleep(10000);
		fprintf(stderr,
			"bcc-hello: %s: compiled and loaded %zu program%s; nothing attached (--dry-run)\n",
			cur->src.name, cur->set.n, cur->set.n == 1 ? "" : "s");
		ret = 0;
		goto done;
	}
	if (stop_pending(&r.stop_set)) {
		ret = 0;
		goto done;
	}

	/* 3. attach */
	output_init(&r.out, stdout, opts.raw, getpid(), opts.pid, opts.count);
	r.out.json = opts.json;
	r.out.no_printk = !strstr(cur->tu.text, "bpf_trace_printk");
	r.out.stop = &exiting;
	r.out.reload_signal = opts.watch ? SIGHUP : 0;
	if (attach_version(cur, &r, &err))
		goto done;

	/* 4. read */
	narrate(opts.verbose, "[4/5] read: %s/trace_pipe; Ctrl-C to stop%s",
		r.tp->dir, opts.watch ? "; save the file to reload it" : "");
	/* The columns are for trace lines: a program that sends only
	 * records or fills maps gets none. */
	if (!opts.raw && !opts.json &&
	    strstr(cur->tu.text, "bpf_trace_printk")) {
		fprintf(stdout, "%-18s %-16s %-7s %-3s %s\n", "TIME(s)", "COMM",
			"PID", "CPU", "MESSAGE");
		r.out.header_done = true;
		output_flush(&r.out);
	}
	if (!stop_pending(&r.stop_set) && read_loop(&r, versions, &cur, &err))
		goto done;

	/* 5. detach, then the summary with the kernel's own lost count. */
	narrate(opts.verbose,
		"[5/5] detach: closing %zu attachment%s; removing %s",
		cur->at.n, cur->at.n == 1 ? "" : "s",
		r.tp->instance ? r.tp->dir : "nothing (global pipe)");
	attach_release(&cur->at);
	events_drain(&cur->ev);
	/* A pipe nobody reads must not hold a stop asked for by a signal. */
	output_finish(&r.out, exiting ? 2.0 : 0);
	/* The maps, a last time: a stop signal that ended the run does not
	 * cut this print short, a second one does. */
	exiting = 0;
	if (!r.out.failed && maps_any(cur->prog.module)) {
		narrate(opts.verbose,
			"[5/5] printing the maps; a second stop signal cuts this short");
		if (print_maps(&r, cur, true, &err))
			goto done;
	}
	summary(&r.out, r.tp, r.lost_records + events_lost(&cur->ev));
	ret = 0;
done:
	release_version(&versions[0]);
	release_version(&versions[1]);
	if (r.tp) {
		tracepipe_release(r.tp);
		free(r.tp);
	}
	watch_release(&r.watch);
	rounds_release(&r.rounds);
	headers_release(&hdr);
	tracefs_release(&tfs);
	if (ret) {
		error_print(&err);
		return err.exit_code ? err.exit_code : EXIT_FAIL;
	}
	return EXIT_OK;
}
