// SPDX-License-Identifier: GPL-2.0
/* Output helpers: buffered stdout, safe strings, timestamps, JSON Lines. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "text.h"

static unsigned long long start_ns;

/*
 * stdout goes through our own write function, so that a failed write is
 * remembered (the tool says so and exits non-zero) and a blocked reader (a
 * paused pager, a stalled ssh session) cannot keep the tool from stopping:
 * on a pipe or socket each write waits in poll() and is at most PIPE_BUF
 * bytes, which the kernel takes without blocking once poll() said there is
 * room, so a stop request is seen within POLL_MS.  Once asked to stop, a
 * reader that takes nothing for STOP_GRACE_MS is given up on: the rest of the
 * output is dropped (and counted).  A reader that keeps taking it, however
 * slowly, and a regular file get all of it: a tool may spend seconds printing
 * its summary after the stop (symbolizing stacks).
 */
#define POLL_MS	      100
#define STOP_GRACE_MS 500

static struct {
	int fd;
	size_t chunk;	/* largest write; 0: any size */
	bool poll;	/* wait for room before writing */
	bool gave_up;	/* stopping, and the reader took nothing for STOP_GRACE_MS */
	int error;	/* first failed write's errno */
	size_t dropped; /* bytes given up when stopping with the reader blocked */
} out = { .fd = 1 };

/* Wait for room to write; false once the tool is stopping and the reader took nothing for long. */
static bool out_wait_room(void)
{
	struct pollfd p = { .fd = out.fd, .events = POLLOUT };
	unsigned long long stalled_since = 0;

	while (!out.gave_up) {
		if (poll(&p, 1, POLL_MS) > 0)
			return true;
		if (!tool_exiting)
			continue;
		if (!stalled_since)
			stalled_since = mono_ns();
		else if (mono_ns() - stalled_since >= STOP_GRACE_MS * 1000000ULL)
			out.gave_up = true;
	}
	return false;
}

static ssize_t out_write(void *cookie, const char *buf, size_t len)
{
	size_t done = 0;

	(void)cookie;
	if (out.error)
		return -1;
	while (done < len) {
		size_t n = len - done;
		ssize_t w;

		if (out.chunk && n > out.chunk)
			n = out.chunk;
		if ((out.poll || tool_exiting) && !out_wait_room()) {
			out.dropped += len - done;
			return len; /* dropped on purpose: reported by output_finish() */
		}
		w = write(out.fd, buf + done, n);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0) {
			out.error = errno;
			return -1;
		}
		done += w;
	}
	return len;
}

void output_init(void)
{
	static const cookie_io_functions_t io = { .write = out_write };
	static char buf[1 << 16];
	struct stat st;
	FILE *f;

	output_mark_start();
	if (!fstat(out.fd, &st)) {
		out.poll = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(out.fd);
		if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			out.chunk = PIPE_BUF;
	}
	fflush(stdout);
	f = fopencookie(NULL, "w", io);
	if (f)
		stdout = f;
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	/* One thread writes: every putc without a lock (it was a third of opensnoop's time). */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
}

int output_flush(void)
{
	fflush(stdout);
	if (out.error) {
		errno = out.error;
		return -1;
	}
	return 0;
}

int output_finish(void)
{
	static bool said;

	if (output_flush() && !said) {
		said = true;
		cli_warn("cannot write the output: %s", strerror(out.error));
	}
	if (out.dropped && !said) {
		said = true;
		cli_warn("stopped while the output was blocked: %zu bytes of output dropped",
			 out.dropped);
	}
	return said ? -1 : 0;
}

void output_mark_start(void)
{
	start_ns = mono_ns();
}

double secs_since_start(uint64_t ktime_ns)
{
	if (ktime_ns < start_ns)
		return 0;
	return (ktime_ns - start_ns) / 1e9;
}

/* localtime_r() costs about a microsecond: once a second is enough for a busy tool. */
char *time_hms(char *buf, size_t len)
{
	static char last[16];
	static time_t last_t = -1;
	time_t t = time(NULL);
	struct tm tm;

	if (t != last_t) {
		localtime_r(&t, &tm);
		strftime(last, sizeof(last), "%H:%M:%S", &tm);
		last_t = t;
	}
	snprintf(buf, len, "%s", last);
	return buf;
}

void print_escaped(FILE *f, const char *src, size_t srclen)
{
	print_escaped_col(f, src, srclen, 0);
}

void print_quoted(FILE *f, const char *src, size_t srclen)
{
	char buf[4 * 4096 + 1];

	if (srclen > 4096)
		srclen = 4096;
	str_escape_quoted(buf, sizeof(buf), src, srclen);
	fprintf(f, "\"%s\"", buf);
}

/* JSON */

static void json_sep(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key)
		fprintf(j->f, "\"%s\":", key);
}

void json_begin(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	fputc('{', f);
}

void json_end(struct json *j)
{
	fputs("}\n", j->f);
}

void json_key(struct json *j, const char *key)
{
	json_sep(j, key);
}

void json_obj_begin(struct json *j, const char *key)
{
	json_sep(j, key);
	fputc('{', j->f);
	if (j->depth < 15)
		j->need_comma[++j->depth] = false;
}

void json_obj_end(struct json *j)
{
	fputc('}', j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_arr_begin(struct json *j, const char *key)
{
	json_sep(j, key);
	fputc('[', j->f);
	if (j->depth < 15)
		j->need_comma[++j->depth] = false;
}

void json_arr_end(struct json *j)
{
	fputc(']', j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_strn(struct json *j, const char *key, const char *val, size_t maxlen)
{
	json_sep(j, key);
	json_write_string(j->f, val, maxlen);
}

void json_str(struct json *j, const char *key, const char *val)
{
	if (!val) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, val, (size_t)-1);
}

void json_int(struct json *j, const char *key, long long val)
{
	json_sep(j, key);
	fprintf(j->f, "%lld", val);
}

void json_uint(struct json *j, const char *key, unsigned long long val)
{
	json_sep(j, key);
	fprintf(j->f, "%llu", val);
}

void json_double(struct json *j, const char *key, double val)
{
	json_sep(j, key);
	fprintf(j->f, "%.6f", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_sep(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_sep(j, key);
	fputs("null", j->f);
}
