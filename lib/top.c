// SPDX-License-Identifier: GPL-2.0
/* A live "top" view of records per interval; see include/top.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "output.h"
#include "top.h"

/* The first five fields of /proc/loadavg: "0.24 0.11 0.04 1/183 3391". */
static void read_loadavg(char *buf, size_t size, double avg[3])
{
	FILE *f = fopen("/proc/loadavg", "re");

	buf[0] = '\0';
	avg[0] = avg[1] = avg[2] = 0;
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	if (sscanf(buf, "%lf %lf %lf", &avg[0], &avg[1], &avg[2]) != 3)
		avg[0] = avg[1] = avg[2] = 0;
}

static const void *rec_at(const struct top_view *v, size_t i)
{
	return (const char *)v->recs + i * v->rec_size;
}

static void print_json(const struct top_view *v, size_t rows, const double avg[3])
{
	char hms[16];
	struct json j;
	size_t i;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(mono_ns()));
	json_arr_begin(&j, "loadavg");
	for (i = 0; i < 3; i++)
		json_double(&j, NULL, avg[i]);
	json_arr_end(&j);
	json_arr_begin(&j, v->rows_key);
	for (i = 0; i < rows; i++)
		row_json_element(&j, NULL, v->row, rec_at(v, i));
	json_arr_end(&j);
	json_end(&j);
}

static int print_text(const struct top_view *v, size_t rows, const char *loadavg)
{
	static bool printed;
	char hms[16];
	void *zero;
	size_t i;

	if (!gopts.noclear && isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J", stdout);
	else if (printed)
		putchar('\n');
	printed = true;
	if (!v->no_status)
		printf("%-8s loadavg: %s\n\n", time_hms(hms, sizeof(hms)), loadavg);
	zero = calloc(1, v->rec_size);
	if (!zero)
		return -1;
	row_print_header(v->row, zero);
	free(zero);
	for (i = 0; i < rows; i++)
		row_print(v->row, rec_at(v, i));
	return 0;
}

int top_print(const struct top_view *v)
{
	size_t rows = v->n < (size_t)gopts.maxrows ? v->n : (size_t)gopts.maxrows;
	char loadavg[128];
	double avg[3];

	if (v->cmp && v->n > 1)
		qsort(v->recs, v->n, v->rec_size, v->cmp);
	read_loadavg(loadavg, sizeof(loadavg), avg);
	if (common_opts.json) {
		print_json(v, rows, avg);
		return 0;
	}
	return print_text(v, rows, loadavg);
}
