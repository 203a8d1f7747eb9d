/* options.h: the parsed command line. Parsing fills it; the rest reads it. */
#ifndef BCC_HELLO_OPTIONS_H
#define BCC_HELLO_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

struct error;

#define OPTIONS_MAX_LIST 32 /* -D, -I and --set, each */

enum dump_kind { DUMP_NONE, DUMP_SOURCE, DUMP_PREPROCESSED, DUMP_IR, DUMP_BPF };

#define DEFAULT_TRACEPOINT "syscalls:sys_enter_write"

struct options {
	const char *file;      /* -f: BPF C source, NULL = embedded hello.c */
	int pid;	       /* -p: PID_FILTER, 0 = every process */
	char tp_category[128]; /* -t CATEGORY:EVENT, split and checked */
	char tp_event[128];
	bool tp_given;		/* -t was given */
	double duration;	/* -d: seconds, 0 = until stopped */
	unsigned long count;	/* -c: events, 0 = no limit */
	bool raw;		/* --raw: kernel lines unchanged */
	bool json;		/* --json: one JSON object per line */
	double interval;	/* -i: print maps every this many seconds */
	bool global_pipe;	/* --global-pipe: the shared trace_pipe */
	const char *kernel_dir; /* -K: kernel header tree */
	int verbose;		/* -v */
	const char *defines[OPTIONS_MAX_LIST]; /* -D NAME[=VALUE] */
	size_t ndefines;
	const char *includes[OPTIONS_MAX_LIST]; /* -I DIR */
	size_t nincludes;
	struct {
		char name[128];
		const char *value;
	} sets[OPTIONS_MAX_LIST]; /* --set NAME=VALUE */
	size_t nsets;
	bool list;		  /* -l: list tracepoints */
	const char *list_pattern; /* its glob, NULL = all */
	bool dry_run;		  /* --dry-run: compile and load only */
	bool watch;		  /* --watch: reload -f FILE when it is saved */
	bool no_cache;	     /* --no-cache: compile, write no cache entry */
	enum dump_kind dump; /* --dump KIND */
	bool help;	     /* -h */
	bool version;	     /* -V */
};

/* Fill opts from argv. Returns 0, or -1 with a usage error in err. */
int options_parse(struct options *opts, int argc, char **argv,
		  struct error *err);
/* Is s a tracefs name ([A-Za-z0-9_]+, at most 127 characters)? */
bool options_valid_name(const char *s);
/* The --help text. */
void options_usage(FILE *out);

#endif
