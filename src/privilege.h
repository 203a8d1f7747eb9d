/* privilege.h: check up front that the process may load and attach BPF. */
#ifndef BCC_HELLO_PRIVILEGE_H
#define BCC_HELLO_PRIVILEGE_H

struct error;

/* 0 if the effective capabilities suffice (CAP_SYS_ADMIN, or CAP_BPF and
 * CAP_PERFMON); else -1 with a message naming what is missing. */
int privilege_check(struct error *err);

#endif
