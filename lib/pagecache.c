// SPDX-License-Identifier: GPL-2.0
/* Page-cache counters: hook choice and arithmetic (include/pagecache.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "pagecache.h"
#include "probe.h"
#include "shared.h"

/* Cheapest exact hook first; the tracepoint estimate last. */
static const char *const access_progs[] = {
	"folio_mark_accessed_fentry", "folio_mark_accessed_kprobe", "mark_page_accessed_fentry",
	"mark_page_accessed_kprobe",  "mm_filemap_get_pages_btf",   "mm_filemap_get_pages_raw",
};
#define FIRST_ESTIMATE 4

int pagecache_choose_hooks(struct bpf_object *obj, bool *estimated)
{
	struct bpf_program *alts[ARRAY_SIZE(access_progs)];
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(access_progs); i++) {
		alts[i] = bpf_object__find_program_by_name(obj, access_progs[i]);
		if (!alts[i]) {
			cli_warn("no program %s in the BPF object", access_progs[i]);
			return -1;
		}
	}
	k = hook_choose("page cache accesses (folio_mark_accessed needs fentry or kprobes; "
			"the filemap tracepoints of the estimate, Linux 6.11)",
			alts, ARRAY_SIZE(alts));
	if (k < 0)
		return -1;
	*estimated = k >= FIRST_ESTIMATE;
	if (!*estimated) {
		bpf_program__set_autoload(
			bpf_object__find_program_by_name(obj, "mm_filemap_fault_btf"), false);
		bpf_program__set_autoload(
			bpf_object__find_program_by_name(obj, "mm_filemap_fault_raw"), false);
	}
	return hook_choose_each(obj, (const char *const[]){ "mm_filemap_fault", NULL });
}

static uint64_t sub_floor0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void pagecache_stat(const uint64_t n[PC_COUNTERS], bool estimated, struct pc_stat *out)
{
	uint64_t total = n[PC_ACCESSED];
	uint64_t misses = sub_floor0(n[PC_ADDED], n[PC_DIRTIED]);

	/* A write's pages are not read misses, nor (exactly) read accesses. */
	if (!estimated)
		total = sub_floor0(total, n[PC_BUF_DIRTIED]);
	out->dirties = n[PC_BUF_DIRTIED];
	if (misses > total) {
		/* Readahead brought in more than was read: no hits, and no more misses than reads.
		 */
		out->hits = 0;
		out->misses = total;
	} else {
		out->hits = total - misses;
		out->misses = misses;
	}
	out->ratio = total ? 100.0 * (double)out->hits / (double)total : 0;
}

void pagecache_top(const uint64_t n[PC_COUNTERS], struct pc_top *out)
{
	uint64_t access = n[PC_ACCESSED] + n[PC_BUF_DIRTIED];
	uint64_t misses = n[PC_ADDED] + n[PC_DIRTIED];
	double all = (double)(access + misses);

	out->hits = access;
	out->misses = misses;
	out->dirties = n[PC_BUF_DIRTIED];
	out->read_hit = all > 0 ? 100.0 * (double)n[PC_ACCESSED] / all : 0;
	out->write_hit = all > 0 ? 100.0 * (double)n[PC_ADDED] / all : 0;
}

int pagecache_meminfo(const char *path, uint64_t *buffers_kb, uint64_t *cached_kb)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned long long v;
	int found = 0;

	if (!f)
		return -errno;
	while (found != 3 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Buffers: %llu kB", &v) == 1) {
			*buffers_kb = v;
			found |= 1;
		} else if (sscanf(line, "Cached: %llu kB", &v) == 1) {
			*cached_kb = v;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -ENOENT;
}
