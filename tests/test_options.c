/* test_options.c: the command line, parsed into struct options. */
#include "check.h"
#include "error.h"
#include "options.h"

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
	RUN(usage_text_lists_the_options_and_examples);
	return CHECK_DONE();
}
