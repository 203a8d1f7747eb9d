// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * lesson_write_latency.c: a hash map shared between a system call's entry
 * and its exit, written as the eBPF tutorial's lessons write it, for
 * libbpf, and run here unchanged.
 *
 * On entry to write(2) the time is stored under the thread's ID; on exit
 * it is looked up, the record (bytes written, nanoseconds taken) is sent
 * through a ring buffer, and the entry deleted. A second map counts each
 * process's writes; bcc-hello prints it at exit, as @counts[pid]: n.
 *
 * Run it for one process:
 *     sudo bcc-hello -f programs/lesson_write_latency.c -p 1234
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct write_event {
	int pid;
	long ret;
	u64 ns;
};

const volatile int pid_filter = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 4096);
} rb SEC(".maps");

SEC("tp/syscalls/sys_enter_write")
int handle_enter(struct trace_event_raw_sys_enter *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;
	u64 ts = bpf_ktime_get_ns();

	if (pid_filter && (id >> 32) != pid_filter)
		return 0;
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_write")
int handle_exit(struct trace_event_raw_sys_exit *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id, pid = id >> 32;
	u64 *tsp, *count, one = 1;
	struct write_event *e;

	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0;
	count = bpf_map_lookup_elem(&counts, &pid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (e) {
		e->pid = pid;
		e->ret = ctx->ret;
		e->ns = bpf_ktime_get_ns() - *tsp;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
