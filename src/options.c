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
	OPT_NO_CACHE,
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
	{"no-cache", no_argument, NULL, OPT_NO_CACHE},
	{"dump", required_argument, NULL, OPT_DUMP},
	{"watch", no_argument, NULL, OPT_WATCH},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{0},
};

#define MAX_PID 4194304		/* PID_MAX_LIMIT on 64-bit kernels */
#define MAX_DURATION 31536000.0 /* a year: beyond that it is a typo */
#define SHOWN_BYTES 80		/* of a value quoted in a message */
#define SHOWN_MAX (4 * SHOWN_BYTES + 4)

void options_usage(FILE *out)
{
	fputs("Usage: bcc-hello [-f FILE] [-p PID] [-t CATEGORY:EVENT] [-d SECONDS] [-c COUNT]\n"
	      "                 [--raw | --json] [-i SECONDS] [--global-pipe] [-K DIR]\n"
	      "                 [-D NAME[=VALUE]] [-I DIR]\n"
	      "                 [--set NAME=VALUE] [--dry-run] [--watch] [--dump KIND]\n"
	      "                 [--no-cache]\n"
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
	      "                           hello program (edit it and run again: no rebuild);\n"
	      "                           a regular file of at most 1 MiB\n"
	      "  -p, --pid PID            only events of this process (-DPID_FILTER=PID),\n"
	      "                           which must be running; the run ends\n"
	      "                           when it exits\n"
	      "  -t, --tracepoint CAT:EV  attach to this tracepoint\n"
	      "                           (default " DEFAULT_TRACEPOINT ")\n"
	      "  -d, --duration SECONDS   stop after this long (a decimal number, such as\n"
	      "                           10 or 0.5)\n"
	      "  -c, --count N            stop after N events\n"
	      "      --raw                print the kernel's trace lines unchanged\n"
	      "      --json               one JSON object per line: trace lines, records,\n"
	      "                           map entries\n"
	      "  -i, --interval SECONDS   also print the maps every SECONDS\n"
	      "      --global-pipe        read the shared trace_pipe, as BCC's Python does\n"
	      "  -K, --kernel-headers DIR compile against this kernel header tree\n"
	      "                           (default: BCC_KERNEL_SOURCE, /lib/modules, kheaders,\n"
	      "                           else a tree made here, with kernel types from BTF)\n"
	      "  -D, --define NAME[=VAL]  define a macro for the compiler, as with cc\n"
	      "  -I, --include DIR        add an include folder, as with cc\n"
	      "      --set NAME=VALUE     set a top-level const global of the program\n"
	      "                           (-p sets pid_filter or PID_FILTER)\n"
	      "      --dry-run            compile and load (the verifier runs), check that\n"
	      "                           each tracepoint exists, attach nothing\n"
	      "      --watch              with -f: reload the program each time the file is\n"
	      "                           saved (or on SIGHUP); a broken version leaves the\n"
	      "                           last good one running\n"
	      "      --dump KIND          print the program as source (after translation),\n"
	      "                           preprocessed, ir (LLVM) or bpf (instructions),\n"
	      "                           then stop after loading it, as --dry-run\n"
	      "      --no-cache           compile even if a compiled copy of the same source,\n"
	      "                           flags, headers and kernel is cached, and cache\n"
	      "                           nothing (the cache: /var/cache/bcc-hello)\n"
	      "  -l, --list [PATTERN]     list tracepoints matching a glob, like\n"
	      "                           'syscalls:sys_enter_wr*'; with -v, their fields\n"
	      "  -v, --verbose            narrate the five stages on stderr, with timings\n"
	      "  -h, --help               show this help\n"
	      "  -V, --version            show the version\n"
	      "\n"
	      "Each entry point attaches where it says: TRACEPOINT_PROBE(CAT, EVENT) or\n"
	      "tracepoint__CAT__EVENT, RAW_TRACEPOINT_PROBE(NAME), SEC(\"tp/CAT/EVENT\") or\n"
	      "SEC(\"raw_tp/NAME\"); a plain function, like hello() in the embedded\n"
	      "program, attaches to -t. Libbpf-style tutorial sources run unchanged:\n"
	      "#include \"vmlinux.h\", bpf_printk, SEC, maps declared SEC(\".maps\") and\n"
	      "their helpers, BPF_CORE_READ, const volatile globals, a header beside the\n"
	      "source. Kernel structs and vmlinux.h come from the running kernel's BTF\n"
	      "(/sys/kernel/btf/vmlinux): the offsets are this kernel's.\n"
	      "\n"
	      "Events of bcc-hello's own process (its writes to the terminal) are hidden,\n"
	      "so that printing an event does not trigger another; the exit summary\n"
	      "counts them.\n"
	      "\n"
	      "EXAMPLES:\n"
	      "    sudo bcc-hello                    # every write(2) on the machine\n"
	      "    sudo bcc-hello -p 1234            # only the writes of PID 1234:\n"
	      "                                      # a run's output is writes too,\n"
	      "                                      # so two runs without -p trace\n"
	      "                                      # each other's, without end\n"
	      "    sudo bcc-hello -c 5               # stop after five events\n"
	      "    sudo bcc-hello -f my_hello.c -v   # your own program, stages narrated\n"
	      "    sudo bcc-hello -t syscalls:sys_enter_openat -d 10\n"
	      "    sudo bcc-hello --raw | grep PID   # kernel lines, live through a pipe\n"
	      "    sudo bcc-hello -f minimal.bpf.c -p 1234  # a tutorial lesson's own file\n"
	      "    sudo bcc-hello -f programs/lesson_exec_exit.c  # starts and exits\n"
	      "    sudo bcc-hello -l 'syscalls:sys_enter_open*' -v\n"
	      "    sudo bcc-hello -f prog.c --dry-run   # compiles, verifies, attaches?\n"
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

/* What a message shows of a value the user gave: its first SHOWN_BYTES
 * bytes, control and non-ASCII bytes as \xNN, so that the message stays
 * one line and shows the byte that is wrong. */
static const char *shown(char *buf, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; s[i] && i < SHOWN_BYTES && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[c >> 4];
		buf[o++] = hex[c & 15];
	}
	if (s[i]) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

#define SHOWN(buf, s) shown((buf), sizeof(buf), (s))

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

/* Seconds as a plain decimal number, "10", "0.5" or ".5": strtod alone
 * would also take "1e3", "0x10", "inf" and leading spaces. */
static int parse_seconds(const char *s, double *out)
{
	size_t digits = 0;
	bool dot = false;
	char *end;
	double v;

	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot)
			dot = true;
		else
			return -1;
	}
	if (!digits)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > MAX_DURATION)
		return -1;
	*out = v;
	return 0;
}

static int parse_tracepoint(struct options *opts, const char *name,
			    const char *s, struct error *err)
{
	const char *colon = strchr(s, ':');
	char q[SHOWN_MAX];
	size_t catlen;

	SHOWN(q, s);
	if (!colon)
		return error_usage(
			err,
			"%s '%s': expected CATEGORY:EVENT, for example " DEFAULT_TRACEPOINT,
			name, q);
	catlen = (size_t)(colon - s);
	if (catlen == 0 || catlen >= sizeof(opts->tp_category))
		return error_usage(
			err,
			"%s '%s': the category before ':' must be 1 to 127 characters",
			name, q);
	memcpy(opts->tp_category, s, catlen);
	opts->tp_category[catlen] = '\0';
	if (!colon[1])
		return error_usage(err,
				   "%s '%s': the event after ':' is missing",
				   name, q);
	if (strlen(colon + 1) >= sizeof(opts->tp_event))
		return error_usage(
			err,
			"%s '%s': the event name is too long (at most 127 characters)",
			name, q);
	strcpy(opts->tp_event, colon + 1);
	if (!options_valid_name(opts->tp_category) ||
	    !options_valid_name(opts->tp_event))
		return error_usage(
			err,
			"%s '%s': names may only contain letters, digits and '_'",
			name, q);
	return 0;
}

/* -l PATTERN: a glob over "category:event" names, checked like -t's names
 * (plus the glob characters) before it is used. */
static int check_pattern(const char *p, struct error *err)
{
	const char *colon = strchr(p, ':');
	char q[SHOWN_MAX];
	size_t len = strlen(p);

	SHOWN(q, p);
	if (!len)
		return error_usage(
			err,
			"-l '': the pattern is empty; leave it out to list every tracepoint");
	if (len > 255)
		return error_usage(
			err,
			"-l '%s': the pattern is %zu characters, more than the 255 of a tracepoint name",
			q, len);
	if (strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_*?[]!^-:") != len ||
	    (colon && strchr(colon + 1, ':')))
		return error_usage(
			err,
			"-l '%s': a pattern is CATEGORY:EVENT of letters, digits, '_' and the glob characters * ? [ ]",
			q);
	if (colon && (colon == p || !colon[1]))
		return error_usage(
			err,
			"-l '%s': both halves of CATEGORY:EVENT are needed; use '*' for either",
			q);
	return 0;
}

/* -f, -K and -I: a name the system can look up, whose messages stay on
 * one line wherever they are printed. */
static int check_path(const char *name, const char *what, const char *arg,
		      struct error *err)
{
	char q[SHOWN_MAX];
	size_t len = strlen(arg);

	if (!len)
		return error_usage(err, "%s: the %s name is empty", name, what);
	if (len >= PATH_MAX)
		return error_usage(
			err,
			"%s '%s': the path is %zu bytes long, more than the system's limit of %d",
			name, SHOWN(q, arg), len, PATH_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)arg[i] < 0x20 || arg[i] == 0x7f)
			return error_usage(
				err,
				"%s '%s': the %s name has a control character (byte 0x%02x); rename it",
				name, SHOWN(q, arg), what,
				(unsigned char)arg[i]);
	return 0;
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* The length of the C identifier at the start of s (0 if there is none). */
static size_t ident_len(const char *s)
{
	size_t n = 0;

	if (!ident_start(s[0]))
		return 0;
	while (ident_start(s[n]) || (s[n] >= '0' && s[n] <= '9'))
		n++;
	return n;
}

/* NAME of NAME or NAME=VALUE: its length, or -1 with a usage error. */
static int macro_name(const char *name, const char *arg, bool value_needed,
		      struct error *err)
{
	const char *form = value_needed ? "NAME=VALUE" : "NAME or NAME=VALUE";
	char q[SHOWN_MAX];
	size_t n = ident_len(arg);

	if (!n || (arg[n] != '=' && (value_needed || arg[n] != '\0')))
		return error_usage(
			err,
			"%s '%s': expected %s, NAME a C identifier (letters, digits and '_', not first a digit)",
			name, SHOWN(q, arg), form);
	if (n > 127)
		return error_usage(
			err, "%s '%s': NAME is %zu characters, at most 127",
			name, SHOWN(q, arg), n);
	return (int)n;
}

static int parse_define(struct options *opts, const char *name, const char *arg,
			struct error *err)
{
	char q[SHOWN_MAX];
	int n = macro_name(name, arg, false, err);

	if (n < 0)
		return -1;
	/* The compiler reads a macro up to the end of its line. */
	for (const char *p = arg + n; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return error_usage(
				err,
				"%s '%s': the value has a control character (byte 0x%02x); a macro is one line",
				name, SHOWN(q, arg), (unsigned char)*p);
	if (opts->ndefines == OPTIONS_MAX_LIST)
		return error_usage(err, "%s: at most %d definitions", name,
				   OPTIONS_MAX_LIST);
	opts->defines[opts->ndefines++] = arg;
	return 0;
}

/* A --set VALUE that tutorial_valid_value() took (a sign, digits, a
 * suffix) is also one the compiler reads as a 64-bit integer: in range,
 * and no '9' in an octal "09". */
static bool fits_64_bits(const char *v)
{
	bool negative = v[0] == '-';
	unsigned long long u;
	char *end;

	errno = 0;
	u = strtoull(v + negative, &end, 0);
	if (errno)
		return false;
	end += strspn(end, "uUlL");
	return !*end && (!negative || u <= 1ULL << 63);
}

static int parse_set(struct options *opts, const char *name, const char *arg,
		     struct error *err)
{
	char q[SHOWN_MAX];
	int n = macro_name(name, arg, true, err);

	if (n < 0)
		return -1;
	if (!tutorial_valid_value(arg + n + 1) || !fits_64_bits(arg + n + 1))
		return error_usage(
			err,
			"%s '%s': the value must be an integer (decimal or 0x hex) that fits in 64 bits",
			name, SHOWN(q, arg));
	if (opts->nsets == OPTIONS_MAX_LIST)
		return error_usage(err, "%s: at most %d values", name,
				   OPTIONS_MAX_LIST);
	snprintf(opts->sets[opts->nsets].name, sizeof(opts->sets[0].name),
		 "%.*s", n, arg);
	opts->sets[opts->nsets++].value = arg + n + 1;
	return 0;
}

static int parse_dump(struct options *opts, const char *name, const char *arg,
		      struct error *err)
{
	static const char *const kinds[] = {"source", "preprocessed", "ir",
					    "bpf"};
	char q[SHOWN_MAX];

	for (size_t i = 0; i < 4; i++)
		if (!strcmp(arg, kinds[i])) {
			opts->dump = (enum dump_kind)(DUMP_SOURCE + i);
			return 0;
		}
	return error_usage(err,
			   "%s '%s': expected source, preprocessed, ir or bpf",
			   name, SHOWN(q, arg));
}

/* One option: c as getopt_long returned it, name as the user wrote it
 * ("-d" or "--duration"), arg its value. */
static int parse_one(struct options *opts, int c, const char *name,
		     const char *arg, struct error *err)
{
	char q[SHOWN_MAX];
	unsigned long v;

	if (arg)
		SHOWN(q, arg);
	switch (c) {
	case 'f':
		if (check_path(name, "file", arg, err))
			return -1;
		opts->file = arg;
		return 0;
	case 'p':
		if (parse_ulong(arg, 1, MAX_PID, &v))
			return error_usage(
				err,
				"%s '%s': expected a process ID from 1 to %d",
				name, q, MAX_PID);
		opts->pid = (int)v;
		return 0;
	case 't':
		opts->tp_given = true;
		return parse_tracepoint(opts, name, arg, err);
	case 'D':
		return parse_define(opts, name, arg, err);
	case 'I':
		if (check_path(name, "folder", arg, err))
			return -1;
		if (opts->nincludes == OPTIONS_MAX_LIST)
			return error_usage(err, "%s: at most %d folders", name,
					   OPTIONS_MAX_LIST);
		opts->includes[opts->nincludes++] = arg;
		return 0;
	case OPT_SET:
		return parse_set(opts, name, arg, err);
	case 'l':
		opts->list = true;
		return 0;
	case OPT_DRY_RUN:
		opts->dry_run = true;
		return 0;
	case OPT_NO_CACHE:
		opts->no_cache = true;
		return 0;
	case OPT_WATCH:
		opts->watch = true;
		return 0;
	case OPT_DUMP:
		return parse_dump(opts, name, arg, err);
	case 'd':
		if (parse_seconds(arg, &opts->duration))
			return error_usage(
				err,
				"%s '%s': expected a number of seconds such as 10 or 0.5, more than 0 and at most %.0f",
				name, q, MAX_DURATION);
		return 0;
	case 'c':
		if (parse_ulong(arg, 1, ULONG_MAX, &v))
			return error_usage(
				err,
				"%s '%s': expected a count of events, at least 1 and at most %lu",
				name, q, ULONG_MAX);
		opts->count = v;
		return 0;
	case 'K':
		if (check_path(name, "folder", arg, err))
			return -1;
		opts->kernel_dir = arg;
		return 0;
	case OPT_RAW:
		opts->raw = true;
		return 0;
	case OPT_JSON:
		opts->json = true;
		return 0;
	case 'i':
		if (parse_seconds(arg, &opts->interval))
			return error_usage(
				err,
				"%s '%s': expected a number of seconds such as 10 or 0.5, more than 0 and at most %.0f",
				name, q, MAX_DURATION);
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
	}
	return error_usage(err, "%s: not handled", name); /* not reached */
}

/* The long option that the n bytes of s name, whole or abbreviated (NULL
 * if none does, or several do). */
static const struct option *long_match(const char *s, size_t n)
{
	const struct option *found = NULL;
	size_t count = 0;

	for (const struct option *o = long_opts; o->name; o++) {
		if (strncmp(o->name, s, n))
			continue;
		if (!o->name[n])
			return o;
		found = o;
		count++;
	}
	return count == 1 ? found : NULL;
}

/* What getopt_long refused (c is ':' or '?'): a missing value, a value
 * given to a long option that takes none, an ambiguous abbreviation or an
 * unknown option. text is the long option's element, or NULL for a short
 * option, which getopt names in optopt. */
static int option_error(int c, const char *text, struct error *err)
{
	const struct option *o;
	char q[SHOWN_MAX];
	size_t n;

	if (!text) {
		if (c == ':')
			return error_usage(
				err, "-%c needs a value: see bcc-hello --help",
				optopt);
		if (optopt > ' ' && optopt < 0x7f)
			return error_usage(
				err,
				"unknown option '-%c': see bcc-hello --help",
				optopt);
		return error_usage(
			err, "unknown option byte 0x%02x: see bcc-hello --help",
			(unsigned char)optopt);
	}
	n = strcspn(text + 2, "=");
	o = long_match(text + 2, n);
	if (o && c == ':')
		return error_usage(err,
				   "--%s needs a value: see bcc-hello --help",
				   o->name);
	if (o && text[2 + n] == '=')
		return error_usage(err, "--%s takes no value, got '%s'",
				   o->name, SHOWN(q, text + 3 + n));
	for (const struct option *p = long_opts; n && p->name; p++)
		if (!strncmp(p->name, text + 2, n))
			return error_usage(
				err,
				"option '%s' is ambiguous: write the option's whole name, see bcc-hello --help",
				SHOWN(q, text));
	return error_usage(err, "unknown option '%s': see bcc-hello --help",
			   SHOWN(q, text));
}

int options_parse(struct options *opts, int argc, char **argv,
		  struct error *err)
{
	char q[SHOWN_MAX];
	int c;

	memset(opts, 0, sizeof(*opts));
	parse_tracepoint(opts, "-t", DEFAULT_TRACEPOINT, err);

	optind = 0; /* full reset: the parser may run more than once (tests) */
	opterr = 0;
	for (;;) {
		const char *last = optind > 0 ? argv[optind - 1] : NULL;
		int longindex = -1;
		char name[40];

		c = getopt_long(argc, argv, ":f:p:t:d:c:i:K:D:I:lvhV",
				long_opts, &longindex);
		if (c == -1)
			break;
		/* After an error in a long option, getopt_long has moved past
		 * its element: argv[optind - 1]. In a group of short options
		 * ("-xv") it stays on the group, and argv[optind - 1] is still
		 * the element read before, which may be a long option. */
		if (c == ':' || c == '?') {
			const char *text = argv[optind - 1];

			if (text == last || strncmp(text, "--", 2))
				text = NULL;
			return option_error(c, text, err);
		}
		/* Name the option as the user wrote it, for messages. */
		if (longindex >= 0)
			snprintf(name, sizeof(name), "--%s",
				 long_opts[longindex].name);
		else
			snprintf(name, sizeof(name), "-%c", c);
		if (parse_one(opts, c, name, optarg, err))
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
	if (opts->list && optind < argc) {
		opts->list_pattern = argv[optind++];
		if (check_pattern(opts->list_pattern, err))
			return -1;
	}
	if (optind < argc)
		return error_usage(
			err,
			"unexpected argument '%s': options only, see bcc-hello --help",
			SHOWN(q, argv[optind]));
	return 0;
}
