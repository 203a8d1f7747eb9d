/* lesson_exec_exit.h: the record lesson_exec_exit.c sends, as the
 * tutorial's lessons keep it, in a header of its own beside the program
 * (a user-space loader would include it too). */
#ifndef LESSON_EXEC_EXIT_H
#define LESSON_EXEC_EXIT_H

#define COMM_LEN 16
#define FILENAME_LEN 64

struct event {
	int pid;
	int ppid;
	unsigned exit_code;
	bool is_exit;
	char comm[COMM_LEN];
	char filename[FILENAME_LEN];
};

#endif
