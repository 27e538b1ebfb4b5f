// SPDX-License-Identifier: GPL-2.0
/* Histogram printing: the "value : count distribution" layout runbooks expect. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "hist.h"
#include "output.h"
#include "shared.h"

#define BAR_WIDTH_NARROW 40
#define BAR_WIDTH_WIDE	 20

uint64_t hist_total(const uint64_t *slots, int nslots)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < nslots; i++)
		sum += slots[i];
	return sum;
}

static int last_nonzero(const uint64_t *slots, int nslots)
{
	int i;

	for (i = nslots - 1; i >= 0; i--) {
		if (slots[i])
			return i;
	}
	return -1;
}

static uint64_t max_count(const uint64_t *slots, int n)
{
	uint64_t max = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (slots[i] > max)
			max = slots[i];
	}
	return max;
}

static void print_bar(FILE *f, uint64_t count, uint64_t max, int width)
{
	int stars = max ? (int)((count * width + max - 1) / max) : 0;
	char bar[BAR_WIDTH_NARROW + 1];

	if (stars > width)
		stars = width;
	memset(bar, '*', stars);
	memset(bar + stars, ' ', width - stars);
	bar[width] = '\0';
	fprintf(f, "|%s|", bar);
}

void hist_log2_bounds(int slot, uint64_t *low, uint64_t *high)
{
	if (slot == 0) {
		*low = 0;
		*high = 1;
		return;
	}
	*low = 1ULL << slot;
	*high = slot >= 63 ? UINT64_MAX : (1ULL << (slot + 1)) - 1;
}

void hist_print_log2(FILE *f, const uint64_t *slots, int nslots, const char *unit)
{
	int last = last_nonzero(slots, nslots);
	bool wide = last >= 32;
	int num_w = wide ? 20 : 10;
	int bar_w = wide ? BAR_WIDTH_WIDE : BAR_WIDTH_NARROW;
	uint64_t max = max_count(slots, last + 1);
	int i;

	fprintf(f, "%*s%-*s : count    distribution\n", wide ? 15 : 5, "", wide ? 29 : 19, unit);
	for (i = 0; i <= last; i++) {
		uint64_t low, high;

		hist_log2_bounds(i, &low, &high);
		fprintf(f, "%*llu -> %-*llu : %-8llu ", num_w, (unsigned long long)low, num_w,
			(unsigned long long)high, (unsigned long long)slots[i]);
		print_bar(f, slots[i], max, bar_w);
		fputc('\n', f);
	}
}

void hist_print_linear(FILE *f, const uint64_t *slots, int nslots, uint64_t base, uint64_t step,
		       const char *unit)
{
	int last = last_nonzero(slots, nslots), first = -1, i;
	uint64_t max = max_count(slots, nslots);

	for (i = 0; i <= last && first < 0; i++) {
		if (slots[i])
			first = i;
	}
	fprintf(f, "%*s%-*s : count    distribution\n", 5, "", 19, unit);
	for (i = first < 0 ? 0 : first; i <= last; i++) {
		uint64_t low = base + i * step;

		if (step == 1)
			fprintf(f, "%10llu%13s : %-8llu ", (unsigned long long)low, "",
				(unsigned long long)slots[i]);
		else
			fprintf(f, "%10llu -> %-10llu : %-8llu ", (unsigned long long)low,
				(unsigned long long)(low + step - 1), (unsigned long long)slots[i]);
		print_bar(f, slots[i], max, BAR_WIDTH_NARROW);
		fputc('\n', f);
	}
}

static void json_bucket(struct json *j, uint64_t low, uint64_t high, uint64_t count)
{
	json_obj_begin(j, NULL);
	json_uint(j, "low", low);
	json_uint(j, "high", high);
	json_uint(j, "count", count);
	json_obj_end(j);
}

void hist_json_log2(struct json *j, const char *key, const uint64_t *slots, int nslots,
		    const char *unit)
{
	int last = last_nonzero(slots, nslots), i;

	json_obj_begin(j, key);
	json_str(j, "unit", unit);
	json_uint(j, "total", hist_total(slots, nslots));
	json_arr_begin(j, "buckets");
	for (i = 0; i <= last; i++) {
		uint64_t low, high;

		hist_log2_bounds(i, &low, &high);
		json_bucket(j, low, high, slots[i]);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void hist_json_linear(struct json *j, const char *key, const uint64_t *slots, int nslots,
		      uint64_t base, uint64_t step, const char *unit)
{
	int last = last_nonzero(slots, nslots), i;

	json_obj_begin(j, key);
	json_str(j, "unit", unit);
	json_uint(j, "total", hist_total(slots, nslots));
	json_arr_begin(j, "buckets");
	for (i = 0; i <= last; i++)
		json_bucket(j, base + i * step, base + (i + 1) * step - 1, slots[i]);
	json_arr_end(j);
	json_obj_end(j);
}

int hist_read_percpu_delta(int map_fd, size_t value_size, uint64_t *slots, uint64_t *prev,
			   int nslots)
{
	int ncpus = libbpf_num_possible_cpus(), cpu, i, err = 0;
	size_t stride = (value_size + 7) & ~(size_t)7; /* the kernel's per-CPU value stride */
	uint32_t zero = 0;
	char *percpu;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, stride);
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &zero, percpu)) {
		err = -errno;
		goto out;
	}
	memset(slots, 0, nslots * sizeof(*slots));
	for (cpu = 0; cpu < ncpus; cpu++) {
		const uint64_t *counts = (const uint64_t *)(percpu + cpu * stride);

		for (i = 0; i < nslots; i++)
			slots[i] += counts[i];
	}
	for (i = 0; i < nslots; i++) {
		uint64_t total = slots[i];

		slots[i] = total - prev[i];
		prev[i] = total;
	}
out:
	free(percpu);
	return err;
}

/* Keys compared as native __u32 words in order, then any bytes left over. */
static int cmp_key_words(const void *a, const void *b, void *key_size)
{
	size_t size = *(const size_t *)key_size, i;

	for (i = 0; i + 4 <= size; i += 4) {
		uint32_t x, y;

		memcpy(&x, (const char *)a + i, 4);
		memcpy(&y, (const char *)b + i, 4);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return memcmp((const char *)a + i, (const char *)b + i, size - i);
}

/*
 * Move key's value out of the map: 0, -ENOENT if it is gone, or -errno.
 * Before Linux 5.14 lookup-and-delete works on queues and stacks only
 * (ENOTSUPP for a hash): then, and from there on, lookup and delete.
 */
static int take_entry(int fd, const void *key, void *value)
{
	static bool no_lookup_and_delete;

	if (!no_lookup_and_delete) {
		if (!bpf_map_lookup_and_delete_elem(fd, key, value))
			return 0;
		if (errno == ENOENT)
			return -ENOENT;
		no_lookup_and_delete = true;
	}
	if (bpf_map_lookup_elem(fd, key, value))
		return -errno;
	bpf_map_delete_elem(fd, key);
	return 0;
}

/* The map's key size, if it is a hash whose entries fit the records; else -errno. */
static int drain_key_size(int fd, const struct hist_records *r)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_HASH && info.type != BPF_MAP_TYPE_LRU_HASH)
		return -EINVAL;
	if (info.key_size > r->value_off || r->value_off + info.value_size > r->rec_size)
		return -EINVAL;
	return info.key_size;
}

int hist_drain(int map_fd, const struct hist_records *r)
{
	int key_size = drain_key_size(map_fd, r), n = 0, kept = 0, i, err;
	char *recs = r->recs, *prev = NULL;
	size_t ksize = key_size;

	if (key_size < 0)
		return key_size;
	while (n < r->max && !bpf_map_get_next_key(map_fd, prev, recs + n * r->rec_size)) {
		prev = recs + n * r->rec_size;
		n++;
	}
	for (i = 0; i < n; i++) {
		char *rec = recs + i * r->rec_size;

		err = take_entry(map_fd, rec, rec + r->value_off);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		if (kept != i)
			memcpy(recs + kept * r->rec_size, rec, r->rec_size);
		kept++;
	}
	if (r->cmp)
		qsort(recs, kept, r->rec_size, r->cmp);
	else
		qsort_r(recs, kept, r->rec_size, cmp_key_words, &ksize);
	return kept;
}

static const uint64_t *section_slots(const struct hist_sections *s, int i)
{
	return (const uint64_t *)((const char *)s->recs + i * s->rec_size + s->slots_off);
}

static const void *section_rec(const struct hist_sections *s, int i)
{
	return (const char *)s->recs + i * s->rec_size;
}

/* The "pid = 123 comm" label of a task's histogram (hist_sections.id_name). */
static void task_text_label(const struct hist_sections *s, const void *rec)
{
	uint32_t id;

	memcpy(&id, rec, sizeof(id));
	printf("%s = %u ", s->id_name, id);
	print_escaped(stdout, (const char *)rec + s->comm_off, TASK_COMM_LEN);
	putchar('\n');
}

static void task_json_label(const struct hist_sections *s, struct json *j, const void *rec)
{
	uint32_t id;

	memcpy(&id, rec, sizeof(id));
	json_uint(j, s->id_name, id);
	json_strn(j, "comm", (const char *)rec + s->comm_off, TASK_COMM_LEN);
}

void hist_print_sections(const struct hist_sections *s)
{
	struct json j;
	char hms[16];
	int i;

	if (!common_opts.json) {
		for (i = 0; i < s->n; i++) {
			if (s->text_label) {
				putchar('\n');
				s->text_label(stdout, section_rec(s, i));
			} else if (s->id_name) {
				putchar('\n');
				task_text_label(s, section_rec(s, i));
			}
			hist_print_log2(stdout, section_slots(s, i), s->nslots, s->unit);
		}
		return;
	}
	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(mono_ns()));
	json_str(&j, "unit", s->unit);
	if (s->json_head)
		s->json_head(&j);
	json_arr_begin(&j, "hists");
	for (i = 0; i < s->n; i++) {
		json_obj_begin(&j, NULL);
		if (s->json_label)
			s->json_label(&j, section_rec(s, i));
		else if (s->id_name)
			task_json_label(s, &j, section_rec(s, i));
		hist_json_log2(&j, "hist", section_slots(s, i), s->nslots, s->unit);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

int hist_print_interval(struct hist_source *src, struct hist_sections *out)
{
	uint64_t *slots = (uint64_t *)((char *)out->recs + out->slots_off);
	int n, err;

	if (src->keyed_fd >= 0) {
		n = hist_drain(src->keyed_fd, &(struct hist_records){
						      .recs = (void *)out->recs,
						      .rec_size = out->rec_size,
						      .value_off = out->slots_off,
						      .max = src->max,
					      });
	} else {
		err = hist_read_percpu_delta(src->all_fd, src->all_value_size, slots, src->prev,
					     out->nslots);
		n = err ? err : !src->skip_empty || hist_total(slots, out->nslots) ? 1 : 0;
	}
	if (n < 0) {
		cli_warn("cannot read the histograms: %s", strerror(-n));
		return n;
	}
	out->n = n;
	hist_print_sections(out);
	return 0;
}
