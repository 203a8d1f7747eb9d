/*
 * hello.c: the Hello World of eBPF, BCC style.
 *
 * Runs in the kernel each time any process enters the write(2) system
 * call (bcc-hello attaches it to the tracepoint syscalls:sys_enter_write)
 * and prints the writer's PID with bpf_trace_printk, which libbcc turns
 * into a call of the kernel's trace_printk helper. bcc-hello reads the
 * lines from its own ftrace instance.
 *
 * PID_FILTER selects one process: bcc-hello compiles with
 * -DPID_FILTER=<the -p value>, 0 meaning every process, so the test below
 * is a constant and costs nothing at run time.
 *
 * No #include is needed: libbcc adds its helpers (bpf_get_current_pid_tgid,
 * u32...) itself. Copy this file, edit it, and run it with
 *     sudo bcc-hello -f my_hello.c
 */
#ifndef PID_FILTER
#define PID_FILTER 0
#endif

int hello(void *ctx)
{
	/* The upper 32 bits are the process ID (the kernel's tgid). */
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (PID_FILTER && pid != PID_FILTER)
		return 0;
	bpf_trace_printk("BPF triggered from PID %d.\n", pid);
	return 0;
}
