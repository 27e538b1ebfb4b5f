/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live "top" view (biotop, slabratetop, filetop, tcptop, cachetop): per
 * interval, the records a tool counted (drained from its maps: hist_drain),
 * sorted, the first -r ROWS printed under a status line, the screen cleared
 * before each interval on a terminal unless -C.  Output that is not a
 * terminal gets the same tables one after another, a blank line between.
 *
 *	static const struct opt_pick picks[] = {
 *		{ OPT_NOCLEAR, 'C' }, { OPT_MAXROWS, 'r' }, { OPT_INTERVAL }, ... };
 *	tool_run_intervals(&(struct tool_intervals){ ..., .lines = true,
 *		.print_interval = print_top });
 *	print_top: n = hist_drain(...);
 *		top_print(&(struct top_view){ .row = io_row, .recs = recs, .n = n,
 *			.rec_size = sizeof(recs[0]), .cmp = by_bytes, .rows_key = "processes" });
 *
 * Text:
 *	HH:MM:SS loadavg: 0.24 0.11 0.04 1/183 3391
 *	(blank line)
 *	header line and rows (include/row.h)
 * JSON, one object per interval:
 *	{"time":"HH:MM:SS","ts":S,"loadavg":[1,5,15],<rows_key>:[{row},...]}
 * with the same rows as the text (sorted, at most -r ROWS).
 */
#ifndef BPFSCOPE_TOP_H
#define BPFSCOPE_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "row.h"

struct top_view {
	row_fn row; /* the columns of one record */
	void *recs; /* n records of rec_size bytes; sorted in place */
	size_t n, rec_size;
	int (*cmp)(const void *a, const void *b); /* qsort order, first shown first; NULL: as is */
	const char *rows_key;			  /* JSON key of the rows */
	bool no_status;				  /* text: no time and loadavg line (tcptop -S) */
};

/* For a view's cmp: larger values first (-1 when a > b), 0 when equal. */
static inline int top_cmp_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Print one interval of the view; 0, or -1 when out of memory. */
int top_print(const struct top_view *v);

#endif
