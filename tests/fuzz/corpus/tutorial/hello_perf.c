/*
 * hello_perf.c: the same events through a perf buffer.
 *
 * BPF_PERF_OUTPUT is what BCC programs used before ring buffers (kernel
 * 5.8): one buffer per CPU, and perf_submit copies the struct into the
 * buffer of the CPU the program runs on. When a CPU's buffer is full the
 * kernel drops records and tells user space how many; bcc-hello counts
 * them in its exit summary ("N lost").
 *
 * Run it:
 *     sudo bcc-hello -f programs/hello_perf.c -p 1234
 */
#ifndef PID_FILTER
#define PID_FILTER 0
#endif

struct event {
	u32 pid;
	u32 fd;
	u64 bytes;
	char comm[16];
};

BPF_PERF_OUTPUT(events);

TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	struct event e = {};

	e.pid = bpf_get_current_pid_tgid() >> 32;
	if (PID_FILTER && e.pid != PID_FILTER)
		return 0;
	e.fd = args->fd;
	e.bytes = args->count;
	bpf_get_current_comm(&e.comm, sizeof(e.comm));
	events.perf_submit(args, &e, sizeof(e));
	return 0;
}
