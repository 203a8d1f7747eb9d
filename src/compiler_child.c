/* compiler_child.c: the entry point of bcc-hello-compiler.so, called in
 * the compiler's child process (compiler.c). */
#include "capture.h"
#include "compile.h"
#include "compiler.h"
#include "error.h"
#include "rounds.h"
#include "tutorial.h"

#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The program, with its mark's sites or, where they cannot be patched,
 * unmarked; and with job->pid_alt its PID sites. */
static int compile_all(const struct compile_job *job,
		       struct compile_opts *copts, struct program *prog,
		       struct error *err)
{
	int ret = rounds_compile(job->rounds, job->src, job->tu, job->types,
				 prog, copts, err);

	if (ret == 0 && copts->mark &&
	    compiled_find_mark_sites(&prog->c, TUTORIAL_MARK_PLACEHOLDER)) {
		/* the placeholder was stored apart, in pieces that cannot
		 * be patched: the program's lines go unmarked */
		compile_release(prog);
		copts->mark = false;
		job->rounds->verbose = 0;
		ret = rounds_compile(job->rounds, job->src, job->tu, job->types,
				     prog, copts, err);
	}
	if (ret == 0 && job->pid_alt) {
		/* the same program with another placeholder PID: where the
		 * two differ, and only there, is the PID */
		struct compile_opts alt = *copts;
		struct program other = {0};
		struct error ignored = {0};

		alt.pid_filter = job->pid_alt;
		alt.tu = job->tu_alt;
		alt.dump = DUMP_NONE;
		alt.explain = NULL;
		job->rounds->verbose = 0; /* said once */
		if (rounds_compile(job->rounds, job->src, job->tu_alt,
				   job->types, &other, &alt, &ignored) == 0)
			compiled_find_pid_sites(&prog->c, &other.c,
						copts->pid_filter,
						job->pid_alt);
		compile_release(&other);
		free(ignored.details);
	}
	return ret;
}

__attribute__((visibility("default"))) int
compiler_child_main(const struct compile_job *job, int fd)
{
	struct compile_opts copts = *job->copts;
	struct program prog = {0};
	struct error err = {0};
	int ret;

	/* Not "bcc-hello": a tracer without -p traces this child's writes,
	 * and must not take them for another run's output (output.c). */
	prctl(PR_SET_NAME, "bcc-hello-cc", 0, 0, 0);
	/* this module's own copy of capture.c: its captures go where the
	 * parent reads them if LLVM ends the process */
	capture_share(job->diag_fd);
	copts.mark = job->tu->printk && !job->tu->unmarked;
	ret = compile_all(job, &copts, &prog, &err);
	if (compiler_send(fd, job, &prog, ret, &err))
		return 1;
	close(fd); /* the parent reads the end now, not after the exit */
	return ret ? 1 : 0;
}
