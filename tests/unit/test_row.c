// SPDX-License-Identifier: GPL-2.0
/* One record description printed as header, text line and JSON object. */
#include <stdlib.h>

#include "cli.h"
#include "row.h"
#include "unit.h"

struct rec {
	unsigned int pid;
	int ret;
	char comm[16];
	char args[32];
	unsigned int args_len;
	bool wide;
};

static void rec_row(struct row *r, const void *p)
{
	const struct rec *e = p;

	row_str(r, "COMM", "comm", -8, e->comm, sizeof(e->comm));
	row_uint(r, "PID", "pid", 6, e->pid);
	row_int(r, e->wide ? "RET" : NULL, "ret", -4, e->ret);
	row_str(r, NULL, "error", 0, e->ret < 0 ? "ENOENT" : NULL, 16);
	row_strv(r, "ARGS", "args", e->args, e->args_len, false);
}

/* What fn prints for rec in mode, as a string the caller frees. */
static char *render(bool json, bool header, const struct rec *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *saved = stdout;

	stdout = open_memstream(&buf, &len);
	common_opts.json = json;
	if (header)
		row_print_header(rec_row, e);
	else
		row_print(rec_row, e);
	fclose(stdout);
	stdout = saved;
	return buf;
}

int main(void)
{
	struct rec e = {
		.pid = 42, .ret = -2, .comm = "a\tb", .args = "ls\0-l\0x y", .args_len = 10
	};
	char *out;

	out = render(false, true, &e);
	CHECK_STR("header: heads padded like the values, columns without a head left out", out,
		  "COMM        PID ARGS\n");
	free(out);
	out = render(false, false, &e);
	CHECK_STR("text: escaped string padded by its shown width, numbers aligned", out,
		  "a\\x09b       42 ls -l x y\n");
	free(out);
	e.wide = true;
	out = render(false, false, &e);
	CHECK_STR("text: a column picked at run time", out, "a\\x09b       42 -2   ls -l x y\n");
	free(out);
	out = render(true, false, &e);
	CHECK_STR("JSON: every keyed column, strings escaped, lists as arrays", out,
		  "{\"comm\":\"a\\u0009b\",\"pid\":42,\"ret\":-2,\"error\":\"ENOENT\","
		  "\"args\":[\"ls\",\"-l\",\"x y\"]}\n");
	free(out);
	e.ret = 0;
	out = render(true, false, &e);
	CHECK("JSON: a NULL string is left out", !strstr(out, "error"), "got %s", out);
	free(out);
	out = render(true, true, &e);
	CHECK_STR("JSON mode prints no header", out ? out : "", "");
	free(out);
	return unit_exit();
}
