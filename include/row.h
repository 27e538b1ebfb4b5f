/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One description of a record prints its header line, its text line and its
 * JSON object, so a tool writes its columns once:
 *
 *	static void exec_row(struct row *r, const void *rec)
 *	{
 *		const struct exec_event *e = rec;
 *
 *		row_hms(r, gopts.time ? "TIME" : NULL);
 *		row_str(r, "PCOMM", "comm", -16, e->comm, sizeof(e->comm));
 *		row_uint(r, "PID", "pid", -7, e->pid);
 *		row_int(r, "RET", "ret", 3, e->retval);
 *	}
 *	row_print_header(exec_row, &(struct exec_event){});   (text mode only)
 *	row_print(exec_row, &event);                          (text or --json)
 *
 * head: the column's header text; NULL leaves the column out of the text
 * form (it is still in JSON).  key: its JSON key; NULL leaves it out of JSON.
 * width: as printf's, negative to align left, 0 for no padding (the last
 * column).  Text columns are separated by one space; strings are escaped
 * (include/text.h) and padded by the width they show.
 */
#ifndef BPFSCOPE_ROW_H
#define BPFSCOPE_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"

enum row_mode { ROW_HEADER, ROW_TEXT, ROW_JSON };

struct row {
	enum row_mode mode;
	FILE *f;
	int ncols; /* text columns on this line so far */
	struct json j;
};

typedef void (*row_fn)(struct row *r, const void *rec);

/* Print rec as a text line, or with --json as a JSON Lines object. */
void row_print(row_fn fn, const void *rec);
/* Print the header line fn describes (text mode only); rec: a zeroed record. */
void row_print_header(row_fn fn, const void *rec);

/* rec as an object of an array (or a member: key) being written with j. */
void row_json_element(struct json *j, const char *key, row_fn fn, const void *rec);

/* Is this column in the text line being written?  Starts it (separator, or the header). */
bool row_text_col(struct row *r, const char *head, int width);

void row_uint(struct row *r, const char *head, const char *key, int width, unsigned long long v);
void row_int(struct row *r, const char *head, const char *key, int width, long long v);
void row_double(struct row *r, const char *head, const char *key, int width, int prec, double v);
void row_bool(struct row *r, const char *head, const char *key, int width, bool v);
/* A string of at most n bytes (stops at NUL); NULL s: left out of JSON, "-" in text. */
void row_str(struct row *r, const char *head, const char *key, int width, const char *s, size_t n);
/* NUL-separated strings in buf[0..len): text joined by spaces (quoted if quote), JSON an array. */
void row_strv(struct row *r, const char *head, const char *key, const char *buf, size_t len,
	      bool quote);
/* The time of day (HH:MM:SS): JSON key "time". */
void row_hms(struct row *r, const char *head);
/* Seconds since the trace started, of a bpf_ktime_get_ns() stamp: JSON key "ts". */
void row_secs(struct row *r, const char *head, uint64_t ktime_ns);

#endif
