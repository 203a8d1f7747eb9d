/* Lines where a #line directive must not go: inside a block comment,
 * a macro continued with backslashes, and an open parenthesis. */
#define SHOW(fmt, ...) \
	bpf_trace_printk(fmt, \
			 ##__VA_ARGS__)
#line 40 "elsewhere.c"

int hello(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	char s[] = "a string with // and /* inside";
	char c = '\'';

	if (pid == 1 ||
	    pid == 2)
		return 0;
	SHOW("PID %d %s %c\n", pid,
	     s, c);
	return 0;
}
