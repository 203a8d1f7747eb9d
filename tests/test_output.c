/* test_output.c: trace_pipe lines as the user sees them, written to a
 * memory stream. */
#include "check.h"
#include "output.h"

#include <pthread.h>
#include <unistd.h>

#include <stdlib.h>

#define SELF 4242

#define HEADER "TIME(s)            COMM             PID     CPU MESSAGE\n"

/* What bpf_trace_printk("BPF triggered from PID %d.\n") gives: the line,
 * then the blank line its "\n" leaves. */
#define BASH_LINE \
	"            bash-1234    [001] d..31 12345.678901: bpf_trace_printk: BPF triggered from PID 1234."
#define BASH_ROW \
	"12345.678901       bash             1234    1   BPF triggered from PID 1234.\n"
#define WEB_LINE \
	"     Web Content-4321    [012] ...1.    77.500001: bpf_trace_printk: hi  "
#define WEB_ROW "77.500001          Web Content      4321    12  hi\n"
#define OWN_LINE \
	"       bcc-hello-4242    [000] d..31 12345.700000: bpf_trace_printk: BPF triggered from PID 4242."

struct sink {
	char *text;
	size_t size;
	FILE *f;
	struct output o;
};

static void sink_open(struct sink *s, bool raw, unsigned long limit)
{
	s->text = NULL;
	s->size = 0;
	s->f = open_memstream(&s->text, &s->size);
	CHECK(s->f != NULL);
	output_init(&s->o, s->f, raw, SELF, 0, limit);
}

static int feed(struct sink *s, const char *line)
{
	return output_line(line, strlen(line), &s->o);
}

/* Everything written so far. */
static const char *sink_text(struct sink *s)
{
	CHECK(output_flush(&s->o));
	return s->text ? s->text : "";
}

static void sink_close(struct sink *s)
{
	if (s->f)
		fclose(s->f);
	free(s->text);
}

TEST(an_event_is_printed_in_columns_under_a_header)
{
	struct sink s;

	sink_open(&s, false, 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_STR(sink_text(&s), HEADER BASH_ROW);
	CHECK_INT(s.o.events, 1);
	sink_close(&s);
}

TEST(the_header_is_printed_once)
{
	struct sink s;

	sink_open(&s, false, 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_INT(feed(&s, WEB_LINE), 0);
	CHECK_STR(sink_text(&s), HEADER BASH_ROW WEB_ROW);
	CHECK_INT(s.o.events, 2);
	sink_close(&s);
}

TEST(no_header_before_the_first_event)
{
	struct sink s;

	sink_open(&s, false, 0);
	CHECK_INT(feed(&s, OWN_LINE), 0);
	CHECK_INT(feed(&s, ""), 0);
	CHECK_STR(sink_text(&s), "");
	sink_close(&s);
}

TEST(the_blank_line_of_a_trailing_newline_is_dropped)
{
	struct sink s;

	sink_open(&s, false, 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_INT(feed(&s, ""), 0);
	CHECK_INT(feed(&s, WEB_LINE), 0);
	CHECK_INT(feed(&s, ""), 0);
	CHECK_STR(sink_text(&s), HEADER BASH_ROW WEB_ROW);
	CHECK_INT(s.o.events, 2);
	sink_close(&s);
}

TEST(a_continuation_line_is_printed_in_the_message_column)
{
	struct sink s;

	sink_open(&s, false, 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_INT(feed(&s, "second line"), 0);
	CHECK_STR(
		sink_text(&s), HEADER BASH_ROW
		"                                                second line\n");
	CHECK_INT(s.o.events, 1);
	sink_close(&s);
}

TEST(own_events_and_their_continuations_are_hidden_and_counted)
{
	struct sink s;

	sink_open(&s, false, 0);
	CHECK_INT(feed(&s, OWN_LINE), 0);
	CHECK_INT(feed(&s, "continued by us"), 0);
	CHECK_INT(feed(&s, ""), 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_INT(feed(&s, "continued by bash"), 0);
	CHECK_INT(feed(&s, OWN_LINE), 0);
	CHECK_INT(feed(&s, "continued by us again"), 0);
	CHECK_STR(
		sink_text(&s), HEADER BASH_ROW
		"                                                continued by bash\n");
	CHECK_INT(s.o.own, 2);
	CHECK_INT(s.o.events, 1);
	sink_close(&s);
}

/* A real second thread of this process, alive from live_thread_start to
 * live_thread_stop. */
struct live_thread {
	pthread_t t;
	pid_t tid;
	int ready[2]; /* the thread says it has its ID */
	int hold[2];  /* and lives until hold[1] is closed */
};

static void *thread_tid(void *arg)
{
	struct live_thread *lt = arg;
	char c;

	lt->tid = gettid();
	if (write(lt->ready[1], "x", 1) != 1 || read(lt->hold[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

static void live_thread_start(struct live_thread *lt)
{
	char c;

	CHECK_INT(pipe(lt->ready), 0);
	CHECK_INT(pipe(lt->hold), 0);
	CHECK_INT(pthread_create(&lt->t, NULL, thread_tid, lt), 0);
	CHECK_INT(read(lt->ready[0], &c, 1), 1);
	CHECK(lt->tid != getpid() && lt->tid > 0);
}

static void live_thread_stop(struct live_thread *lt)
{
	close(lt->hold[1]);
	pthread_join(lt->t, NULL);
	close(lt->hold[0]);
	close(lt->ready[0]);
	close(lt->ready[1]);
}

TEST(with_a_pid_only_that_process_and_its_threads_are_shown)
{
	pid_t me = getpid(), tid;
	struct live_thread lt = {0};
	char line[256];
	struct sink s;

	/* A second thread, alive while its line is checked: the line
	 * carries its thread ID, which /proc says belongs to this process. */
	live_thread_start(&lt);
	tid = lt.tid;

	s.text = NULL;
	s.size = 0;
	s.f = open_memstream(&s.text, &s.size);
	output_init(&s.o, s.f, false, SELF, me, 0);
	snprintf(line, sizeof(line),
		 "%16s-%d [001] ...21   10.000001: bpf_trace_printk: main",
		 "test", (int)me);
	feed(&s, line);
	snprintf(
		line, sizeof(line),
		"           other-4194303 [001] ...21   10.000002: bpf_trace_printk: other");
	feed(&s, line);
	snprintf(line, sizeof(line),
		 "%16s-%d [000] ...21   10.000003: bpf_trace_printk: thread",
		 "thread", (int)tid);
	feed(&s, line);
	CHECK_INT(s.o.events, 2);
	CHECK_INT(s.o.others, 1);
	CHECK(strstr(sink_text(&s), "main\n") != NULL);
	CHECK(strstr(sink_text(&s), "thread\n") != NULL);
	CHECK(strstr(sink_text(&s), "other") == NULL);
	sink_close(&s);
	live_thread_stop(&lt);
}

TEST(a_live_thread_is_named_as_proc_names_it)
{
	struct live_thread lt = {0};
	char line[256], stale[256];
	struct sink s;

	/* The kernel's name for a thread is "<...>" until the thread's next
	 * context switch after an event, or the name of an earlier thread
	 * with the same PID. A named live thread of this process stands for
	 * one. */
	live_thread_start(&lt);
	CHECK_INT(pthread_setname_np(lt.t, "named \"thr"), 0);

	sink_open(&s, false, 0);
	snprintf(line, sizeof(line),
		 "%16s-%d [001] ...21   10.000001: bpf_trace_printk: live",
		 "<...>", (int)lt.tid);
	snprintf(stale, sizeof(stale),
		 "%16s-%d [001] ...21   10.000002: bpf_trace_printk: reused",
		 "sleep", (int)lt.tid);
	feed(&s, line);
	feed(&s, stale);
	/* Above any pid_max: no such thread, the kernel's word stays. */
	feed(&s,
	     "           <...>-4194304 [001] ...21   10.000003: bpf_trace_printk: gone");
	feed(&s,
	     "           sleep-4194304 [001] ...21   10.000004: bpf_trace_printk: gone");
	CHECK(strstr(sink_text(&s), "named \"thr       ") != NULL);
	CHECK(strstr(sink_text(&s), "sleep") ==
	      strstr(sink_text(&s), "sleep            4194304 "));
	CHECK(strstr(sink_text(&s), "<...>            4194304 ") != NULL);
	CHECK(strstr(sink_text(&s), "reused") != NULL);

	/* Renamed, it is seen by the next batch (after a flush). */
	CHECK_INT(pthread_setname_np(lt.t, "renamed"), 0);
	feed(&s, stale);
	CHECK(strstr(sink_text(&s), "renamed          ") != NULL);
	sink_close(&s);

	/* --raw prints the kernel's line unchanged. */
	sink_open(&s, true, 0);
	feed(&s, stale);
	CHECK_STR(sink_text(&s), strcat(stale, "\n"));
	sink_close(&s);
	live_thread_stop(&lt);
}

TEST(after_a_stop_signal_nothing_more_is_written_and_events_are_counted)
{
	volatile sig_atomic_t sig = 0;
	struct sink s;

	sink_open(&s, false, 0);
	s.o.stop = &sig;
	s.o.reload_signal = SIGHUP; /* as under --watch */
	sig = SIGHUP;		    /* a reload: lines are still shown */
	CHECK_INT(feed(&s, BASH_LINE), 0);
	sig = SIGTERM;
	CHECK_INT(feed(&s, WEB_LINE), 0);
	CHECK_INT(feed(&s, "its continuation"), 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_STR(sink_text(&s), HEADER BASH_ROW);
	CHECK_INT(s.o.events, 1);
	CHECK_INT(s.o.discarded, 2);
	sink_close(&s);
}

TEST(raw_output_keeps_the_kernel_lines_unchanged)
{
	struct sink s;

	sink_open(&s, true, 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_INT(feed(&s, ""), 0);
	CHECK_INT(feed(&s, WEB_LINE), 0);
	CHECK_INT(feed(&s, "CPU:3 [LOST 12 EVENTS]"), 0);
	CHECK_STR(sink_text(&s),
		  BASH_LINE "\n\n" WEB_LINE "\nCPU:3 [LOST 12 EVENTS]\n");
	CHECK_INT(s.o.events, 2);
	sink_close(&s);
}

/* A file name or a command a user chose, with terminal escape sequences:
 * a window title, a screen clear. */
#define ESC_LINE                                                    \
	"        ev\033]2;x\007-1236    [001] d..31 12345.678901: " \
	"bpf_trace_printk: open \033]2;owned\007\033[2J \\ done"

TEST(control_bytes_of_a_command_or_a_message_are_escaped)
{
	struct sink s;

	sink_open(&s, false, 0);
	CHECK_INT(feed(&s, ESC_LINE), 0);
	CHECK_INT(feed(&s, "and \033[1;1H"), 0);
	CHECK_STR(sink_text(&s),
		  HEADER "12345.678901       ev\\x1b]2;x\\x07   1236    1   "
			 "open \\x1b]2;owned\\x07\\x1b[2J \\\\ done\n"
			 "                                                "
			 "and \\x1b[1;1H\n");
	sink_close(&s);
}

TEST(raw_output_escapes_only_what_a_terminal_acts_on)
{
	struct sink s;

	sink_open(&s, true, 0);
	CHECK_INT(feed(&s, ESC_LINE), 0);
	CHECK_STR(
		sink_text(&s),
		"        ev\\x1b]2;x\\x07-1236    [001] d..31 12345.678901: "
		"bpf_trace_printk: open \\x1b]2;owned\\x07\\x1b[2J \\ done\n");
	sink_close(&s);
}

TEST(raw_output_hides_own_events_too)
{
	struct sink s;

	sink_open(&s, true, 0);
	CHECK_INT(feed(&s, OWN_LINE), 0);
	CHECK_INT(feed(&s, ""), 0);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_STR(sink_text(&s), BASH_LINE "\n");
	CHECK_INT(s.o.own, 1);
	sink_close(&s);
}

TEST(the_limit_stops_after_that_many_events)
{
	struct sink s;

	sink_open(&s, false, 2);
	CHECK_INT(feed(&s, BASH_LINE), 0);
	CHECK_INT(feed(&s, ""), 0);
	CHECK_INT(feed(&s, OWN_LINE), 0); /* hidden: does not count */
	CHECK_INT(feed(&s, WEB_LINE), 1);
	CHECK_INT(feed(&s, BASH_LINE), 1);
	CHECK_INT(feed(&s, "late continuation"), 0);
	CHECK_STR(sink_text(&s), HEADER BASH_ROW WEB_ROW);
	CHECK_INT(s.o.events, 2);
	CHECK_INT(s.o.own, 1);
	/* read past the limit: not shown, counted apart, never lost */
	CHECK_INT(s.o.discarded, 1);
	CHECK_INT(s.o.unwritten, 0);
	sink_close(&s);
}

TEST(a_limit_of_one_stops_at_the_first_event)
{
	struct sink s;

	sink_open(&s, true, 1);
	CHECK_INT(feed(&s, WEB_LINE), 1);
	CHECK_STR(sink_text(&s), WEB_LINE "\n");
	sink_close(&s);
}

TEST(only_len_bytes_of_a_line_are_used)
{
	const char buf[] = BASH_LINE "\n" WEB_LINE;
	struct sink s;

	sink_open(&s, true, 0);
	CHECK_INT(output_line(buf, strlen(BASH_LINE), &s.o), 0);
	CHECK_STR(sink_text(&s), BASH_LINE "\n");
	sink_close(&s);
}

int main(void)
{
	RUN(an_event_is_printed_in_columns_under_a_header);
	RUN(the_header_is_printed_once);
	RUN(no_header_before_the_first_event);
	RUN(the_blank_line_of_a_trailing_newline_is_dropped);
	RUN(a_continuation_line_is_printed_in_the_message_column);
	RUN(own_events_and_their_continuations_are_hidden_and_counted);
	RUN(with_a_pid_only_that_process_and_its_threads_are_shown);
	RUN(a_live_thread_is_named_as_proc_names_it);
	RUN(after_a_stop_signal_nothing_more_is_written_and_events_are_counted);
	RUN(raw_output_keeps_the_kernel_lines_unchanged);
	RUN(control_bytes_of_a_command_or_a_message_are_escaped);
	RUN(raw_output_escapes_only_what_a_terminal_acts_on);
	RUN(raw_output_hides_own_events_too);
	RUN(the_limit_stops_after_that_many_events);
	RUN(a_limit_of_one_stops_at_the_first_event);
	RUN(only_len_bytes_of_a_line_are_used);
	return CHECK_DONE();
}
