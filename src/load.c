/* load.c: load the entry point with bcc_func_load, keeping the verifier's log. */
#include "load.h"
#include "capture.h"
#include "compile.h"
#include "error.h"
#include "source.h"
#include "translate.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VERIFIER_LOG_SIZE (1024 * 1024)

/* The entry point: the one function of the module. */
static int pick_entry(const struct program *prog, const char *name,
		      struct error *err)
{
	size_t n = bpf_num_functions(prog->module);
	char list[512] = "";

	if (n == 1)
		return 0;
	if (n == 0)
		return error_set(
			err,
			"%s: no function to load; a BPF program needs one non-static function, like hello() in programs/hello.c",
			name);
	for (size_t i = 0; i < n && strlen(list) < sizeof(list) - 64; i++) {
		strcat(list, i ? ", " : "");
		strncat(list, bpf_function_name(prog->module, i), 60);
	}
	return error_set(
		err,
		"%s: %zu functions (%s); bcc-hello attaches one: keep one entry point and make the others static inline",
		name, n, list);
}

int load_program(struct loaded *ld, const struct program *prog,
		 const struct source *src, struct error *err)
{
	const char *fn;
	struct capture cap;
	char *log, *said, *mapped;
	int fd, e;

	ld->fd = -1;
	const char *name = src->name;

	if (pick_entry(prog, name, err))
		return -1;
	fn = bpf_function_name(prog->module, 0);
	snprintf(ld->name, sizeof(ld->name), "%s", fn);
	ld->insns = bpf_function_size(prog->module, fn) / 8;
	log = calloc(1, VERIFIER_LOG_SIZE);
	if (!log)
		return error_set(err, "out of memory");
	if (capture_begin(&cap)) {
		free(log);
		return error_set(
			err,
			"cannot capture libbcc output: out of file descriptors?");
	}
	fd = bcc_func_load(prog->module, BPF_PROG_TYPE_TRACEPOINT, fn,
			   bpf_function_start(prog->module, fn),
			   (int)bpf_function_size(prog->module, fn),
			   bpf_module_license(prog->module),
			   bpf_module_kern_version(prog->module), 0, log,
			   VERIFIER_LOG_SIZE, NULL, -1);
	e = errno;
	said = capture_end(&cap);
	free(said); /* libbcc repeats the log we already hold */
	if (fd < 0) {
		if (e == EPERM && !log[0]) {
			free(log);
			return error_set(
				err,
				"the kernel refused to load %s() (%s): run as root, or with CAP_BPF and CAP_PERFMON",
				ld->name, strerror(e));
		}
		mapped = translate_verifier_log(log, src);
		free(log);
		error_details(err, mapped);
		return error_set(
			err,
			"the kernel's verifier refused %s() from %s (%s); its log is above, the last lines say why",
			ld->name, name, strerror(e));
	}
	free(log);
	ld->fd = fd;
	return 0;
}

void load_release(struct loaded *ld)
{
	if (ld->fd >= 0)
		close(ld->fd);
	ld->fd = -1;
}
