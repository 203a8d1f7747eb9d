/* test_tptypes.c: tracepoint field types defined from a format file. */
#include "check.h"
#include "tptypes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tfs[64];

/* A tracefs-like folder with events/demo/ev/format. */
static void make_format(void)
{
	char p[256];
	FILE *f;

	strcpy(tfs, "/tmp/test_tptypes.XXXXXX");
	CHECK(mkdtemp(tfs) != NULL);
	snprintf(p, sizeof(p), "%s/events", tfs);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/events/demo", tfs);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/events/demo/ev", tfs);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/events/demo/ev/format", tfs);
	f = fopen(p, "w");
	CHECK(f != NULL);
	fputs("name: ev\nID: 1\nformat:\n"
	      "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	      "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	      "\tfield:xfs_ino_t ino;\toffset:8;\tsize:8;\tsigned:0;\n"
	      "\tfield:xfs_off_t off;\toffset:16;\tsize:8;\tsigned:1;\n"
	      "\tfield:enum dir_kind dir;\toffset:24;\tsize:4;\tsigned:0;\n"
	      "\tfield:const enum tiny small;\toffset:28;\tsize:1;\tsigned:0;\n"
	      "\tfield:uuid_t uuid;\toffset:32;\tsize:16;\tsigned:0;\n"
	      "\tfield:struct opaque * ptr;\toffset:48;\tsize:8;\tsigned:0;\n"
	      "\tfield:handle_t * h;\toffset:56;\tsize:8;\tsigned:0;\n"
	      "\tfield:tid_t tids[4];\toffset:64;\tsize:16;\tsigned:0;\n"
	      "\tfield:__data_loc char[] name;\toffset:80;\tsize:4;\tsigned:0;\n",
	      f);
	fclose(f);
}

static void remove_format(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tfs);
	CHECK(system(cmd) == 0);
}

static const char diag[] =
	"prog.c:3:2: error: unknown type name 'xfs_ino_t'\n"
	"prog.c:4:2: error: unknown type name 'xfs_off_t'\n"
	"prog.c:5:20: error: field has incomplete type 'enum dir_kind'\n"
	"prog.c:6:20: error: field has incomplete type 'const enum tiny'\n"
	"prog.c:7:2: error: unknown type name 'uuid_t'\n"
	"prog.c:8:2: error: unknown type name 'handle_t'\n"
	"prog.c:9:2: error: unknown type name 'tid_t'\n"
	"prog.c:9:2: error: unknown type name 'tid_t'\n"
	"prog.c:20:2: error: unknown type name 'my_own_t'\n";

TEST(each_unknown_field_type_is_defined_from_size_and_sign)
{
	struct tptypes t = {0};
	const char *text;

	CHECK_INT(
		tptypes_learn(&t, diag, "TRACEPOINT_PROBE(demo, ev) { }", tfs),
		7);
	text = tptypes_text(&t);
	CHECK(strstr(text, "typedef unsigned long long xfs_ino_t;\n"));
	CHECK(strstr(text, "typedef long long xfs_off_t;\n"));
	CHECK(strstr(text, "enum dir_kind { __bcc_hello_dir_kind = 0 };\n"));
	CHECK(strstr(
		text,
		"enum __attribute__((packed)) tiny { __bcc_hello_tiny = 0x7f };\n"));
	CHECK(strstr(
		text,
		"typedef struct { unsigned char __bcc_hello_bytes[16]; } __attribute__((aligned(8))) uuid_t;\n"));
	CHECK(strstr(text, "typedef void handle_t;\n"));
	CHECK(strstr(text, "typedef unsigned int tid_t;\n")); /* 16 / 4 */
	/* Not a tracepoint field's type: the program's own mistake. */
	CHECK(!strstr(text, "my_own_t"));
	/* Learned once: the same errors again add nothing. */
	CHECK_INT(
		tptypes_learn(&t, diag, "TRACEPOINT_PROBE(demo, ev) { }", tfs),
		0);
	tptypes_release(&t);
}

TEST(functions_named_for_the_tracepoint_count_too)
{
	struct tptypes t = {0};

	CHECK_INT(tptypes_learn(&t, "error: unknown type name 'xfs_ino_t'\n",
				"int tracepoint__demo__ev(struct "
				"tracepoint__demo__ev *args) { return 0; }",
				tfs),
		  1);
	tptypes_release(&t);
}

TEST(nothing_without_a_tracepoint_or_a_known_error)
{
	struct tptypes t = {0};

	CHECK_INT(
		tptypes_learn(&t, diag, "int f(void *ctx) { return 0; }", tfs),
		0);
	CHECK_INT(tptypes_learn(&t, "error: expected ';'\n",
				"TRACEPOINT_PROBE(demo, ev) { }", tfs),
		  0);
	/* Names that could leave events/ are never opened. */
	CHECK_INT(tptypes_learn(&t, diag, "TRACEPOINT_PROBE(.., ev) { }", tfs),
		  0);
	CHECK_INT(tptypes_learn(&t, diag, "TRACEPOINT_PROBE(demo, nosuch) { }",
				tfs),
		  0);
	CHECK(strcmp(tptypes_text(&t), "") == 0);
	tptypes_release(&t);
}

int main(void)
{
	make_format();
	RUN(each_unknown_field_type_is_defined_from_size_and_sign);
	RUN(functions_named_for_the_tracepoint_count_too);
	RUN(nothing_without_a_tracepoint_or_a_known_error);
	remove_format();
	return check_failures ? 1 : 0;
}
