/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hello_libbpf.c: the same Hello World, written as the eunomia tutorial
 * (lesson 2) writes it for libbpf, and run here unchanged.
 *
 * SEC("tp/syscalls/sys_enter_write") says where to attach; bcc-hello
 * reads it, so no -t is needed. bpf_printk, the license line and the
 * const global pid_filter are libbpf idioms; bcc-hello rewrites them for
 * libbcc, keeping every line where it is (see --dump source).
 *
 * Run it, for one process only (-p sets pid_filter):
 *     sudo bcc-hello -f programs/hello_libbpf.c -p 1234
 */
#define BPF_NO_GLOBAL_DATA
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

typedef unsigned int u32;
typedef int pid_t;
/* 0 means every process; a loader (here: -p or --set) changes it. */
const pid_t pid_filter = 0;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	/* The upper 32 bits are the process ID (the kernel's tgid). */
	pid_t pid = bpf_get_current_pid_tgid() >> 32;

	if (pid_filter && pid != pid_filter)
		return 0;
	bpf_printk("BPF triggered from PID %d.\n", pid);
	return 0;
}
