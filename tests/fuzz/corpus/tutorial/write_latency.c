/*
 * write_latency.c: how long write(2) takes, as a log2 histogram.
 *
 * Two entry points: at sys_enter_write the thread's start time goes into
 * a hash map; at sys_exit_write the elapsed nanoseconds are counted in a
 * BPF_HISTOGRAM, in the slot bpf_log2l() gives (slot s holds 2^(s-1) to
 * 2^s - 1). bcc-hello prints such a table as a histogram:
 *     @latency_ns (log2 histogram):
 *                value : count      distribution
 *           1024 -> 2047 : 12        |********                |
 *
 * Run it, printing every 5 seconds:
 *     sudo bcc-hello -f programs/write_latency.c -i 5
 */
#ifndef PID_FILTER
#define PID_FILTER 0
#endif

BPF_HASH(start, u32, u64, 10240);
BPF_HISTOGRAM(latency_ns);

TRACEPOINT_PROBE(syscalls, sys_enter_write)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = id, pid = id >> 32;
	u64 now = bpf_ktime_get_ns();

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	start.update(&tid, &now);
	return 0;
}

TRACEPOINT_PROBE(syscalls, sys_exit_write)
{
	u32 tid = bpf_get_current_pid_tgid();
	u64 *t0 = start.lookup(&tid);

	if (!t0)
		return 0;
	latency_ns.increment(bpf_log2l(bpf_ktime_get_ns() - *t0));
	start.delete(&tid);
	return 0;
}
