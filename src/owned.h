/* owned.h: folders a run makes and holds while it lives.
 *
 * A run holds each folder it makes (a header tree, its ftrace instance)
 * with a shared flock(2) on a descriptor of it, kept open until it removes
 * the folder; the kernel drops the lock when the process ends, however it
 * ends. Another run takes a folder for abandoned, and removes it, only if
 * it can take an exclusive lock on it: never by a process name or a PID,
 * which a copy of the binary, valgrind or another PID namespace changes.
 */
#ifndef BCC_HELLO_OWNED_H
#define BCC_HELLO_OWNED_H
#include <stdbool.h>
#include <stddef.h>

/* Hold the folder at path: the descriptor holding it, or -1 (errno). */
int owned_hold(const char *path);
/* Is the folder name in the folder dirfd held by nobody (a run that made
 * it and is gone)? False if it is held, or cannot be opened, or is a
 * ".NAME" owned_mkdtemp made less than a minute ago (about to be held). */
bool owned_abandoned(int dirfd, const char *name);
/* mkdtemp(3) of "DIR/NAMEXXXXXX", held before its name is seen: it is
 * made as ".NAMEXXXXXX", held, then renamed. The holding descriptor with
 * the path in out, or -1 (errno). */
int owned_mkdtemp(const char *dir, const char *name, char *out, size_t size);

#endif
