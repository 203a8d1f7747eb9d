// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * lesson_opensnoop.c: each openat(2) with its file name, through a perf
 * buffer, written as the eBPF tutorial's lessons write it, for libbpf,
 * and run here unchanged.
 *
 * The context is the kernel's own record of a system call's entry,
 * struct trace_event_raw_sys_enter (from the running kernel's BTF):
 * args[1] is openat's file name, a pointer into the calling process,
 * which bpf_probe_read_user_str copies onto the BPF stack.
 *
 * Run it for one process (-p sets pid_filter):
 *     sudo bcc-hello -f programs/lesson_opensnoop.c -p 1234
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define NAME_LEN 128

struct open_event {
	int pid;
	int flags;
	char comm[16];
	char filename[NAME_LEN];
};

const volatile int pid_filter = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	struct open_event e = {};
	int pid = bpf_get_current_pid_tgid() >> 32;

	if (pid_filter && pid != pid_filter)
		return 0;
	e.pid = pid;
	e.flags = (int)ctx->args[2];
	bpf_get_current_comm(&e.comm, sizeof(e.comm));
	bpf_probe_read_user_str(&e.filename, sizeof(e.filename),
				(const char *)ctx->args[1]);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
