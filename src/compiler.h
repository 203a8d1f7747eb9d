/* compiler.h: stage 1 in a child process, so the tracer never maps LLVM.
 *
 * bcc-hello itself links no compiler. To compile, it forks; the child
 * loads the compiler (bcc-hello-compiler.so: compile.c, rounds.c and
 * libbcc, with clang and LLVM) with dlopen, runs the compile rounds on a
 * stack large enough for deeply nested expressions, sends back one
 * message (the compiled program as a plain value, or the error) through a
 * pipe, and exits. The parent only reads that message.
 *
 * What the child cannot say itself is still said: LLVM's fatal errors
 * (it prints them, then calls exit() inside the library) are read from
 * the file the child's output was captured in, and a crash is named by
 * its signal. A stop signal kills the child at once.
 */
#ifndef BCC_HELLO_COMPILER_H
#define BCC_HELLO_COMPILER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cache;
struct compile_opts;
struct error;
struct headers;
struct program;
struct rounds;
struct setting;
struct source;
struct tptypes;
struct tutorial;

struct compile_job {
	struct rounds *rounds;
	const struct source *src;
	const struct tutorial *tu;
	struct tptypes *types;
	struct compile_opts *copts; /* its explain: after a refusal */
	/* The stop flag (set by the signal handler) and the signal that is
	 * not a stop (--watch's SIGHUP), or 0. */
	const volatile sig_atomic_t *stop;
	int reload_signal;
	/* Set by compiler_run for the child: where its captures go, so that
	 * the parent reads what LLVM printed before it ended the process. */
	int diag_fd;
	/* --set values, for the source's rewrites with placeholder PIDs */
	const struct setting *sets;
	size_t nsets;
	/* When not 0: compile again with this placeholder PID (and tu_alt,
	 * the source rewritten with it) and compare, to find the PID's sites
	 * (compiled_find_pid_sites). */
	int pid_alt;
	const struct tutorial *tu_alt;
	/* Where to leave a child that sent its whole result and is still
	 * exiting (unmapping LLVM takes milliseconds): reaped by the next
	 * compile or by compiler_reap. NULL: waited for at once. */
	pid_t *unreaped;
};

/* The placeholder PIDs a program with -p is compiled with, so that one
 * compile serves every PID (nonzero, in the PID range, and unlike any
 * constant a program would hold). */
#define COMPILER_PID_A 3141593
#define COMPILER_PID_B 2718283

/* Stage 1 as the flow calls it: the cached program if there is one (any
 * -p value patched into a program compiled with a placeholder), else a
 * compile in a child, then cached. Returns as compiler_run. */
int compiler_compile(const struct compile_job *job, struct cache *cache,
		     struct program *prog, struct error *err);
/* Wait for a child left in *pid (if any); *pid becomes 0. */
void compiler_reap(pid_t *pid);
/* The compiler module the child loads: true with its path. */
bool compiler_path(char *path, size_t size);

/* Compile in a child. 0 with prog filled (and rounds->hdr updated, when
 * the child switched to another header tree); -1 with err set; 1 when a
 * stop signal ended it (nothing is left of the child). */
int compiler_run(const struct compile_job *job, struct program *prog,
		 struct error *err);

/* The child's side (bcc-hello-compiler.so): run the job, write the
 * result to fd. Returns the child's exit status. */
int compiler_child_main(const struct compile_job *job, int fd);
typedef int (*compiler_child_fn)(const struct compile_job *job, int fd);

/* The message, as the child writes it (shared by both sides). */
int compiler_send(int fd, const struct compile_job *job,
		  const struct program *prog, int ret, const struct error *err);

#endif
