// SPDX-License-Identifier: GPL-2.0
/* readahead: pages read ahead, unused, and the age of each at its first access. */
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "readahead.h"
#include "readahead.skel.h"

static bool in_msecs;

static const struct opt_pick picks[] = {
	{ OPT_DURATION, 'd', NULL, "Duration to trace (seconds)" },
	{ OPT_PID, 'p', NULL, "Only the readahead this process causes (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram (default: microseconds)", 0 },
	{},
};

static const char doc[] =
	"Show how much file system read-ahead is used: the pages read ahead, those "
	"never accessed, and a histogram of the time from reading a page ahead to its "
	"first access.\v"
	"Printed at Ctrl-C or after -d seconds.  Where the kernel has neither fentry nor "
	"kprobes, the readahead tracepoints of Linux 6.18 are used and first accesses are "
	"matched by page index (see readahead(8)).\n\n"
	"Examples:\n"
	"  readahead              # until Ctrl-C\n"
	"  readahead -d 10        # trace for 10 seconds only\n"
	"  readahead -m -d 10     # the histogram in milliseconds\n"
	"  readahead -p 185       # the readahead process 185 causes\n"
	"  readahead --json -d 5  # one JSON object";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	if (key != 'm')
		return ARGP_ERR_UNKNOWN;
	in_msecs = true;
	return 0;
}

static int print_interval(void *ctx)
{
	struct readahead_bpf *skel = ctx;
	struct ra_stats st;
	uint64_t slots[MAX_SLOTS];
	const char *unit = in_msecs ? "msecs" : "usecs";
	int i;

	memcpy(&st, (const void *)&skel->bss->stats, sizeof(st));
	for (i = 0; i < MAX_SLOTS; i++)
		slots[i] = st.slots[i];
	if (st.unused < 0)
		st.unused = 0; /* accesses of folios read ahead before the tool started */
	if (common_opts.json) {
		struct json j;

		json_begin(&j, stdout);
		json_uint(&j, "unused", (uint64_t)st.unused);
		json_uint(&j, "total", st.total);
		hist_json_log2(&j, "hist", slots, MAX_SLOTS, unit);
		json_end(&j);
		return 0;
	}
	printf("Readahead unused/total pages: %lld/%llu\n", (long long)st.unused,
	       (unsigned long long)st.total);
	hist_print_log2(stdout, slots, MAX_SLOTS, unit);
	return 0;
}

/* The programs of one hook kind; the first that attaches here decides the path. */
enum path { EXACT_FENTRY, EXACT_KPROBE, TRACEPOINTS };

struct group {
	struct bpf_program *alts[2]; /* alternatives, best first (NULL: one) */
	bool optional;
};

static void disable_all(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) bpf_program__set_autoload(p, false);
}

static int choose_group(struct group *g)
{
	size_t n = g->alts[1] ? 2 : 1;

	bpf_program__set_autoload(g->alts[0], true);
	if (g->alts[1])
		bpf_program__set_autoload(g->alts[1], true);
	if (g->optional) {
		hook_choose_optional(g->alts, n);
		return 0;
	}
	return hook_choose(hook_target(g->alts[0]), g->alts, n) < 0 ? -1 : 0;
}

static int choose_hooks(struct readahead_bpf *skel)
{
	__typeof__(skel->progs) *p = &skel->progs;
	struct bpf_program *first[] = {
		p->page_cache_ra_unbounded_fentry,
		p->page_cache_ra_unbounded_kprobe,
		p->page_cache_ra_unbounded_btf,
		p->page_cache_ra_unbounded_raw,
	};
	struct group groups[3][6] = {
		[EXACT_FENTRY] = {
			{ { p->page_cache_ra_unbounded_fexit } },
			{ { p->page_cache_ra_order_fentry } },
			{ { p->page_cache_ra_order_fexit } },
			{ { p->filemap_alloc_folio_noprof_fexit, p->filemap_alloc_folio_fexit } },
			{ { p->folio_mark_accessed_fentry } },
		},
		[EXACT_KPROBE] = {
			{ { p->page_cache_ra_unbounded_kretprobe } },
			{ { p->page_cache_ra_order_kprobe } },
			{ { p->page_cache_ra_order_kretprobe } },
			{ { p->filemap_alloc_folio_noprof_kprobe, p->filemap_alloc_folio_kprobe } },
			{ { p->filemap_alloc_folio_noprof_kretprobe, p->filemap_alloc_folio_kretprobe } },
			{ { p->folio_mark_accessed_kprobe } },
		},
		[TRACEPOINTS] = {
			{ { p->page_cache_ra_order_btf, p->page_cache_ra_order_raw } },
			{ { p->mm_filemap_add_to_page_cache_btf, p->mm_filemap_add_to_page_cache_raw } },
			{ { p->mm_filemap_get_pages_btf, p->mm_filemap_get_pages_raw } },
			{ { p->mm_filemap_fault_btf, p->mm_filemap_fault_raw } },
		},
	};
	enum path path;
	int k, i;

	k = hook_choose("readahead (page_cache_ra_unbounded: fentry or kprobes, or its "
			"tracepoint of Linux 6.18)",
			first, ARRAY_SIZE(first));
	if (k < 0)
		return -1;
	path = k == 0 ? EXACT_FENTRY : k == 1 ? EXACT_KPROBE : TRACEPOINTS;
	disable_all(skel->obj);
	bpf_program__set_autoload(first[k], true);
	for (i = 0; i < 6 && groups[path][i].alts[0]; i++) {
		/* page_cache_ra_order (5.18+) may be missing where the rest is there. */
		groups[path][i].optional =
			groups[path][i].alts[0] == p->page_cache_ra_order_fentry ||
			groups[path][i].alts[0] == p->page_cache_ra_order_fexit ||
			groups[path][i].alts[0] == p->page_cache_ra_order_kprobe ||
			groups[path][i].alts[0] == p->page_cache_ra_order_kretprobe;
		if (choose_group(&groups[path][i]))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct readahead_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(readahead_bpf);
	if (!skel)
		return 1;
	skel->rodata->in_msecs = in_msecs;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing fs read-ahead ... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	readahead_bpf__destroy(skel);
	return err;
}
