/* SPDX-License-Identifier: GPL-2.0 */
/* Timestamps, safe printing of kernel-supplied strings, and a JSON Lines writer. */
#ifndef BPFSCOPE_OUTPUT_H
#define BPFSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text.h"

/*
 * Buffer stdout through a writer that remembers write errors and never
 * blocks a stop request for long (see lib/output.c); runners flush it once
 * per batch of events or per interval.
 */
void output_init(void);
/* Flush stdout; -1 (errno set) once any write failed. */
int output_flush(void);
/*
 * At exit: flush; if output was lost (a failed write, or output dropped
 * because the reader blocked while the tool was stopping) say so once on
 * stderr and return -1.
 */
int output_finish(void);

/* Print src in the text form of include/text.h. */
void print_escaped(FILE *f, const char *src, size_t srclen);
/* Print src in double quotes, escaping " too (execsnoop -q). */
void print_quoted(FILE *f, const char *src, size_t srclen);

/* "HH:MM:SS" wall clock into buf (at least 9 bytes). */
char *time_hms(char *buf, size_t len);
/* Seconds since the tool started, for a bpf_ktime_get_ns() timestamp. */
double secs_since_start(uint64_t ktime_ns);
void output_mark_start(void);

/* JSON Lines writer: objects and arrays nest; json_end_line closes the line. */
struct json {
	FILE *f;
	int depth;
	bool need_comma[16];
};

void json_begin(struct json *j, FILE *f);
void json_end(struct json *j); /* closes the top object and writes '\n' */
void json_key(struct json *j, const char *key);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t maxlen);
void json_int(struct json *j, const char *key, long long val);
void json_uint(struct json *j, const char *key, unsigned long long val);
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* key may be NULL inside arrays. */

#endif
