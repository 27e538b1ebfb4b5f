// SPDX-License-Identifier: GPL-2.0
/* Safe printing of kernel-supplied strings, and the JSON writer. */
#include <stdlib.h>

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

int main(void)
{
	test_escape();
	test_json();
	test_json_bytes();
	test_text_forms();
	test_names();
	return unit_exit();
}
