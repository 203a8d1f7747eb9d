/*
 * hello_ringbuf.c: Hello World, the better way: a ring buffer.
 *
 * Printing with trace_printk is the first step, not the last: at most three
 * arguments, one pipe for the whole machine, text formatted in the kernel.
 * A BPF_RINGBUF_OUTPUT table sends a struct instead; user space decodes
 * it. bcc-hello needs no code for that: libbcc records the fields of what
 * the program submits, and each record is printed by name,
 *     5443.208356        events: pid=1234 comm=bash bytes=17
 * or, with --json, as {"ts":...,"table":"events","pid":1234,...}.
 *
 * ringbuf_reserve gives a slot in the buffer, the program fills it, and
 * ringbuf_submit hands it over; when the buffer is full, the reserve
 * fails and the event is dropped in the kernel (make the buffer bigger:
 * the number is in pages, a power of two).
 *
 * Run it:
 *     sudo bcc-hello -f programs/hello_ringbuf.c -p 1234
 */
#ifndef PID_FILTER
#define PID_FILTER 0
#endif

struct event {
	u32 pid;
	char comm[16];
	u64 bytes;
};

BPF_RINGBUF_OUTPUT(events, 64);

TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *e;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	e = events.ringbuf_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->pid = pid;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->bytes = args->count;
	events.ringbuf_submit(e, 0);
	return 0;
}
