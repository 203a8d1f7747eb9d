/* test_list.c: listing tracepoints and their fields, against a fake
 * tracefs in a temporary folder, and against the real one when it is
 * there. */
#include "check.h"
#include "error.h"
#include "list.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define COMMON_FIELDS                                                                  \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"         \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"         \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"                     \
	"\n"

/* Format files as a 6.x kernel writes them. */
static const char write_format[] =
	"name: sys_enter_write\n"
	"ID: 840\n"
	"format:\n" COMMON_FIELDS
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int fd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * buf;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t count;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"fd: 0x%08lx, buf: 0x%08lx, count: 0x%08lx\", ((unsigned long)(REC->fd)), ((unsigned long)(REC->buf)), ((unsigned long)(REC->count))\n";

static const char openat_format[] =
	"name: sys_enter_openat\n"
	"ID: 782\n"
	"format:\n" COMMON_FIELDS
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx, filename: 0x%08lx\", ((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename))\n";

static const char switch_format[] =
	"name: sched_switch\n"
	"ID: 372\n"
	"format:\n" COMMON_FIELDS
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"prev_comm=%s prev_pid=%d\", REC->prev_comm, REC->prev_pid\n";

static const char exec_format[] =
	"name: sched_process_exec\n"
	"ID: 365\n"
	"format:\n" COMMON_FIELDS
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, REC->old_pid\n";

/* The fake tracefs: a folder where text is NULL, else a file; created in
 * this order and removed in reverse. */
static const struct {
	const char *path;
	const char *text;
} fake_tree[] = {
	{"events", NULL},
	{"events/enable", "0\n"},
	{"events/header_page", "\tfield: u64 timestamp;\n"},
	{"events/syscalls", NULL},
	{"events/syscalls/enable", "0\n"},
	{"events/syscalls/filter", "none\n"},
	{"events/syscalls/sys_enter_write", NULL},
	{"events/syscalls/sys_enter_write/format", write_format},
	{"events/syscalls/sys_enter_write/enable", "0\n"},
	{"events/syscalls/sys_enter_openat", NULL},
	{"events/syscalls/sys_enter_openat/format", openat_format},
	{"events/syscalls/not_an_event", NULL},
	{"events/syscalls/not_an_event/enable", "0\n"},
	{"events/sched", NULL},
	{"events/sched/sched_switch", NULL},
	{"events/sched/sched_switch/format", switch_format},
	{"events/sched/sched_process_exec", NULL},
	{"events/sched/sched_process_exec/format", exec_format},
};
#define FAKE_TREE_LEN (sizeof(fake_tree) / sizeof(fake_tree[0]))

static void fake_tracefs_make(char *root)
{
	char p[4096];
	FILE *f;

	CHECK(mkdtemp(root) != NULL);
	for (size_t i = 0; i < FAKE_TREE_LEN; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, fake_tree[i].path);
		if (!fake_tree[i].text) {
			CHECK_INT(mkdir(p, 0755), 0);
			continue;
		}
		f = fopen(p, "w");
		CHECK(f != NULL);
		if (!f)
			continue;
		fputs(fake_tree[i].text, f);
		fclose(f);
	}
}

static void fake_tracefs_remove(const char *root)
{
	char p[4096];

	for (size_t i = FAKE_TREE_LEN; i-- > 0;) {
		snprintf(p, sizeof(p), "%s/%s", root, fake_tree[i].path);
		if (fake_tree[i].text)
			CHECK_INT(unlink(p), 0);
		else
			CHECK_INT(rmdir(p), 0);
	}
	CHECK_INT(rmdir(root), 0);
}

/* What list_tracepoints printed (free it), its result in *ret. */
static char *list(const char *root, const char *pattern, bool fields, int *ret,
		  struct error *err)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	*ret = -2;
	out = open_memstream(&text, &size);
	CHECK(out != NULL);
	if (!out)
		return NULL;
	*ret = list_tracepoints(root, pattern, fields, out, err);
	fclose(out);
	return text;
}

TEST(every_event_with_a_format_file_is_listed_sorted)
{
	char root[] = "/tmp/test_list_XXXXXX";
	struct error err = {0};
	const char *want = "sched:sched_process_exec\n"
			   "sched:sched_switch\n"
			   "syscalls:sys_enter_openat\n"
			   "syscalls:sys_enter_write\n";
	char *text;
	int ret;

	fake_tracefs_make(root);
	text = list(root, NULL, false, &ret, &err);
	CHECK_INT(ret, 4);
	CHECK_STR(text, want);
	free(text);

	/* An empty pattern is no pattern. */
	text = list(root, "", false, &ret, &err);
	CHECK_INT(ret, 4);
	CHECK_STR(text, want);
	free(text);
	fake_tracefs_remove(root);
}

TEST(a_glob_lists_only_the_events_it_matches)
{
	char root[] = "/tmp/test_list_XXXXXX";
	struct error err = {0};
	char *text;
	int ret;

	fake_tracefs_make(root);
	text = list(root, "syscalls:sys_enter_wr*", false, &ret, &err);
	CHECK_INT(ret, 1);
	CHECK_STR(text, "syscalls:sys_enter_write\n");
	free(text);

	text = list(root, "sched:*", false, &ret, &err);
	CHECK_INT(ret, 2);
	CHECK_STR(text, "sched:sched_process_exec\nsched:sched_switch\n");
	free(text);

	text = list(root, "*:sys_enter_[ow]*", false, &ret, &err);
	CHECK_INT(ret, 2);
	CHECK_STR(text,
		  "syscalls:sys_enter_openat\nsyscalls:sys_enter_write\n");
	free(text);
	fake_tracefs_remove(root);
}

TEST(a_pattern_matching_nothing_lists_nothing_and_is_no_error)
{
	static const char *const none[] = {
		"nosuch:*",
		"sys_enter_write",	 /* the category is part of the name */
		"syscalls:enable",	 /* a file, not an event */
		"syscalls:not_an_event", /* a folder without format */
		"*:enable",
		"events:*",
	};
	char root[] = "/tmp/test_list_XXXXXX";
	struct error err = {0};
	char *text;
	int ret;

	fake_tracefs_make(root);
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		text = list(root, none[i], true, &ret, &err);
		if (ret != 0 || !text || text[0]) {
			fprintf(stderr,
				"%s: \"%s\": expected 0 and no output, got %d and \"%s\"\n",
				check_current, none[i], ret,
				text ? text : "(null)");
			check_failures++;
		}
		free(text);
	}
	CHECK_STR(err.msg, "");
	fake_tracefs_remove(root);
}

TEST(fields_are_printed_as_args_sees_them_without_common_ones)
{
	char root[] = "/tmp/test_list_XXXXXX";
	struct error err = {0};
	char *text;
	int ret;

	fake_tracefs_make(root);
	text = list(root, "syscalls:sys_enter_write", true, &ret, &err);
	CHECK_INT(ret, 1);
	CHECK_STR(text, "syscalls:sys_enter_write\n"
			"    int __syscall_nr;\n"
			"    unsigned int fd;\n"
			"    const char * buf;\n"
			"    size_t count;\n");
	free(text);

	/* __data_loc fields and arrays stay as the kernel writes them. */
	text = list(root, "sched:*", true, &ret, &err);
	CHECK_INT(ret, 2);
	CHECK_STR(text, "sched:sched_process_exec\n"
			"    __data_loc char[] filename;\n"
			"    pid_t pid;\n"
			"    pid_t old_pid;\n"
			"sched:sched_switch\n"
			"    char prev_comm[16];\n"
			"    pid_t prev_pid;\n"
			"    int prev_prio;\n"
			"    long prev_state;\n"
			"    char next_comm[16];\n"
			"    pid_t next_pid;\n"
			"    int next_prio;\n");
	free(text);

	text = list(root, NULL, true, &ret, &err);
	CHECK_INT(ret, 4);
	CHECK(text && !strstr(text, "common_"));
	CHECK(text && !strstr(text, "offset:"));
	CHECK(text && !strstr(text, "print fmt"));
	free(text);
	fake_tracefs_remove(root);
}

TEST(a_missing_events_folder_is_an_error_naming_it)
{
	char root[] = "/tmp/test_list_XXXXXX", events[4096];
	struct error err = {0};
	char *text;
	int ret;

	CHECK(mkdtemp(root) != NULL);
	snprintf(events, sizeof(events), "%s/events", root);
	text = list(root, NULL, false, &ret, &err);
	CHECK_INT(ret, -1);
	CHECK_STR(text, "");
	CHECK_INT(err.exit_code, EXIT_FAIL);
	if (!strstr(err.msg, events)) {
		fprintf(stderr,
			"%s: expected a message naming %s, got \"%s\"\n",
			check_current, events, err.msg);
		check_failures++;
	}
	free(text);
	CHECK_INT(rmdir(root), 0);
}

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

/* Why the real tracefs cannot be listed here, or NULL when it can. */
static const char *real_tracefs_missing(const char *dir)
{
	char p[4096];
	struct statfs st;

	if (statfs(dir, &st) || st.f_type != TRACEFS_MAGIC)
		return "/sys/kernel/tracing is not a mounted tracefs";
	snprintf(p, sizeof(p), "%s/events", dir);
	if (access(p, R_OK | X_OK))
		return "/sys/kernel/tracing/events is not readable (not root?)";
	snprintf(p, sizeof(p), "%s/events/syscalls/sys_enter_write/format",
		 dir);
	if (access(p, F_OK))
		return "this kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)";
	return NULL;
}

TEST(the_real_tracefs_lists_sys_enter_write)
{
	const char *dir = "/sys/kernel/tracing";
	const char *why = real_tracefs_missing(dir);
	struct error err = {0};
	char *text;
	int ret;

	if (why) {
		printf("skip: %s: %s\n", check_current, why);
		return;
	}
	text = list(dir, NULL, false, &ret, &err);
	CHECK(ret > 1);
	CHECK(text && strstr(text, "\nsyscalls:sys_enter_write\n"));
	free(text);

	text = list(dir, "syscalls:sys_enter_write", true, &ret, &err);
	CHECK_INT(ret, 1);
	CHECK(text && !strncmp(text, "syscalls:sys_enter_write\n", 25));
	CHECK(text && strstr(text, "\n    int __syscall_nr;\n"));
	CHECK(text && !strstr(text, "common_"));
	free(text);
}

int main(void)
{
	RUN(every_event_with_a_format_file_is_listed_sorted);
	RUN(a_glob_lists_only_the_events_it_matches);
	RUN(a_pattern_matching_nothing_lists_nothing_and_is_no_error);
	RUN(fields_are_printed_as_args_sees_them_without_common_ones);
	RUN(a_missing_events_folder_is_an_error_naming_it);
	RUN(the_real_tracefs_lists_sys_enter_write);
	return CHECK_DONE();
}
