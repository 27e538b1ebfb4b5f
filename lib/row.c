// SPDX-License-Identifier: GPL-2.0
/* Records printed as header, text and JSON from one description; see include/row.h. */
#include <string.h>

#include "cli.h"
#include "row.h"

static void row_run(row_fn fn, const void *rec, enum row_mode mode)
{
	struct row r = { .mode = mode, .f = stdout };

	if (mode == ROW_JSON)
		json_begin(&r.j, r.f);
	fn(&r, rec);
	if (mode == ROW_JSON)
		json_end(&r.j);
	else
		fputc('\n', r.f);
}

void row_print(row_fn fn, const void *rec)
{
	row_run(fn, rec, common_opts.json ? ROW_JSON : ROW_TEXT);
}

void row_print_header(row_fn fn, const void *rec)
{
	if (!common_opts.json)
		row_run(fn, rec, ROW_HEADER);
}

void row_json_element(struct json *j, const char *key, row_fn fn, const void *rec)
{
	struct row r = { .mode = ROW_JSON, .f = j->f, .j = *j };

	json_obj_begin(&r.j, key);
	fn(&r, rec);
	json_obj_end(&r.j);
	*j = r.j;
}

bool row_text_col(struct row *r, const char *head, int width)
{
	if (r->mode == ROW_JSON || !head)
		return false;
	if (r->ncols++)
		fputc(' ', r->f);
	if (r->mode == ROW_TEXT)
		return true;
	fprintf(r->f, "%*s", width, head);
	return false;
}

/* The JSON member of a column, if this row is JSON and the column has a key. */
static bool json_col(struct row *r, const char *key)
{
	return r->mode == ROW_JSON && key;
}

void row_uint(struct row *r, const char *head, const char *key, int width, unsigned long long v)
{
	if (json_col(r, key))
		json_uint(&r->j, key, v);
	else if (row_text_col(r, head, width))
		fprintf(r->f, "%*llu", width, v);
}

void row_int(struct row *r, const char *head, const char *key, int width, long long v)
{
	if (json_col(r, key))
		json_int(&r->j, key, v);
	else if (row_text_col(r, head, width))
		fprintf(r->f, "%*lld", width, v);
}

void row_double(struct row *r, const char *head, const char *key, int width, int prec, double v)
{
	if (json_col(r, key))
		json_double(&r->j, key, v);
	else if (row_text_col(r, head, width))
		fprintf(r->f, "%*.*f", width, prec, v);
}

void row_bool(struct row *r, const char *head, const char *key, int width, bool v)
{
	if (json_col(r, key))
		json_bool(&r->j, key, v);
	else if (row_text_col(r, head, width))
		fprintf(r->f, "%*s", width, v ? "true" : "false");
}

void row_str(struct row *r, const char *head, const char *key, int width, const char *s, size_t n)
{
	size_t cols;

	if (json_col(r, key)) {
		if (s)
			json_strn(&r->j, key, s, n);
		return;
	}
	if (!row_text_col(r, head, width))
		return;
	if (!s) {
		fprintf(r->f, "%*s", width, "-");
		return;
	}
	for (cols = str_columns(s, n); width > 0 && cols < (size_t)width; cols++)
		fputc(' ', r->f); /* right-aligned */
	print_escaped_col(r->f, s, n, width < 0 ? -width : 0);
}

void row_strv(struct row *r, const char *head, const char *key, const char *buf, size_t len,
	      bool quote)
{
	const char *p, *end = buf + len;

	if (json_col(r, key)) {
		json_arr_begin(&r->j, key);
		for (p = buf; p < end; p += strnlen(p, end - p) + 1)
			json_strn(&r->j, NULL, p, end - p);
		json_arr_end(&r->j);
		return;
	}
	if (!row_text_col(r, head, 0))
		return;
	for (p = buf; p < end; p += strnlen(p, end - p) + 1) {
		if (p != buf)
			fputc(' ', r->f);
		if (quote)
			print_quoted(r->f, p, end - p);
		else
			print_escaped(r->f, p, end - p);
	}
}

void row_hms(struct row *r, const char *head)
{
	char hms[16] = "";

	if (r->mode == ROW_TEXT && !head)
		return;
	row_str(r, head, "time", -8, r->mode == ROW_HEADER ? hms : time_hms(hms, sizeof(hms)),
		sizeof(hms));
}

void row_secs(struct row *r, const char *head, uint64_t ktime_ns)
{
	if (r->mode == ROW_JSON || head)
		row_double(r, head, "ts", -8, 3, secs_since_start(ktime_ns));
}
