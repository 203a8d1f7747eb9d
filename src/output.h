/* output.h: print trace events, as columns or as the kernel's raw lines. */
#ifndef BCC_HELLO_OUTPUT_H
#define BCC_HELLO_OUTPUT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define OUTPUT_COMM_CACHE 32

struct output {
	FILE *out;
	bool raw;		 /* print lines unchanged */
	bool json;		 /* one JSON object per line (--json) */
	pid_t self;		 /* events of this process are hidden */
	pid_t only;		 /* -p: only events of this process (0 = all) */
	unsigned long limit;	 /* stop after this many events, 0 = never */
	unsigned long events;	 /* events shown */
	unsigned long unflushed; /* of them, not yet flushed */
	unsigned long discarded; /* read after a stop or past -c: not shown,
				    by the user's choice, and not lost */
	unsigned long unwritten; /* lost: the output's reader took no more */
	unsigned long own;	 /* events of our own process, hidden */
	unsigned long from_hello;  /* events shown of another bcc-hello */
	unsigned long others;	   /* lines of other programs, or of other
				    processes under -p, hidden */
	pid_t last_tid, last_tgid; /* the last thread looked up, for -p */
	bool header_done;
	struct comm_entry { /* names read from /proc since the last flush */
		pid_t tid;
		bool valid, live; /* live: the thread was there, named comm */
		char comm[32];
	} comms[OUTPUT_COMM_CACHE]; /* at tid % OUTPUT_COMM_CACHE */
	struct trace_line_fields {
		double ts;
		char ts_text[32]; /* as the kernel wrote it */
		int cpu, pid;
		char comm[32];
	} last;		/* the last trace line shown, for its continuations */
	bool in_own;	/* continuation lines belong to a hidden event */
	bool no_printk; /* the program never calls bpf_trace_printk: every
			   trace line is another program's, hidden */
	/* The program's lines start with mark (tutorial.h), stripped here;
	 * a line without it is another program's, hidden, counted in
	 * others: no traced string can forge one of ours. */
	bool marked;
	char mark[8];
	bool failed; /* writing to out failed (EPIPE...) */
	/* The stop signal the read loop acts on, set by its handler; a
	 * reload_signal there (SIGHUP under --watch) is no stop. Once it is
	 * set nothing more is written: a write blocked on a full pipe is
	 * interrupted by the signal, and the next one would block with no
	 * signal to end it. Events left are counted in discarded. */
	const volatile sig_atomic_t *stop;
	int reload_signal;
};

void output_init(struct output *o, FILE *out, bool raw, pid_t self, pid_t only,
		 unsigned long limit);
/* Every program's bpf_trace_printk lines reach every buffer that records
 * the event, so with -p the lines of other processes (another program
 * printing at the same time) are hidden here too, and counted. */

/* Handle one trace_pipe line (no newline). Returns 1 once the limit is
 * reached or output failed, else 0. Matches tracepipe_line_fn. */
int output_line(const char *line, size_t len, void *ctx);
/* The process (thread group) of a thread, from /proc; 0 if it is gone. */
pid_t output_tgid(pid_t tid);
struct ctype;
struct json_object;
/* Handle one ring or perf buffer record: "TIME table: name=value ..." or
 * a JSON object with "table" and the fields. A top-level "pid" or "tgid"
 * field is used like a trace line's PID (own events hidden, -p). Returns
 * 1 once the limit is reached or output failed. Matches events_fn. */
int output_record(void *ctx, const char *table, const struct ctype *type,
		  const void *data, size_t size);
/* Print one JSON object and a newline (takes the reference). */
void output_json(struct output *o, struct json_object *obj);

/* Flush what was printed; false if the reader is gone (EPIPE) or the
 * write failed. */
bool output_flush(struct output *o);
/* The column header (TIME(s) COMM PID CPU MESSAGE) of trace lines, once;
 * none with --raw or --json. */
void output_header(struct output *o);
/* At the stop: flush what is left. After a stop signal (grace > 0) and
 * with a pipe for output, wait at most grace seconds for its reader;
 * then what could not be written is dropped, and counted in unwritten
 * instead of events. */
void output_finish(struct output *o, double grace);

#endif
