/*
 * two_probes.c: several entry points in one file, each attached where
 * its own declaration says.
 *
 * bcc-hello loads every function of the file that names a tracepoint
 * (here with TRACEPOINT_PROBE) and attaches each to its own; -t is not
 * needed. A helper function that should not be an entry point must be
 * `static inline`, so that it is compiled into its callers.
 *
 * Run it for one process (try a shell that opens and closes files):
 *     sudo bcc-hello -f programs/two_probes.c -p 1234
 */
#ifndef PID_FILTER
#define PID_FILTER 0
#endif

/* Is this event of the process we watch? Inlined, not an entry point. */
static inline bool watched(void)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	return !PID_FILTER || pid == PID_FILTER;
}

TRACEPOINT_PROBE(syscalls, sys_enter_openat)
{
	if (watched())
		bpf_trace_printk("openat, flags 0x%x\n", args->flags);
	return 0;
}

TRACEPOINT_PROBE(syscalls, sys_enter_close)
{
	if (watched())
		bpf_trace_printk("close fd %d\n", args->fd);
	return 0;
}
