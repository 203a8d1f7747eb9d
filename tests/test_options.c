/* test_options.c: the command line, parsed into struct options. */
#include "check.h"
#include "error.h"
#include "options.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>

#define MAX_ARGS 32

/* Parse "bcc-hello" followed by the NULL-terminated arguments. getopt
 * permutes the argv array, so it is a fresh array each time; the strings
 * are literals and outlive opts. */
static int parse(struct options *opts, struct error *err, ...)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	va_list ap;
	char *a;

	memset(err, 0, sizeof(*err));
	argv[argc++] = "bcc-hello";
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) && argc <= MAX_ARGS)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return options_parse(opts, argc, argv, err);
}

/* The call must fail as a usage error whose message contains `want`. */
static void check_usage_error(int ret, const struct error *err,
			      const char *want)
{
	CHECK_INT(ret, -1);
	CHECK_INT(err->exit_code, EXIT_USAGE);
	if (!strstr(err->msg, want)) {
		fprintf(stderr, "%s: message \"%s\" does not contain \"%s\"\n",
			check_current, err->msg, want);
		check_failures++;
	}
}

TEST(no_options_give_the_defaults)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, NULL), 0);
	CHECK(o.file == NULL);
	CHECK_INT(o.pid, 0);
	CHECK_STR(o.tp_category, "syscalls");
	CHECK_STR(o.tp_event, "sys_enter_write");
	CHECK(o.duration == 0.0);
	CHECK_INT(o.count, 0);
	CHECK(!o.raw);
	CHECK(!o.global_pipe);
	CHECK(o.kernel_dir == NULL);
	CHECK_INT(o.verbose, 0);
	CHECK(!o.help);
	CHECK(!o.version);
}

TEST(every_option_is_stored_in_its_field)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-f", "my.c", "-p", "1234", "-t",
			"sched:sched_switch", "-d", "2.5", "-c", "7", "--raw",
			"--global-pipe", "-K", "/tmp/k", "-v", "-h", "-V",
			NULL),
		  0);
	CHECK_STR(o.file, "my.c");
	CHECK_INT(o.pid, 1234);
	CHECK_STR(o.tp_category, "sched");
	CHECK_STR(o.tp_event, "sched_switch");
	CHECK(o.duration == 2.5);
	CHECK_INT(o.count, 7);
	CHECK(o.raw);
	CHECK(o.global_pipe);
	CHECK_STR(o.kernel_dir, "/tmp/k");
	CHECK_INT(o.verbose, 1);
	CHECK(o.help);
	CHECK(o.version);
}

TEST(long_options_with_equals_are_accepted)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "--file=x.c", "--pid=42",
			"--tracepoint=raw_syscalls:sys_exit", "--duration=10",
			"--count=3", "--kernel-headers=/usr/src/k", "--verbose",
			"--help", "--version", NULL),
		  0);
	CHECK_STR(o.file, "x.c");
	CHECK_INT(o.pid, 42);
	CHECK_STR(o.tp_category, "raw_syscalls");
	CHECK_STR(o.tp_event, "sys_exit");
	CHECK(o.duration == 10.0);
	CHECK_INT(o.count, 3);
	CHECK_STR(o.kernel_dir, "/usr/src/k");
	CHECK_INT(o.verbose, 1);
	CHECK(o.help);
	CHECK(o.version);
}

TEST(repeated_v_raises_the_verbosity)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-vv", "--verbose", NULL), 0);
	CHECK_INT(o.verbose, 3);
}

TEST(a_second_parse_starts_from_the_defaults)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-p", "99", "--raw", "-c", "4", NULL), 0);
	CHECK_INT(o.pid, 99);
	CHECK_INT(parse(&o, &err, "-d", "1", NULL), 0);
	CHECK_INT(o.pid, 0);
	CHECK(!o.raw);
	CHECK_INT(o.count, 0);
	CHECK(o.duration == 1.0);
}

TEST(pid_range_ends_are_accepted)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-p", "1", NULL), 0);
	CHECK_INT(o.pid, 1);
	CHECK_INT(parse(&o, &err, "-p", "4194304", NULL), 0);
	CHECK_INT(o.pid, 4194304);
}

TEST(bad_pids_are_usage_errors)
{
	static const char *const bad[] = {
		"0",	 "-1",	    "+5",
		"12abc", "abc",	    "",
		" 5",	 "4194305", "99999999999999999999999"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(&o, &err, "-p", bad[i], NULL);

		check_usage_error(ret, &err, "expected a process ID");
	}
	check_usage_error(parse(&o, &err, "-p", "12abc", NULL), &err,
			  "-p '12abc'");
}

TEST(duration_accepts_fractions)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-d", ".5", NULL), 0);
	CHECK(o.duration == 0.5);
	CHECK_INT(parse(&o, &err, "-d", "31536000", NULL), 0);
	CHECK(o.duration == 31536000.0);
}

TEST(bad_durations_are_usage_errors)
{
	static const char *const bad[] = {"0",	   "0.0",      "-1",  "",
					  "abc",   "1s",       "nan", "inf",
					  "1e999", "31536001", "."};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(&o, &err, "-d", bad[i], NULL);

		check_usage_error(ret, &err, "expected a number of seconds");
	}
}

TEST(bad_counts_are_usage_errors)
{
	static const char *const bad[] = {"0", "-3", "x",
					  "",  "3x", "99999999999999999999999"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(&o, &err, "-c", bad[i], NULL);

		check_usage_error(ret, &err, "expected a count of events");
	}
}

TEST(tracepoint_without_a_colon_is_a_usage_error)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "-t", "sys_enter_write", NULL), &err,
			  "expected CATEGORY:EVENT");
}

TEST(tracepoint_with_an_empty_half_is_a_usage_error)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "-t", ":sys_enter_write", NULL), &err,
			  "category");
	check_usage_error(parse(&o, &err, "-t", "syscalls:", NULL), &err,
			  "-t 'syscalls:'");
}

TEST(tracepoint_names_with_other_characters_are_usage_errors)
{
	static const char *const bad[] = {"sys-calls:x", "syscalls:sys enter",
					  "a:b:c", "a/b:c", "../x:y"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(&o, &err, "-t", bad[i], NULL);

		check_usage_error(ret, &err, "letters, digits and '_'");
	}
}

TEST(tracepoint_names_of_127_characters_fit_and_128_do_not)
{
	char ok[128 + 2 + 127], cat_long[128 + 3], ev_long[2 + 128 + 1];
	struct options o;
	struct error err;

	memset(ok, 'a', 127);
	ok[127] = ':';
	memset(ok + 128, 'b', 127);
	ok[255] = '\0';
	CHECK_INT(parse(&o, &err, "-t", ok, NULL), 0);
	CHECK_INT(strlen(o.tp_category), 127);
	CHECK_INT(strlen(o.tp_event), 127);

	memset(cat_long, 'a', 128);
	strcpy(cat_long + 128, ":b");
	check_usage_error(parse(&o, &err, "-t", cat_long, NULL), &err,
			  "1 to 127 characters");

	strcpy(ev_long, "a:");
	memset(ev_long + 2, 'b', 128);
	ev_long[130] = '\0';
	check_usage_error(parse(&o, &err, "-t", ev_long, NULL), &err,
			  "too long");
}

TEST(empty_file_and_kernel_folder_names_are_usage_errors)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "-f", "", NULL), &err,
			  "file name is empty");
	check_usage_error(parse(&o, &err, "-K", "", NULL), &err,
			  "folder name is empty");
}

TEST(unknown_options_are_named_in_the_usage_error)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "--bogus", NULL), &err,
			  "unknown option '--bogus'");
	check_usage_error(parse(&o, &err, "-x", NULL), &err,
			  "unknown option '-x'");
}

TEST(an_option_without_its_value_is_a_usage_error)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "-p", NULL), &err,
			  "-p needs a value");
	check_usage_error(parse(&o, &err, "-v", "--count", NULL), &err,
			  "--count needs a value");
}

TEST(a_stray_argument_is_a_usage_error)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "-v", "hello.c", NULL), &err,
			  "unexpected argument 'hello.c'");
}

TEST(valid_names_are_letters_digits_and_underscores)
{
	char name[130];

	CHECK(options_valid_name("sys_enter_write"));
	CHECK(options_valid_name("A9_z"));
	CHECK(options_valid_name("_"));
	CHECK(!options_valid_name(""));
	CHECK(!options_valid_name("sys-enter"));
	CHECK(!options_valid_name("a b"));
	CHECK(!options_valid_name("a:b"));
	CHECK(!options_valid_name("a/b"));
	CHECK(!options_valid_name("caf\xc3\xa9"));
	memset(name, 'x', 127);
	name[127] = '\0';
	CHECK(options_valid_name(name));
	name[127] = 'x';
	name[128] = '\0';
	CHECK(!options_valid_name(name));
}

/* The message is one line that starts with `want`. */
static void check_one_line(const struct error *err, const char *want)
{
	if (strchr(err->msg, '\n') || strncmp(err->msg, want, strlen(want))) {
		fprintf(stderr,
			"%s: message \"%s\" is not one line starting with \"%s\"\n",
			check_current, err->msg, want);
		check_failures++;
	}
}

TEST(every_option_that_takes_a_value_names_itself_when_it_is_missing)
{
	static const char *const opts[] = {
		"-f",	    "-p",	    "-t",
		"-d",	    "-c",	    "-i",
		"-K",	    "-D",	    "-I",
		"--set",    "--dump",	    "--file",
		"--pid",    "--tracepoint", "--duration",
		"--count",  "--interval",   "--kernel-headers",
		"--define", "--include"};
	struct options o;
	struct error err;
	char want[64];

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		snprintf(want, sizeof(want), "%s needs a value", opts[i]);
		check_usage_error(parse(&o, &err, opts[i], NULL), &err, want);
		/* after another option, too */
		check_usage_error(parse(&o, &err, "-v", opts[i], NULL), &err,
				  want);
	}
	/* an abbreviated long option is named in full */
	check_usage_error(parse(&o, &err, "--dur", NULL), &err,
			  "--duration needs a value");
}

TEST(every_option_that_takes_a_value_refuses_an_empty_one)
{
	static const char *const opts[] = {"-f", "-p",	  "-t",	   "-d",
					   "-c", "-i",	  "-K",	   "-D",
					   "-I", "--set", "--dump"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		check_usage_error(parse(&o, &err, opts[i], "", NULL), &err,
				  opts[i]);
		check_one_line(&err, opts[i]);
	}
}

TEST(numbers_with_a_sign_junk_or_too_many_digits_are_refused_naming_the_option)
{
	static const char *const bad[] = {"-1",
					  "+5",
					  " 5",
					  "5 ",
					  "5x",
					  "0x10",
					  "1e3",
					  "abc",
					  "-",
					  ".",
					  "99999999999999999999"};
	static const char *const opts[] = {"-p", "-c", "-d", "-i"};
	struct options o;
	struct error err;
	char want[64];

	for (size_t j = 0; j < sizeof(opts) / sizeof(opts[0]); j++)
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(want, sizeof(want), "%s '%s': expected",
				 opts[j], bad[i]);
			check_usage_error(
				parse(&o, &err, opts[j], bad[i], NULL), &err,
				want);
		}
}

TEST(seconds_refuse_nan_and_infinity)
{
	static const char *const bad[] = {"nan",   "NaN",      "inf",
					  "-inf",  "Infinity", "1e999",
					  "0x1p3", "1.2.3"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_usage_error(parse(&o, &err, "-d", bad[i], NULL), &err,
				  "-d '");
		check_usage_error(parse(&o, &err, "-i", bad[i], NULL), &err,
				  "-i '");
		check_usage_error(parse(&o, &err, "-i", bad[i], NULL), &err,
				  "expected a number of seconds");
	}
}

TEST(interval_accepts_fractions_up_to_a_year)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-i", "0.25", NULL), 0);
	CHECK(o.interval == 0.25);
	CHECK_INT(parse(&o, &err, "-i", "31536000", NULL), 0);
	check_usage_error(parse(&o, &err, "-i", "31536000.5", NULL), &err,
			  "at most 31536000");
	check_usage_error(parse(&o, &err, "-i", "0", NULL), &err,
			  "more than 0");
}

TEST(count_accepts_the_largest_unsigned_long)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-c", "18446744073709551615", NULL), 0);
	CHECK(o.count == 18446744073709551615UL);
	check_usage_error(parse(&o, &err, "-c", "18446744073709551616", NULL),
			  &err, "-c '18446744073709551616'");
}

TEST(a_long_option_is_named_as_it_was_written)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "--duration=abc", NULL), &err,
			  "--duration 'abc'");
	check_usage_error(parse(&o, &err, "--pid", "5x", NULL), &err,
			  "--pid '5x'");
	check_usage_error(parse(&o, &err, "-c5x", NULL), &err, "-c '5x'");
	check_usage_error(parse(&o, &err, "--include=", NULL), &err,
			  "--include: the folder name is empty");
}

TEST(control_bytes_in_a_value_are_shown_escaped_on_one_line)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "-p", "1\n2", NULL), &err,
			  "-p '1\\x0a2'");
	check_one_line(&err, "-p");
	check_usage_error(parse(&o, &err, "-t", "a\nb:c", NULL), &err,
			  "-t 'a\\x0ab:c'");
	check_usage_error(parse(&o, &err, "--dump", "\x1b[31m", NULL), &err,
			  "--dump '\\x1b[31m'");
	check_usage_error(parse(&o, &err, "-v", "stray\r", NULL), &err,
			  "'stray\\x0d'");
}

TEST(a_very_long_value_is_cut_and_the_message_still_says_why)
{
	static char longv[5000];
	struct options o;
	struct error err;

	memset(longv, 'a', sizeof(longv) - 1);
	longv[2000] = ':';
	check_usage_error(parse(&o, &err, "-t", longv, NULL), &err,
			  "must be 1 to 127 characters");
	CHECK(strstr(err.msg, "...") != NULL);
	CHECK(strlen(err.msg) < 300);
	longv[2000] = 'a';
	check_usage_error(parse(&o, &err, "-p", longv, NULL), &err,
			  "expected a process ID");
}

TEST(tracepoint_names_with_non_ascii_or_dots_are_usage_errors)
{
	static const char *const bad[] = {"caf\xc3\xa9:x", "x:\xff",
					  "..:x",	   "x:..",
					  "sys\tcalls:x",  "x:y/z"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_usage_error(parse(&o, &err, "-t", bad[i], NULL), &err,
				  "letters, digits and '_'");
		check_one_line(&err, "-t '");
	}
	check_usage_error(parse(&o, &err, "-t", "caf\xc3\xa9:x", NULL), &err,
			  "caf\\xc3\\xa9:x");
	check_usage_error(parse(&o, &err, "-t", ":", NULL), &err, "category");
}

TEST(list_patterns_are_globs_of_tracepoint_names)
{
	static const char *const good[] = {"syscalls:sys_enter_wr*",
					   "*",
					   "*write*",
					   "sys[a-z]*:*",
					   "sched:sched_switch",
					   "raw_syscalls:sys_?x*",
					   "x[!_]*"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_INT(parse(&o, &err, "-l", good[i], NULL), 0);
		CHECK(o.list);
		CHECK_STR(o.list_pattern, good[i]);
	}
	CHECK_INT(parse(&o, &err, "-l", NULL), 0);
	CHECK(o.list_pattern == NULL);
}

TEST(list_patterns_with_paths_spaces_or_empty_halves_are_usage_errors)
{
	static const char *const bad[] = {
		"a/b",		 "../x",  "..",	   "sys calls:*",
		"caf\xc3\xa9:*", "a:b:c", "x\\:y", "sys\n:*"};
	char longp[300];
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_usage_error(parse(&o, &err, "-l", bad[i], NULL), &err,
				  "the glob characters");
		check_one_line(&err, "-l '");
	}
	check_usage_error(parse(&o, &err, "-l", ":x", NULL), &err,
			  "both halves");
	check_usage_error(parse(&o, &err, "-l", "x:", NULL), &err,
			  "both halves");
	check_usage_error(parse(&o, &err, "-l", "", NULL), &err,
			  "pattern is empty");
	memset(longp, 'a', 256);
	longp[256] = '\0';
	check_usage_error(parse(&o, &err, "-l", longp, NULL), &err,
			  "256 characters");
	longp[255] = '\0';
	CHECK_INT(parse(&o, &err, "-l", longp, NULL), 0);
}

TEST(macro_and_setting_names_must_be_c_identifiers)
{
	static const char *const bad[] = {"1x",	 "a-b",		"",
					  "a b", "caf\xc3\xa9", "=5",
					  "a.b", "$x",		"a\n"};
	struct options o;
	struct error err;
	char set[32];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_usage_error(parse(&o, &err, "-D", bad[i], NULL), &err,
				  "NAME a C identifier");
		check_one_line(&err, "-D '");
		snprintf(set, sizeof(set), "%s=1", bad[i]);
		check_usage_error(parse(&o, &err, "--set", set, NULL), &err,
				  "NAME a C identifier");
		check_one_line(&err, "--set '");
	}
	check_usage_error(parse(&o, &err, "--set", "x", NULL), &err,
			  "expected NAME=VALUE");
}

TEST(macro_names_of_128_characters_are_refused)
{
	char name[140];
	struct options o;
	struct error err;

	memset(name, 'm', 127);
	name[127] = '\0';
	CHECK_INT(parse(&o, &err, "-D", name, NULL), 0);
	name[127] = 'm';
	strcpy(name + 128, "=1");
	check_usage_error(parse(&o, &err, "-D", name, NULL), &err,
			  "NAME is 128 characters, at most 127");
	check_usage_error(parse(&o, &err, "--set", name, NULL), &err,
			  "NAME is 128 characters, at most 127");
}

TEST(a_macro_value_may_not_hold_a_line_break)
{
	struct options o;
	struct error err;

	CHECK_INT(parse(&o, &err, "-D", "GREETING=\"hi there\"", NULL), 0);
	CHECK_STR(o.defines[0], "GREETING=\"hi there\"");
	check_usage_error(
		parse(&o, &err, "-D", "X=1\n#include </etc/passwd>", NULL),
		&err, "control character (byte 0x0a)");
	check_one_line(&err, "-D '");
}

TEST(set_values_must_fit_in_64_bits)
{
	static const char *const good[] = {"x=18446744073709551615",
					   "x=0xffffffffffffffff",
					   "x=-9223372036854775808",
					   "x=0",
					   "x=010",
					   "x=5UL"};
	static const char *const bad[] = {"x=18446744073709551616",
					  "x=99999999999999999999",
					  "x=0x10000000000000000",
					  "x=-9223372036854775809",
					  "x=09",
					  "x=",
					  "x=5x",
					  "x=nan",
					  "x= 5",
					  "x=1.5"};
	struct options o;
	struct error err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_INT(parse(&o, &err, "--set", good[i], NULL), 0);
		CHECK_STR(o.sets[0].name, "x");
		CHECK_STR(o.sets[0].value, good[i] + 2);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_usage_error(parse(&o, &err, "--set", bad[i], NULL), &err,
				  "the value must be an integer");
}

TEST(paths_with_control_bytes_or_beyond_path_max_are_usage_errors)
{
	static char longp[PATH_MAX + 10];
	static const char *const opts[] = {"-f", "-K", "-I"};
	struct options o;
	struct error err;
	char want[64];

	memset(longp, 'd', sizeof(longp) - 1);
	for (size_t i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "%s 'a\\x0ab.c'", opts[i]);
		check_usage_error(parse(&o, &err, opts[i], "a\nb.c", NULL),
				  &err, want);
		check_one_line(&err, opts[i]);
		check_usage_error(parse(&o, &err, opts[i], longp, NULL), &err,
				  "more than the system's limit");
		check_one_line(&err, opts[i]);
	}
	/* non-ASCII names are names like others */
	CHECK_INT(parse(&o, &err, "-f", "caf\xc3\xa9.c", NULL), 0);
	CHECK_STR(o.file, "caf\xc3\xa9.c");
}

TEST(bad_dump_kinds_are_usage_errors)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "--dump", "asm", NULL), &err,
			  "--dump 'asm': expected source");
	CHECK_INT(parse(&o, &err, "--dump", "ir", NULL), 0);
	CHECK_INT(o.dump, DUMP_IR);
	CHECK(o.dry_run);
}

TEST(option_errors_name_the_option_not_a_stray_argument_before_it)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "stray", "--bogus", NULL), &err,
			  "unknown option '--bogus'");
	check_usage_error(parse(&o, &err, "stray", "-x", NULL), &err,
			  "unknown option '-x'");
	check_usage_error(parse(&o, &err, "stray", "-p", NULL), &err,
			  "-p needs a value");
	check_usage_error(parse(&o, &err, "-vx", NULL), &err,
			  "unknown option '-x'");
	/* inside a group, after a long option: still the short one */
	check_usage_error(parse(&o, &err, "--raw", "-xv", NULL), &err,
			  "unknown option '-x'");
	check_usage_error(parse(&o, &err, "--raw", "-p", NULL), &err,
			  "-p needs a value");
	check_usage_error(parse(&o, &err, "--raw", "--bogus=1", NULL), &err,
			  "unknown option '--bogus=1'");
	check_usage_error(parse(&o, &err, "-\x01", NULL), &err,
			  "unknown option byte 0x01");
}

TEST(ambiguous_options_and_values_to_flags_are_named)
{
	struct options o;
	struct error err;

	check_usage_error(parse(&o, &err, "--d", NULL), &err,
			  "option '--d' is ambiguous");
	check_usage_error(parse(&o, &err, "--raw=5", NULL), &err,
			  "--raw takes no value, got '5'");
	check_usage_error(parse(&o, &err, "--dry=1", NULL), &err,
			  "--dry-run takes no value");
	CHECK_INT(parse(&o, &err, "--dry", NULL), 0);
	CHECK(o.dry_run);
}

TEST(usage_text_lists_the_options_and_examples)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	CHECK(f != NULL);
	if (!f)
		return;
	options_usage(f);
	fclose(f);
	CHECK(strstr(text, "Usage: bcc-hello") == text);
	CHECK(strstr(text, "--kernel-headers") != NULL);
	CHECK(strstr(text, "EXAMPLES:") != NULL);
	CHECK(strstr(text, DEFAULT_TRACEPOINT) != NULL);
	free(text);
}

int main(void)
{
	RUN(no_options_give_the_defaults);
	RUN(every_option_is_stored_in_its_field);
	RUN(long_options_with_equals_are_accepted);
	RUN(repeated_v_raises_the_verbosity);
	RUN(a_second_parse_starts_from_the_defaults);
	RUN(pid_range_ends_are_accepted);
	RUN(bad_pids_are_usage_errors);
	RUN(duration_accepts_fractions);
	RUN(bad_durations_are_usage_errors);
	RUN(bad_counts_are_usage_errors);
	RUN(tracepoint_without_a_colon_is_a_usage_error);
	RUN(tracepoint_with_an_empty_half_is_a_usage_error);
	RUN(tracepoint_names_with_other_characters_are_usage_errors);
	RUN(tracepoint_names_of_127_characters_fit_and_128_do_not);
	RUN(empty_file_and_kernel_folder_names_are_usage_errors);
	RUN(unknown_options_are_named_in_the_usage_error);
	RUN(an_option_without_its_value_is_a_usage_error);
	RUN(a_stray_argument_is_a_usage_error);
	RUN(valid_names_are_letters_digits_and_underscores);
	RUN(every_option_that_takes_a_value_names_itself_when_it_is_missing);
	RUN(every_option_that_takes_a_value_refuses_an_empty_one);
	RUN(numbers_with_a_sign_junk_or_too_many_digits_are_refused_naming_the_option);
	RUN(seconds_refuse_nan_and_infinity);
	RUN(interval_accepts_fractions_up_to_a_year);
	RUN(count_accepts_the_largest_unsigned_long);
	RUN(a_long_option_is_named_as_it_was_written);
	RUN(control_bytes_in_a_value_are_shown_escaped_on_one_line);
	RUN(a_very_long_value_is_cut_and_the_message_still_says_why);
	RUN(tracepoint_names_with_non_ascii_or_dots_are_usage_errors);
	RUN(list_patterns_are_globs_of_tracepoint_names);
	RUN(list_patterns_with_paths_spaces_or_empty_halves_are_usage_errors);
	RUN(macro_and_setting_names_must_be_c_identifiers);
	RUN(macro_names_of_128_characters_are_refused);
	RUN(a_macro_value_may_not_hold_a_line_break);
	RUN(set_values_must_fit_in_64_bits);
	RUN(paths_with_control_bytes_or_beyond_path_max_are_usage_errors);
	RUN(bad_dump_kinds_are_usage_errors);
	RUN(option_errors_name_the_option_not_a_stray_argument_before_it);
	RUN(ambiguous_options_and_values_to_flags_are_named);
	RUN(usage_text_lists_the_options_and_examples);
	return CHECK_DONE();
}
