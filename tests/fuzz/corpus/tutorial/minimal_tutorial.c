// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The eunomia tutorial's minimal.c, with a --set target and two sections. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf/bpf_tracing.h" /* quoted, with a comment */

typedef int pid_t;
const volatile pid_t pid_filter = 0;
static const volatile unsigned long long min_bytes = 0x10ULL;
const char greeting[] = "not a macro";

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;

	if (pid_filter && pid != pid_filter)
		return 0;
	bpf_printk("BPF triggered from PID %d.\n", pid);
	return 0;
}

SEC( "raw_tp/sched_switch" ) int on_switch(void *ctx)
{
	/* bpf_printk in a comment stays; "SEC(\"x\")" in a string too */
	const int local = 3; /* not a global: inside braces */
	bpf_printk("switch %d, \"quoted\" SEC(\"no\")", local);
	return 0;
}
