/* test_tracepipe.c: parsing trace_pipe lines, naming instances, finding
 * stale ones (against a fake /proc), counting lost events, and splitting
 * what is read into lines. */
#include "check.h"
#include "tracepipe.h"
#include "owned.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(const char *line, struct trace_line *tl)
{
	memset(tl, 0, sizeof(*tl));
	return trace_line_parse(line, strlen(line), tl);
}

TEST(a_padded_bpf_trace_printk_line_is_split_into_its_fields)
{
	struct trace_line tl;

	CHECK_INT(
		parse("            bash-1234    [001] d..31 12345.678901: bpf_trace_printk: BPF triggered from PID 1234.",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "bash");
	CHECK_INT(tl.pid, 1234);
	CHECK_INT(tl.cpu, 1);
	CHECK_SPAN(tl.flags, tl.flags_len, "d..31");
	CHECK_SPAN(tl.time, tl.time_len, "12345.678901");
	CHECK_SPAN(tl.event, tl.event_len, "bpf_trace_printk");
	CHECK_SPAN(tl.msg, tl.msg_len, "BPF triggered from PID 1234.");
}

TEST(a_comm_with_spaces_is_kept_whole)
{
	struct trace_line tl;

	CHECK_INT(
		parse("     Web Content-4321    [000] ...1.    77.500001: bpf_trace_printk: hi",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "Web Content");
	CHECK_INT(tl.pid, 4321);
	CHECK_INT(tl.cpu, 0);
	CHECK_SPAN(tl.time, tl.time_len, "77.500001");
	CHECK_SPAN(tl.msg, tl.msg_len, "hi");
}

TEST(a_comm_with_dashes_and_digits_ends_at_the_last_dash)
{
	struct trace_line tl;

	CHECK_INT(
		parse("systemd-journal-1-42     [003] d..2.  5.000001: bpf_trace_printk: x",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "systemd-journal-1");
	CHECK_INT(tl.pid, 42);
	CHECK_INT(tl.cpu, 3);

	CHECK_INT(
		parse("   kworker/u16:2-5678    [002] ..s1. 100.000001: bpf_trace_printk: y",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "kworker/u16:2");
	CHECK_INT(tl.pid, 5678);
}

TEST(an_unknown_comm_is_parsed)
{
	struct trace_line tl;

	CHECK_INT(
		parse("           <...>-98765   [015] d..31  1.000000: bpf_trace_printk: z",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "<...>");
	CHECK_INT(tl.pid, 98765);
	CHECK_INT(tl.cpu, 15);
}

TEST(the_tgid_column_is_skipped)
{
	struct trace_line tl;

	CHECK_INT(
		parse("     gnome-shell-2201    ( 2200) [001] d..3.  5.000001: bpf_trace_printk: from a thread",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "gnome-shell");
	CHECK_INT(tl.pid, 2201);
	CHECK_INT(tl.cpu, 1);
	CHECK_SPAN(tl.flags, tl.flags_len, "d..3.");
	CHECK_SPAN(tl.msg, tl.msg_len, "from a thread");

	/* The kernel prints dashes when it does not know the tgid. */
	CHECK_INT(
		parse("          <idle>-0       (-------) [002] dNh2.  9.1: bpf_trace_printk: idle",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "<idle>");
	CHECK_INT(tl.pid, 0);
	CHECK_INT(tl.cpu, 2);
	CHECK_SPAN(tl.msg, tl.msg_len, "idle");
}

/* A line as the kernel's trace_print_context() prints it, with tgid -1
 * without options/record-tgid (0 for a tgid it does not know), and flags
 * NULL without options/irq-info: parse it and check every field. */
static void check_kernel_line(const char *comm, int pid, int cpu, int tgid,
			      const char *flags)
{
	char tgid_col[16] = "", line[256];
	struct trace_line tl;
	int before = check_failures;

	if (tgid == 0)
		snprintf(tgid_col, sizeof(tgid_col), "(-------) ");
	else if (tgid > 0)
		snprintf(tgid_col, sizeof(tgid_col), "(%7d) ", tgid);
	snprintf(line, sizeof(line),
		 "%16s-%-7d %s[%03d] %s %5lu.%06lu: bpf_trace_printk: %s", comm,
		 pid, tgid_col, cpu, flags ? flags : "", 5443UL, 208356UL,
		 "hi [7] x-8: y");
	CHECK_INT(parse(line, &tl), 0);
	CHECK_SPAN(tl.comm, tl.comm_len, comm);
	CHECK_INT(tl.pid, pid);
	CHECK_INT(tl.cpu, cpu);
	CHECK_SPAN(tl.flags, tl.flags_len, flags ? flags : "");
	CHECK_SPAN(tl.time, tl.time_len, "5443.208356");
	CHECK_SPAN(tl.event, tl.event_len, "bpf_trace_printk");
	CHECK_SPAN(tl.msg, tl.msg_len, "hi [7] x-8: y");
	if (check_failures != before)
		fprintf(stderr, "    in the line \"%s\"\n", line);
}

TEST(every_combination_of_the_tgid_and_irq_flags_columns_parses)
{
	static const struct {
		const char *comm;
		int pid, cpu;
	} tasks[] = {
		{"bash", 1234, 1},	  {"kworker/0:1-events", 77, 3},
		{"<...>", 98765, 15},	  {"<idle>", 0, 0},
		{"Web Content", 4321, 2}, {"systemd-journal-1", 42, 127},
	};
	static const int tgids[] = {-1, 0, 2200};
	static const char *const flags[] = {NULL, "d..31", ".....", "dNh2."};
	size_t nt = sizeof(tasks) / sizeof(tasks[0]);
	size_t ng = sizeof(tgids) / sizeof(tgids[0]);
	size_t nf = sizeof(flags) / sizeof(flags[0]);

	for (size_t i = 0; i < nt * ng * nf; i++)
		check_kernel_line(tasks[i / (ng * nf)].comm,
				  tasks[i / (ng * nf)].pid,
				  tasks[i / (ng * nf)].cpu, tgids[i / nf % ng],
				  flags[i % nf]);
}

TEST(a_line_without_irq_flags_parses)
{
	struct trace_line tl;

	/* options/irq-info off, as the fuzzing pass found it. */
	CHECK_INT(
		parse("            bash-1234    [001]  5443.208356: bpf_trace_printk: BPF triggered from PID 1234.",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "bash");
	CHECK_INT(tl.pid, 1234);
	CHECK_INT(tl.cpu, 1);
	CHECK_INT(tl.flags_len, 0);
	CHECK_SPAN(tl.time, tl.time_len, "5443.208356");
	CHECK_SPAN(tl.event, tl.event_len, "bpf_trace_printk");
	CHECK_SPAN(tl.msg, tl.msg_len, "BPF triggered from PID 1234.");

	/* with the tgid column */
	CHECK_INT(
		parse("kworker/0:1-events-77      (     77) [003]     12.000001: bpf_trace_printk: k",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "kworker/0:1-events");
	CHECK_INT(tl.pid, 77);
	CHECK_INT(tl.cpu, 3);
	CHECK_INT(tl.flags_len, 0);
	CHECK_SPAN(tl.time, tl.time_len, "12.000001");
	CHECK_SPAN(tl.msg, tl.msg_len, "k");
}

TEST(a_counter_clock_timestamp_without_a_dot_parses)
{
	struct trace_line tl;

	/* trace_clock "counter" or "x86-tsc": " %12llu: " */
	CHECK_INT(
		parse("           <...>-5       [000] d..1.  123456789012: bpf_trace_printk: c",
		      &tl),
		0);
	CHECK_SPAN(tl.flags, tl.flags_len, "d..1.");
	CHECK_SPAN(tl.time, tl.time_len, "123456789012");
	CHECK_INT(
		parse("           <...>-5       [000]  123456789012: bpf_trace_printk: c",
		      &tl),
		0);
	CHECK_INT(tl.flags_len, 0);
	CHECK_SPAN(tl.time, tl.time_len, "123456789012");
	CHECK_SPAN(tl.msg, tl.msg_len, "c");
}

/* A command a user chose to look like a whole line's task, CPU, time and
 * event: the PID and the CPU are still the ones the kernel printed. */
TEST(a_comm_that_forges_a_task_cpu_and_event_is_kept_whole)
{
	char line[256];
	struct trace_line tl;

	snprintf(line, sizeof(line),
		 "%16s-%-7d [%03d] d..31 %5lu.%06lu: bpf_trace_printk: %s",
		 "-4242 [0] 1: e:", 31337, 1, 77UL, 5UL, "openat /tmp/x");
	CHECK_INT(parse(line, &tl), 0);
	CHECK_SPAN(tl.comm, tl.comm_len, "-4242 [0] 1: e:");
	CHECK_INT(tl.pid, 31337);
	CHECK_INT(tl.cpu, 1);
	CHECK_SPAN(tl.msg, tl.msg_len, "openat /tmp/x");
	/* not padded as the kernel pads it: not a line of the kernel's */
	CHECK_INT(parse("-4242 [0] 1: e: openat /etc/shadow", &tl), -1);
	CHECK_INT(parse("  sshd-1 [0] 1.0: e: openat /etc/shadow", &tl), -1);
}

TEST(a_comm_that_looks_like_a_task_and_a_cpu_column_is_kept_whole)
{
	struct trace_line tl;

	/* The '-' before the PID is at column 16, where the kernel's
	 * "%16s-%-7d" puts it: "-1 [2]" is part of the comm. */
	CHECK_INT(
		parse("       a-1 [2] b-55      [004] ....  1.000000: bpf_trace_printk: m",
		      &tl),
		0);
	CHECK_SPAN(tl.comm, tl.comm_len, "a-1 [2] b");
	CHECK_INT(tl.pid, 55);
	CHECK_INT(tl.cpu, 4);
	CHECK_SPAN(tl.msg, tl.msg_len, "m");
}

TEST(an_old_kernel_event_column_and_a_message_with_colons_parse)
{
	struct trace_line tl;

	CHECK_INT(
		parse("            bash-1234  [001] ....  12.5: 0: a: b [7] c-8 [9]",
		      &tl),
		0);
	CHECK_SPAN(tl.event, tl.event_len, "0");
	CHECK_SPAN(tl.msg, tl.msg_len, "a: b [7] c-8 [9]");
	CHECK_INT(tl.cpu, 1);
	CHECK_INT(tl.pid, 1234);
}

TEST(an_empty_message_is_a_trace_line)
{
	struct trace_line tl;

	CHECK_INT(parse("            bash-1 [000] .... 1.0: bpf_trace_printk:",
			&tl),
		  0);
	CHECK_INT(tl.msg_len, 0);
	CHECK_SPAN(tl.event, tl.event_len, "bpf_trace_printk");
}

TEST(only_len_bytes_are_parsed)
{
	const char buf[] =
		"            bash-77 [004] .... 3.25: bpf_trace_printk: hello\nnext-1 [000]";
	struct trace_line tl;

	CHECK_INT(trace_line_parse(buf, strchr(buf, '\n') - buf, &tl), 0);
	CHECK_SPAN(tl.msg, tl.msg_len, "hello");
	CHECK_INT(tl.cpu, 4);
}

TEST(the_blank_continuation_line_is_not_a_trace_line)
{
	struct trace_line tl;

	CHECK_INT(trace_line_parse("", 0, &tl), -1);
	CHECK_INT(parse("   ", &tl), -1);
}

TEST(garbage_and_kernel_notices_are_not_trace_lines)
{
	static const char *const bad[] = {
		"hello world",
		"CPU:3 [LOST 12 EVENTS]",
		"##### CPU 2 buffer started ####",
		"second line of a message",
		"bash-1234 [001]",
		"bash-1234 [001] d..31",
		"bash-1234 [001] d..31 12345.678901:",
		"bash-1234 [001] d..31 12345.678901: bpf_trace_printk",
		"bash-1234 [001] d..31 12345.678901: no colon here",
		"bash-x [001] d..31 1.0: bpf_trace_printk: pid not a number",
		"bash1234 [001] d..31 1.0: bpf_trace_printk: no dash",
		"bash-1234567890 [001] d..31 1.0: bpf_trace_printk: long pid",
		"bash-12 [1234567] d..31 1.0: bpf_trace_printk: long cpu",
		"bash-12 [] d..31 1.0: bpf_trace_printk: empty cpu",
		"bash-12 [0 d..31 1.0: bpf_trace_printk: open bracket",
		"bash-12 ( 12 [0] d..31 1.0: bpf_trace_printk: open paren",
		"bash-12 [000]  1.0 bpf_trace_printk: no flags, no colon",
		"bash-12 [000]  1.0:bpf_trace_printk: no space after the time",
		"bash-12 [000] d..31 d..31 1.0: bpf_trace_printk: two flags",
		"bash-12 (x) [000] 1.0: bpf_trace_printk: tgid not a number",
	};
	struct trace_line tl;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &tl) != -1) {
			fprintf(stderr, "%s: parsed \"%s\" as a trace line\n",
				check_current, bad[i]);
			check_failures++;
		}
	}
}

TEST(instance_names_carry_the_pid_then_a_number)
{
	char buf[64], small[8];

	tracepipe_instance_name(buf, sizeof(buf), 4321, 1);
	CHECK_STR(buf, "bcc-hello-4321");
	tracepipe_instance_name(buf, sizeof(buf), 4321, 2);
	CHECK_STR(buf, "bcc-hello-4321-2");
	tracepipe_instance_name(small, sizeof(small), 4321, 1);
	CHECK_STR(small, "bcc-hel");
}

/* A folder is abandoned once nothing holds it: not by its name. */
TEST(a_folder_is_abandoned_only_when_no_run_holds_it)
{
	char root[] = "/tmp/test_tracepipe_owned_XXXXXX", p[4096];
	int dir, hold, again;

	CHECK(mkdtemp(root) != NULL);
	snprintf(p, sizeof(p), "%s/bcc-hello-1", root);
	CHECK_INT(mkdir(p, 0700), 0);
	dir = open(root, O_RDONLY | O_DIRECTORY);
	hold = owned_hold(p);
	CHECK(dir >= 0 && hold >= 0);
	CHECK(!owned_abandoned(dir, "bcc-hello-1"));
	again = owned_hold(p); /* two holders: a shared lock */
	CHECK(again >= 0);
	close(hold);
	CHECK(!owned_abandoned(dir, "bcc-hello-1"));
	close(again);
	CHECK(owned_abandoned(dir, "bcc-hello-1"));
	CHECK(!owned_abandoned(dir, "no-such-folder"));
	CHECK_INT(rmdir(p), 0);
	close(dir);
	CHECK_INT(rmdir(root), 0);
}

TEST(a_made_folder_is_held_before_its_name_is_seen)
{
	char root[] = "/tmp/test_tracepipe_owned_XXXXXX", out[4096];
	int dir, hold;

	CHECK(mkdtemp(root) != NULL);
	hold = owned_mkdtemp(root, "bcc-hello-headers-7-", out, sizeof(out));
	CHECK(hold >= 0);
	CHECK(strncmp(out + strlen(root), "/bcc-hello-headers-7-", 21) == 0);
	CHECK_INT(strlen(out), strlen(root) + 21 + 6);
	dir = open(root, O_RDONLY | O_DIRECTORY);
	CHECK(!owned_abandoned(dir, strrchr(out, '/') + 1));
	close(hold);
	CHECK(owned_abandoned(dir, strrchr(out, '/') + 1));
	close(dir);
	CHECK_INT(rmdir(out), 0);
	CHECK_INT(rmdir(root), 0); /* nothing else was left: no ".name" */
}

/* per_cpu/cpuN/stats as the kernel writes it. */
#define STATS(overrun, commit, dropped, read) \
	"entries: 12\n"                       \
	"overrun: " overrun "\n"              \
	"commit overrun: " commit "\n"        \
	"bytes: 4096\n"                       \
	"oldest event ts:  1234.567890\n"     \
	"now ts:  1240.000001\n"              \
	"dropped events: " dropped "\n"       \
	"read events: " read "\n"

TEST(lost_events_sum_overruns_and_drops_but_not_reads)
{
	CHECK_INT(tracepipe_stats_lost(STATS("5", "2", "3", "100")), 10);
	CHECK_INT(tracepipe_stats_lost(STATS("0", "0", "0", "77")), 0);
	CHECK_INT(tracepipe_stats_lost(
			  STATS("4000000000", "0", "4000000000", "0")),
		  8000000000ULL);
	CHECK_INT(tracepipe_stats_lost(""), 0);
}

TEST(lost_events_of_several_cpus_add_up)
{
	CHECK_INT(
		tracepipe_stats_lost("\n" STATS("1", "0", "0", "5") "\n" STATS(
			"0", "20", "300", "5")),
		321);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

TEST(lost_counts_what_the_cpus_lost_since_open)
{
	char root[] = "/tmp/test_tracepipe_inst_XXXXXX", p[4096];
	struct tracepipe *tp = calloc(1, sizeof(*tp));

	CHECK(tp != NULL);
	CHECK(mkdtemp(root) != NULL);
	if (!tp)
		return;
	snprintf(tp->dir, sizeof(tp->dir), "%s", root);
	snprintf(p, sizeof(p), "%s/per_cpu", root);
	CHECK_INT(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/per_cpu/cpu0", root);
	CHECK_INT(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/per_cpu/cpu1", root);
	CHECK_INT(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/per_cpu/cpu0/stats", root);
	write_file(p, STATS("7", "0", "1", "50"));
	snprintf(p, sizeof(p), "%s/per_cpu/cpu1/stats", root);
	write_file(p, STATS("0", "2", "0", "9"));

	CHECK_INT(tracepipe_lost(tp), 10);
	tp->lost_base = 4;
	CHECK_INT(tracepipe_lost(tp), 6);
	tp->lost_base = 11; /* a counter that went back never goes negative */
	CHECK_INT(tracepipe_lost(tp), 0);

	snprintf(p, sizeof(p), "%s/per_cpu/cpu0/stats", root);
	unlink(p);
	snprintf(p, sizeof(p), "%s/per_cpu/cpu1/stats", root);
	unlink(p);
	snprintf(p, sizeof(p), "%s/per_cpu/cpu0", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/per_cpu/cpu1", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/per_cpu", root);
	rmdir(p);
	CHECK_INT(rmdir(root), 0);
	free(tp);
}

/* Lines handed over by tracepipe_read, joined with '|'. */
struct collected {
	char text[256];
	int calls;
	int stop_after; /* return 1 after this many lines, 0 = never */
};

static int collect(const char *line, size_t len, void *ctx)
{
	struct collected *c = ctx;
	size_t have = strlen(c->text);

	snprintf(c->text + have, sizeof(c->text) - have, "%.*s|", (int)len,
		 line);
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after;
}

static struct tracepipe *pipe_reader(int fds[2])
{
	struct tracepipe *tp = calloc(1, sizeof(*tp));

	CHECK(tp != NULL);
	if (!tp || pipe(fds)) {
		free(tp);
		return NULL;
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	tp->fd = fds[0];
	return tp;
}

TEST(read_splits_lines_and_keeps_a_partial_one_for_later)
{
	struct collected c = {"", 0, 0};
	struct tracepipe *tp;
	int fds[2];

	tp = pipe_reader(fds);
	if (!tp)
		return;
	CHECK_INT(write(fds[1], "one\n\ntw", 7), 7);
	CHECK_INT(tracepipe_read(tp, collect, &c), 7);
	CHECK_STR(c.text, "one||");
	CHECK_INT(tp->len, 2);
	CHECK_INT(write(fds[1], "o\nthree\n", 8), 8);
	CHECK_INT(tracepipe_read(tp, collect, &c), 8);
	CHECK_STR(c.text, "one||two|three|");
	CHECK_INT(tp->len, 0);
	CHECK_INT(tracepipe_read(tp, collect, &c), 0); /* nothing ready */
	CHECK_INT(c.calls, 4);
	close(fds[0]);
	close(fds[1]);
	free(tp);
}

/* Even past the line after which it wants no more, the consumer sees
 * every line read: what it does not show, it counts. */
TEST(read_hands_every_line_read_to_the_consumer)
{
	struct collected c = {"", 0, 2};
	struct tracepipe *tp;
	int fds[2];

	tp = pipe_reader(fds);
	if (!tp)
		return;
	CHECK_INT(write(fds[1], "a\nb\nc\n", 6), 6);
	CHECK_INT(tracepipe_read(tp, collect, &c), 6);
	CHECK_STR(c.text, "a|b|c|");
	CHECK_INT(c.calls, 3);
	close(fds[0]);
	close(fds[1]);
	free(tp);
}

TEST(read_reports_an_error_on_a_bad_descriptor)
{
	struct collected c = {"", 0, 0};
	struct tracepipe *tp = calloc(1, sizeof(*tp));

	CHECK(tp != NULL);
	if (!tp)
		return;
	tp->fd = -1;
	errno = 0;
	CHECK_INT(tracepipe_read(tp, collect, &c), -1);
	CHECK_INT(errno, EBADF);
	CHECK_INT(c.calls, 0);
	free(tp);
}

int main(void)
{
	RUN(a_padded_bpf_trace_printk_line_is_split_into_its_fields);
	RUN(a_comm_with_spaces_is_kept_whole);
	RUN(a_comm_with_dashes_and_digits_ends_at_the_last_dash);
	RUN(an_unknown_comm_is_parsed);
	RUN(the_tgid_column_is_skipped);
	RUN(every_combination_of_the_tgid_and_irq_flags_columns_parses);
	RUN(a_line_without_irq_flags_parses);
	RUN(a_counter_clock_timestamp_without_a_dot_parses);
	RUN(a_comm_that_looks_like_a_task_and_a_cpu_column_is_kept_whole);
	RUN(a_comm_that_forges_a_task_cpu_and_event_is_kept_whole);
	RUN(an_old_kernel_event_column_and_a_message_with_colons_parse);
	RUN(an_empty_message_is_a_trace_line);
	RUN(only_len_bytes_are_parsed);
	RUN(the_blank_continuation_line_is_not_a_trace_line);
	RUN(garbage_and_kernel_notices_are_not_trace_lines);
	RUN(instance_names_carry_the_pid_then_a_number);
	RUN(a_folder_is_abandoned_only_when_no_run_holds_it);
	RUN(a_made_folder_is_held_before_its_name_is_seen);
	RUN(lost_events_sum_overruns_and_drops_but_not_reads);
	RUN(lost_events_of_several_cpus_add_up);
	RUN(lost_counts_what_the_cpus_lost_since_open);
	RUN(read_splits_lines_and_keeps_a_partial_one_for_later);
	RUN(read_hands_every_line_read_to_the_consumer);
	RUN(read_reports_an_error_on_a_bad_descriptor);
	return CHECK_DONE();
}
