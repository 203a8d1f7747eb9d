/* test_btftypes.c: kernel types from the running kernel's BTF, only those
 * a compile lacked, without what the headers already define. Needs
 * /sys/kernel/btf/vmlinux; skipped (77) where the kernel has none. */
#include "btftypes.h"
#include "check.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The line number (1 = the line after the #line directive) of the first
 * line of text that starts with prefix, or 0. */
static unsigned line_of(const char *text, const char *prefix)
{
	const char *body = strchr(text, '\n') + 1;
	unsigned n = 1;

	for (const char *p = body; *p; n++) {
		if (!strncmp(p, prefix, strlen(prefix)))
			return n;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return 0;
}

TEST(no_btf_is_one_message_naming_the_file)
{
	struct btftypes bt;
	struct error err = {0};

	CHECK_INT(btftypes_open(&bt, "/nonexistent/vmlinux", &err), -1);
	CHECK(strstr(err.msg, "/nonexistent/vmlinux"));
	CHECK(strstr(err.msg, "CONFIG_DEBUG_INFO_BTF"));
	CHECK(!btftypes_available(&bt));
	CHECK_STR(btftypes_text(&bt), "");
}

TEST(nothing_wanted_is_no_text)
{
	struct btftypes bt;
	struct error err = {0};

	CHECK_INT(btftypes_open(&bt, NULL, &err), 0);
	CHECK_STR(btftypes_text(&bt), "");
	CHECK_INT(btftypes_learn(&bt, "x.c:1:1: error: expected ';'\n"), 0);
	btftypes_release(&bt);
}

TEST(an_incomplete_struct_is_defined_with_what_it_holds)
{
	struct btftypes bt;
	struct error err = {0};
	const char *t;

	CHECK_INT(btftypes_open(&bt, NULL, &err), 0);
	CHECK_INT(
		btftypes_learn(
			&bt,
			"p.c:5:20: error: incomplete definition of type 'struct task_struct'\n"),
		1);
	t = btftypes_text(&bt);
	CHECK(t && !strncmp(t, "#line 1 \"" BTFTYPES_FILE "\"\n",
			    strlen("#line 1 \"" BTFTYPES_FILE "\"\n")));
	CHECK(t && strstr(t, "\nstruct task_struct {\n"));
	/* held by value: defined; only pointed to: declared */
	CHECK(t && strstr(t, "\nstruct list_head {\n"));
	CHECK(t && strstr(t, "\nstruct mm_struct;\n"));
	CHECK_INT(bt.nnames, 1);
	CHECK_STR(bt.names[0], "struct task_struct");
	/* learned once */
	CHECK_INT(
		btftypes_learn(
			&bt,
			"p.c:5:20: error: incomplete definition of type 'struct task_struct'\n"),
		0);
	btftypes_release(&bt);
}

TEST(a_definition_that_clang_refuses_is_left_out_the_next_time)
{
	struct btftypes bt;
	struct error err = {0};
	char diag[256];
	const char *t;
	unsigned line;

	CHECK_INT(btftypes_open(&bt, NULL, &err), 0);
	CHECK_INT(btftypes_want(&bt, "struct task_struct"), 1);
	t = btftypes_text(&bt);
	line = t ? line_of(t, "struct list_head {") : 0;
	CHECK(line > 0);
	/* an error anywhere inside that definition, as clang reports it */
	snprintf(diag, sizeof(diag),
		 BTFTYPES_FILE ":%u:2: error: redefinition of 'list_head'\n",
		 line + 1);
	CHECK_INT(btftypes_learn(&bt, diag), 1);
	t = btftypes_text(&bt);
	CHECK(t && !strstr(t, "struct list_head {"));
	CHECK(t && strstr(t, "\nstruct task_struct {\n"));
	CHECK_INT(bt.nskip, 1);
	CHECK_STR(bt.nskip ? bt.skip[0] : "", "struct list_head");
	btftypes_release(&bt);
}

TEST(a_typedef_and_an_enum_constant_are_defined)
{
	struct btftypes bt;
	struct error err = {0};
	const char *t;

	CHECK_INT(btftypes_open(&bt, NULL, &err), 0);
	CHECK_INT(
		btftypes_learn(
			&bt,
			"p.c:3:1: error: unknown type name 'atomic_t'\n"
			"p.c:4:11: error: use of undeclared identifier 'TASK_COMM_LEN'\n"
			"p.c:5:11: error: use of undeclared identifier 'no_such_thing_at_all'\n"),
		2);
	t = btftypes_text(&bt);
	CHECK(t && strstr(t, "} atomic_t;\n"));
	/* the size of a task's comm in the kernel's ABI (prctl(2)) */
	CHECK(t && strstr(t, "enum { TASK_COMM_LEN = 16 };\n"));
	CHECK(t && !strstr(t, "no_such_thing_at_all"));
	btftypes_release(&bt);
}

TEST(a_type_btf_does_not_have_is_not_wanted)
{
	struct btftypes bt;
	struct error err = {0};

	CHECK_INT(btftypes_open(&bt, NULL, &err), 0);
	CHECK_INT(btftypes_want(&bt, "struct bcc_hello_no_such_type"), 0);
	CHECK_STR(btftypes_text(&bt), "");
	btftypes_release(&bt);
}

int main(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("SKIP: no readable /sys/kernel/btf/vmlinux\n");
		return 77;
	}
	RUN(no_btf_is_one_message_naming_the_file);
	RUN(nothing_wanted_is_no_text);
	RUN(an_incomplete_struct_is_defined_with_what_it_holds);
	RUN(a_definition_that_clang_refuses_is_left_out_the_next_time);
	RUN(a_typedef_and_an_enum_constant_are_defined);
	RUN(a_type_btf_does_not_have_is_not_wanted);
	return check_failures ? 1 : 0;
}
