/* options.c: parse the command line into struct options, and --help. */
#include "options.h"
#include "error.h"
#include "tutorial.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_RAW = 0x100,
	OPT_GLOBAL_PIPE,
	OPT_SET,
	OPT_DRY_RUN,
	OPT_DUMP,
	OPT_WATCH,
	OPT_JSON
};

static const struct option long_opts[] = {
	{"file", required_argument, NULL, 'f'},
	{"pid", required_argument, NULL, 'p'},
	{"tracepoint", required_argument, NULL, 't'},
	{"duration", required_argument, NULL, 'd'},
	{"count", required_argument, NULL, 'c'},
	{"raw", no_argument, NULL, OPT_RAW},
	{"json", no_argument, NULL, OPT_JSON},
	{"interval", required_argument, NULL, 'i'},
	{"global-pipe", no_argument, NULL, OPT_GLOBAL_PIPE},
	{"kernel-headers", required_argument, NULL, 'K'},
	{"verbose", no_argument, NULL, 'v'},
	{"define", required_argument, NULL, 'D'},
	{"include", required_argument, NULL, 'I'},
	{"set", required_argument, NULL, OPT_SET},
	{"list", no_argument, NULL, 'l'},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"dump", required_argument, NULL, OPT_DUMP},
	{"watch", no_argument, NULL, OPT_WATCH},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{0},
};

#define MAX_PID 4194304		/* PID_MAX_LIMIT on 64-bit kernels */
#define MAX_DURATION 31536000.0 /* a year: beyond that it is a typo */

void options_usage(FILE *out)
{
	fputs("Usage: bcc-hello [-f FILE] [-p PID] [-t CATEGORY:EVENT] [-d SECONDS] [-c COUNT]\n"
	      "                 [--raw | --json] [-i SECONDS] [--global-pipe] [-K DIR]\n"
	      "                 [-D NAME[=VALUE]] [-I DIR]\n"
	      "                 [--set NAME=VALUE] [--dry-run] [--watch] [--dump KIND]\n"
	      "                 [-v] [-h] [-V]\n"
	      "       bcc-hello -l [PATTERN] [-v]\n"
	      "\n"
	      "Compile a BPF C program with libbcc at run time, load it, attach it to a\n"
	      "tracepoint, and print what it reports: bpf_trace_printk lines, read from a\n"
	      "private ftrace instance; records of its BPF_RINGBUF_OUTPUT and\n"
	      "BPF_PERF_OUTPUT tables, decoded field by field; and its maps, at exit.\n"
	      "Ctrl-C detaches and exits. Needs root.\n"
	      "\n"
	      "  -f, --file FILE          compile this BPF C file instead of the embedded\n"
	      "                           hello program (edit it and run again: no rebuild)\n"
	      "  -p, --pid PID            only events of this process (-DPID_FILTER=PID)\n"
	      "  -t, --tracepoint CAT:EV  attach to this tracepoint\n"
	      "                           (default " DEFAULT_TRACEPOINT ")\n"
	      "  -d, --duration SECONDS   stop after this long\n"
	      "  -c, --count N            stop after N events\n"
	      "      --raw                print the kernel's trace lines unchanged\n"
	      "      --json               one JSON object per line: trace lines, records,\n"
	      "                           map entries\n"
	      "  -i, --interval SECONDS   also print the maps every SECONDS\n"
	      "      --global-pipe        read the shared trace_pipe, as BCC's Python does\n"
	      "  -K, --kernel-headers DIR compile against this kernel header tree\n"
	      "                           (default: BCC_KERNEL_SOURCE, /lib/modules, kheaders,\n"
	      "                           then the newest /usr/src/linux-headers-* pair)\n"
	      "  -D, --define NAME[=VAL]  define a macro for the compiler, as with cc\n"
	      "  -I, --include DIR        add an include folder, as with cc\n"
	      "      --set NAME=VALUE     set a top-level const global of the program\n"
	      "                           (-p sets pid_filter or PID_FILTER)\n"
	      "      --dry-run            compile and load (the verifier runs), attach nothing\n"
	      "      --watch              with -f: reload the program each time the file is\n"
	      "                           saved (or on SIGHUP); a broken version leaves the\n"
	      "                           last good one running\n"
	      "      --dump KIND          print the program as source (after translation),\n"
	      "                           preprocessed, ir (LLVM) or bpf (instructions),\n"
	      "                           then stop after loading it, as --dry-run\n"
	      "  -l, --list [PATTERN]     list tracepoints matching a glob, like\n"
	      "                           'syscalls:sys_enter_wr*'; with -v, their fields\n"
	      "  -v, --verbose            narrate the five stages on stderr, with timings\n"
	      "  -h, --help               show this help\n"
	      "  -V, --version            show the version\n"
	      "\n"
	      "Each entry point attaches where it says: TRACEPOINT_PROBE(CAT, EVENT) or\n"
	      "tracepoint__CAT__EVENT, RAW_TRACEPOINT_PROBE(NAME), SEC(\"tp/CAT/EVENT\") or\n"
	      "SEC(\"raw_tp/NAME\"); a plain function, like hello() in the embedded\n"
	      "program, attaches to -t. Libbpf-style tutorial sources (bpf_printk, SEC,\n"
	      "const globals) run unchanged.\n"
	      "\n"
	      "Events of bcc-hello's own process (its writes to the terminal) are hidden,\n"
	      "so that printing an event does not trigger another; the exit summary\n"
	      "counts them.\n"
	      "\n"
	      "EXAMPLES:\n"
	      "    sudo bcc-hello                    # every write(2) on the machine\n"
	      "    sudo bcc-hello -p 1234            # only the writes of PID 1234\n"
	      "    sudo bcc-hello -c 5               # stop after five events\n"
	      "    sudo bcc-hello -f my_hello.c -v   # your own program, stages narrated\n"
	      "    sudo bcc-hello -t syscalls:sys_enter_openat -d 10\n"
	      "    sudo bcc-hello --raw | grep PID   # kernel lines, live through a pipe\n"
	      "    sudo bcc-hello -f minimal.c -p 1234  # a libbpf-style tutorial program\n"
	      "    sudo bcc-hello -l 'syscalls:sys_enter_open*' -v\n"
	      "    sudo bcc-hello -f prog.c --dry-run   # does it compile and verify?\n"
	      "    sudo bcc-hello -f programs/hello_ringbuf.c --json\n"
	      "    sudo bcc-hello -f programs/write_latency.c -i 5\n"
	      "\n"
	      "Exit status: 0 on a normal stop, 1 on failure, 2 on a usage error.\n"
	      "See bcc-hello(1) and docs/flow.md.\n",
	      out);
}

bool options_valid_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return n > 0 && n < 128;
}

/* Whole-string unsigned integer in [min, max]; no sign, no spaces. */
static int parse_ulong(const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s[0] || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_duration(const char *s, double *out)
{
	char *end;
	double v;

	if (!s[0] || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > MAX_DURATION)
		return -1;
	*out = v;
	return 0;
}

static int parse_tracepoint(struct options *opts, const char *s,
			    struct error *err)
{
	const char *colon = strchr(s, ':');
	size_t catlen;

	if (!colon)
		return error_usage(
			err,
			"-t '%s': expected CATEGORY:EVENT, for example " DEFAULT_TRACEPOINT,
			s);
	catlen = (size_t)(colon - s);
	if (catlen == 0 || catlen >= sizeof(opts->tp_category))
		return error_usage(
			err,
			"-t '%s': the category before ':' must be 1 to 127 characters",
			s);
	memcpy(opts->tp_category, s, catlen);
	opts->tp_category[catlen] = '\0';
	if (strlen(colon + 1) >= sizeof(opts->tp_event))
		return error_usage(err, "-t '%s': the event name is too long",
				   s);
	strcpy(opts->tp_event, colon + 1);
	if (!options_valid_name(opts->tp_category) ||
	    !options_valid_name(opts->tp_event))
		return error_usage(
			err,
			"-t '%s': names may only contain letters, digits and '_'",
			s);
	return 0;
}

/* The identifier at the start of s, up to '=' or the end: its length, or
 * 0 if it is not an identifier. */
static size_t ident_len(const char *s)
{
	size_t n = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      s[0] == '_'))
		return 0;
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	       (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
		n++;
	return (s[n] == '\0' || s[n] == '=') && n < 128 ? n : 0;
}

static int parse_define(struct options *opts, const char *arg,
			struct error *err)
{
	if (!ident_len(arg))
		return error_usage(
			err,
			"-D '%s': expected NAME or NAME=VALUE, NAME a C identifier",
			arg);
	if (opts->ndefines == OPTIONS_MAX_LIST)
		return error_usage(err, "-D: at most %d definitions",
				   OPTIONS_MAX_LIST);
	opts->defines[opts->ndefines++] = arg;
	return 0;
}

static int parse_set(struct options *opts, const char *arg, struct error *err)
{
	size_t n = ident_len(arg);

	if (!n || arg[n] != '=')
		return error_usage(
			err,
			"--set '%s': expected NAME=VALUE, NAME a C identifier",
			arg);
	if (!tutorial_valid_value(arg + n + 1))
		return error_usage(
			err,
			"--set '%s': the value must be an integer (decimal or 0x hex)",
			arg);
	if (opts->nsets == OPTIONS_MAX_LIST)
		return error_usage(err, "--set: at most %d values",
				   OPTIONS_MAX_LIST);
	snprintf(opts->sets[opts->nsets].name, sizeof(opts->sets[0].name),
		 "%.*s", (int)n, arg);
	opts->sets[opts->nsets++].value = arg + n + 1;
	return 0;
}

static int parse_dump(struct options *opts, const char *arg, struct error *err)
{
	static const char *const kinds[] = {"source", "preprocessed", "ir",
					    "bpf"};

	for (size_t i = 0; i < 4; i++)
		if (!strcmp(arg, kinds[i])) {
			opts->dump = (enum dump_kind)(DUMP_SOURCE + i);
			return 0;
		}
	return error_usage(
		err, "--dump '%s': expected source, preprocessed, ir or bpf",
		arg);
}

static int parse_one(struct options *opts, int c, const char *arg,
		     const char *opt_text, struct error *err)
{
	unsigned long v;

	switch (c) {
	case 'f':
		if (!arg[0])
			return error_usage(err, "-f: the file name is empty");
		opts->file = arg;
		return 0;
	case 'p':
		if (parse_ulong(arg, 1, MAX_PID, &v))
			return error_usage(
				err,
				"-p '%s': expected a process ID from 1 to %d",
				arg, MAX_PID);
		opts->pid = (int)v;
		return 0;
	case 't':
		opts->tp_given = true;
		return parse_tracepoint(opts, arg, err);
	case 'D':
		return parse_define(opts, arg, err);
	case 'I':
		if (!arg[0])
			return error_usage(err, "-I: the folder name is empty");
		if (opts->nincludes == OPTIONS_MAX_LIST)
			return error_usage(err, "-I: at most %d folders",
					   OPTIONS_MAX_LIST);
		opts->includes[opts->nincludes++] = arg;
		return 0;
	case OPT_SET:
		return parse_set(opts, arg, err);
	case 'l':
		opts->list = true;
		return 0;
	case OPT_DRY_RUN:
		opts->dry_run = true;
		return 0;
	case OPT_WATCH:
		opts->watch = true;
		return 0;
	case OPT_DUMP:
		return parse_dump(opts, arg, err);
	case 'd':
		if (parse_duration(arg, &opts->duration))
			return error_usage(
				err,
				"-d '%s': expected a number of seconds, more than 0 and at most %.0f",
				arg, MAX_DURATION);
		return 0;
	case 'c':
		if (parse_ulong(arg, 1, ULONG_MAX, &v))
			return error_usage(
				err,
				"-c '%s': expected a count of events, at least 1",
				arg);
		opts->count = v;
		return 0;
	case 'K':
		if (!arg[0])
			return error_usage(err, "-K: the folder name is empty");
		opts->kernel_dir = arg;
		return 0;
	case OPT_RAW:
		opts->raw = true;
		return 0;
	case OPT_JSON:
		opts->json = true;
		return 0;
	case 'i':
		if (parse_duration(arg, &opts->interval))
			return error_usage(
				err,
				"-i '%s': expected a number of seconds, more than 0 and at most %.0f",
				arg, MAX_DURATION);
		return 0;
	case OPT_GLOBAL_PIPE:
		opts->global_pipe = true;
		return 0;
	case 'v':
		opts->verbose++;
		return 0;
	case 'h':
		opts->help = true;
		return 0;
	case 'V':
		opts->version = true;
		return 0;
	case ':':
		return error_usage(err,
				   "%s needs a value: see bcc-hello --help",
				   opt_text);
	default:
		return error_usage(err,
				   "unknown option '%s': see bcc-hello --help",
				   opt_text);
	}
}

int options_parse(struct options *opts, int argc, char **argv,
		  struct error *err)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	strcpy(opts->tp_category, "syscalls");
	strcpy(opts->tp_event, "sys_enter_write");

	optind = 0; /* full reset: the parser may run more than once (tests) */
	opterr = 0;
	for (;;) {
		int prev = optind ? optind : 1;
		const char *text;

		c = getopt_long(argc, argv, ":f:p:t:d:c:i:K:D:I:lvhV",
				long_opts, NULL);
		if (c == -1)
			break;
		/* Name the option as the user wrote it, for messages. */
		text = prev < argc ? argv[prev] : "?";
		if (parse_one(opts, c, optarg, text, err))
			return -1;
	}
	if (opts->dump)
		opts->dry_run = true; /* print the program, then stop */
	if (opts->raw && opts->json)
		return error_usage(
			err,
			"--raw and --json cannot go together: choose one output");
	if (opts->watch && !opts->file)
		return error_usage(
			err,
			"--watch reloads the file given with -f: add -f FILE");
	if (opts->list && optind < argc)
		opts->list_pattern = argv[optind++];
	if (optind < argc)
		return error_usage(
			err,
			"unexpected argument '%s': options only, see bcc-hello --help",
			argv[optind]);
	return 0;
}
