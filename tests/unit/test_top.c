// SPDX-License-Identifier: GPL-2.0
/* The top view: rows sorted, at most -r ROWS, a status line, JSON per interval. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "top.h"
#include "unit.h"

struct rec {
	unsigned int pid;
	unsigned long long bytes;
	char comm[16];
};

static void rec_row(struct row *r, const void *p)
{
	const struct rec *e = p;

	row_uint(r, "PID", "pid", -7, e->pid);
	row_str(r, "COMM", "comm", -8, e->comm, sizeof(e->comm));
	row_uint(r, "BYTES", "bytes", 0, e->bytes);
}

static int by_bytes(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

/* What top_print writes for recs, as a string the caller frees (stdout is no tty). */
static char *render(bool json, struct rec *recs, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *saved = stdout;

	stdout = open_memstream(&buf, &len);
	common_opts.json = json;
	top_print(&(struct top_view){ .row = rec_row,
				      .recs = recs,
				      .n = n,
				      .rec_size = sizeof(recs[0]),
				      .cmp = by_bytes,
				      .rows_key = "processes" });
	fclose(stdout);
	stdout = saved;
	return buf;
}

int main(void)
{
	struct rec recs[] = {
		{ 10, 100, "small" },
		{ 11, 900, "large" },
		{ 12, 500, "mid\x1b" },
		{ 13, 1, "tiny" },
	};
	char *out, *body;

	gopts.maxrows = 3;
	out = render(false, recs, 4);
	CHECK("text: a status line with the time and /proc/loadavg, then a blank line",
	      strlen(out) > 20 && out[2] == ':' && out[5] == ':' &&
		      !strncmp(out + 8, " loadavg: ", 10) && strstr(out, "\n\nPID "),
	      "got \"%s\"", out);
	body = strstr(out, "\n\n");
	CHECK_STR("text: header, rows sorted by the view's order, -r 3 of 4, no screen clear off a "
		  "tty",
		  body ? body + 2 : "",
		  "PID     COMM     BYTES\n11      large    900\n12      mid\\x1b  500\n"
		  "10      small    100\n");
	free(out);
	out = render(false, recs, 4);
	CHECK("text: the next interval after a blank line", out[0] == '\n', "got \"%.20s\"", out);
	free(out);

	gopts.maxrows = 2;
	out = render(true, recs, 4);
	body = strstr(out, ",\"loadavg\":[");
	CHECK("json: time, ts and loadavg",
	      !strncmp(out, "{\"time\":\"", 9) && strstr(out, "\"ts\":") && body, "got %s", out);
	body = strstr(out, "\"processes\":");
	CHECK_STR("json: the rows as an array, sorted, at most -r", body ? body : "",
		  "\"processes\":[{\"pid\":11,\"comm\":\"large\",\"bytes\":900},"
		  "{\"pid\":12,\"comm\":\"mid\\u001b\",\"bytes\":500}]}\n");
	free(out);
	out = render(true, recs, 0);
	CHECK("json: an empty interval is an empty array",
	      strstr(out, "\"processes\":[]}\n") != NULL, "got %s", out);
	free(out);
	return unit_exit();
}
