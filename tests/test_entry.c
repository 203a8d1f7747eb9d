/* test_entry.c: where an entry point attaches, from its BCC name or its
 * libbpf SEC(), and how it is loaded and described. */
#include "check.h"
#include "entry.h"

#include <linux/bpf.h>

/* Classify func (section) and check the kind, category and event. */
static void check_entry(const char *func, const char *section,
			enum entry_kind kind, const char *category,
			const char *event, int line)
{
	struct entry e;
	enum entry_kind got = entry_classify(&e, func, section);

	if (got != kind || e.kind != kind || strcmp(e.func, func) ||
	    (category && strcmp(e.category, category)) ||
	    (event && strcmp(e.event, event))) {
		fprintf(stderr,
			"%s:%d: %s: %s (SEC \"%s\"): expected kind %d \"%s\" \"%s\", got %d/%d \"%s\" \"%s\" (func \"%s\")\n",
			__FILE__, line, check_current, func,
			section ? section : "(none)", kind,
			category ? category : "", event ? event : "", got,
			e.kind, e.category, e.event, e.func);
		check_failures++;
	}
}
#define CHECK_ENTRY(func, section, kind, category, event) \
	check_entry((func), (section), (kind), (category), (event), __LINE__)

/* entry_describe of func (section). */
static const char *described(const char *func, const char *section)
{
	static char buf[300];
	struct entry e;

	entry_classify(&e, func, section);
	return entry_describe(&e, buf, sizeof(buf));
}

static int prog_type(const char *func, const char *section)
{
	struct entry e;

	entry_classify(&e, func, section);
	return entry_prog_type(&e);
}

TEST(bcc_tracepoint_names_attach_to_their_tracepoint)
{
	CHECK_ENTRY("tracepoint__syscalls__sys_enter_write", NULL,
		    ENTRY_TRACEPOINT, "syscalls", "sys_enter_write");
	CHECK_ENTRY("tracepoint__sched__sched_process_exec", NULL,
		    ENTRY_TRACEPOINT, "sched", "sched_process_exec");
}

TEST(bcc_raw_tracepoint_names_attach_to_their_event)
{
	CHECK_ENTRY("raw_tracepoint__sched_switch", NULL, ENTRY_RAW_TRACEPOINT,
		    NULL, "sched_switch");
}

TEST(bcc_kprobe_names_are_unsupported_and_say_what_they_are)
{
	struct entry e;

	CHECK_INT(entry_classify(&e, "kprobe__do_sys_open", NULL),
		  ENTRY_UNSUPPORTED);
	CHECK_STR(e.what, "kprobe do_sys_open");
	CHECK_INT(entry_classify(&e, "kretprobe__x", NULL), ENTRY_UNSUPPORTED);
	CHECK_STR(e.what, "kretprobe x");
}

TEST(a_plain_function_is_plain)
{
	CHECK_ENTRY("hello", NULL, ENTRY_PLAIN, "", "");
	/* Almost a BCC name is no BCC name. */
	CHECK_ENTRY("tracepoint__syscalls", NULL, ENTRY_PLAIN, NULL, NULL);
	CHECK_ENTRY("my_tracepoint__a__b", NULL, ENTRY_PLAIN, NULL, NULL);
}

TEST(libbpf_tracepoint_sections_attach_to_their_tracepoint)
{
	CHECK_ENTRY("handle", "tp/sched/sched_switch", ENTRY_TRACEPOINT,
		    "sched", "sched_switch");
	CHECK_ENTRY("handle", "tracepoint/a/b", ENTRY_TRACEPOINT, "a", "b");
	CHECK_ENTRY("handle", "tp/syscalls/sys_enter_write", ENTRY_TRACEPOINT,
		    "syscalls", "sys_enter_write");
}

TEST(libbpf_raw_tracepoint_sections_attach_to_their_event)
{
	CHECK_ENTRY("handle", "raw_tp/x", ENTRY_RAW_TRACEPOINT, NULL, "x");
	CHECK_ENTRY("handle", "raw_tracepoint/sched_switch",
		    ENTRY_RAW_TRACEPOINT, NULL, "sched_switch");
}

TEST(libbpf_probe_sections_are_unsupported_and_say_what_they_are)
{
	struct entry e;

	CHECK_INT(entry_classify(&e, "handle", "kprobe/do_unlinkat"),
		  ENTRY_UNSUPPORTED);
	CHECK(strstr(e.what, "kprobe/do_unlinkat") != NULL);
	CHECK_INT(entry_classify(&e, "handle", "uprobe//bin/sh:main"),
		  ENTRY_UNSUPPORTED);
	CHECK(strstr(e.what, "uprobe//bin/sh:main") != NULL);
}

TEST(a_tracepoint_section_without_an_event_is_plain)
{
	CHECK_ENTRY("handle", "tp/a", ENTRY_PLAIN, NULL, NULL);
	CHECK_ENTRY("handle", "tp/a/", ENTRY_PLAIN, NULL, NULL);
	CHECK_ENTRY("handle", "tp//b", ENTRY_PLAIN, NULL, NULL);
	/* An unknown section is no attach point either. */
	CHECK_ENTRY("handle", "license", ENTRY_PLAIN, NULL, NULL);
}

TEST(the_section_wins_over_the_name)
{
	CHECK_ENTRY("tracepoint__syscalls__sys_enter_write",
		    "tp/sched/sched_switch", ENTRY_TRACEPOINT, "sched",
		    "sched_switch");
}

TEST(tracepoints_load_as_tracepoint_programs)
{
	CHECK_INT(prog_type("tracepoint__syscalls__sys_enter_write", NULL),
		  BPF_PROG_TYPE_TRACEPOINT);
	CHECK_INT(prog_type("handle", "tp/sched/sched_switch"),
		  BPF_PROG_TYPE_TRACEPOINT);
	/* A plain function attaches to -t, a tracepoint. */
	CHECK_INT(prog_type("hello", NULL), BPF_PROG_TYPE_TRACEPOINT);
}

TEST(raw_tracepoints_load_as_raw_tracepoint_programs)
{
	CHECK_INT(prog_type("raw_tracepoint__sched_switch", NULL),
		  BPF_PROG_TYPE_RAW_TRACEPOINT);
	CHECK_INT(prog_type("handle", "raw_tp/x"),
		  BPF_PROG_TYPE_RAW_TRACEPOINT);
}

TEST(descriptions_name_the_kind_and_the_target)
{
	CHECK_STR(described("tracepoint__syscalls__sys_enter_write", NULL),
		  "tracepoint syscalls:sys_enter_write");
	CHECK_STR(described("handle", "tp/sched/sched_switch"),
		  "tracepoint sched:sched_switch");
	CHECK_STR(described("raw_tracepoint__sched_switch", NULL),
		  "raw tracepoint sched_switch");
	CHECK_STR(described("handle", "raw_tp/x"), "raw tracepoint x");
	CHECK_STR(described("kprobe__do_sys_open", NULL), "kprobe do_sys_open");
	CHECK_STR(described("kretprobe__x", NULL), "kretprobe x");
	CHECK_STR(described("handle", "kprobe/do_unlinkat"),
		  "SEC kprobe/do_unlinkat");
}

TEST(a_description_fits_the_buffer)
{
	char small[12];
	struct entry e;

	memset(small, 'x', sizeof(small));
	entry_classify(&e, "tracepoint__syscalls__sys_enter_write", NULL);
	entry_describe(&e, small, sizeof(small));
	CHECK_STR(small, "tracepoint ");
}

int main(void)
{
	RUN(bcc_tracepoint_names_attach_to_their_tracepoint);
	RUN(bcc_raw_tracepoint_names_attach_to_their_event);
	RUN(bcc_kprobe_names_are_unsupported_and_say_what_they_are);
	RUN(a_plain_function_is_plain);
	RUN(libbpf_tracepoint_sections_attach_to_their_tracepoint);
	RUN(libbpf_raw_tracepoint_sections_attach_to_their_event);
	RUN(libbpf_probe_sections_are_unsupported_and_say_what_they_are);
	RUN(a_tracepoint_section_without_an_event_is_plain);
	RUN(the_section_wins_over_the_name);
	RUN(tracepoints_load_as_tracepoint_programs);
	RUN(raw_tracepoints_load_as_raw_tracepoint_programs);
	RUN(descriptions_name_the_kind_and_the_target);
	RUN(a_description_fits_the_buffer);
	return CHECK_DONE();
}
