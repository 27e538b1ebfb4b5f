// SPDX-License-Identifier: GPL-2.0
/* Histogram slot edges and the printed layout. */
#include <stddef.h>
#include <stdlib.h>

#include "cli.h"
#include "hist.h"
#include "output.h"
#include "unit.h"

/*
 * The BPF side's slot function itself: include/bpf/bits.bpf.h is BPF C, built
 * here for the host with the kernel's type names and the attribute the BPF
 * headers would define.
 */
#include <linux/types.h>
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#include "bpf/bits.bpf.h"

/* The tools' last slot (MAX_SLOTS - 1 = 31) takes every larger value. */
#define TEST_MAX_SLOT 31

static int slot_of(unsigned long long v)
{
	return (int)log2_slot(v, 63);
}

static char *render_log2(const uint64_t *slots, int n, const char *unit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	hist_print_log2(f, slots, n, unit);
	fclose(f);
	return buf;
}

static void test_bounds(void)
{
	uint64_t lo, hi;
	int i, bad = 0;

	hist_log2_bounds(0, &lo, &hi);
	CHECK("slot 0 holds 0 and 1", lo == 0 && hi == 1, "got %llu..%llu", (unsigned long long)lo,
	      (unsigned long long)hi);
	for (i = 1; i < 63; i++) {
		hist_log2_bounds(i, &lo, &hi);
		if (slot_of(lo) != i || slot_of(hi) != i || slot_of(hi + 1) != i + 1 ||
		    slot_of(lo - 1) != i - 1)
			bad++;
	}
	CHECK("slot bounds agree with the kernel's slot function at every edge", bad == 0,
	      "%d slots disagree", bad);
	hist_log2_bounds(63, &lo, &hi);
	CHECK("last slot ends at UINT64_MAX", hi == UINT64_MAX, "got %llu", (unsigned long long)hi);
	CHECK("log2_slot: 0 and 1 in slot 0, UINT64_MAX in slot 63",
	      slot_of(0) == 0 && slot_of(1) == 0 && slot_of(UINT64_MAX) == 63, "got %d %d %d",
	      slot_of(0), slot_of(1), slot_of(UINT64_MAX));
}

/* log2_slot against a plain count of bits, at and around every power of two. */
static void test_log2_slot(void)
{
	int i, d, bad = 0, clamp_bad = 0;

	for (i = 0; i < 64; i++) {
		for (d = -1; d <= 1; d++) {
			uint64_t v = (1ULL << i) + d, x = v;
			int want = 0;

			if (i == 0 && d < 0)
				continue;
			while (x >>= 1)
				want++;
			if ((int)log2_slot(v, 63) != want)
				bad++;
			if ((int)log2_slot(v, TEST_MAX_SLOT) !=
			    (want < TEST_MAX_SLOT ? want : TEST_MAX_SLOT))
				clamp_bad++;
		}
	}
	CHECK("log2_slot is floor(log2(v)) at every power of two and beside it", bad == 0,
	      "%d values in the wrong slot", bad);
	CHECK("log2_slot clamps to the last slot", clamp_bad == 0, "%d values not clamped",
	      clamp_bad);
	CHECK("log2_u32 and log2_u64 agree below 2^32",
	      log2_u32(0xFFFFFFFFU) == 31 && log2_u64(0xFFFFFFFFULL) == 31 &&
		      log2_u64(0x100000000ULL) == 32,
	      "got %llu %llu %llu", (unsigned long long)log2_u32(0xFFFFFFFFU),
	      (unsigned long long)log2_u64(0xFFFFFFFFULL),
	      (unsigned long long)log2_u64(0x100000000ULL));
}

static void test_layout(void)
{
	uint64_t slots[8] = { 0, 0, 3, 0, 12, 0, 0, 0 };
	char *out = render_log2(slots, 8, "usecs");

	CHECK("header is 'usecs : count distribution'",
	      !strncmp(out, "     usecs               : count    distribution\n", 48), "%s", out);
	CHECK("rows stop at the last non-empty slot",
	      strstr(out, "16 -> 31") && !strstr(out, "32 -> 63"), "%s", out);
	CHECK("row for 4..7 shows count 3",
	      strstr(out, "         4 -> 7          : 3        |**********"), "%s", out);
	CHECK("largest count gets the full bar",
	      strstr(out, ": 12       |****************************************|"), "%s", out);
	free(out);

	out = render_log2((uint64_t[4]){ 0 }, 4, "msecs");
	CHECK("empty histogram prints only the header",
	      !strcmp(out, "     msecs               : count    distribution\n"), "%s", out);
	free(out);
}

static void test_wide(void)
{
	uint64_t slots[40] = { 0 };
	char *out;

	slots[35] = 1;
	out = render_log2(slots, 40, "nsecs");
	CHECK("slots past 32 use wide columns", strstr(out, "34359738368 -> 68719476735"), "%s",
	      out);
	free(out);
}

static void test_json(void)
{
	uint64_t slots[4] = { 1, 2, 0, 5 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_begin(&j, f);
	hist_json_log2(&j, "hist", slots, 4, "usecs");
	json_end(&j);
	fclose(f);
	CHECK_STR("JSON histogram", buf,
		  "{\"hist\":{\"unit\":\"usecs\",\"total\":8,\"buckets\":[{\"low\":0,\"high\":1,"
		  "\"count\":1},{\"low\":2,\"high\":3,\"count\":2},{\"low\":4,\"high\":7,"
		  "\"count\":0},{\"low\":8,\"high\":15,\"count\":5}]}}\n");
	free(buf);
}

static void test_linear(void)
{
	uint64_t slots[5] = { 0, 4, 0, 2, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	hist_print_linear(f, slots, 5, 0, 10, "msecs");
	fclose(f);
	CHECK("linear rows span base + i*step",
	      strstr(buf, "        10 -> 19         : 4") &&
		      strstr(buf, "        30 -> 39         : 2") && !strstr(buf, "40 ->"),
	      "%s", buf);
	free(buf);
}

struct keyed {
	unsigned int id;
	uint64_t slots[4];
};

static void keyed_text(FILE *f, const void *rec)
{
	fprintf(f, "id = %u\n", ((const struct keyed *)rec)->id);
}

static void keyed_json(struct json *j, const void *rec)
{
	json_uint(j, "id", ((const struct keyed *)rec)->id);
}

/* What hist_print_sections prints for s, text or JSON, as a string the caller frees. */
static char *render_sections(const struct hist_sections *s, bool json)
{
	FILE *saved = stdout;
	char *buf = NULL;
	size_t len = 0;

	stdout = open_memstream(&buf, &len);
	common_opts.json = json;
	hist_print_sections(s);
	fclose(stdout);
	stdout = saved;
	common_opts.json = false;
	return buf;
}

static void test_sections(void)
{
	static const struct keyed recs[] = { { 7, { 0, 2, 0, 0 } }, { 9, { 1, 0, 0, 0 } } };
	struct hist_sections s = {
		.recs = recs,
		.n = 2,
		.rec_size = sizeof(recs[0]),
		.slots_off = offsetof(struct keyed, slots),
		.nslots = 4,
		.unit = "usecs",
		.text_label = keyed_text,
		.json_label = keyed_json,
	};
	char *text = render_sections(&s, false), *json = render_sections(&s, true);

	CHECK("sections: each keyed histogram after a blank line and its label",
	      strstr(text, "\nid = 7\n     usecs") && strstr(text, "\nid = 9\n     usecs") &&
		      strstr(text, "2 -> 3          : 2"),
	      "got %s", text);
	CHECK("sections: JSON hists with the label members and each total",
	      strstr(json, "\"unit\":\"usecs\",\"hists\":[{\"id\":7,\"hist\":{\"unit\":\"usecs\","
			   "\"total\":2,") &&
		      strstr(json, "{\"id\":9,\"hist\":{\"unit\":\"usecs\",\"total\":1,") &&
		      strchr(json, '\n') == json + strlen(json) - 1,
	      "got %s", json);
	free(text);
	free(json);
	s.n = 1;
	s.text_label = NULL;
	s.json_label = NULL;
	json = render_sections(&s, true);
	CHECK("sections: a single histogram is one unlabelled element",
	      strstr(json, "\"hists\":[{\"hist\":{\"unit\":\"usecs\",\"total\":2,"), "got %s",
	      json);
	free(json);
}

int main(void)
{
	test_sections();
	test_bounds();
	test_log2_slot();
	test_layout();
	test_wide();
	test_json();
	test_linear();
	return unit_exit();
}
