/*
 * openat.c: read a system call's argument, BCC style.
 *
 * TRACEPOINT_PROBE(syscalls, sys_enter_openat) defines the entry point and
 * says where it attaches, so no -t is needed. libbcc gives it `args`, a
 * struct laid out as the running kernel's tracepoint format says; list the
 * fields with
 *     sudo bcc-hello -l 'syscalls:sys_enter_openat' -v
 *
 * args->filename points into the calling process's memory, which a BPF
 * program may not dereference: bpf_probe_read_user_str copies the string
 * onto the BPF stack first.
 *
 * Run it (-p keeps one process's opens; PID_FILTER is 0 without it):
 *     sudo bcc-hello -f programs/openat.c -p 1234
 */
#ifndef PID_FILTER
#define PID_FILTER 0
#endif

TRACEPOINT_PROBE(syscalls, sys_enter_openat)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	char name[64]; /* longer names are cut: the BPF stack is 512 bytes */

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	/* Copies at most sizeof(name) bytes, always ending with a '\0'. */
	if (bpf_probe_read_user_str(name, sizeof(name), args->filename) < 0)
		return 0;
	bpf_trace_printk("openat %s\n", name);
	return 0;
}
