/* SPDX-License-Identifier: GPL-2.0 */
/* Histogram printing in the familiar "usecs : count distribution" layout. */
#ifndef BPFSCOPE_HIST_H
#define BPFSCOPE_HIST_H

#include <stdint.h>
#include <stdio.h>

struct json;

/* Slot i of a log2 histogram holds [2^i, 2^(i+1) - 1]; slot 0 holds 0 and 1. */
void hist_print_log2(FILE *f, const uint64_t *slots, int nslots, const char *unit);
/* Slot i of a linear histogram holds values in [base + i*step, base + (i+1)*step - 1]. */
void hist_print_linear(FILE *f, const uint64_t *slots, int nslots, uint64_t base, uint64_t step,
		       const char *unit);
/* Bounds of slot i, as printed. */
void hist_log2_bounds(int slot, uint64_t *low, uint64_t *high);
/* Emit {"unit":..., "buckets":[{"low":..,"high":..,"count":..}, ...]} under key. */
void hist_json_log2(struct json *j, const char *key, const uint64_t *slots, int nslots,
		    const char *unit);
void hist_json_linear(struct json *j, const char *key, const uint64_t *slots, int nslots,
		      uint64_t base, uint64_t step, const char *unit);
uint64_t hist_total(const uint64_t *slots, int nslots);

/*
 * A histogram kept per CPU in slot 0 of a BPF per-CPU array and never cleared
 * (so no update is lost): sum its nslots counters over the CPUs into slots,
 * minus the totals the previous call saw (kept in prev, zero at first).
 * value_size is the map's value size; the counters come first in it.
 * Returns 0, or -errno.
 */
int hist_read_percpu_delta(int map_fd, size_t value_size, uint64_t *slots, uint64_t *prev,
			   int nslots);

#endif
