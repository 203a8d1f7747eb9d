/* privilege.c: read our effective capabilities with capget(2). */
#include "privilege.h"
#include "error.h"

#include <linux/capability.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *data, int cap)
{
	return data[cap / 32].effective & (1u << (cap % 32));
}

int privilege_check(struct error *err)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2] = {0};

	if (syscall(SYS_capget, &hdr, data))
		return error_set(err,
				 "cannot read this process's capabilities");
	if (has_cap(data, CAP_SYS_ADMIN) ||
	    (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
		return 0;
	return error_set(
		err,
		"missing privileges (%s%s%s): run as root, with sudo, or with CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)",
		has_cap(data, CAP_BPF) ? "" : "CAP_BPF",
		!has_cap(data, CAP_BPF) && !has_cap(data, CAP_PERFMON) ? ", "
								       : "",
		has_cap(data, CAP_PERFMON) ? "" : "CAP_PERFMON");
}
