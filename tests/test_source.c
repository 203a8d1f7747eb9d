/* test_source.c: reading the BPF C source, and refusing what is not one. */
#include "check.h"
#include "error.h"
#include "source.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char dir[] = "/tmp/test_source_XXXXXX";

/* dir/name in a static buffer. */
static const char *in_dir(const char *name)
{
	static char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s/%s", dir, name);

	CHECK(n > 0 && (size_t)n < sizeof(p));
	return p;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void check_contains(const char *text, const char *want, int line)
{
	if (!strstr(text, want)) {
		fprintf(stderr, "%s:%d: %s: \"%s\" does not contain \"%s\"\n",
			__FILE__, line, check_current, text, want);
		check_failures++;
	}
}
#define CHECK_CONTAINS(text, want) check_contains((text), (want), __LINE__)

/* source_read(path) must fail with a run error naming path and `why`,
 * and leave nothing to free. */
static void check_refused(const char *path, const char *why, int line)
{
	struct source src;
	struct error err = {0};
	int ret = source_read(&src, path, &err);

	if (ret != -1 || err.exit_code != EXIT_FAIL) {
		fprintf(stderr,
			"%s:%d: %s: %s: expected -1 and exit code %d, got %d and %d\n",
			__FILE__, line, check_current, path, EXIT_FAIL, ret,
			err.exit_code);
		check_failures++;
	}
	check_contains(err.msg, path, line);
	check_contains(err.msg, why, line);
	if (src.text != NULL) {
		fprintf(stderr, "%s:%d: %s: text left after a refusal\n",
			__FILE__, line, check_current);
		check_failures++;
		source_release(&src);
	}
}
#define CHECK_REFUSED(path, why) check_refused((path), (why), __LINE__)

TEST(a_c_file_is_read_whole)
{
	static const char text[] =
		"int hello(void *ctx)\r\n{\n\tbpf_trace_printk(\"caf\xc3\xa9\\n\");\f\v\n\treturn 0;\n}\n";
	char path[PATH_MAX];
	struct source src;
	struct error err = {0};

	snprintf(path, sizeof(path), "%s", in_dir("hello.c"));
	write_bytes(path, text, sizeof(text) - 1);
	CHECK_INT(source_read(&src, path, &err), 0);
	CHECK_STR(src.text, text);
	CHECK_INT(src.len, sizeof(text) - 1);
	CHECK_STR(src.name, path);
	source_release(&src);
	CHECK(src.text == NULL);
	unlink(path);
}

TEST(a_file_without_a_final_newline_is_read)
{
	char path[PATH_MAX];
	struct source src;
	struct error err = {0};

	snprintf(path, sizeof(path), "%s", in_dir("short.c"));
	write_bytes(path, "int x;", 6);
	CHECK_INT(source_read(&src, path, &err), 0);
	CHECK_STR(src.text, "int x;");
	CHECK_INT(src.len, 6);
	source_release(&src);
	unlink(path);
}

TEST(a_missing_file_is_refused)
{
	CHECK_REFUSED(in_dir("no-such.c"), "no such file");
}

TEST(a_folder_is_refused)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("folder.c"));
	CHECK_INT(mkdir(path, 0755), 0);
	CHECK_REFUSED(path, "is a folder");
	rmdir(path);
}

TEST(a_fifo_is_refused_without_waiting_for_a_writer)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("fifo.c"));
	CHECK_INT(mkfifo(path, 0600), 0);
	alarm(10); /* a blocking open would hang here: fail instead */
	CHECK_REFUSED(path, "not a regular file");
	alarm(0);
	unlink(path);
}

TEST(a_device_is_refused)
{
	CHECK_REFUSED("/dev/null", "not a regular file");
}

TEST(an_empty_file_is_refused)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("empty.c"));
	write_bytes(path, "", 0);
	CHECK_REFUSED(path, "empty");
	unlink(path);
}

TEST(a_file_over_the_size_limit_is_refused)
{
	char path[PATH_MAX], want[64];

	snprintf(path, sizeof(path), "%s", in_dir("big.c"));
	write_bytes(path, "", 0);
	CHECK_INT(truncate(path, SOURCE_MAX_BYTES + 1), 0);
	snprintf(want, sizeof(want), "%d bytes", SOURCE_MAX_BYTES + 1);
	CHECK_REFUSED(path, want);
	CHECK_REFUSED(path, "limit");
	unlink(path);
}

TEST(a_file_of_exactly_the_size_limit_is_read)
{
	char path[PATH_MAX];
	struct source src;
	struct error err = {0};
	char *text = malloc(SOURCE_MAX_BYTES);

	CHECK(text != NULL);
	if (!text)
		return;
	memset(text, ' ', SOURCE_MAX_BYTES);
	memcpy(text, "int x;", 6);
	text[SOURCE_MAX_BYTES - 1] = '\n';
	snprintf(path, sizeof(path), "%s", in_dir("limit.c"));
	write_bytes(path, text, SOURCE_MAX_BYTES);
	CHECK_INT(source_read(&src, path, &err), 0);
	CHECK_INT(src.len, SOURCE_MAX_BYTES);
	CHECK(src.text && memcmp(src.text, text, SOURCE_MAX_BYTES) == 0);
	CHECK(src.text && src.text[SOURCE_MAX_BYTES] == '\0');
	source_release(&src);
	free(text);
	unlink(path);
}

TEST(a_binary_file_is_refused_with_the_line_of_its_first_bad_byte)
{
	static const char data[] = "int x;\nint y;\n\x7f"
				   "ELF\0\x02\x01";
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("prog.o"));
	write_bytes(path, data, sizeof(data) - 1);
	CHECK_REFUSED(path, ":3: byte 0x00");
	CHECK_REFUSED(path, "not a C source file");
	unlink(path);
}

TEST(a_control_character_is_refused)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("ctrl.c"));
	write_bytes(path, "int x;\x1b[0m\n", 11);
	CHECK_REFUSED(path, ":1: byte 0x1b");
	unlink(path);
}

TEST(a_symlink_loop_is_refused)
{
	char a[PATH_MAX], b[PATH_MAX];

	snprintf(a, sizeof(a), "%s", in_dir("loop_a.c"));
	snprintf(b, sizeof(b), "%s", in_dir("loop_b.c"));
	CHECK_INT(symlink(b, a), 0);
	CHECK_INT(symlink(a, b), 0);
	CHECK_REFUSED(a, "too many levels of symbolic links");
	unlink(a);
	unlink(b);
}

TEST(a_symlink_to_a_c_file_is_read)
{
	char target[PATH_MAX], link[PATH_MAX];
	struct source src;
	struct error err = {0};

	snprintf(target, sizeof(target), "%s", in_dir("real.c"));
	snprintf(link, sizeof(link), "%s", in_dir("link.c"));
	write_bytes(target, "int y;\n", 7);
	CHECK_INT(symlink(target, link), 0);
	CHECK_INT(source_read(&src, link, &err), 0);
	CHECK_STR(src.text, "int y;\n");
	CHECK_STR(src.name, link);
	source_release(&src);
	unlink(link);
	unlink(target);
}

/* The refusal's message is one line and at most `max` bytes. */
static void check_short_line(const char *path, size_t max, int line)
{
	struct source src;
	struct error err = {0};

	if (source_read(&src, path, &err) == 0) {
		source_release(&src);
		err.msg[0] = '\0';
	}
	if (!err.msg[0] || strchr(err.msg, '\n') || strlen(err.msg) > max) {
		fprintf(stderr,
			"%s:%d: %s: expected a refusal of one line of at most %zu bytes, got \"%s\"\n",
			__FILE__, line, check_current, max, err.msg);
		check_failures++;
	}
}
#define CHECK_SHORT_LINE(path, max) check_short_line((path), (max), __LINE__)

TEST(a_fifo_is_named_as_one)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("named.fifo"));
	CHECK_INT(mkfifo(path, 0600), 0);
	alarm(10);
	CHECK_REFUSED(path, "a FIFO, not a regular file");
	alarm(0);
	unlink(path);
}

TEST(character_devices_are_refused_without_being_read)
{
	/* /dev/zero would never end, /dev/null is empty: neither is read. */
	alarm(10);
	CHECK_REFUSED("/dev/zero", "a character device, not a regular file");
	CHECK_REFUSED("/dev/null", "a character device");
	alarm(0);
}

TEST(a_socket_is_refused)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", in_dir("sock.c"));
	CHECK_INT(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_REFUSED(sa.sun_path, "not a regular file");
	close(fd);
	unlink(sa.sun_path);
}

TEST(a_sparse_file_of_ten_gib_is_refused_by_its_size_before_reading)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("huge.c"));
	write_bytes(path, "", 0);
	CHECK_INT(truncate(path, 10LL << 30), 0);
	CHECK_REFUSED(path, "10737418240 bytes, more than the 1048576-byte");
	unlink(path);
}

TEST(a_file_that_reads_as_empty_is_refused)
{
	/* A /proc file is regular and says 0 bytes. */
	CHECK_REFUSED("/proc/self/stat", "empty");
}

TEST(a_nul_in_the_middle_of_code_is_refused_with_its_line)
{
	static const char data[] =
		"int hello(void *ctx)\n{\n\tint x = 1;\n\n\treturn x;\0\n}\n";
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", in_dir("nul.c"));
	write_bytes(path, data, sizeof(data) - 1);
	CHECK_REFUSED(path, ":5: byte 0x00");
	unlink(path);
}

TEST(invalid_utf8_is_left_to_the_compiler)
{
	static const char text[] = "/* \xff\xfe */\nint \xc3\x28x;\n";
	char path[PATH_MAX];
	struct source src;
	struct error err = {0};

	snprintf(path, sizeof(path), "%s", in_dir("latin1.c"));
	write_bytes(path, text, sizeof(text) - 1);
	CHECK_INT(source_read(&src, path, &err), 0);
	CHECK_STR(src.text, text);
	source_release(&src);
	unlink(path);
}

TEST(a_path_through_a_file_is_refused)
{
	char file[PATH_MAX], path[PATH_MAX];

	snprintf(file, sizeof(file), "%s", in_dir("plain.c"));
	write_bytes(file, "int x;\n", 7);
	snprintf(path, sizeof(path), "%s", in_dir("plain.c/x.c"));
	CHECK_REFUSED(path, "is not a folder");
	unlink(file);
}

TEST(a_name_longer_than_name_max_is_refused_on_one_line)
{
	char name[NAME_MAX + 10], path[PATH_MAX];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	struct source src;
	struct error err = {0};

	snprintf(path, sizeof(path), "%s", in_dir(name));
	CHECK_INT(source_read(&src, path, &err), -1);
	CHECK_INT(err.exit_code, EXIT_FAIL);
	CHECK_CONTAINS(err.msg, "nnn...nnn");
	CHECK_CONTAINS(err.msg, "nnn: the path is too long");
	CHECK_SHORT_LINE(path, 600);
}

TEST(a_path_longer_than_path_max_is_cut_in_the_message)
{
	static char path[PATH_MAX + 100];
	struct source src;
	struct error err = {0};
	size_t n = 0;

	while (n + 3 < sizeof(path) - 1) {
		memcpy(path + n, "/a", 2);
		n += 2;
	}
	memcpy(path + n, ".c", 3);
	CHECK_INT(source_read(&src, path, &err), -1);
	CHECK_CONTAINS(err.msg, "/a/a...");
	CHECK_CONTAINS(err.msg, "/a.c: the path is too long");
	CHECK_SHORT_LINE(path, 600);
}

TEST(a_path_with_a_line_break_stays_on_one_line)
{
	char path[PATH_MAX];

	struct source src;
	struct error err = {0};

	snprintf(path, sizeof(path), "%s", in_dir("two\nlines.c"));
	CHECK_INT(source_read(&src, path, &err), -1);
	CHECK_CONTAINS(err.msg, "/two\\x0alines.c: no such file");
	CHECK_SHORT_LINE(path, 600);
}

TEST(an_unreadable_file_is_refused_for_a_user)
{
	char path[PATH_MAX];

	if (geteuid() == 0) {
		/* root reads it anyway; t_badinput.sh drops the capability */
		printf("(skipped as root) ");
		return;
	}
	snprintf(path, sizeof(path), "%s", in_dir("secret.c"));
	write_bytes(path, "int x;\n", 7);
	CHECK_INT(chmod(path, 0), 0);
	CHECK_REFUSED(path, "permission denied");
	unlink(path);
}

TEST(the_embedded_program_is_the_hello_lesson)
{
	struct source src;
	struct error err = {0};

	CHECK_INT(source_embedded(&src, &err), 0);
	CHECK(src.text &&
	      strstr(src.text, "BPF triggered from PID %d.") != NULL);
	CHECK(src.text && strstr(src.text, "int hello(") != NULL);
	CHECK_INT(src.len, src.text ? strlen(src.text) : 0);
	CHECK(src.len > 100);
	CHECK_STR(src.name, "hello.c");
	source_release(&src);
	CHECK(src.text == NULL);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(a_c_file_is_read_whole);
	RUN(a_file_without_a_final_newline_is_read);
	RUN(a_missing_file_is_refused);
	RUN(a_folder_is_refused);
	RUN(a_fifo_is_refused_without_waiting_for_a_writer);
	RUN(a_device_is_refused);
	RUN(an_empty_file_is_refused);
	RUN(a_file_over_the_size_limit_is_refused);
	RUN(a_file_of_exactly_the_size_limit_is_read);
	RUN(a_binary_file_is_refused_with_the_line_of_its_first_bad_byte);
	RUN(a_control_character_is_refused);
	RUN(a_symlink_loop_is_refused);
	RUN(a_symlink_to_a_c_file_is_read);
	RUN(a_fifo_is_named_as_one);
	RUN(character_devices_are_refused_without_being_read);
	RUN(a_socket_is_refused);
	RUN(a_sparse_file_of_ten_gib_is_refused_by_its_size_before_reading);
	RUN(a_file_that_reads_as_empty_is_refused);
	RUN(a_nul_in_the_middle_of_code_is_refused_with_its_line);
	RUN(invalid_utf8_is_left_to_the_compiler);
	RUN(a_path_through_a_file_is_refused);
	RUN(a_name_longer_than_name_max_is_refused_on_one_line);
	RUN(a_path_longer_than_path_max_is_cut_in_the_message);
	RUN(a_path_with_a_line_break_stays_on_one_line);
	RUN(an_unreadable_file_is_refused_for_a_user);
	RUN(the_embedded_program_is_the_hello_lesson);
	if (rmdir(dir)) {
		perror(dir);
		check_failures++;
	}
	return CHECK_DONE();
}
