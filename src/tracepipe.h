/* tracepipe.h: stage 4, read what bpf_trace_printk writes.
 *
 * By default from a private ftrace instance, instances/bcc-hello-<pid>,
 * where only bpf_trace_printk is enabled: only lines produced after the
 * attach arrive, and other readers of the shared trace_pipe neither steal
 * nor receive them. --global-pipe reads the shared trace_pipe instead.
 */
#ifndef BCC_HELLO_TRACEPIPE_H
#define BCC_HELLO_TRACEPIPE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct error;
struct tracefs;

#define INSTANCE_PREFIX "bcc-hello-"

#define TRACEPIPE_MAX_OURS 128 /* two versions of LOAD_MAX programs */

struct tracepipe {
	char dir[PATH_MAX]; /* the instance folder, or tracefs for --global-pipe */
	bool instance;	    /* dir is our instance: removed on release */
	/* The top-level printk event is watched till then (0: not): see
	 * tracepipe_before_load. */
	double watch_until, settle_until;
	uint32_t base_id; /* the last BPF program ID before our load */
	uint32_t ours[TRACEPIPE_MAX_OURS]; /* IDs of the programs we loaded */
	size_t nours;
	int fd;	  /* trace_pipe, non-blocking (owned) */
	int hold; /* holds the instance (owned.h), -1 = none */
	unsigned long long lost_base; /* the kernel's lost count at open */
	bool top_was_off; /* top-level buffer did not record bpf_trace_printk */
	int top_lock;	  /* held from before the load to the watch's end */
	char buf[1 << 16]; /* bytes read but not yet split into lines */
	size_t len;
};

/* One parsed line of trace_pipe:
 * "<comm>-<pid> (<tgid>) [<cpu>] <flags> <time>: <event>: <message>"
 * The tgid column is there only with options/record-tgid, the flags only
 * with options/irq-info (else flags_len is 0). */
struct trace_line {
	const char *comm;
	size_t comm_len;
	int pid;
	int cpu;
	const char *flags;
	size_t flags_len;
	const char *time;
	size_t time_len;
	const char *event;
	size_t event_len;
	const char *msg;
	size_t msg_len;
};

/* Parse one line (without its newline). 0, or -1 if it is not a trace line
 * (a continuation of the previous message, such as the blank line that
 * a message ending in "\n" leaves). */
int trace_line_parse(const char *line, size_t len, struct trace_line *out);

/* "bcc-hello-<pid>" into buf, or "bcc-hello-<pid>-<k>" for k > 1 (that
 * name is taken: by a run with our PID in another PID namespace). */
void tracepipe_instance_name(char *buf, size_t size, pid_t pid, int k);
/* Remove instances left by bcc-hello runs that were killed: those of
 * ours that no live run holds (owned.h). Returns how many. */
int tracepipe_remove_stale(const struct tracefs *tfs);

/* Nothing open, nothing watched: what tracepipe_open starts from, and
 * what --dry-run's guard is (run.c). */
void tracepipe_init(struct tracepipe *tp);
/* Create and open the private instance (or the global pipe). */
int tracepipe_open(struct tracepipe *tp, const struct tracefs *tfs, bool global,
		   struct error *err);

/* Around loading the program. The kernel turns the bpf_trace_printk event
 * on in the top-level buffer after each load of a program that uses it.
 * Reading a private instance, we turn it off again if it was off before,
 * so that readers of the shared trace_pipe do not receive our lines.
 * Since Linux 6.14 the kernel does it from a workqueue, late on a busy
 * machine, and once per load: after the load we wait (at most 200 ms,
 * before anything is attached) to see it on and turn it off, then
 * tracepipe_recheck() watches on, till SETTLE_SECONDS after it was last
 * seen on (at most WATCH_SECONDS). bcc-hello runs, --global-pipe ones
 * too, take turns from before a load to the watch's end (flock on the
 * event's enable file): none loads while another watches, so none turns
 * off what another's load turned on, nor takes another's leftover for a
 * reader's wish. A program loaded meanwhile by another tool (BCC's
 * Python) ends the watch and the event stays on: that tool asked for it.
 * fds: the programs we loaded. */
void tracepipe_before_load(struct tracepipe *tp, const struct tracefs *tfs,
			   bool uses_printk);
void tracepipe_after_load(struct tracepipe *tp, const struct tracefs *tfs,
			  bool loaded, const int *fds, size_t nfds);
/* Read what is available (non-blocking). Calls on_line for each complete
 * line; returns bytes read, 0 if nothing was ready, -1 on error (errno). */
typedef int (*tracepipe_line_fn)(const char *line, size_t len, void *ctx);
long tracepipe_read(struct tracepipe *tp, tracepipe_line_fn on_line, void *ctx);
/* Events the kernel dropped or overwrote since open (per-CPU stats). */
unsigned long long tracepipe_lost(const struct tracepipe *tp);
/* While the watch goes on: turn the event off once more if the
 * kernel's late work turned it on. Call it often; false once the watch
 * is over (its lock released). */
bool tracepipe_recheck(struct tracepipe *tp, const struct tracefs *tfs);
/* End the watch now (its lock released), after one more look at the
 * event when tfs is given; run_release does it for --dry-run's guard. */
void tracepipe_end_watch(struct tracepipe *tp, const struct tracefs *tfs);
/* Events still in our instance's buffer, never read (at exit). */
unsigned long long tracepipe_unread(const struct tracepipe *tp);
/* Close the pipe and remove the instance. */
void tracepipe_release(struct tracepipe *tp, const struct tracefs *tfs);

/* Sum "overrun", "commit overrun" and "dropped events" over per-CPU stats text. */
unsigned long long tracepipe_stats_lost(const char *stats);

#endif
