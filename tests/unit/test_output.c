// SPDX-License-Identifier: GPL-2.0
/* Safe printing of kernel-supplied strings, the JSON writer, output after a stop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "names.h"
#include "output.h"
#include "unit.h"

static char *escaped(const char *s, size_t n)
{
	static char buf[256];

	str_escape(buf, sizeof(buf), s, n);
	return buf;
}

static void test_escape(void)
{
	char with_nul[] = { 'a', 'b', '\0', 'c' };
	char small[6];
	int c, raw = 0;

	CHECK_STR("plain text passes", escaped("/etc/passwd", 64), "/etc/passwd");
	CHECK_STR("tab and newline escaped", escaped("a\tb\nc", 64), "a\\x09b\\x0ac");
	CHECK_STR("ESC sequences escaped", escaped("\033[2J", 64), "\\x1b[2J");
	CHECK_STR("DEL escaped", escaped("x\x7fy", 64), "x\\x7fy");
	CHECK_STR("backslash doubled", escaped("a\\b", 64), "a\\\\b");
	CHECK_STR("valid UTF-8 kept", escaped("caf\xc3\xa9", 64), "caf\xc3\xa9");
	CHECK_STR("invalid UTF-8 escaped", escaped("\xff\xc3(", 64), "\\xff\\xc3(");
	CHECK_STR("C1 control (U+009B CSI) escaped",
		  escaped("\xc2\x9b"
			  "1m",
			  64),
		  "\\xc2\\x9b1m");
	CHECK_STR("overlong UTF-8 escaped", escaped("\xc0\xaf", 64), "\\xc0\\xaf");
	CHECK_STR("stops at NUL", escaped(with_nul, sizeof(with_nul)), "ab");
	CHECK_STR("stops at srclen", escaped("abcdef", 3), "abc");
	str_escape(small, sizeof(small), "ab\tcd", 16);
	CHECK_STR("never splits an escape at the buffer end", small, "ab");
	for (c = 1; c < 256; c++) {
		char in[2] = { (char)c, 0 };
		const char *out = escaped(in, 2);

		if (c < 0x20 || c == 0x7f)
			raw += strchr(out, c) != NULL;
	}
	CHECK("no control byte survives", raw == 0, "%d bytes passed raw", raw);
}

static char *render_json(void (*fill)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_begin(&j, f);
	fill(&j);
	json_end(&j);
	fclose(f);
	return buf;
}

static void fill_event(struct json *j)
{
	json_str(j, "path", "a\"b\\c\n\x01");
	json_int(j, "fd", -2);
	json_arr_begin(j, "args");
	json_str(j, NULL, "x");
	json_strn(j, NULL, "yzzz", 2);
	json_arr_end(j);
	json_obj_begin(j, "o");
	json_bool(j, "t", true);
	json_null(j, "n");
	json_obj_end(j);
	json_uint(j, "u", 18446744073709551615ULL);
}

static void test_json(void)
{
	char *out = render_json(fill_event);

	CHECK_STR("JSON escapes and nests", out,
		  "{\"path\":\"a\\\"b\\\\\\\\c\\u000a\\u0001\",\"fd\":-2,\"args\":[\"x\",\"yz\"],"
		  "\"o\":{\"t\":true,\"n\":null},\"u\":18446744073709551615}\n");
	free(out);
}

static void fill_bytes(struct json *j)
{
	json_str(j, "invalid", "\xff\xfe");
	json_str(j, "valid", "\xc3\xbf\xc3\xbe");
	json_str(j, "bidi",
		 "a\xe2\x80\xae"
		 "b\xe2\x81\xa6");
	json_key(j, "data");
	json_write_bytes(j->f, "a\0b\xff\"", 5);
}

/* Invalid bytes and the valid characters of the same value must not read alike. */
static void test_json_bytes(void)
{
	char *out = render_json(fill_bytes);

	CHECK_STR("JSON: invalid bytes, U+00FF U+00FE, bidi controls, a NUL in data: distinct", out,
		  "{\"invalid\":\"\\\\xff\\\\xfe\",\"valid\":\"\xc3\xbf\xc3\xbe\","
		  "\"bidi\":\"a\\u202eb\\u2066\",\"data\":\"a\\u0000b\\\\xff\\\"\"}\n");
	free(out);
}

static void test_text_forms(void)
{
	char buf[128], *col = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_STR("text: U+202E and U+2066 escaped",
		  escaped("a\xe2\x80\xae"
			  "b\xe2\x81\xa6",
			  64),
		  "a\\xe2\\x80\\xaeb\\xe2\\x81\\xa6");
	CHECK_STR("text: U+2028 escaped", escaped("\xe2\x80\xa8", 64), "\\xe2\\x80\\xa8");
	str_escape_short(buf, sizeof(buf), "abcdefghij", 8);
	CHECK_STR("short echo cut with ...", buf, "abcde...");
	str_escape_short(buf, sizeof(buf), "abcdefgh", 8);
	CHECK_STR("short echo that fits is whole", buf, "abcdefgh");
	f = open_memstream(&col, &len);
	print_escaped_col(f, "a\tb", 16, 8);
	fputc('|', f);
	print_escaped_col(f, "caf\xc3\xa9", 16, 8);
	fputc('|', f);
	fclose(f);
	CHECK_STR("columns padded by what is shown (escapes wide, UTF-8 narrow)", col,
		  "a\\x09b  |caf\xc3\xa9    |");
	free(col);
}

static void test_names(void)
{
	CHECK_STR("errno name", errno_name(2), "ENOENT");
	CHECK_STR("negative errno name", errno_name(-13), "EACCES");
	CHECK_STR("syscall name", syscall_name(257), "openat");
	CHECK("syscall number", syscall_number("execve") == 59, "got %d", syscall_number("execve"));
	CHECK("unknown syscall", syscall_name(100000) == NULL && syscall_number("nope") == -1, "%s",
	      "found");
	CHECK_STR("signal name", signal_name(15), "SIGTERM");
	CHECK_STR("TCP state name", tcp_state_name(1), "ESTABLISHED");
	CHECK("unknown TCP state", tcp_state_name(99) == NULL, "%s", "found");
}

#define SUMMARY_BYTES (256 * 1024)

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * A tool's last words: stdout on fd, stopped, a first line flushed, then
 * DELAY_MS of work (a summary's symbolization) before the rest: SUMMARY_BYTES
 * in all.  Exits 0 if output_finish() says all of it was written.
 */
static pid_t start_summary_writer(int fd, long delay_ms)
{
	char line[64];
	size_t i;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	dup2(fd, 1);
	/* Its "N bytes of output dropped" is checked by its exit status. */
	freopen("/dev/null", "w", stderr);
	output_init();
	tool_exiting = 1;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	fwrite(line, 1, sizeof(line), stdout);
	output_flush();
	sleep_ms(delay_ms);
	for (i = 1; i < SUMMARY_BYTES / sizeof(line); i++)
		fwrite(line, 1, sizeof(line), stdout);
	_exit(output_finish() ? 1 : 0);
}

/* The writer's exit status, or -1 if it is still running after 20 s (then killed). */
static int writer_status(pid_t pid)
{
	int st, i;

	for (i = 0; i < 2000; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* All the output reaches a reader that takes it slowly, long after the stop. */
static void test_slow_reader_after_stop(void)
{
	size_t got = 0;
	char buf[4096];
	int p[2], st;
	pid_t pid;
	ssize_t n;

	if (pipe(p)) {
		CHECK("slow reader after the stop", 0, "pipe: %s", strerror(errno));
		return;
	}
	pid = start_summary_writer(p[1], 800);
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		got += n;
		sleep_ms(2);
	}
	close(p[0]);
	st = writer_status(pid);
	CHECK("slow reader after the stop: all the output", got == SUMMARY_BYTES && st == 0,
	      "%zu of %d bytes, writer status %d", got, SUMMARY_BYTES, st);
}

/* A regular file gets all of a summary written long after the stop. */
static void test_file_after_stop(void)
{
	char path[] = "/tmp/bpfscope-output.XXXXXX";
	int fd = mkstemp(path), st;
	off_t size;

	if (fd < 0) {
		CHECK("file after the stop", 0, "mkstemp: %s", strerror(errno));
		return;
	}
	unlink(path);
	st = writer_status(start_summary_writer(fd, 800));
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	CHECK("file after the stop: all the output", size == SUMMARY_BYTES && st == 0,
	      "%lld of %d bytes, writer status %d", (long long)size, SUMMARY_BYTES, st);
}

/* A reader that takes nothing: the writer gives up, says so, and exits. */
static void test_blocked_reader_after_stop(void)
{
	int p[2], st;
	pid_t pid;

	if (pipe(p)) {
		CHECK("blocked reader after the stop", 0, "pipe: %s", strerror(errno));
		return;
	}
	pid = start_summary_writer(p[1], 0);
	close(p[1]);
	st = writer_status(pid);
	close(p[0]);
	CHECK("blocked reader after the stop: output dropped, exit 1", st == 1, "writer status %d",
	      st);
}

int main(void)
{
	test_escape();
	test_json();
	test_json_bytes();
	test_text_forms();
	test_names();
	test_slow_reader_after_stop();
	test_file_after_stop();
	test_blocked_reader_after_stop();
	return unit_exit();
}
