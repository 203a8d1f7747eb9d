/* test_compile.c: libbcc's diagnostics rewritten to name the user's file.
 * (Compiling itself runs clang and needs kernel headers: that is for the
 * end-to-end tests.) */
#include "check.h"
#include "compile.h"

#include <stdlib.h>

/* compile_map_diagnostics(text, name) must give want. */
static void check_mapped(const char *text, const char *name, const char *want)
{
	char *got = compile_map_diagnostics(text, name);

	CHECK_STR(got, want);
	free(got);
}

TEST(the_virtual_file_name_becomes_the_source_name)
{
	check_mapped(
		"/virtual/main.c:3:5: error: use of undeclared identifier 'x'\n",
		"my.c", "my.c:3:5: error: use of undeclared identifier 'x'\n");
}

TEST(every_occurrence_is_replaced)
{
	check_mapped("/virtual/main.c:3:5: error: redefinition of 'hello'\n"
		     "int hello(void *ctx)\n"
		     "    ^\n"
		     "/virtual/main.c:1:5: note: previous definition is here\n",
		     "my.c",
		     "my.c:3:5: error: redefinition of 'hello'\n"
		     "int hello(void *ctx)\n"
		     "    ^\n"
		     "my.c:1:5: note: previous definition is here\n");
}

TEST(a_name_longer_than_the_virtual_one_fits)
{
	check_mapped(
		"/virtual/main.c:1:1: warning: a\n/virtual/main.c:2:1: warning: b\n/virtual/main.c",
		"/home/learner/projects/ebpf/lesson-one/my_hello_world_program.c",
		"/home/learner/projects/ebpf/lesson-one/my_hello_world_program.c:1:1: warning: a\n"
		"/home/learner/projects/ebpf/lesson-one/my_hello_world_program.c:2:1: warning: b\n"
		"/home/learner/projects/ebpf/lesson-one/my_hello_world_program.c");
}

TEST(a_name_shorter_than_the_virtual_one_fits)
{
	check_mapped("In file included from /virtual/main.c:2:\n", "a.c",
		     "In file included from a.c:2:\n");
}

TEST(other_files_are_left_alone)
{
	check_mapped(
		"/virtual/include/bcc/helpers.h:10:3: warning: x\n"
		"/lib/modules/6.1.0/build/include/linux/types.h:5:1: note: y\n",
		"my.c",
		"/virtual/include/bcc/helpers.h:10:3: warning: x\n"
		"/lib/modules/6.1.0/build/include/linux/types.h:5:1: note: y\n");
}

TEST(empty_text_stays_empty)
{
	check_mapped("", "my.c", "");
}

TEST(the_replacement_is_not_applied_again)
{
	/* A name that contains the virtual name must not be rewritten twice. */
	check_mapped("/virtual/main.c:1:1: error\n", "/virtual/main.c.bak",
		     "/virtual/main.c.bak:1:1: error\n");
}

int main(void)
{
	RUN(the_virtual_file_name_becomes_the_source_name);
	RUN(every_occurrence_is_replaced);
	RUN(a_name_longer_than_the_virtual_one_fits);
	RUN(a_name_shorter_than_the_virtual_one_fits);
	RUN(other_files_are_left_alone);
	RUN(empty_text_stays_empty);
	RUN(the_replacement_is_not_applied_again);
	return CHECK_DONE();
}
