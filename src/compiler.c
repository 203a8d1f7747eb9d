/* compiler.c: run stage 1 in a child process and read back its result. */
#include "compiler.h"
#include "capture.h"
#include "compile.h"
#include "error.h"
#include "headers.h"
#include "rounds.h"
#include "source.h"
#include "cache.h"
#include "tutorial.h"
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define VIRTUAL_MAIN "/virtual/main.c"
#define COMPILER_SO "bcc-hello-compiler.so"
/* clang recurses once per nesting level of an expression: 512 MiB lets
 * it through what a program can reasonably hold (the kernel refuses
 * larger programs anyway). Reserved, not used: pages come on touch. */
#define CHILD_STACK (512UL << 20)
/* The message can hold a large program: 1M instructions, 64 KiB tables. */
#define MESSAGE_MAX (64UL << 20)

/* --- the compiler's product, on the tracer's side ------------------ */

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

void compile_release(struct program *prog)
{
	compiled_release(&prog->c);
	prog->built = false;
	free(prog->warnings);
	prog->warnings = NULL;
	free(prog->log);
	prog->log = NULL;
	free(prog->diagnostics);
	prog->diagnostics = NULL;
}

static void copy_str(char *dst, size_t size, char *s)
{
	snprintf(dst, size, "%s", s ? s : "");
	free(s);
}

void program_write(struct wbuf *w, const struct program *prog)
{
	unsigned char *value = NULL;
	size_t len = 0;

	if (prog->built && !(value = compiled_encode(&prog->c, &len))) {
		w->failed = 1;
		return;
	}
	wbuf_str(w, prog->warnings);
	wbuf_str(w, prog->flags);
	wbuf_u32(w, (uint32_t)(prog->seconds * 1e6));
	wbuf_u32(w, (uint32_t)len);
	wbuf_bytes(w, value, len);
	free(value);
}

const char *program_read(struct rbuf *r, struct program *prog)
{
	const char *why = "malformed";
	unsigned char *value;
	uint32_t vlen;

	prog->warnings = rbuf_str(r);
	copy_str(prog->flags, sizeof(prog->flags), rbuf_str(r));
	prog->seconds = rbuf_u32(r) / 1e6;
	vlen = rbuf_u32(r);
	if (r->failed || vlen != r->left)
		return "malformed";
	if (vlen == 0)
		return NULL; /* not built */
	value = rbuf_bytes(r, vlen);
	if (!value || compiled_decode(&prog->c, value, vlen, &why)) {
		free(value);
		return why;
	}
	free(value);
	prog->built = true;
	return NULL;
}

/* --- the message --------------------------------------------------- */

int compiler_send(int fd, const struct compile_job *job,
		  const struct program *prog, int ret, const struct error *err)
{
	const struct headers *hdr = job->rounds->hdr;
	struct wbuf w = {0};
	bool sent;

	wbuf_u32(&w, ret == 0 ? 0 : 1);
	wbuf_u32(&w, (uint32_t)err->exit_code);
	wbuf_str(&w, err->msg);
	wbuf_str(&w, err->details);
	wbuf_str(&w, prog->log);
	wbuf_u32(&w, (uint32_t)hdr->kind);
	wbuf_str(&w, hdr->path);
	wbuf_str(&w, hdr->origin);
	wbuf_str(&w, hdr->merged);
	wbuf_u32(&w, hdr->mismatched);
	wbuf_str(&w, hdr->version);
	program_write(&w, ret == 0 ? prog : &(struct program){0});
	sent = wbuf_write(fd, &w);
	free(w.p);
	return sent ? 0 : -1;
}

/* The child's message: 0 (ret set), or -1 when it is not whole. */
static int receive(const unsigned char *data, size_t len, struct program *prog,
		   struct headers *hdr, int *ret, struct error *err)
{
	struct rbuf r = {.p = data, .left = len};
	struct headers h = {0};

	*ret = rbuf_u32(&r) ? -1 : 0;
	err->exit_code = (int)rbuf_u32(&r);
	copy_str(err->msg, sizeof(err->msg), rbuf_str(&r));
	error_details(err, rbuf_str(&r));
	prog->log = rbuf_str(&r);
	h.kind = (enum headers_kind)rbuf_u32(&r);
	copy_str(h.path, sizeof(h.path), rbuf_str(&r));
	copy_str(h.origin, sizeof(h.origin), rbuf_str(&r));
	copy_str(h.merged, sizeof(h.merged), rbuf_str(&r));
	h.mismatched = rbuf_u32(&r) != 0;
	copy_str(h.version, sizeof(h.version), rbuf_str(&r));
	if (program_read(&r, prog) || (*ret == 0) != prog->built)
		return -1;
	/* The child switched trees (an installed one, merged): ours now. */
	if (strcmp(h.merged, hdr->merged) || strcmp(h.path, hdr->path)) {
		headers_release(hdr);
		*hdr = h;
		if (headers_hold(hdr))
			*ret = error_set(err,
					 "cannot hold the header tree %s: %s",
					 hdr->merged, strerror(errno));
		else if (headers_apply(hdr, err))
			*ret = -1;
	}
	return 0;
}

/* --- the child ----------------------------------------------------- */

bool compiler_path(char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		if (path_fmt(path, size, "%s/%s", exe, COMPILER_SO) &&
		    access(path, F_OK) == 0)
			return true;
	}
	return path_fmt(path, size, "%s/%s", BCC_HELLO_COMPILER_DIR,
			COMPILER_SO) &&
	       access(path, F_OK) == 0;
}

/* The compiler library: beside the executable (the build tree), else
 * where it is installed. */
static void *open_compiler(char *why, size_t size)
{
	char path[PATH_MAX];
	void *h = NULL;

	if (compiler_path(path, sizeof(path)))
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		snprintf(why, size, "%s", dlerror() ? dlerror() : "not found");
	return h;
}

struct child_run {
	const struct compile_job *job;
	compiler_child_fn fn;
	int fd, status;
};

static void *child_thread(void *arg)
{
	struct child_run *c = arg;

	c->status = c->fn(c->job, c->fd);
	return NULL;
}

/* Only a library calls exit() in the child: LLVM, after printing a fatal
 * error. End there, with nothing else run at exit (a leak checker would
 * report the compile it cut short). */
static void child_exit(void)
{
	fflush(stdout);
	fflush(stderr);
	_exit(EXIT_FAIL);
}

static void child(const struct compile_job *job, int fd, pid_t parent)
{
	struct child_run run = {.job = job, .fd = fd, .status = 1};
	struct error err = {0};
	struct program none = {0};
	pthread_attr_t attr;
	pthread_t thread;
	sigset_t all;
	char why[512];
	void *h;

	/* Default signals: a stop signal from the terminal ends it too. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	atexit(child_exit);
	h = open_compiler(why, sizeof(why));
	run.fn = h ? (compiler_child_fn)(uintptr_t)dlsym(h,
							 "compiler_child_main")
		   : NULL;
	if (!run.fn) {
		error_set(
			&err,
			"cannot load the compiler %s (%s); reinstall bcc-hello",
			COMPILER_SO, h ? "no entry point" : why);
		compiler_send(fd, job, &none, -1, &err);
		_exit(1);
	}
	pthread_attr_init(&attr);
	if (pthread_attr_setstacksize(&attr, CHILD_STACK) ||
	    pthread_create(&thread, &attr, child_thread, &run)) {
		run.status = run.fn(job, fd); /* the ordinary stack, then */
	} else {
		pthread_join(thread, NULL);
	}
	fflush(stdout);
	_exit(run.status);
}

/* --- the parent ---------------------------------------------------- */

/* Read the child's message until it closes the pipe; 1 when a stop
 * signal came first. */
static int collect(int fd, const struct compile_job *job, unsigned char **buf,
		   size_t *len, struct error *err)
{
	size_t cap = 0;
	sigset_t none;

	sigemptyset(&none);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (job->stop && *job->stop && *job->stop != job->reload_signal)
			return 1;
		if (ppoll(&p, 1, NULL, &none) < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, "waiting for the compiler: %s",
					 strerror(errno));
		}
		if (*len == cap) {
			unsigned char *grown;

			cap = cap ? cap * 2 : 65536;
			if (cap > MESSAGE_MAX || !(grown = realloc(*buf, cap)))
				return error_set(
					err,
					"the compiler's result is too large, or out of memory");
			*buf = grown;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set(err,
					 "reading the compiler's result: %s",
					 strerror(errno));
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
}

/* Cut the last non-empty line off text, into line. */
static void cut_last_line(char *text, char *line, size_t size)
{
	char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	for (start = end; start > text && start[-1] != '\n'; start--)
		;
	snprintf(line, size, "%s", start);
	*start = '\0';
}

/* What to do about an error LLVM ends the process for. */
static const char *llvm_hint(const char *why)
{
	if (strstr(why, "stack limit"))
		return "keep the program's stack under 512 bytes: put large variables in a BPF_PERCPU_ARRAY";
	if (strstr(why, "built-in function"))
		return "give it a constant size, or copy with a loop of constant bounds";
	return "fix it and run again";
}

/* LLVM's fatal error, as it prints it ("error: FILE:LINE:COL: in function
 * NAME TYPE: WHY"), made one line: "FILE:LINE: in NAME(): WHY; HINT". */
static int llvm_error(const char *line, const char *name, struct error *err)
{
	const char *fn = strstr(line, "in function "),
		   *why = strstr(line, "): ");
	const char *where = strncmp(line, "error: ", 7) ? line : line + 7;
	int wlen = fn ? (int)(fn - where) : 0, flen, ylen;

	if (!fn || !why)
		return error_set(err, "%s: the compiler stopped: %s", name,
				 line);
	fn += strlen("in function ");
	flen = (int)strcspn(fn, " ");
	why += 3;
	ylen = (int)strlen(why);
	if (ylen > 0 && why[ylen - 1] == '.')
		ylen--;
	while (wlen > 0 && (where[wlen - 1] == ' ' || where[wlen - 1] == ':'))
		wlen--;
	/* ":0:0" is LLVM's "no line" */
	if (wlen > 4 && !strncmp(where + wlen - 4, ":0:0", 4))
		wlen -= 4;
	return error_set(err, "%.*s: in %.*s(): %.*s; %s", wlen, where, flen,
			 fn, ylen, why, llvm_hint(why));
}

/* The child ended without a whole message: say how, with what it
 * printed (LLVM's reason, mapped to the user's file name). */
static int died(int status, int diag, const struct compile_job *job,
		struct error *err)
{
	char *said = capture_read(diag), *mapped, line[768] = "";
	const char *name = job->src->name;

	mapped = said ? compile_map_diagnostics(said, name) : NULL;
	free(said);
	if (mapped) /* said once, in the message */
		cut_last_line(mapped, line, sizeof(line));
	if (WIFSIGNALED(status))
		error_set(
			err,
			"%s: the compiler crashed (%s)%s%s; simplify the program, and report it if it persists",
			name, strsignal(WTERMSIG(status)), line[0] ? ": " : "",
			line);
	else if (line[0])
		llvm_error(line, name, err);
	else
		error_set(
			err,
			"%s: the compiler exited (status %d) without a reason",
			name, WEXITSTATUS(status));
	if (mapped && mapped[0])
		error_details(err, mapped);
	else
		free(mapped);
	return -1;
}

/* The header tree, made now if it was left to the first compile. */
static int tree_ready(const struct compile_job *job, struct error *err)
{
	struct headers *hdr = job->rounds->hdr;

	if (!hdr->pending)
		return 0;
	return headers_materialize(hdr, job->rounds->roots, err) ||
			       headers_use(hdr, job->copts->verbose, err)
		       ? -1
		       : 0;
}

/* Wait for a child; its status. */
static int reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

void compiler_reap(pid_t *pid)
{
	if (*pid > 0)
		reap(*pid);
	*pid = 0;
}

int compiler_run(const struct compile_job *given, struct program *prog,
		 struct error *err)
{
	struct compile_job copy = *given, *job = &copy;
	unsigned char *buf = NULL;
	size_t len = 0;
	int res[2], diag, ret, got;
	pid_t pid, parent = getpid();

	if (given->unreaped) /* the previous compile's child, gone by now */
		compiler_reap(given->unreaped);
	memset(prog, 0, sizeof(*prog));
	if (tree_ready(job, err))
		return -1;
	diag = memfd_create("bcc-hello-compiler", MFD_CLOEXEC);
	if (diag < 0 || pipe2(res, O_CLOEXEC)) {
		if (diag >= 0)
			close(diag);
		return error_set(err, "cannot start the compiler: %s",
				 strerror(errno));
	}
	job->diag_fd = diag;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		close(res[0]);
		child(job, res[1], parent);
	}
	close(res[1]);
	if (pid < 0) {
		close(res[0]);
		close(diag);
		return error_set(err, "cannot start the compiler: %s",
				 strerror(errno));
	}
	got = collect(res[0], job, &buf, &len, err);
	close(res[0]);
	if (got == 1)
		kill(pid, SIGKILL); /* a stop: at once, wherever it is */
	if (got == 0 &&
	    receive(buf, len, prog, job->rounds->hdr, &ret, err) == 0) {
		/* Whole: the child closed the pipe and is only exiting (its
		 * address space, LLVM's, takes milliseconds to go). It is
		 * reaped later, not waited for now. */
		got = ret;
		if (job->unreaped)
			*job->unreaped = pid;
		else
			reap(pid);
	} else {
		int status = reap(pid);

		if (got == 0) {
			compile_release(prog);
			got = died(status, diag, job, err);
		}
	}
	free(buf);
	close(diag);
	return got;
}

/* --- with the cache ------------------------------------------------ */

/* From the cache, or compiled in a child and cached. */
static int cached_or_compiled(const struct compile_job *job, int pid,
			      struct cache *cache, struct program *prog,
			      struct error *err)
{
	char *key = cache_key(job, pid);
	int ret;

	if (key && cache_get(cache, key, prog) == 0) {
		prog->cached = true;
		free(key);
		return 0;
	}
	ret = compiler_run(job, prog, err);
	if (ret == 0 && key)
		cache_put(cache, key, prog);
	free(key);
	return ret;
}

/* -p PID: one program compiled with a placeholder serves every PID.
 * 2 when this program cannot (compile it with the real PID). */
static int with_placeholder(const struct compile_job *job, struct cache *cache,
			    struct program *prog, struct error *err)
{
	struct tutorial ta = {0}, tb = {0};
	struct compile_opts ca = *job->copts;
	struct compile_job j = *job;
	int ret;

	if (tutorial_rewrite(&ta, job->src->text, job->src->name, job->sets,
			     job->nsets, COMPILER_PID_A, err) ||
	    tutorial_rewrite(&tb, job->src->text, job->src->name, job->sets,
			     job->nsets, COMPILER_PID_B, err)) {
		ret = -1;
		goto out;
	}
	ca.pid_filter = COMPILER_PID_A;
	ca.tu = &ta;
	j.copts = &ca;
	j.tu = &ta;
	j.pid_alt = COMPILER_PID_B;
	j.tu_alt = &tb;
	ret = cached_or_compiled(&j, COMPILER_PID_A, cache, prog, err);
	if (ret == 0 && !prog->c.pid_sites_known) {
		compile_release(prog);
		ret = 2;
	} else if (ret == 0) {
		compiled_set_pid(&prog->c, job->copts->pid_filter);
	}
out:
	tutorial_release(&ta);
	tutorial_release(&tb);
	return ret;
}

int compiler_compile(const struct compile_job *job, struct cache *cache,
		     struct program *prog, struct error *err)
{
	int pid = job->copts->pid_filter, ret;

	/* --dump prints what the compile itself makes: no cache */
	if (!cache || cache->dirfd < 0 || job->copts->dump != DUMP_NONE)
		return compiler_run(job, prog, err);
	if (pid) {
		ret = with_placeholder(job, cache, prog, err);
		if (ret != 2)
			return ret;
	}
	return cached_or_compiled(job, pid, cache, prog, err);
}
