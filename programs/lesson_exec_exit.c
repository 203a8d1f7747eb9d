// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * lesson_exec_exit.c: process starts and exits through a ring buffer,
 * written as the eBPF tutorial's lessons write it, for libbpf, and run
 * here unchanged (kernel side only: bcc-hello is the loader).
 *
 * - "vmlinux.h" is the running kernel's types: bcc-hello defines the ones
 *   the program uses from /sys/kernel/btf/vmlinux, so task->real_parent
 *   is read at this kernel's offset.
 * - The map is declared libbpf's way; bcc-hello makes it the BCC table
 *   BPF_RINGBUF_OUTPUT(rb, 64) and decodes each struct event it carries
 *   by its field names.
 * - const volatile pid_filter is set by -p (or --set pid_filter=N).
 *
 * Run it, and start a program in another terminal:
 *     sudo bcc-hello -f programs/lesson_exec_exit.c
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lesson_exec_exit.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* 0 means every process; -p sets the process ID whose events are kept. */
const volatile int pid_filter = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	/* __data_loc: the low 16 bits are the string's offset in the record */
	unsigned fname_off = ctx->__data_loc_filename & 0xFFFF;
	int pid = bpf_get_current_pid_tgid() >> 32;
	struct event *e;

	if (pid_filter && pid != pid_filter)
		return 0;
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_code = 0;
	e->is_exit = false;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(&e->filename, sizeof(e->filename),
				  (void *)ctx + fname_off);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int handle_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u64 id = bpf_get_current_pid_tgid();
	int pid = id >> 32;
	struct event *e;

	/* a thread's exit is not the process's */
	if (pid != (u32)id || (pid_filter && pid != pid_filter))
		return 0;
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	/* the status a parent's wait() sees: exit(N) is N << 8 */
	e->exit_code = (BPF_CORE_READ(task, exit_code) >> 8) & 0xff;
	e->is_exit = true;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->filename[0] = '\0';
	bpf_ringbuf_submit(e, 0);
	return 0;
}
