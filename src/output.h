/* output.h: print trace events, as columns or as the kernel's raw lines. */
#ifndef BCC_HELLO_OUTPUT_H
#define BCC_HELLO_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct output {
	FILE *out;
	bool raw;	      /* print lines unchanged */
	pid_t self;	      /* events of this process are hidden */
	pid_t only;	      /* -p: only events of this process (0 = all) */
	unsigned long limit;  /* stop after this many events, 0 = never */
	unsigned long events; /* events shown */
	unsigned long own;    /* events of our own process, hidden */
	unsigned long others; /* -p: lines of other processes, hidden */
	pid_t last_tid, last_tgid; /* the last thread looked up, for -p */
	bool header_done;
	bool in_own; /* continuation lines belong to a hidden event */
	bool failed; /* writing to out failed (EPIPE...) */
};

void output_init(struct output *o, FILE *out, bool raw, pid_t self, pid_t only,
		 unsigned long limit);
/* Every program's bpf_trace_printk lines reach every buffer that records
 * the event, so with -p the lines of other processes (another program
 * printing at the same time) are hidden here too, and counted. */

/* Handle one trace_pipe line (no newline). Returns 1 once the limit is
 * reached or output failed, else 0. Matches tracepipe_line_fn. */
int output_line(const char *line, size_t len, void *ctx);
/* Flush what was printed; false if the reader is gone (EPIPE) or the
 * write failed. */
bool output_flush(struct output *o);

#endif
