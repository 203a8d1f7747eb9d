typedef int pid_t;
const volatile pid_t pid_filter = 0; /* set by the loader:
					 -p or --set */
#include <bpf/bpf_helpers.h> /* SEC, bpf_printk,
				and more */

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	bpf_printk("hi");
	return 0;
}
