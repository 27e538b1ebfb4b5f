/* SPDX-License-Identifier: GPL-2.0 */
/* Histogram printing in the familiar "usecs : count distribution" layout. */
#ifndef BPFSCOPE_HIST_H
#define BPFSCOPE_HIST_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * Histograms (or counters) kept per key in a BPF hash map (BPF_MAP_TYPE_HASH
 * or LRU_HASH): one per disk, per process, per flow.  hist_drain moves every
 * entry out of the map into records of the caller's layout, so each call
 * covers what was counted since the previous one, and sorts them:
 *
 *	struct rec { struct hist_key key; uint64_t slots[MAX_SLOTS]; };
 *	static struct rec recs[MAX_HISTS];
 *	int n = hist_drain(bpf_map__fd(skel->maps.hists), &(struct hist_records){
 *		.recs = recs, .rec_size = sizeof(recs[0]),
 *		.value_off = offsetof(struct rec, slots), .max = MAX_HISTS,
 *	});
 *
 * A record holds the map's key at offset 0 and its value at value_off (the
 * key and value sizes are read from the map; a record too small for them is
 * -EINVAL), so __u64 counters in the value read as uint64_t slots.  Entries
 * are taken with lookup-and-delete, atomic for hashes from Linux 5.14; older
 * kernels get a lookup then a delete, and an update between the two is lost.
 * Keys are collected before anything is deleted (deleting while walking a
 * hash can restart the walk); with more than max entries, the rest stay in
 * the map for the next call.  Returns the number of records, or -errno.
 */
struct hist_records {
	void *recs;	  /* room for max records */
	size_t rec_size;  /* bytes per record */
	size_t value_off; /* where the value goes; the key is at offset 0 */
	int max;
	/*
	 * Record order for qsort.  NULL: by key, read as a sequence of native
	 * __u32 (so a key of __u32 fields sorts by the first, then the next).
	 */
	int (*cmp)(const void *a, const void *b);
};

int hist_drain(int map_fd, const struct hist_records *r);

/*
 * An interval's histograms (log2), printed in the layout every histogram
 * tool shares.  Text: each histogram in the "usecs : count distribution"
 * form, keyed ones after a blank line and their label line.  JSON, one
 * object per interval:
 *	{"time":"HH:MM:SS","ts":S,"unit":U,<json_head>,
 *	 "hists":[{<json_label>,"hist":{"unit":U,"total":N,"buckets":[...]}}, ...]}
 * (one element without a label for a single histogram).
 */
struct hist_sections {
	const void *recs; /* n records of rec_size bytes, slots at slots_off in each */
	int n;
	size_t rec_size;
	size_t slots_off;
	int nslots;
	const char *unit;
	void (*text_label)(FILE *f, const void *rec);	     /* one line, '\n' ended; NULL: none */
	void (*json_label)(struct json *j, const void *rec); /* members; NULL: none */
	void (*json_head)(struct json *j);		     /* top-level members (optional) */
	/*
	 * Without labels of its own: when id_name is set, each record starts
	 * with a __u32 id and holds a comm at comm_off (TASK_COMM_LEN bytes),
	 * labelled "ID_NAME = ID COMM" (JSON: "ID_NAME": ID, "comm": COMM).
	 */
	const char *id_name;
	size_t comm_off;
};

void hist_print_sections(const struct hist_sections *s);

#define HIST_MAX_SLOTS 64

/*
 * Where a histogram tool's interval comes from: the single histogram, per
 * CPU (PERCPU_SLOT_MAP, its value the slots first: the interval is its growth
 * since the last read), or, when keyed_fd >= 0, the keyed ones, drained from
 * their hash into the records (hist_drain; a record is the key, then the
 * value at slots_off).
 */
struct hist_source {
	int all_fd;
	size_t all_value_size;
	int keyed_fd;
	int max;		       /* records the array of out->recs holds */
	bool skip_empty;	       /* a single histogram with nothing in it is not printed */
	uint64_t prev[HIST_MAX_SLOTS]; /* the single one's totals at the last read */
};

/* Read the interval's histograms into out's records (out->n set) and print them; <0: said why. */
int hist_print_interval(struct hist_source *src, struct hist_sections *out);

#endif
