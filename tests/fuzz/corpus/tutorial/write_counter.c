/*
 * write_counter.c: count in the kernel, print once: a hash map.
 *
 * Instead of one line per write, each process's writes are counted in a
 * BPF_HASH keyed by process ID. Nothing is printed while it runs;
 * bcc-hello prints the map when it stops (Ctrl-C, -d or -c), sorted by
 * value, the largest last, and every N seconds with -i N:
 *     @counts[1234]: 17
 *
 * Run it for ten seconds:
 *     sudo bcc-hello -f programs/write_counter.c -d 10
 */
#ifndef PID_FILTER
#define PID_FILTER 0
#endif

BPF_HASH(counts, u32, u64, 10240);

TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	counts.increment(pid);
	return 0;
}
