/*
 * exec.c: a raw tracepoint, and the PID of every program started.
 *
 * RAW_TRACEPOINT_PROBE(sched_process_exec) attaches to the raw form of
 * the tracepoint sched:sched_process_exec, which fires when execve(2)
 * has replaced a process's program. A raw tracepoint gets no formatted
 * `args`: ctx is a struct bpf_raw_tracepoint_args *, and ctx->args[]
 * holds the tracepoint's C arguments as the kernel passes them; for this
 * one, (struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm).
 *
 * By now the process has its new name, so bpf_get_current_comm gives the
 * program being run. Run it, then start a few commands elsewhere:
 *     sudo bcc-hello -f programs/exec.c -c 5
 */
RAW_TRACEPOINT_PROBE(sched_process_exec)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	/* The second argument: a plain integer, safe to use as it is. */
	u32 old_pid = (u32)ctx->args[1];
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	bpf_trace_printk("exec %s, PID %d (was %d)\n", comm, pid, old_pid);
	return 0;
}
