/* run.h: one run of the flow, stage by stage, and its read loop.
 *
 * main() calls these in the lesson's order: run_prepare (privileges, the
 * source, tracefs, the kernel header tree, the cache, the pipe), then
 * run_build (1. compile, 2. load), run_attach (3.), run_read (4.) and
 * run_detach (5., with the exit summary), and run_release whatever
 * happened. A version is one build of the program: with --watch a new
 * one is built and attached while the old one still runs.
 */
#ifndef BCC_HELLO_RUN_H
#define BCC_HELLO_RUN_H

#include "attach.h"
#include "cache.h"
#include "compile.h"
#include "events.h"
#include "headers.h"
#include "load.h"
#include "output.h"
#include "rounds.h"
#include "source.h"
#include "tptypes.h"
#include "tracefs.h"
#include "tracepipe.h"
#include "tutorial.h"
#include "watch.h"

#include <signal.h>

struct options;

/* One version of the program, from its source to its attachments. */
struct version {
	struct source src;
	struct tutorial tu;
	struct tptypes types; /* field types the header tree lacks */
	struct program prog;
	struct loaded_set set;
	struct events ev; /* readers of its ring and perf buffer tables */
	struct attachments at;
};

/* What the stages share. */
struct run {
	const struct options *opts;
	struct tracefs tfs;
	struct headers hdr;
	struct headers_roots roots;
	struct tracepipe *tp;	/* NULL with --dry-run */
	struct tracepipe guard; /* --dry-run: only restores the top-level
				   bpf_trace_printk event after load */
	struct output out;
	struct watch watch;
	sigset_t stop_set;
	unsigned long lost_records; /* of versions already released */
	struct rounds rounds; /* what compile rounds learn, for every version */
	struct cache cache;
	struct version versions[2];
	struct version *cur; /* the one attached */
	pid_t compiler;	     /* a compiler's child still exiting, or 0 */
	int target;	     /* -p: a pidfd of the process, or -1 */
	bool target_exited;  /* it exited: the run ended */
	char mark[8];	     /* starts its program's trace lines (tutorial.h) */
};

/* Set r up for opts (nothing acquired yet) and install the stop signals'
 * handler: they stay blocked but while the run waits. */
void run_init(struct run *r, const struct options *opts);
/* Before the stages: privileges, the source (a bad -f file is refused
 * before any setup), tracefs, a header tree, the cache, the pipe. */
int run_prepare(struct run *r, struct error *err);
/* 1 and 2, for the first version: 0, -1 with err set, or 1 when a stop
 * signal ended the compile. */
int run_build(struct run *r, struct error *err);
/* --dry-run's end: the top-level event put back, what the attach would
 * check checked (0, or -1 with err set), and what loaded said. */
int run_dry_report(struct run *r, struct error *err);
/* Was a stop signal sent (while it was blocked)? */
bool run_stop_pending(const struct run *r);
/* 3: the readers, then the attachments; the column header. */
int run_attach(struct run *r, struct error *err);
/* 4: read until a stop; with --watch, reload on a save or SIGHUP. */
int run_read(struct run *r, struct error *err);
/* 5: detach, print what is left and the maps, then the summary. */
int run_detach(struct run *r, struct error *err);
/* Release everything, in reverse order of acquisition. */
void run_release(struct run *r);

#endif
