/* run.c: the stages of one run, its versions, and the read loop. */
#include "run.h"
#include "compiler.h"
#include "error.h"
#include "maps.h"
#include "options.h"
#include "privilege.h"
#include "util.h"

#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* Linux 5.3, the same on every architecture */
#endif

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
		plural(set->n), seconds);
}

/* The exit summary. Lost is what the kernel dropped or overwrote, and what
 * could not be written; what a stop (-c, -d, a signal) left unshown is
 * not lost, and is said apart: still queued in the kernel, or read after
 * the stop. */
static void summary(const struct output *out, const struct tracepipe *tp,
		    unsigned long lost_records)
{
	unsigned long long queued = tracepipe_unread(tp);

	fprintf(stderr, "bcc-hello: %lu event%s, %llu lost", out->events,
		plural(out->events),
		tracepipe_lost(tp) + lost_records + out->unwritten);
	if (lost_records)
		fprintf(stderr, " (%lu of them perf buffer record%s)",
			lost_records, plural(lost_records));
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
		fprintf(stderr, " (%lu line%s of other BPF programs, hidden)",
			out->others, plural(out->others));
	if (out->from_hello * 2 > out->events)
		fprintf(stderr,
			" (%lu of the events were another bcc-hello's: each run's output is writes the other traces; give each a -p)",
			out->from_hello);
	fputc('\n', stderr);
}

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

/* load_opts.explain: compile again in a child, which loads func with the
 * program's line information, for the verifier's annotated log. */
static int explain(void *ctx, const char *func, int prog_type, char **log)
{
	struct compile_job job = *(const struct compile_job *)ctx;
	struct compile_opts copts = *job.copts;
	struct program prog;
	struct error err = {0};
	int ret;

	copts.explain = func;
	copts.explain_type = prog_type;
	job.copts = &copts;
	ret = compiler_run(&job, &prog, &err);
	free(err.details);
	*log = ret == 0 ? prog.log : NULL;
	prog.log = NULL;
	compile_release(&prog);
	return ret == 0 && *log ? 0 : -1;
}

/* The source as the compiler takes it: read (unless it is already),
 * rewritten (libbpf style, --set, -p). */
static int translate_version(struct version *v, struct run *r,
			     struct setting *sets, struct error *err)
{
	const struct options *opts = r->opts;

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
	return 0;
}

/* What compiling v takes (copts and sets: the job points at them). */
static void make_job(struct compile_job *job, struct compile_opts *copts,
		     const struct setting *sets, char *source_dir,
		     struct version *v, struct run *r)
{
	const struct options *opts = r->opts;

	source_dir[0] = '\0';
	if (opts->file) {
		char *abs = realpath(opts->file, NULL);

		if (abs)
			snprintf(source_dir, PATH_MAX, "%s", dirname(abs));
		free(abs);
	}
	*copts = (struct compile_opts){.pid_filter = opts->pid,
				       .source_dir = source_dir[0] ? source_dir
								   : NULL,
				       .tu = &v->tu,
				       .defines = opts->defines,
				       .ndefines = opts->ndefines,
				       .includes = opts->includes,
				       .nincludes = opts->nincludes,
				       .dump = opts->dump,
				       .dump_out = stdout,
				       .verbose = opts->verbose};
	*job = (struct compile_job){.rounds = &r->rounds,
				    .src = &v->src,
				    .tu = &v->tu,
				    .types = &v->types,
				    .copts = copts,
				    .stop = &exiting,
				    .reload_signal = opts->watch ? SIGHUP : 0,
				    .sets = sets,
				    .nsets = opts->nsets,
				    .unreaped = &r->compiler};
}

/* Stage 1: compiled (in a child), or from the cache. */
static int compile_version(struct version *v, struct run *r,
			   const struct compile_job *job, struct error *err)
{
	const struct options *opts = r->opts;
	int compiled;

	narrate(opts->verbose, "[1/5] compile: %s%s", v->src.name,
		v->tu.libbpf_style ? " (libbpf style, translated)" : "");
	for (size_t i = 0; i < v->tu.nconsts; i++)
		narrate(opts->verbose, "[1/5] const %s %s = %s",
			v->tu.consts[i].type, v->tu.consts[i].name,
			v->tu.consts[i].value);
	compiled = compiler_compile(job, &r->cache, &v->prog, err);
	if (compiled)
		return compiled;
	/* the run's own mark, in no cache entry: patched in after */
	compiled_set_mark(&v->prog.c, r->mark);
	if (v->prog.warnings)
		fputs(v->prog.warnings, stderr);
	if (v->prog.cached)
		narrate(opts->verbose,
			"[1/5] compile: cached, same source and flags (compiled in %.3f s with %s)",
			v->prog.seconds, v->prog.flags);
	else
		narrate(opts->verbose,
			"[1/5] compiled in %.3f s with %s (and libbcc's own)",
			v->prog.seconds, v->prog.flags);
	if (v->tu.printk)
		narrate(opts->verbose, "[1/5] %s",
			v->prog.c.marked
				? "bpf_trace_printk lines marked as this run's (other programs' are hidden)"
				: "bpf_trace_printk lines unmarked (a call's '(' is not on its line, or its format is stored in pieces): told from other programs' by PID only");
	if (v->prog.c.pid_sites_known)
		narrate(opts->verbose,
			"[1/5] PID_FILTER=%d patched in at %u instruction%s (compiled once for every PID, with a placeholder)",
			opts->pid, v->prog.c.npid_sites,
			plural(v->prog.c.npid_sites));
	return 0;
}

/* Stage 2: the tables created, the programs loaded. */
static int load_version(struct version *v, struct run *r,
			const struct compile_job *job, struct error *err)
{
	const struct options *opts = r->opts;
	char kprobe_events[PATH_MAX];
	struct tracepipe *tp = r->tp ? r->tp : &r->guard;
	int fds[LOAD_MAX];
	struct load_opts lo;
	double t0 = now_seconds();
	int loaded;

	path_fmt(kprobe_events, sizeof(kprobe_events), "%s/kprobe_events",
		 r->tfs.path);
	lo = (struct load_opts){.category = opts->tp_category,
				.event = opts->tp_event,
				.tp_given = opts->tp_given,
				.kprobes = access(kprobe_events, F_OK) == 0,
				.verbose = opts->verbose,
				.explain = explain,
				.explain_ctx = (void *)job};
	tracepipe_before_load(tp, &r->tfs, v->tu.printk);
	loaded = load_programs(&v->set, &v->prog, &v->src, &v->tu, &lo, err);
	for (size_t i = 0; i < v->set.n; i++)
		fds[i] = v->set.progs[i].fd;
	tracepipe_after_load(tp, &r->tfs, loaded == 0, fds, v->set.n);
	if (loaded)
		return -1;
	narrate_loaded(opts, &v->set, now_seconds() - t0);
	return 0;
}

/* Stages 1 and 2 for one version. 0, -1 with err set, or 1 when a stop
 * signal ended the compile. */
static int build_version(struct version *v, struct run *r, struct error *err)
{
	struct setting sets[OPTIONS_MAX_LIST];
	struct compile_opts copts;
	struct compile_job job;
	char source_dir[PATH_MAX];
	int compiled;

	if (translate_version(v, r, sets, err))
		return -1;
	make_job(&job, &copts, sets, source_dir, v, r);
	compiled = compile_version(v, r, &job, err);
	return compiled ? compiled : load_version(v, r, &job, err);
}

/* Stage 3 for one version. */
static int attach_version(struct version *v, struct run *r, struct error *err)
{
	double t0 = now_seconds();

	/* Readers first: no record of the program is missed. */
	if (events_open(&v->ev, &v->prog.c, v->set.tables, output_record,
			&r->out, err))
		return -1;
	for (size_t i = 0; i < v->ev.ntables; i++)
		narrate(r->opts->verbose, "[3/5] reading table %s (%s)",
			v->ev.tables[i].name,
			v->ev.tables[i].ring ? "ring buffer"
					     : "perf buffer, one per CPU");
	if (attach_all(&v->at, &r->tfs, &v->set, err))
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

/* The output follows the attached version's program. */
static void output_program(struct run *r, const struct version *v)
{
	r->out.no_printk = !v->tu.printk;
	r->out.marked = v->prog.c.marked;
}

/* --watch: build and attach the new version while the old one runs;
 * only then detach the old one, so no event is missed (a few may be seen
 * twice). A version that fails leaves the last good one running. */
static void reload(struct run *r)
{
	struct version *versions = r->versions, **cur = &r->cur;
	struct error err = {0};
	struct version *old = *cur;
	struct version *spare =
		old == &versions[0] ? &versions[1] : &versions[0];
	char when[16];
	time_t now = time(NULL);
	int built;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	memset(spare, 0, sizeof(*spare));
	built = build_version(spare, r, &err);
	if (built > 0) { /* a stop signal: the loop ends */
		release_version(spare);
		return;
	}
	if (built || attach_version(spare, r, &err)) {
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
	output_program(r, spare);
	fprintf(stderr, "bcc-hello: %s reloaded %s (compiled in %.3f s)\n",
		when, r->opts->file, spare->prog.seconds);
	/* The released version's memory is free for the next one. */
	memset(old, 0, sizeof(*old));
}

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
	ret = maps_print(&v->prog.c, v->set.tables, v->tu.text, &r->out,
			 r->opts->verbose, at_exit ? NULL : when, err);
	sigprocmask(SIG_BLOCK, &r->stop_set, NULL);
	if (ret < 0)
		return -1;
	output_flush(&r->out);
	return 0;
}

/* The read loop's own state. */
struct loop {
	double deadline;  /* -d: when to stop, 0 = never */
	double next_maps; /* -i: when to print the maps, 0 = never */
	struct pollfd *pfd;
	size_t cap;
};

enum { LOOP_STOP, LOOP_AGAIN, LOOP_WAIT };

/* What is due before waiting: a stop, a reload, the maps. LOOP_WAIT with
 * *left the longest wait (-1: no limit). */
static int loop_due(struct run *r, struct loop *l, double *left, int *ret,
		    struct error *err)
{
	const struct options *opts = r->opts;
	int due;

	*left = -1;
	if (exiting == SIGHUP && opts->watch) {
		exiting = 0;
		reload(r);
		return LOOP_AGAIN;
	}
	if (exiting)
		return LOOP_STOP;
	if (l->deadline) {
		*left = l->deadline - now_seconds();
		if (*left <= 0)
			return LOOP_STOP;
	}
	if (l->next_maps) {
		double wait = l->next_maps - now_seconds();

		if (wait <= 0) {
			if (print_maps(r, r->cur, false, err)) {
				*ret = -1;
				return LOOP_STOP;
			}
			/* A print longer than the interval: the next one an
			 * interval after this one, not at once (the loop must
			 * get to wait, and to see a stop signal). */
			l->next_maps += opts->interval;
			if (l->next_maps <= now_seconds())
				l->next_maps = now_seconds() + opts->interval;
			return LOOP_AGAIN;
		}
		if (*left < 0 || wait < *left)
			*left = wait;
	}
	due = opts->watch ? watch_due_ms(&r->watch) : -1;
	if (due == 0) {
		r->watch.pending = false;
		reload(r);
		return LOOP_AGAIN;
	}
	if (due > 0 && (*left < 0 || due / 1000.0 < *left))
		*left = due / 1000.0;
	if (tracepipe_recheck(r->tp, &r->tfs) && (*left < 0 || *left > 0.01))
		*left = 0.01;
	return LOOP_WAIT;
}

/* Read up to max batches from trace_pipe, or until it is empty, the
 * count is reached, a stop comes or the output fails: 0, or -1 with err
 * set. */
static int read_pipe(struct run *r, int max, struct error *err)
{
	struct output *out = &r->out;

	for (int batch = 0; batch < max; batch++) {
		long n = tracepipe_read(r->tp, output_line, out);

		if (n < 0)
			return error_set(err, "reading %s/trace_pipe: %s",
					 r->tp->dir, strerror(errno));
		if (n == 0 || out->failed || exiting ||
		    (out->limit && out->events >= out->limit))
			break;
	}
	return 0;
}

/* Wait (at most left seconds, -1: no limit) for trace_pipe, the watched
 * folder and the version's ring and perf buffers (they change with each
 * reload); read and print what is ready. */
static int loop_wait_read(struct run *r, struct loop *l, double left, int *ret,
			  struct error *err)
{
	struct output *out = &r->out;
	struct timespec ts, *timeout = NULL;
	struct pollfd *pfd;
	sigset_t none;
	size_t nev;
	int ready;

	if (left >= 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		timeout = &ts;
	}
	if (l->cap < 3 + r->cur->ev.nreaders) {
		struct pollfd *grown;

		l->cap = 3 + r->cur->ev.nreaders;
		grown = realloc(l->pfd, l->cap * sizeof(*l->pfd));
		if (!grown) {
			*ret = error_set(err, "out of memory");
			return LOOP_STOP;
		}
		l->pfd = grown;
	}
	pfd = l->pfd;
	pfd[0] = (struct pollfd){.fd = r->tp->fd, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = r->watch.fd, .events = POLLIN};
	pfd[2] = (struct pollfd){.fd = r->target, .events = POLLIN};
	nev = events_pollfds(&r->cur->ev, pfd + 3, l->cap - 3);
	sigemptyset(&none);
	ready = ppoll(pfd, 3 + nev, timeout, &none);
	sigprocmask(SIG_UNBLOCK, &r->stop_set, NULL);
	if (ready < 0) {
		if (errno == EINTR)
			return LOOP_AGAIN;
		*ret = error_set(err, "waiting for trace_pipe: %s",
				 strerror(errno));
		return LOOP_STOP;
	}
	if (r->opts->watch && (pfd[1].revents & POLLIN))
		watch_drain(&r->watch);
	if (nev)
		events_service(&r->cur->ev, pfd + 3, nev);
	/* -p's process exited: all it did is queued by now, and read to the
	 * end (the ring and perf buffers at the detach); then the run ends. */
	if (pfd[2].revents & POLLIN)
		r->target_exited = true;
	if ((pfd[0].revents & POLLIN) || r->target_exited) {
		/* Drain what is there, up to a bound, then flush once. */
		if (read_pipe(r, r->target_exited ? 1 << 16 : 64, err)) {
			*ret = -1;
			return LOOP_STOP;
		}
	}
	if (exiting && !(exiting == SIGHUP && r->opts->watch))
		return LOOP_STOP; /* even if the output is stuck */
	if (!output_flush(out) || r->target_exited)
		return LOOP_STOP; /* the reader went away, or the process */
	if (out->limit && out->events >= out->limit)
		return LOOP_STOP;
	return LOOP_AGAIN;
}

/* Stage 4: read until a signal, the duration, the count, or a closed
 * stdout; with --watch, reload on a saved file or SIGHUP. Output is
 * flushed after each batch read from the kernel, so a pipe
 * (bcc-hello | grep) sees events live.
 *
 * The stop signals are blocked from each check to ppoll(), which
 * unblocks them while it waits: a signal is never missed between the
 * check and the wait. They are unblocked again while reading and
 * printing, so that a flood that keeps ppoll() from ever waiting, or a
 * write blocked on a full pipe, cannot delay a stop. */
static int read_loop(struct run *r, struct error *err)
{
	const struct options *opts = r->opts;
	struct loop l = {
		.deadline =
			opts->duration > 0 ? now_seconds() + opts->duration : 0,
		.next_maps = opts->interval > 0 ? now_seconds() + opts->interval
						: 0};
	int ret = 0, next;

	for (;;) {
		double left;

		sigprocmask(SIG_BLOCK, &r->stop_set, NULL);
		next = loop_due(r, &l, &left, &ret, err);
		if (next == LOOP_WAIT)
			next = loop_wait_read(r, &l, left, &ret, err);
		if (next == LOOP_STOP)
			break;
	}
	sigprocmask(SIG_BLOCK, &r->stop_set, NULL);
	free(l.pfd);
	return ret;
}

/* --- the stages, as main() calls them ------------------------------ */

void run_init(struct run *r, const struct options *opts)
{
	memset(r, 0, sizeof(*r));
	r->opts = opts;
	r->watch.fd = -1;
	r->target = -1;
	r->cache.dirfd = -1;
	r->cur = &r->versions[0];
	r->rounds.tracefs = r->tfs.path;
	r->rounds.hdr = &r->hdr;
	r->rounds.roots = &r->roots;
	tracepipe_init(&r->guard);
	r->guard.instance = true; /* for --dry-run: see struct run */
	setup_signals(&r->stop_set);
}

/* Find the header tree, and say which. */
static int find_headers(struct run *r, struct error *err)
{
	const struct options *opts = r->opts;
	const char *explicit_dir = opts->kernel_dir
					   ? opts->kernel_dir
					   : getenv("BCC_KERNEL_SOURCE");

	r->roots.lazy = true; /* made at the first compile, if there is one */
	if (headers_find(&r->hdr, &r->roots, explicit_dir, err))
		return -1;
	if (r->hdr.pending)
		return 0;
	if (headers_use(&r->hdr, opts->verbose, err))
		return -1;
	if (r->hdr.mismatched)
		fprintf(stderr,
			"bcc-hello: warning: no headers for kernel %s; compiling against %s headers (struct layouts come from that version; tracepoint arguments stay exact)\n",
			r->roots.release, r->hdr.version);
	return 0;
}

/* -p: the process, held from the start as a pidfd, which becomes
 * readable when it exits: the run then stops, rather than wait for events
 * that can no longer come. One that is not there is said at once, and so
 * is a thread's ID (the filter compares the process's: it would never
 * match). Where the kernel has no pidfds, the run is not stopped. */
static int target_open(struct run *r, pid_t pid, struct error *err)
{
	pid_t tgid;
	int e;

	if (pid <= 0)
		return 0;
	r->target = (int)syscall(SYS_pidfd_open, pid, 0);
	if (r->target >= 0)
		return 0;
	/* A thread's ID: EINVAL, or ENOENT (Linux 6.9 and later). */
	e = errno;
	if ((tgid = output_tgid(pid)) > 0 && tgid != pid)
		return error_usage(
			err,
			"-p %d: a thread of process %d; -p takes the process's PID: give -p %d",
			(int)pid, (int)tgid, (int)tgid);
	if (e != ESRCH && !(kill(pid, 0) < 0 && errno == ESRCH))
		return 0;
	return error_usage(
		err,
		"-p %d: no such process; bcc-hello traces a process that runs now: start it first, then give its PID (or drop -p to see every process)",
		(int)pid);
}

/* The run's mark (tutorial.h): 8 random letters and digits, never a
 * byte a format or a trace line treats apart ('%', '\\', NUL, newline).
 * Only root can read a trace buffer or a loaded program, so no other
 * user learns it. */
static int make_mark(char mark[8], struct error *err)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char b[8];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return error_set(err, "cannot draw this run's random mark: %s",
				 strerror(errno));
	for (size_t i = 0; i < sizeof(b); i++)
		mark[i] = set[b[i] % (sizeof(set) - 1)];
	return 0;
}

int run_prepare(struct run *r, struct error *err)
{
	const struct options *opts = r->opts;
	int stale;

	if (opts->watch)
		sigdelset(&r->stop_set, SIGHUP); /* SIGHUP reloads */
	r->rounds.file = opts->file;
	r->rounds.verbose = opts->verbose;
	if (privilege_check(err) || target_open(r, opts->pid, err) ||
	    read_source(r->cur, opts, err) || make_mark(r->mark, err) ||
	    tracefs_open(&r->tfs, err))
		return -1;
	headers_roots_system(&r->roots);
	if (headers_check_tmp_dir(r->roots.tmp_dir, err))
		return -1;
	stale = tracepipe_remove_stale(&r->tfs) +
		headers_remove_stale(r->roots.tmp_dir);
	narrate(opts->verbose, "tracefs at %s%s%s", r->tfs.path,
		!r->tfs.mounted_by_us ? ""
		: r->tfs.private_ns
			? " (mounted by bcc-hello, in a mount namespace of its own)"
			: " (mounted by bcc-hello)",
		stale ? "; removed what killed runs left" : "");
	if (find_headers(r, err) ||
	    (opts->watch && watch_open(&r->watch, opts->file, err)))
		return -1;
	cache_open(&r->cache, opts->no_cache, opts->verbose);
	if (opts->dry_run)
		return 0;
	/* The pipe is opened before compiling: a busy or missing pipe is
	 * reported before the slow part, and the instance exists before the
	 * attach, so no event of the program is missed. */
	r->tp = malloc(sizeof(*r->tp));
	if (!r->tp)
		return error_set(err, "out of memory");
	if (tracepipe_open(r->tp, &r->tfs, opts->global_pipe, err)) {
		free(r->tp);
		r->tp = NULL;
		return -1;
	}
	return 0;
}

int run_build(struct run *r, struct error *err)
{
	return build_version(r->cur, r, err);
}

int run_dry_report(struct run *r, struct error *err)
{
	while (tracepipe_recheck(&r->guard, &r->tfs))
		usleep(10000);
	if (attach_check(&r->tfs, &r->cur->set, err))
		return -1;
	fprintf(stderr,
		"bcc-hello: %s: compiled and loaded %zu program%s; nothing attached (--dry-run)\n",
		r->cur->src.name, r->cur->set.n, plural(r->cur->set.n));
	return 0;
}

bool run_stop_pending(const struct run *r)
{
	return stop_pending(&r->stop_set);
}

int run_attach(struct run *r, struct error *err)
{
	const struct options *opts = r->opts;

	output_init(&r->out, stdout, opts->raw, getpid(), opts->pid,
		    opts->count);
	r->out.json = opts->json;
	memcpy(r->out.mark, r->mark, sizeof(r->out.mark));
	output_program(r, r->cur);
	r->out.stop = &exiting;
	r->out.reload_signal = opts->watch ? SIGHUP : 0;
	if (attach_version(r->cur, r, err))
		return -1;
	narrate(opts->verbose, "[4/5] read: %s/trace_pipe; Ctrl-C to stop%s",
		r->tp->dir, opts->watch ? "; save the file to reload it" : "");
	/* The columns are for trace lines: a program that sends only
	 * records or fills maps gets none. */
	if (r->cur->tu.printk) {
		output_header(&r->out);
		output_flush(&r->out);
	}
	return 0;
}

int run_read(struct run *r, struct error *err)
{
	return stop_pending(&r->stop_set) ? 0 : read_loop(r, err);
}

int run_detach(struct run *r, struct error *err)
{
	struct version *cur = r->cur;

	narrate(r->opts->verbose,
		"[5/5] detach: closing %zu attachment%s; removing %s",
		cur->at.n, plural(cur->at.n),
		r->tp->instance ? r->tp->dir : "nothing (global pipe)");
	attach_release(&cur->at);
	events_drain(&cur->ev);
	/* A pipe nobody reads must not hold a stop asked for by a signal. */
	output_finish(&r->out, exiting ? 2.0 : 0);
	if (r->target_exited) /* after its last event, in a shared log too */
		fprintf(stderr,
			"bcc-hello: process %d (-p) exited; nothing more to trace\n",
			(int)r->opts->pid);
	/* The maps, a last time: a stop signal that ended the run does not
	 * cut this print short, a second one does. */
	exiting = 0;
	if (!r->out.failed && maps_any(&cur->prog.c)) {
		narrate(r->opts->verbose,
			"[5/5] printing the maps; a second stop signal cuts this short");
		if (print_maps(r, cur, true, err))
			return -1;
	}
	summary(&r->out, r->tp, r->lost_records + events_lost(&cur->ev));
	return 0;
}

void run_release(struct run *r)
{
	compiler_reap(&r->compiler);
	release_version(&r->versions[0]);
	release_version(&r->versions[1]);
	if (r->tp) {
		tracepipe_release(r->tp, &r->tfs);
		free(r->tp);
		r->tp = NULL;
	}
	tracepipe_end_watch(&r->guard, &r->tfs);
	watch_release(&r->watch);
	if (r->target >= 0)
		close(r->target);
	cache_close(&r->cache);
	headers_release(&r->hdr);
	tracefs_release(&r->tfs);
}
