/* test_tutorial.c: libbpf-style tutorial sources, rewritten line for line
 * so that libbcc compiles them, and their SEC()s and const globals
 * recorded. */
#include "check.h"
#include "error.h"
#include "tutorial.h"

#include <stdlib.h>

/* A tutorial program as the eBPF tutorials write it (minimal.bpf.c with
 * a PID filter and a max), with traps for the rewrite: bpf_printk in a
 * string, in comments and inside longer names, SEC(".maps") on a map. */
static const char minimal[] =
	"/* minimal.bpf.c: bpf_printk(\"in a block comment\") */\n" /* 1 */
	"#include <linux/bpf.h>\n"				    /* 2 */
	"#include <bpf/bpf_helpers.h>\n"			    /* 3 */
	"\n"							    /* 4 */
	"char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";\n"	    /* 5 */
	"\n"							    /* 6 */
	"const pid_t pid_filter = 0;\n"				    /* 7 */
	"const volatile unsigned int max = 5;\n"		    /* 8 */
	"\n"							    /* 9 */
	"struct {\n"						    /* 10 */
	"\t__uint(type, BPF_MAP_TYPE_ARRAY);\n"			    /* 11 */
	"\t__uint(max_entries, 1); __type(key, u32); __type(value, u64);\n" /* 12 */
	"} counts SEC(\".maps\");\n"			    /* 13 */
	"\n"						    /* 14 */
	"SEC(\"tp/syscalls/sys_enter_write\")\n"	    /* 15 */
	"int handle_tp(void *ctx)\n"			    /* 16 */
	"{\n"						    /* 17 */
	"\tconst int local = 3;\n"			    /* 18 */
	"\tpid_t pid = bpf_get_current_pid_tgid() >> 32;\n" /* 19 */
	"\n"						    /* 20 */
	"\tif (pid_filter && pid != pid_filter)\n"	    /* 21 */
	"\t\treturn 0;\n"				    /* 22 */
	"\tbpf_printk(\"bpf_printk from %d.\\n\", pid); // bpf_printk\n" /* 23 */
	"\tmy_bpf_printk_x(local); bpf_printk_x(); x_bpf_printk();\n" /* 24 */
	"\t/* bpf_printk */ bpf_printk(\"two\");\n"		      /* 25 */
	"\treturn 0;\n"						      /* 26 */
	"}\n"							      /* 27 */
	"\n"							      /* 28 */
	"SEC(\"raw_tp/sched_switch\") int on_switch(void *ctx)\n"     /* 29 */
	"{\n"							      /* 30 */
	"\treturn 0;\n"						      /* 31 */
	"}\n";							      /* 32 */

/* Line n (from 1) of text, without its newline, in a static buffer. */
static const char *line_of(const char *text, int n)
{
	static char buf[512];
	const char *p = text, *nl;

	for (int i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return "(no such line)";
	nl = strchr(p, '\n');
	snprintf(buf, sizeof(buf), "%.*s", (int)(nl ? nl - p : (long)strlen(p)),
		 p);
	return buf;
}

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* Rewrite text, which must succeed. */
static int rewrite(struct tutorial *tu, const char *text,
		   const struct setting *sets, size_t nsets, int pid)
{
	struct error err = {0};
	int ret = tutorial_rewrite(tu, text, "prog.c", sets, nsets, pid, &err);

	if (ret) {
		fprintf(stderr, "%s: tutorial_rewrite failed: %s\n",
			check_current, err.msg);
		check_failures++;
	}
	return ret;
}

/* The const global name, as recorded: its type and value. */
static void check_const(const struct tutorial *tu, const char *name,
			const char *type, const char *value, int line)
{
	for (size_t i = 0; i < tu->nconsts; i++) {
		if (strcmp(tu->consts[i].name, name))
			continue;
		if (strcmp(tu->consts[i].type, type) ||
		    strcmp(tu->consts[i].value, value)) {
			fprintf(stderr,
				"%s:%d: %s: const %s: expected (%s) %s, got (%s) %s\n",
				__FILE__, line, check_current, name, type,
				value, tu->consts[i].type, tu->consts[i].value);
			check_failures++;
		}
		return;
	}
	fprintf(stderr, "%s:%d: %s: const %s not recorded\n", __FILE__, line,
		check_current, name);
	check_failures++;
}
#define CHECK_CONST(tu, name, type, value) \
	check_const((tu), (name), (type), (value), __LINE__)

TEST(the_rewrite_keeps_every_line_where_it_was)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK_INT(count_lines(tu.text), count_lines(minimal));
	CHECK_INT(count_lines(minimal), 32);
	/* Lines that need no rewrite are unchanged, at the same place. */
	CHECK_STR(line_of(tu.text, 16), "int handle_tp(void *ctx)");
	CHECK_STR(line_of(tu.text, 21),
		  "\tif (pid_filter && pid != pid_filter)");
	CHECK_STR(line_of(tu.text, 32), "}");
	CHECK(tu.libbpf_style);
	CHECK(tu.prelude && strstr(tu.prelude, "#define SEC(name)"));
	tutorial_release(&tu);
}

TEST(a_source_without_a_final_newline_keeps_its_line_count)
{
	static const char text[] =
		"#include <bpf/bpf_helpers.h>\n"
		"/* a\n"
		" * b */\n"
		"int f(void *ctx) { bpf_printk(\"x\"); return 0; }";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_INT(count_lines(tu.text), 3);
	CHECK_STR(line_of(tu.text, 4),
		  "int f(void *ctx) { bpf_trace_printk(" TUTORIAL_MARK
		  " \"x\"); return 0; }");
	tutorial_release(&tu);
}

TEST(the_libbpf_includes_and_linux_bpf_h_become_comments)
{
	static const char text[] = "#include <linux/bpf.h>\n"
				   "#include <bpf/bpf_helpers.h>\n"
				   "#include <bpf/bpf_tracing.h>\n"
				   "#include <linux/sched.h>\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	for (int n = 1; n <= 3; n++) {
		const char *l = line_of(tu.text, n);
		size_t len = strlen(l);

		if (strncmp(l, "/*", 2) || len < 4 ||
		    strcmp(l + len - 2, "*/") || strstr(l, "#include") ||
		    strstr(l + 2, "*/") != l + len - 2) {
			fprintf(stderr,
				"%s: line %d: expected one comment, got \"%s\"\n",
				check_current, n, l);
			check_failures++;
		}
	}
	CHECK(strstr(line_of(tu.text, 1), "linux/bpf.h") != NULL);
	CHECK(strstr(line_of(tu.text, 2), "bpf/bpf_helpers.h") != NULL);
	/* Other kernel headers are the user's business. */
	CHECK_STR(line_of(tu.text, 4), "#include <linux/sched.h>");
	CHECK(tu.libbpf_style);
	tutorial_release(&tu);
}

TEST(an_include_with_a_trailing_comment_stays_one_comment)
{
	/* The comment that replaces the line must not be closed early by
	 * the line's own comment, which would leave text to compile. */
	static const char text[] =
		"#include <bpf/bpf_helpers.h> /* SEC, bpf_printk */\n";
	struct tutorial tu;
	const char *l, *close;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	l = line_of(tu.text, 1);
	close = strstr(l, "*/");
	if (strncmp(l, "/*", 2) || !close ||
	    strspn(close + 2, " \t") != strlen(close + 2)) {
		fprintf(stderr,
			"%s: expected a line that is all comment, got \"%s\"\n",
			check_current, l);
		check_failures++;
	}
	tutorial_release(&tu);
}

TEST(a_comment_left_open_by_an_include_stays_open)
{
	/* The comment's opener must not go with the rest of the line, or
	 * the comment's next line becomes code. */
	static const char text[] =
		"#include <bpf/bpf_helpers.h> /* SEC, bpf_printk,\n"
		"\t\t\t\tand more bpf_printk() */\n"
		"#include <bpf/bpf_tracing.h>\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_INT(count_lines(tu.text), 3);
	CHECK_STR(line_of(tu.text, 1),
		  "/* include <bpf/bpf_helpers.h>: provided by bcc-hello */ "
		  "/* SEC, bpf_printk,");
	CHECK_STR(line_of(tu.text, 2), "\t\t\t\tand more bpf_printk() */");
	CHECK_STR(line_of(tu.text, 3),
		  "/* include <bpf/bpf_tracing.h>: provided by bcc-hello */");
	tutorial_release(&tu);
}

TEST(a_comment_left_open_by_the_license_line_stays_open)
{
	static const char text[] =
		"char LICENSE[] SEC(\"license\") = \"GPL\"; /* the kernel wants\n"
		"\t\t\t\t\t  a GPL-compatible one: bpf_printk */\n"
		"SEC(\"tp/a/b\") int f(void *ctx) { return 0; }\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_INT(count_lines(tu.text), 3);
	CHECK_STR(line_of(tu.text, 1),
		  "#define BPF_LICENSE GPL /* the kernel wants");
	CHECK_STR(line_of(tu.text, 2),
		  "\t\t\t\t\t  a GPL-compatible one: bpf_printk */");
	/* The comment ended where it did: the next line is code again. */
	CHECK_STR(tutorial_section_of(&tu, "f"), "tp/a/b");
	tutorial_release(&tu);
}

TEST(a_comment_left_open_by_a_const_global_stays_open)
{
	static const char text[] =
		"const volatile pid_t pid_filter = 0; /* set by the loader:\n"
		"\t\t\t\t\t -p or --set, not bpf_printk() */\n"
		"const volatile int max = 5; /* a */ /* b\n"
		" * c\n"
		" */ int f(void *ctx) { bpf_printk(\"x\"); return 0; }\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 1234))
		return;
	CHECK_INT(count_lines(tu.text), 5);
	CHECK_STR(line_of(tu.text, 1),
		  "#define pid_filter ((pid_t)(1234)) /* set by the loader:");
	CHECK_STR(line_of(tu.text, 2),
		  "\t\t\t\t\t -p or --set, not bpf_printk() */");
	/* Only the comment still open at the end of the line is kept. */
	CHECK_STR(line_of(tu.text, 3), "#define max ((int)(5)) /* b");
	CHECK_STR(line_of(tu.text, 4), " * c");
	CHECK_STR(line_of(tu.text, 5),
		  " */ int f(void *ctx) { bpf_trace_printk(" TUTORIAL_MARK
		  " \"x\"); return 0; }");
	CHECK_INT(tu.nconsts, 2);
	tutorial_release(&tu);
}

TEST(comments_and_quotes_inside_a_rewritten_line_stay_out_of_its_replacement)
{
	/* Text copied into a replacement must not open a comment, close
	 * the include's comment early, or leave a quote open. */
	static const char text[] =
		"const int max = /* at most */ 5 /* a ; b */;\n"
		"const char sep = ';'; /* x\n"
		"*/\n"
		"#include <bpf/x*/y.h>\n"
		"char LICENSE[] SEC(\"license\") = \"GPL/*\";\n"
		"const int /* = */ seven = 7; // ; =\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 1), "#define max ((int)(5))");
	CHECK_STR(line_of(tu.text, 2), "#define sep ((char)(';')) /* x");
	CHECK_STR(line_of(tu.text, 3), "*/");
	CHECK_STR(line_of(tu.text, 4),
		  "/* include <bpf/x: provided by bcc-hello */");
	/* A license that would open a comment is left to libbcc's default
	 * (GPL), as the user wrote it. */
	CHECK_STR(line_of(tu.text, 5),
		  "char LICENSE[] SEC(\"license\") = \"GPL/*\";");
	CHECK_STR(line_of(tu.text, 6), "#define seven ((int)(7))");
	tutorial_release(&tu);
}

TEST(bpf_printk_becomes_bpf_trace_printk_only_where_it_is_code)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 23), "\tbpf_trace_printk(" TUTORIAL_MARK
					" \"bpf_printk from %d.\\n\", pid); // "
					"bpf_printk");
	CHECK_STR(line_of(tu.text, 24),
		  "\tmy_bpf_printk_x(local); bpf_printk_x(); x_bpf_printk();");
	CHECK_STR(line_of(tu.text, 25),
		  "\t/* bpf_printk */ bpf_trace_printk(" TUTORIAL_MARK
		  " \"two\");");
	CHECK_STR(line_of(tu.text, 1),
		  "/* minimal.bpf.c: bpf_printk(\"in a block comment\") */");
	tutorial_release(&tu);
}

TEST(a_call_with_its_parenthesis_on_the_next_line_leaves_the_program_unmarked)
{
	static const char text[] = "int f(void *ctx) {\n"
				   "\tbpf_trace_printk (\"a\");\n"
				   "\tbpf_trace_printk\n"
				   "\t\t(\"b\");\n"
				   "\treturn 0; }\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 2),
		  "\tbpf_trace_printk (" TUTORIAL_MARK " \"a\");");
	CHECK_STR(line_of(tu.text, 3), "\tbpf_trace_printk");
	CHECK(tu.unmarked);
	tutorial_release(&tu);
}

TEST(a_call_in_a_directive_leaves_the_program_unmarked)
{
	static const char text[] =
		"#define bpf_printk(fmt, ...) bpf_trace_printk(fmt, ##__VA_ARGS__)\n"
		"int f(void *ctx) { bpf_printk(\"a\"); return 0; }\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 1),
		  "#define bpf_trace_printk(fmt, ...) bpf_trace_printk(fmt, "
		  "##__VA_ARGS__)");
	CHECK(tu.unmarked);
	tutorial_release(&tu);
}

TEST(bpf_printk_in_a_comment_over_several_lines_is_left_alone)
{
	static const char text[] = "/*\n"
				   " * bpf_printk(\"x\") prints\n"
				   " */\n"
				   "int f(void *ctx) { bpf_printk(\"a \\\" "
				   "bpf_printk\"); return 0; }\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 2), " * bpf_printk(\"x\") prints");
	CHECK_STR(line_of(tu.text, 4),
		  "int f(void *ctx) { bpf_trace_printk(" TUTORIAL_MARK
		  " \"a \\\" bpf_printk\"); "
		  "return 0; }");
	tutorial_release(&tu);
}

TEST(the_license_line_becomes_bpf_license)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 5), "#define BPF_LICENSE Dual BSD/GPL");
	tutorial_release(&tu);
}

TEST(const_globals_become_typed_macros)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 7), "#define pid_filter ((pid_t)(0))");
	CHECK_STR(line_of(tu.text, 8), "#define max ((unsigned int)(5))");
	CHECK_INT(tu.nconsts, 2);
	CHECK_CONST(&tu, "pid_filter", "pid_t", "0");
	CHECK_CONST(&tu, "max", "unsigned int", "5");
	tutorial_release(&tu);
}

TEST(set_overrides_a_const_global)
{
	struct setting sets[] = {{"max", "0x10"}};
	struct tutorial tu;

	if (rewrite(&tu, minimal, sets, 1, 0))
		return;
	CHECK_STR(line_of(tu.text, 8), "#define max ((unsigned int)(0x10))");
	CHECK_STR(line_of(tu.text, 7), "#define pid_filter ((pid_t)(0))");
	CHECK_CONST(&tu, "max", "unsigned int", "0x10");
	tutorial_release(&tu);
}

TEST(pid_overrides_pid_filter_and_only_it)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 4321))
		return;
	CHECK_STR(line_of(tu.text, 7), "#define pid_filter ((pid_t)(4321))");
	CHECK_STR(line_of(tu.text, 8), "#define max ((unsigned int)(5))");
	CHECK_CONST(&tu, "pid_filter", "pid_t", "4321");
	tutorial_release(&tu);
}

TEST(pid_overrides_an_upper_case_PID_FILTER_too)
{
	static const char text[] = "const volatile int PID_FILTER = 0;\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 77))
		return;
	CHECK_STR(line_of(tu.text, 1), "#define PID_FILTER ((int)(77))");
	tutorial_release(&tu);
}

TEST(set_of_a_name_the_program_lacks_is_a_usage_error)
{
	struct setting sets[] = {{"max", "3"}, {"nosuch", "1"}};
	struct tutorial tu;
	struct error err = {0};
	int ret = tutorial_rewrite(&tu, minimal, "prog.c", sets, 2, 0, &err);

	CHECK_INT(ret, -1);
	CHECK_INT(err.exit_code, EXIT_USAGE);
	CHECK(strstr(err.msg, "nosuch") != NULL);
	CHECK(strstr(err.msg, "prog.c") != NULL);
	CHECK(tu.text == NULL);
	tutorial_release(&tu);
}

TEST(a_const_inside_a_function_body_is_not_rewritten)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 18), "\tconst int local = 3;");
	for (size_t i = 0; i < tu.nconsts; i++)
		CHECK(strcmp(tu.consts[i].name, "local"));
	tutorial_release(&tu);
}

TEST(a_top_level_const_array_or_string_is_not_a_setting)
{
	static const char text[] = "const char fmt[] = \"x\";\n"
				   "const char *name = \"y\";\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_STR(line_of(tu.text, 1), "const char fmt[] = \"x\";");
	CHECK_STR(line_of(tu.text, 2), "const char *name = \"y\";");
	CHECK_INT(tu.nconsts, 0);
	tutorial_release(&tu);
}

TEST(a_brace_in_a_block_comment_does_not_hide_what_follows)
{
	/* The rewrite counts braces to know what is top level; one in a
	 * comment is no block. */
	static const char text[] = "/* usage: if (x) { ... */\n"
				   "#include <bpf/bpf_helpers.h>\n"
				   "const volatile int max = 5;\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK(!strncmp(line_of(tu.text, 2), "/*", 2));
	CHECK_STR(line_of(tu.text, 3), "#define max ((int)(5))");
	tutorial_release(&tu);
}

TEST(sec_is_recorded_for_the_function_on_the_next_line)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK_STR(tutorial_section_of(&tu, "handle_tp"),
		  "tp/syscalls/sys_enter_write");
	CHECK_STR(line_of(tu.text, 15), "SEC(\"tp/syscalls/sys_enter_write\")");
	tutorial_release(&tu);
}

TEST(sec_is_recorded_for_the_function_on_the_same_line)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK_STR(tutorial_section_of(&tu, "on_switch"), "raw_tp/sched_switch");
	tutorial_release(&tu);
}

TEST(sec_maps_on_a_variable_is_not_recorded)
{
	struct tutorial tu;

	if (rewrite(&tu, minimal, NULL, 0, 0))
		return;
	CHECK(tutorial_section_of(&tu, "counts") == NULL);
	for (size_t i = 0; i < tu.nsections; i++)
		CHECK(strcmp(tu.sections[i].section, ".maps"));
	CHECK_INT(tu.nsections, 2);
	CHECK(tutorial_section_of(&tu, "nosuch") == NULL);
	tutorial_release(&tu);
}

TEST(sec_in_a_comment_is_not_recorded)
{
	static const char text[] = "// SEC(\"tp/a/b\") int f(void *ctx);\n"
				   "int g(void *ctx) { return 0; }\n";
	struct tutorial tu;

	if (rewrite(&tu, text, NULL, 0, 0))
		return;
	CHECK_INT(tu.nsections, 0);
	CHECK(tutorial_section_of(&tu, "f") == NULL);
	tutorial_release(&tu);
}

TEST(a_plain_bcc_source_is_left_as_it_is_but_for_the_mark)
{
	static const char hello[] =
		"#ifndef PID_FILTER\n"
		"#define PID_FILTER 0\n"
		"#endif\n"
		"\n"
		"int hello(void *ctx)\n"
		"{\n"
		"\tu32 pid = bpf_get_current_pid_tgid() >> 32;\n"
		"\n"
		"\tif (PID_FILTER && pid != PID_FILTER)\n"
		"\t\treturn 0;\n"
		"\tbpf_trace_printk(\"BPF triggered from PID %d.\\n\", pid);\n"
		"\treturn 0;\n"
		"}\n";
	struct tutorial tu;

	if (rewrite(&tu, hello, NULL, 0, 1234))
		return;
	CHECK(!tu.libbpf_style);
	CHECK_STR(tu.prelude, "");
	/* but for the mark before the format */
	CHECK_STR(line_of(tu.text, 11),
		  "\tbpf_trace_printk(" TUTORIAL_MARK
		  " \"BPF triggered from PID %d.\\n\", pid);");
	CHECK(!tu.unmarked);
	CHECK_INT(tu.nsections, 0);
	CHECK_INT(tu.nconsts, 0);
	tutorial_release(&tu);
	CHECK(tu.text == NULL && tu.prelude == NULL);
}

TEST(valid_values_are_integer_constants)
{
	CHECK(tutorial_valid_value("0"));
	CHECK(tutorial_valid_value("-5"));
	CHECK(tutorial_valid_value("0x1F"));
	CHECK(tutorial_valid_value("10UL"));
	CHECK(tutorial_valid_value("4294967295u"));
	CHECK(!tutorial_valid_value(""));
	CHECK(!tutorial_valid_value("abc"));
	CHECK(!tutorial_valid_value("1+1"));
	CHECK(!tutorial_valid_value("0x"));
	CHECK(!tutorial_valid_value("-"));
	CHECK(!tutorial_valid_value("5)); evil(("));
}

int main(void)
{
	RUN(the_rewrite_keeps_every_line_where_it_was);
	RUN(a_source_without_a_final_newline_keeps_its_line_count);
	RUN(the_libbpf_includes_and_linux_bpf_h_become_comments);
	RUN(an_include_with_a_trailing_comment_stays_one_comment);
	RUN(a_comment_left_open_by_an_include_stays_open);
	RUN(a_comment_left_open_by_the_license_line_stays_open);
	RUN(a_comment_left_open_by_a_const_global_stays_open);
	RUN(comments_and_quotes_inside_a_rewritten_line_stay_out_of_its_replacement);
	RUN(bpf_printk_becomes_bpf_trace_printk_only_where_it_is_code);
	RUN(a_call_with_its_parenthesis_on_the_next_line_leaves_the_program_unmarked);
	RUN(a_call_in_a_directive_leaves_the_program_unmarked);
	RUN(bpf_printk_in_a_comment_over_several_lines_is_left_alone);
	RUN(the_license_line_becomes_bpf_license);
	RUN(const_globals_become_typed_macros);
	RUN(set_overrides_a_const_global);
	RUN(pid_overrides_pid_filter_and_only_it);
	RUN(pid_overrides_an_upper_case_PID_FILTER_too);
	RUN(set_of_a_name_the_program_lacks_is_a_usage_error);
	RUN(a_const_inside_a_function_body_is_not_rewritten);
	RUN(a_top_level_const_array_or_string_is_not_a_setting);
	RUN(a_brace_in_a_block_comment_does_not_hide_what_follows);
	RUN(sec_is_recorded_for_the_function_on_the_next_line);
	RUN(sec_is_recorded_for_the_function_on_the_same_line);
	RUN(sec_maps_on_a_variable_is_not_recorded);
	RUN(sec_in_a_comment_is_not_recorded);
	RUN(a_plain_bcc_source_is_left_as_it_is_but_for_the_mark);
	RUN(valid_values_are_integer_constants);
	return CHECK_DONE();
}
