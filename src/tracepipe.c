/* tracepipe.c: the private ftrace instance, reading and parsing its lines. */
#include "tracepipe.h"
#include "error.h"
#include "util.h"
#include "tracefs.h"
#include "owned.h"

#include <bpf/bpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The end of the timestamp that starts at p, "12.345678" (or "12345" with
 * a counter clock), if a ':' follows it; else p. */
static size_t time_end(const char *line, size_t len, size_t p)
{
	size_t q = p;

	while (q < len &&
	       ((line[q] >= '0' && line[q] <= '9') || line[q] == '.'))
		q++;
	return q < len && line[q] == ':' ? q : p;
}

/* What follows the CPU column, from p: "[<flags>] <time>: <event>: <msg>".
 * The flags ("d..31", "....") are there only with options/irq-info on;
 * they never end in ':', which the timestamp does. */
static int parse_after_cpu(const char *line, size_t len, size_t p,
			   struct trace_line *out)
{
	size_t t;

	while (p < len && line[p] == ' ')
		p++;
	out->flags = line + p;
	out->flags_len = 0;
	if (time_end(line, len, p) == p) {
		while (p < len && line[p] != ' ')
			p++;
		out->flags_len = (size_t)(line + p - out->flags);
		while (p < len && line[p] == ' ')
			p++;
	}
	t = time_end(line, len, p);
	if (t == p || t + 1 >= len || line[t + 1] != ' ')
		return -1;
	out->time = line + p;
	out->time_len = t - p;
	p = t + 2;
	out->event = line + p;
	while (p < len && line[p] != ':' && line[p] != ' ')
		p++;
	out->event_len = (size_t)(line + p - out->event);
	if (!out->event_len || p >= len || line[p] != ':')
		return -1;
	p++;
	if (p < len && line[p] == ' ')
		p++;
	out->msg = line + p;
	out->msg_len = len - p;
	return 0;
}

/* The kernel prints a line's task as "%16s-%-7d": the command, right
 * aligned in 16 columns, then '-' and the PID. A command is anybody's to
 * choose ("-1 [0] 1: e:" is a valid one), so the '-' is found by its
 * column, never by searching: a command of up to 15 bytes (TASK_COMM_LEN
 * is 16) always leaves it at column 16. Only a line that starts with no
 * padding (a longer name, as some kernels give kernel threads) is searched,
 * from column 17 on. */
#define COMM_WIDTH 16

/* The rest of a line whose command ends at the '-' at dash. */
static int parse_task_at(const char *line, size_t len, size_t dash,
			 struct trace_line *out)
{
	size_t start = 0, p = dash + 1, dstart = p, cpu;
	int pid;

	while (start < dash && line[start] == ' ')
		start++;
	while (p < len && line[p] >= '0' && line[p] <= '9' && p - dstart < 9)
		p++;
	if (p == dstart || p >= len || line[p] != ' ')
		return -1;
	pid = atoi(line + dstart);
	while (p < len && line[p] == ' ')
		p++;
	if (p < len && line[p] == '(') { /* the "(tgid)" column, if on */
		while (p < len && p - dstart < 32 && line[p] != ')')
			p++;
		if (p >= len || line[p] != ')')
			return -1;
		p++;
		while (p < len && line[p] == ' ')
			p++;
	}
	if (p >= len || line[p] != '[')
		return -1;
	cpu = ++p;
	while (p < len && line[p] >= '0' && line[p] <= '9' && p - cpu < 6)
		p++;
	if (p == cpu || p >= len || line[p] != ']' ||
	    parse_after_cpu(line, len, p + 1, out))
		return -1;
	out->comm = line + start;
	out->comm_len = dash - start;
	out->pid = pid;
	out->cpu = atoi(line + cpu);
	return 0;
}

int trace_line_parse(const char *line, size_t len, struct trace_line *out)
{
	if (len > COMM_WIDTH && line[COMM_WIDTH] == '-' &&
	    parse_task_at(line, len, COMM_WIDTH, out) == 0)
		return 0;
	if (len == 0 || line[0] == ' ')
		return -1; /* padded: the '-' had to be at column 16 */
	for (size_t i = COMM_WIDTH + 1; i < len && i < 64; i++)
		if (line[i] == '-' && parse_task_at(line, len, i, out) == 0)
			return 0;
	return -1;
}

void tracepipe_instance_name(char *buf, size_t size, pid_t pid, int k)
{
	if (k > 1)
		snprintf(buf, size, INSTANCE_PREFIX "%d-%d", (int)pid, k);
	else
		snprintf(buf, size, INSTANCE_PREFIX "%d", (int)pid);
}

/* The instances folder, locked: runs make and remove instances one at a
 * time, so that none is seen before its maker holds it. Only root can
 * open it. -1 if it cannot be opened. */
static int lock_instances(const struct tracefs *tfs)
{
	char dir[PATH_MAX];
	int fd;

	path_fmt(dir, sizeof(dir), "%s/instances", tfs->path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	return fd;
}

int tracepipe_remove_stale(const struct tracefs *tfs)
{
	int fd = lock_instances(tfs), removed = 0;
	struct dirent *e;
	DIR *d;

	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, INSTANCE_PREFIX,
			     strlen(INSTANCE_PREFIX)) &&
		    owned_abandoned(fd, e->d_name) &&
		    unlinkat(fd, e->d_name, AT_REMOVEDIR) == 0)
			removed++;
	closedir(d); /* and the lock with it */
	return removed;
}

/* Make and hold our instance: bcc-hello-<pid>, or bcc-hello-<pid>-<k> when
 * a live run in another PID namespace has that name. */
static int make_instance(struct tracepipe *tp, const struct tracefs *tfs,
			 struct error *err)
{
	int lock = lock_instances(tfs), ret = -1, k;
	char name[64];

	for (k = 1; k < 100; k++) {
		tracepipe_instance_name(name, sizeof(name), getpid(), k);
		path_fmt(tp->dir, sizeof(tp->dir), "%s/instances/%s", tfs->path,
			 name);
		if (mkdir(tp->dir, 0700) == 0) {
			tp->instance = true;
			tp->hold = owned_hold(tp->dir);
			ret = tp->hold >= 0
				      ? 0
				      : error_set(err, "cannot hold %s: %s",
						  tp->dir, strerror(errno));
			break;
		}
		if (errno != EEXIST) {
			error_set(
				err,
				"cannot create the ftrace instance %s: %s; use --global-pipe if this kernel has no instances",
				tp->dir, strerror(errno));
			break;
		}
	}
	if (lock >= 0)
		close(lock);
	if (k == 100)
		error_set(
			err,
			"cannot create an ftrace instance in %s/instances: every name is taken",
			tfs->path);
	return ret;
}

unsigned long long tracepipe_stats_lost(const char *stats)
{
	static const char *const keys[] = {
		"\noverrun:", "\ncommit overrun:", "\ndropped events:"};
	unsigned long long sum = 0;

	for (size_t k = 0; k < 3; k++) {
		const char *p = stats;

		/* stats begin with "entries:", so every key follows a newline */
		while ((p = strstr(p, keys[k]))) {
			p += strlen(keys[k]);
			sum += strtoull(p, NULL, 10);
		}
	}
	return sum;
}

/* Sum of one key's values over every CPU's stats of the buffer. */
static unsigned long long sum_stats(const struct tracepipe *tp, bool lost)
{
	char dir[PATH_MAX], stats[2048];
	unsigned long long sum = 0;
	struct dirent *e;
	DIR *d;

	path_fmt(dir, sizeof(dir), "%s/per_cpu", tp->dir);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char rel[300];

		if (strncmp(e->d_name, "cpu", 3))
			continue;
		stats[0] = '\n';
		path_fmt(rel, sizeof(rel), "%s/stats", e->d_name);
		if (tracefs_read(dir, rel, stats + 1, sizeof(stats) - 1) <= 0)
			continue;
		if (lost)
			sum += tracepipe_stats_lost(stats);
		else if (strncmp(stats, "\nentries:", 9) == 0)
			sum += strtoull(stats + 9, NULL, 10);
	}
	closedir(d);
	return sum;
}

unsigned long long tracepipe_unread(const struct tracepipe *tp)
{
	/* The shared buffer's entries are not all ours. */
	return tp->instance ? sum_stats(tp, false) : 0;
}

unsigned long long tracepipe_lost(const struct tracepipe *tp)
{
	unsigned long long sum = sum_stats(tp, true);

	return sum >= tp->lost_base ? sum - tp->lost_base : 0;
}

static int open_pipe(struct tracepipe *tp, struct error *err)
{
	char p[PATH_MAX];

	path_fmt(p, sizeof(p), "%s/trace_pipe", tp->dir);
	tp->fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (tp->fd >= 0)
		return 0;
	if (errno == EBUSY)
		return error_set(
			err,
			"%s is busy: another program reads it (the kernel allows one reader); stop that reader, or drop --global-pipe to read a private instance",
			p);
	return error_set(err, "cannot open %s: %s", p, strerror(errno));
}

void tracepipe_init(struct tracepipe *tp)
{
	memset(tp, 0, sizeof(*tp));
	tp->fd = tp->hold = tp->top_lock = -1;
}

int tracepipe_open(struct tracepipe *tp, const struct tracefs *tfs, bool global,
		   struct error *err)
{
	char v[16];
	int ret;

	tracepipe_init(tp);
	if (global) {
		path_fmt(tp->dir, sizeof(tp->dir), "%s", tfs->path);
		if (tracefs_read(tp->dir, "tracing_on", v, sizeof(v)) > 0 &&
		    v[0] == '0')
			return error_set(
				err,
				"tracing is off in the global buffer (%s/tracing_on is 0), so bpf_trace_printk lines would not appear: 'echo 1 > %s/tracing_on', or drop --global-pipe",
				tp->dir, tp->dir);
		ret = open_pipe(tp, err);
		if (!ret)
			tp->lost_base = tracepipe_lost(tp);
		return ret;
	}
	if (make_instance(tp, tfs, err))
		goto fail;
	ret = tracefs_write(tp->dir, "events/bpf_trace/bpf_trace_printk/enable",
			    "1");
	if (ret) {
		error_set(err,
			  "cannot enable bpf_trace:bpf_trace_printk in %s: %s",
			  tp->dir, strerror(-ret));
		goto fail;
	}
	ret = tracefs_write(tp->dir, "tracing_on", "1");
	if (ret) {
		error_set(err, "cannot turn tracing on in %s: %s", tp->dir,
			  strerror(-ret));
		goto fail;
	}
	if (open_pipe(tp, err))
		goto fail;
	return 0;
fail:
	tracepipe_release(tp, NULL);
	return -1;
}

#define TOP_PRINTK_ENABLE "events/bpf_trace/bpf_trace_printk/enable"
/* How long the watch goes on after the last time the event was seen on,
 * and at most after the load. */
#define SETTLE_SECONDS 0.25
#define WATCH_SECONDS 3.0

/* The highest BPF program ID now, 0 if none. */
static uint32_t last_prog_id(void)
{
	uint32_t id = 0, next;

	while (bpf_prog_get_next_id(id, &next) == 0)
		id = next;
	return id;
}

/* What the kernel says of the program at fd: 0, or -1. */
static int prog_info(int fd, struct bpf_prog_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -1 : 0;
}

/* A program of a kind that traces (what bpf_trace_printk is for), by
 * its ID: not a cgroup or socket program systemd or a network tool
 * loads. */
static bool traces(uint32_t id)
{
	struct bpf_prog_info info;
	int fd = bpf_prog_get_fd_by_id(id);
	bool yes = false;

	if (fd < 0)
		return false;
	if (prog_info(fd, &info) == 0)
		yes = info.type == BPF_PROG_TYPE_KPROBE ||
		      info.type == BPF_PROG_TYPE_TRACEPOINT ||
		      info.type == BPF_PROG_TYPE_RAW_TRACEPOINT ||
		      info.type == BPF_PROG_TYPE_PERF_EVENT ||
		      info.type == BPF_PROG_TYPE_TRACING;
	close(fd);
	return yes;
}

/* Was a tracing program loaded since the watch began that is not ours?
 * Another tool (BCC's Python, say) loaded one: it asked for the event
 * too. */
static bool foreign_load(const struct tracepipe *tp)
{
	uint32_t id = tp->base_id, next;

	while (bpf_prog_get_next_id(id, &next) == 0) {
		bool ours = false;

		for (size_t i = 0; i < tp->nours; i++)
			ours |= tp->ours[i] == next;
		if (!ours && traces(next))
			return true;
		id = next;
	}
	return false;
}

static void end_watch(struct tracepipe *tp)
{
	if (tp->top_lock >= 0)
		close(tp->top_lock); /* releases the lock */
	tp->top_lock = -1;
	tp->top_was_off = false;
	tp->watch_until = tp->settle_until = 0;
	tp->nours = 0;
}

/* The event on: turn it off, unless another tool's load asked for it
 * (then the watch ends, and it stays on). False when the watch ended. */
static bool undo_enable(struct tracepipe *tp, const struct tracefs *tfs)
{
	char v[16];

	if (tracefs_read(tfs->path, TOP_PRINTK_ENABLE, v, sizeof(v)) <= 0 ||
	    v[0] != '1')
		return true;
	if (foreign_load(tp)) {
		end_watch(tp);
		return false;
	}
	tracefs_write(tfs->path, TOP_PRINTK_ENABLE, "0");
	tp->settle_until = now_seconds() + SETTLE_SECONDS;
	return true;
}

/* Wait for our turn, at most a little longer than a watch lasts: a run
 * whose loop cannot check the clock (its output blocked, a print of maps,
 * a SIGSTOP) must not hold up every other run. */
static void take_turn(int fd)
{
	double until = now_seconds() + WATCH_SECONDS + 1;

	while (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) &&
	       errno == EWOULDBLOCK && now_seconds() < until)
		usleep(10000);
}

void tracepipe_before_load(struct tracepipe *tp, const struct tracefs *tfs,
			   bool uses_printk)
{
	char p[PATH_MAX], v[16];

	if (tp->top_lock >= 0)
		return; /* a reload while we watch: the watch goes on */
	if (!uses_printk ||
	    !path_fmt(p, sizeof(p), "%s/%s", tfs->path, TOP_PRINTK_ENABLE))
		return;
	/* --global-pipe takes its turn too: it loads after any watch has
	 * ended, so no run turns off what its load turned on. */
	tp->top_lock = open(p, O_RDONLY | O_CLOEXEC);
	take_turn(tp->top_lock);
	tp->top_was_off =
		tp->instance &&
		tracefs_read(tfs->path, TOP_PRINTK_ENABLE, v, sizeof(v)) > 0 &&
		v[0] == '0';
	tp->base_id = last_prog_id();
}

void tracepipe_after_load(struct tracepipe *tp, const struct tracefs *tfs,
			  bool loaded, const int *fds, size_t nfds)
{
	if (!tp->top_was_off) {
		end_watch(tp);
		return;
	}
	if (!loaded) {
		/* a refused program may have scheduled the kernel's work too:
		 * the watch goes on, or starts, and ends at the release */
		if (!tp->watch_until)
			tp->watch_until = now_seconds() + WATCH_SECONDS;
		return;
	}
	for (size_t i = 0; i < nfds && tp->nours < TRACEPIPE_MAX_OURS; i++) {
		struct bpf_prog_info info;

		if (prog_info(fds[i], &info) == 0)
			tp->ours[tp->nours++] = info.id;
	}
	tp->watch_until = now_seconds() + WATCH_SECONDS;
	tp->settle_until = 0;
	/* Wait (at most 200 ms) for the kernel's deferred enabling, before
	 * anything is attached, and undo it; tracepipe_recheck() goes on. */
	for (int ms = 0; ms < 200 && !tp->settle_until; ms++) {
		if (!undo_enable(tp, tfs))
			return;
		if (!tp->settle_until)
			usleep(1000);
	}
}

bool tracepipe_recheck(struct tracepipe *tp, const struct tracefs *tfs)
{
	double now;

	if (!tp->watch_until)
		return false;
	now = now_seconds();
	if (!undo_enable(tp, tfs))
		return false;
	if ((tp->settle_until && now > tp->settle_until) ||
	    now > tp->watch_until) {
		end_watch(tp);
		return false;
	}
	return true;
}

void tracepipe_end_watch(struct tracepipe *tp, const struct tracefs *tfs)
{
	/* a run that ends while it watches undoes a late enabling once more */
	if (tp->watch_until && tfs)
		undo_enable(tp, tfs);
	end_watch(tp);
}

long tracepipe_read(struct tracepipe *tp, tracepipe_line_fn on_line, void *ctx)
{
	ssize_t n;
	size_t start = 0;

	n = read(tp->fd, tp->buf + tp->len, sizeof(tp->buf) - tp->len);
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	tp->len += (size_t)n;
	for (size_t i = 0; i < tp->len; i++) {
		if (tp->buf[i] != '\n')
			continue;
		/* Even when the consumer wants no more, it sees every line
		 * read, to count what it does not show. */
		on_line(tp->buf + start, i - start, ctx);
		start = i + 1;
	}
	if (start == 0 && tp->len == sizeof(tp->buf)) {
		/* One line longer than the buffer: hand it over as it is. */
		on_line(tp->buf, tp->len, ctx);
		start = tp->len;
	}
	memmove(tp->buf, tp->buf + start, tp->len - start);
	tp->len -= start;
	return (long)n;
}

void tracepipe_release(struct tracepipe *tp, const struct tracefs *tfs)
{
	tracepipe_end_watch(tp, tfs);
	if (tp->fd >= 0)
		close(tp->fd);
	tp->fd = -1;
	if (tp->instance) {
		/* Removing the instance disables its events and frees its buffer. */
		rmdir(tp->dir);
		tp->instance = false;
	}
	if (tp->hold >= 0)
		close(tp->hold); /* and the lock with it */
	tp->hold = -1;
}
