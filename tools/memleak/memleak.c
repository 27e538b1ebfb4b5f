// SPDX-License-Identifier: GPL-2.0
/* memleak: outstanding allocations by stack, in a process (uprobes on its allocator) or the kernel.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "output.h"
#include "probe.h"
#include "spawn.h"
#include "stacks.h"
#include "tool.h"
#include "uprobes.h"
#include "memleak.h"
#include "memleak.skel.h"

static struct opts {
	pid_t pid;
	char *command;
	bool trace;
	bool show_allocs;
	unsigned long long min_age_ns;
	bool combined_only;
	bool wa_missing_free;
	unsigned long sample_rate;
	long top;
	unsigned long long min_size, max_size;
	const char *obj; /* NULL: the process's C library, or its program if static */
	const char *prefix;
	bool percpu;
	bool sort_count;
	long stack_storage;
} opts = {
	.min_age_ns = 500 * 1000000ULL,
	.sample_rate = 1,
	.top = 10,
	.max_size = ULLONG_MAX,
	.prefix = "",
	.stack_storage = STACK_STORAGE_DEFAULT,
};

enum { OPT_SORT = 0x100, OPT_STACK_STORAGE };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace this process's allocations (else the kernel's)" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "command", 'c', "COMMAND", 0, "Run COMMAND (split at spaces) and trace it", 0 },
	{ "trace", 't', NULL, 0, "Print each allocation and free as it happens", 0 },
	{ "show-allocs", 'a', NULL, 0, "List the address and size of each outstanding allocation",
	  0 },
	{ "older", 'o', "AGE_MS", 0, "Only allocations at least this old (default 500 ms)", 0 },
	{ "combined-only", 'C', NULL, 0, "Per-stack totals kept in the kernel only (no -o, -a)",
	  0 },
	{ "wa-missing-free", 'F', NULL, 0,
	  "Accepted for compatibility: an address allocated again is always counted once", 0 },
	{ "sample-rate", 's', "RATE", 0, "Trace one allocation in RATE, at random", 0 },
	{ "top", 'T', "TOP", 0, "Show the TOP stacks with the most outstanding bytes (10)", 0 },
	{ "min-size", 'z', "SIZE", 0, "Only allocations of at least SIZE bytes", 0 },
	{ "max-size", 'Z', "SIZE", 0, "Only allocations of at most SIZE bytes", 0 },
	{ "obj", 'O', "OBJ", 0,
	  "The allocator's library or program (default: the libc, or the program if static)", 0 },
	{ "symbols-prefix", 'S', "PREFIX", 0, "The allocator's function names start with PREFIX",
	  0 },
	{ "percpu", 'P', NULL, 0, "Kernel mode: trace per-CPU allocations too", 0 },
	{ "sort", OPT_SORT, "KEY", 0, "Order stacks by size (default) or count", 0 },
	{ "stack-storage-size", OPT_STACK_STORAGE, "N", 0,
	  "Distinct stacks the kernel can hold (default 16384)", 0 },
	{},
};

static const char doc[] =
	"Trace outstanding memory allocations that were not freed, by stack.\v"
	"Without -p or -c the kernel's allocations are traced.  INTERVAL is 5 "
	"seconds unless given; COUNT reports are printed, else until Ctrl-C (or the "
	"traced process ends).\n\n"
	"Examples:\n"
	"  memleak -p 181          # outstanding allocations of process 181, every 5 s\n"
	"  memleak -p 181 -t       # and each malloc/free as it happens\n"
	"  memleak -ap 181 10      # with each allocation's address and size, every 10 s\n"
	"  memleak -c './allocs'   # run ./allocs and trace it\n"
	"  memleak                 # the kernel's outstanding allocations\n"
	"  memleak -o 60000        # only kernel allocations at least a minute old\n"
	"  memleak -s 5            # one allocation in 5, to lower the overhead\n"
	"  memleak -p 181 -O /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 -S je_\n"
	"  memleak --json -p 181   # one JSON object per report";

static void parse_command(char *arg)
{
	if (!arg[strspn(arg, " \t")])
		cli_bad_value("-c", arg, "an empty command");
	opts.command = arg;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'c':
		parse_command(arg);
		break;
	case 't':
		opts.trace = true;
		break;
	case 'a':
		opts.show_allocs = true;
		break;
	case 'o':
		opts.min_age_ns = cli_parse_long("-o", arg, 0, LONG_MAX / 1000000) * 1000000ULL;
		break;
	case 'C':
		opts.combined_only = true;
		break;
	case 'F':
		opts.wa_missing_free = true;
		break;
	case 's':
		opts.sample_rate = cli_parse_long("-s", arg, 1, UINT32_MAX);
		break;
	case 'T':
		opts.top = cli_parse_long("-T", arg, 1, INT_MAX);
		break;
	case 'z':
		opts.min_size = cli_parse_ull("-z", arg);
		break;
	case 'Z':
		opts.max_size = cli_parse_ull("-Z", arg);
		break;
	case 'O':
		opts.obj = arg;
		break;
	case 'S':
		if (strlen(arg) > 64)
			cli_bad_value("-S", arg, "longer than 64 bytes");
		opts.prefix = arg;
		break;
	case 'P':
		opts.percpu = true;
		break;
	case OPT_SORT:
		if (strcmp(arg, "size") && strcmp(arg, "count"))
			cli_bad_value("--sort", arg, "not size or count");
		opts.sort_count = !strcmp(arg, "count");
		break;
	case OPT_STACK_STORAGE:
		opts.stack_storage =
			cli_parse_long("--stack-storage-size", arg, 1, STACK_STORAGE_MAX);
		break;
	case ARGP_KEY_END:
		if (gopts.npids > 1)
			cli_usage_error("-p: one process at a time (its allocator is probed)");
		opts.pid = gopts.npids ? gopts.pids[0] : 0;
		if (opts.pid && opts.command)
			cli_usage_error("-p and -c are exclusive: trace a process or run one");
		if (opts.min_size > opts.max_size)
			cli_usage_error("-z (%llu) is above -Z (%llu)", opts.min_size,
					opts.max_size);
		if (gopts.interval == INT_MAX)
			gopts.interval = 5;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ------------------------------------------------------------- the command */

/* -c: the command, held until its allocator is probed. */
static struct spawn child = { 0, -1 };

/* ------------------------------------------------------------- the probes */

#define MAX_FNS (CALL_MUNMAP + 1)

static struct run {
	struct memleak_bpf *skel;
	struct stacks *stacks;
	struct ulinks links;
	bool cookies; /* one entry program for every function: call_enter */
} run;

/* fns[call]: the function of each enum memleak_call up to CALL_MUNMAP. */
struct allocator_fn {
	const char *name;
	struct bpf_program *entry, *ret; /* entry: the function's own, without cookies */
	bool required;
};

/* Functions to probe with one program: names, file offsets, calls (the cookies). */
struct probe_set {
	const char *names[MAX_FNS];
	uint64_t offs[MAX_FNS], calls[MAX_FNS];
	size_t n;
};

/* An offset probed under an earlier name (glibc: aligned_alloc is memalign). */
static bool probed_before(const uint64_t *offs, size_t i)
{
	for (size_t j = 0; j < i; j++) {
		if (offs[j] == offs[i])
			return true;
	}
	return false;
}

/* The functions the object has whose return is ret's (NULL: every function, for the entries). */
static size_t collect(struct probe_set *set, const struct allocator_fn *fns, const char **names,
		      const uint64_t *offs, const struct bpf_program *ret)
{
	set->n = 0;
	for (size_t i = 0; i < MAX_FNS; i++) {
		if (!offs[i] || probed_before(offs, i) || (ret && fns[i].ret != ret))
			continue;
		set->names[set->n] = names[i];
		set->offs[set->n] = offs[i];
		set->calls[set->n++] = i; /* the call */
	}
	return set->n;
}

static int attach_set(struct bpf_program *prog, const struct utarget *t,
		      const struct probe_set *set, bool ret)
{
	return uprobes_attach_at(&run.links, prog, t, set->names, set->offs, set->calls, set->n,
				 ret);
}

/* Without cookies: each function's entry gets its own program (fns is indexed by call). */
static int attach_entries_apart(const struct utarget *t, const struct allocator_fn *fns,
				const struct probe_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		if (uprobes_attach_at(&run.links, fns[set->calls[i]].entry, t, &set->names[i],
				      &set->offs[i], &set->calls[i], 1, false))
			return -1;
	}
	return 0;
}

/*
 * Each allocator function the object has: its uprobe and (allocations) its
 * uretprobe, the returns first (an entry seen without its return would stay
 * pending).  With cookies, one link per program (uprobe_multi): a fast stop.
 */
static int attach_fns(const struct utarget *t, const struct allocator_fn *fns, const char **names,
		      const uint64_t *offs)
{
	struct memleak_bpf *s = run.skel;
	struct probe_set set;

	for (size_t i = 0; i < MAX_FNS; i++) {
		if (!offs[i] && fns[i].required) {
			cli_warn("%s has no function %s", t->path, names[i]);
			return -1;
		}
	}
	if (collect(&set, fns, names, offs, s->progs.alloc_return) &&
	    attach_set(s->progs.alloc_return, t, &set, true))
		return -1;
	if (collect(&set, fns, names, offs, s->progs.posix_memalign_return) &&
	    attach_set(s->progs.posix_memalign_return, t, &set, true))
		return -1;
	collect(&set, fns, names, offs, NULL);
	if (run.cookies)
		return attach_set(s->progs.call_enter, t, &set, false);
	return attach_entries_apart(t, fns, &set);
}

static bool has_malloc(const struct utarget *t)
{
	char func[128];

	snprintf(func, sizeof(func), "%smalloc", opts.prefix);
	return ufuncs_each(t, func, NULL, NULL) > 0;
}

/* The program -c runs, as execvp() finds it. */
static int command_program(struct utarget *t)
{
	char prog[PATH_MAX];

	if (!spawn_program(opts.command, prog, sizeof(prog)))
		return -ENOENT;
	return utarget_lookup(t, -1, prog);
}

/*
 * -O; else the program, when it has malloc itself (a static binary, or one
 * with an allocator of its own), else the C library the process maps.
 */
static int find_allocator(struct utarget *t)
{
	struct utarget prog;

	if (opts.obj)
		return utarget_find(t, opts.pid, opts.obj);
	if (!(opts.command ? command_program(&prog) : utarget_exe(&prog, opts.pid)) &&
	    has_malloc(&prog)) {
		*t = prog;
		return 0;
	}
	return utarget_find(t, opts.pid, "c");
}

static int attach_allocator(void *ctx)
{
	struct memleak_bpf *s = ((struct run *)ctx)->skel;
	const struct allocator_fn fns[MAX_FNS] = {
		[CALL_MALLOC] = { "malloc", s->progs.malloc_enter, s->progs.alloc_return, true },
		[CALL_CALLOC] = { "calloc", s->progs.calloc_enter, s->progs.alloc_return, false },
		[CALL_REALLOC] = { "realloc", s->progs.realloc_enter, s->progs.alloc_return,
				   false },
		[CALL_REALLOCARRAY] = { "reallocarray", s->progs.reallocarray_enter,
					s->progs.alloc_return, false },
		[CALL_POSIX_MEMALIGN] = { "posix_memalign", s->progs.posix_memalign_enter,
					  s->progs.posix_memalign_return, false },
		[CALL_ALIGNED_ALLOC] = { "aligned_alloc", s->progs.aligned_alloc_enter,
					 s->progs.alloc_return, false },
		[CALL_VALLOC] = { "valloc", s->progs.valloc_enter, s->progs.alloc_return, false },
		[CALL_MEMALIGN] = { "memalign", s->progs.memalign_enter, s->progs.alloc_return,
				    false },
		[CALL_PVALLOC] = { "pvalloc", s->progs.pvalloc_enter, s->progs.alloc_return,
				   false },
		[CALL_MMAP] = { "mmap", s->progs.mmap_enter, s->progs.alloc_return, false },
		[CALL_FREE] = { "free", s->progs.free_enter, NULL, true },
		[CALL_MUNMAP] = { "munmap", s->progs.munmap_enter, NULL, false },
	};
	char funcs[MAX_FNS][128];
	const char *names[MAX_FNS];
	uint64_t offs[MAX_FNS];
	struct utarget t;
	int n;

	if (!opts.pid)
		return 0;
	if (find_allocator(&t))
		return -1;
	for (size_t i = 0; i < MAX_FNS; i++) {
		snprintf(funcs[i], sizeof(funcs[i]), "%s%s", opts.prefix, fns[i].name);
		names[i] = funcs[i];
	}
	n = ufuncs_offsets(&t, names, offs, MAX_FNS);
	if (n < 0) {
		cli_warn("%s: cannot read its symbols: %s", t.path, strerror(-n));
		return -1;
	}
	if (attach_fns(&t, fns, names, offs))
		return -1;
	spawn_release(&child);
	return 0;
}

/* ------------------------------------------------------------- the reports */

/* An outstanding allocation as read from the map. */
struct alloc_rec {
	__u64 addr;
	struct alloc_info info;
};

/* What a stack holds: its allocations are recs[first..first+n) (-a). */
struct group {
	__s32 stack_id;
	__u64 bytes, count;
	size_t first;
};

static int rec_by_stack(const void *a, const void *b)
{
	const struct alloc_rec *x = a, *y = b;

	if (x->info.stack_id != y->info.stack_id)
		return x->info.stack_id < y->info.stack_id ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int group_by_size(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	__u64 kx = opts.sort_count ? x->count : x->bytes,
	      ky = opts.sort_count ? y->count : y->bytes;

	if (kx != ky)
		return kx > ky ? -1 : 1;
	return x->stack_id - y->stack_id;
}

#define BATCH 4096

struct alloc_reader {
	struct alloc_rec *recs;
	size_t n, cap;
	unsigned long long now;
};

/* Keep an allocation at least -o old. */
static int keep(struct alloc_reader *r, __u64 addr, const struct alloc_info *info)
{
	struct alloc_rec *more;

	/* (A stamp of another CPU may be a little ahead of now.) */
	if (opts.min_age_ns && (info->ts_ns > r->now || r->now - info->ts_ns < opts.min_age_ns))
		return 0;
	if (r->n == r->cap) {
		more = realloc(r->recs, (r->cap + BATCH) * sizeof(*more));
		if (!more)
			return -ENOMEM;
		r->recs = more;
		r->cap += BATCH;
	}
	r->recs[r->n++] = (struct alloc_rec){ addr, *info };
	return 0;
}

/* BATCH at a time: a busy kernel has hundreds of thousands.  -EINVAL: not before Linux 5.6. */
static int read_batched(int fd, struct alloc_reader *r)
{
	static __u64 keys[BATCH];
	static struct alloc_info vals[BATCH];
	__u64 token;
	bool first = true, last = false;
	__u32 count;
	int err = 0;

	while (!last && !err) {
		count = BATCH;
		if (bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys, vals, &count,
					 NULL)) {
			if (errno != ENOENT)
				return first ? -errno : -EIO;
			last = true;
		}
		first = false;
		for (__u32 i = 0; i < count && !err; i++)
			err = keep(r, keys[i], &vals[i]);
	}
	return err;
}

static int read_one_by_one(int fd, struct alloc_reader *r)
{
	struct alloc_info info;
	__u64 key, *prev = NULL;
	int err = 0;

	while (!err && !bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &info))
			err = keep(r, key, &info);
	}
	return err;
}

/* Every allocation at least -o old; *n: how many. */
static struct alloc_rec *read_allocs(int fd, size_t *n)
{
	struct alloc_reader r = { .now = mono_ns() };
	int err = read_batched(fd, &r);

	if (err == -EINVAL) {
		r.n = 0;
		err = read_one_by_one(fd, &r);
	}
	*n = r.n;
	return r.recs;
}

/* Consecutive records of one stack make a group. */
static struct group *group_allocs(struct alloc_rec *recs, size_t n, size_t *ngroups)
{
	struct group *groups = calloc(n ? n : 1, sizeof(*groups));

	*ngroups = 0;
	if (!groups)
		return NULL;
	if (n)
		qsort(recs, n, sizeof(*recs), rec_by_stack);
	for (size_t i = 0; i < n; i++) {
		struct group *g = &groups[*ngroups ? *ngroups - 1 : 0];

		if (!*ngroups || g->stack_id != recs[i].info.stack_id) {
			g = &groups[(*ngroups)++];
			g->stack_id = recs[i].info.stack_id;
			g->first = i;
		}
		g->bytes += recs[i].info.size;
		g->count++;
	}
	return groups;
}

/* --combined-only: the kernel's per-stack totals. */
static struct group *read_combined(int fd, size_t *ngroups)
{
	struct group *groups = calloc(MEMLEAK_COMBINED_MAX, sizeof(*groups));
	struct combined_info c;
	__s32 key, *prev = NULL;

	*ngroups = 0;
	while (groups && *ngroups < MEMLEAK_COMBINED_MAX && !bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &c) || !c.count || (__s64)c.count < 0)
			continue;
		groups[(*ngroups)++] = (struct group){ key, c.bytes, c.count, 0 };
	}
	return groups;
}

static struct stack_key group_key(const struct group *g)
{
	struct stack_key key = { .pid = opts.pid, .kstackid = -1, .ustackid = -1 };

	if (opts.pid)
		key.ustackid = g->stack_id;
	else
		key.kstackid = g->stack_id;
	return key;
}

static void print_group_text(const struct group *g, const struct alloc_rec *recs)
{
	struct stack_key key = group_key(g);

	printf("%llu bytes in %llu allocations from stack\n", (unsigned long long)g->bytes,
	       (unsigned long long)g->count);
	for (size_t i = 0; opts.show_allocs && recs && i < g->count; i++)
		printf("\taddr = %#llx size = %llu\n", (unsigned long long)recs[g->first + i].addr,
		       (unsigned long long)recs[g->first + i].info.size);
	stacks_print_key(run.stacks, &key);
}

static void print_group_json(struct json *j, const struct group *g, const struct alloc_rec *recs)
{
	struct stack_key key = group_key(g);

	json_obj_begin(j, NULL);
	json_uint(j, "bytes", g->bytes);
	json_uint(j, "allocations", g->count);
	if (opts.show_allocs && recs) {
		json_arr_begin(j, "allocs");
		for (size_t i = 0; i < g->count; i++) {
			json_obj_begin(j, NULL);
			json_uint(j, "addr", recs[g->first + i].addr);
			json_uint(j, "size", recs[g->first + i].info.size);
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	stacks_json_key(run.stacks, j, &key);
	json_obj_end(j);
}

static void print_groups(struct group *groups, size_t n, const struct alloc_rec *recs)
{
	size_t shown = n < (size_t)opts.top ? n : (size_t)opts.top;
	char hms[16];
	struct json j;

	qsort(groups, n, sizeof(*groups), group_by_size);
	time_hms(hms, sizeof(hms));
	if (common_opts.json) {
		json_begin(&j, stdout);
		json_str(&j, "time", hms);
		json_arr_begin(&j, "stacks");
		for (size_t i = 0; i < shown; i++)
			print_group_json(&j, &groups[i], recs);
		json_arr_end(&j);
		json_end(&j);
		return;
	}
	printf("[%s] Top %zu stacks with outstanding allocations:\n", hms, shown);
	for (size_t i = 0; i < shown; i++)
		print_group_text(&groups[i], recs);
}

static int print_report(void *ctx)
{
	struct memleak_bpf *s = ((struct run *)ctx)->skel;
	struct alloc_rec *recs = NULL;
	struct group *groups;
	size_t n = 0, ngroups;

	if (opts.combined_only) {
		groups = read_combined(bpf_map__fd(s->maps.combined), &ngroups);
	} else {
		recs = read_allocs(bpf_map__fd(s->maps.allocs), &n);
		groups = group_allocs(recs, n, &ngroups);
	}
	if (!groups) {
		free(recs);
		cli_warn("out of memory");
		return -1;
	}
	print_groups(groups, ngroups, recs);
	free(groups);
	free(recs);
	return 0;
}

/* ------------------------------------------------------------- -t, events */

static const char *const call_names[CALL_MAX] = {
	[CALL_MALLOC] = "malloc",
	[CALL_CALLOC] = "calloc",
	[CALL_REALLOC] = "realloc",
	[CALL_REALLOCARRAY] = "reallocarray",
	[CALL_POSIX_MEMALIGN] = "posix_memalign",
	[CALL_ALIGNED_ALLOC] = "aligned_alloc",
	[CALL_VALLOC] = "valloc",
	[CALL_MEMALIGN] = "memalign",
	[CALL_PVALLOC] = "pvalloc",
	[CALL_MMAP] = "mmap",
	[CALL_FREE] = "free",
	[CALL_MUNMAP] = "munmap",
	[CALL_KMALLOC] = "kmalloc",
	[CALL_KMEM_CACHE_ALLOC] = "kmem_cache_alloc",
	[CALL_PAGE_ALLOC] = "mm_page_alloc",
	[CALL_PERCPU_ALLOC] = "percpu_alloc",
	[CALL_KFREE] = "kfree",
	[CALL_KMEM_CACHE_FREE] = "kmem_cache_free",
	[CALL_PAGE_FREE] = "mm_page_free",
	[CALL_PERCPU_FREE] = "percpu_free",
	[CALL_EXIT] = "exit",
};

static void trace_row(struct row *r, const void *rec)
{
	const struct memleak_event *e = rec;
	const char *call = e->call < CALL_MAX ? call_names[e->call] : "?";
	char addr[24];

	snprintf(addr, sizeof(addr), "%#llx", (unsigned long long)e->addr);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, "TID", "tid", -7, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, "CALL", "call", -16, call, 32);
	row_uint(r, "SIZE", "size", 10, e->size);
	row_str(r, "ADDRESS", NULL, 0, addr, sizeof(addr));
	row_uint(r, NULL, "address", 0, e->addr);
}

static void print_header(void)
{
	if (opts.trace)
		row_print_header(trace_row, &(struct memleak_event){});
}

/* A new user stack (named now), a call (-t), or the end of the traced process. */
static int on_event(void *ctx, const void *data, size_t size)
{
	const struct memleak_event *e = data;

	if (size < sizeof(*e))
		return stacks_on_new(((struct run *)ctx)->stacks, data, size);
	if (e->call == CALL_EXIT)
		return 1;
	row_print(trace_row, e);
	return 0;
}

/* ------------------------------------------------------------- set-up */

static int after_load(void *ctx)
{
	struct run *r = ctx;
	struct stack_show show = {
		.kernel = !opts.pid,
		.user = opts.pid != 0,
		.format = common_opts.json ? STACK_JSON : STACK_MULTILINE,
	};

	r->stacks = stacks_new(bpf_map__fd(r->skel->maps.memleak_stacks), &show);
	if (!r->stacks)
		cli_warn("out of memory");
	return r->stacks ? 0 : -1;
}

static const char *const kernel_progs[] = {
	"kmalloc",
	"kmem_cache_alloc",
	"mm_page_alloc",
	"percpu_alloc_percpu",
	"kfree",
	"kmem_cache_free",
	"mm_page_free",
	"mm_page_free_batched",
	"percpu_free_percpu",
};

/* The programs of one mode: the uprobes and the exit of the process, or the kernel's. */
static void choose_mode(struct bpf_object *obj, bool user)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
	{
		const char *name = bpf_program__name(prog);
		bool kernel = false;

		for (size_t i = 0; i < ARRAY_SIZE(kernel_progs); i++)
			kernel |= !strncmp(name, kernel_progs[i], strlen(kernel_progs[i])) &&
				  (!strcmp(name + strlen(kernel_progs[i]), "_btf") ||
				   !strcmp(name + strlen(kernel_progs[i]), "_raw"));
		if (kernel && !opts.percpu && strstr(name, "percpu"))
			kernel = false, bpf_program__set_autoload(prog, false);
		else if (kernel)
			bpf_program__set_autoload(prog, !user);
		else if (!strncmp(name, "sched_process_exit", 18))
			bpf_program__set_autoload(prog, user);
		else
			bpf_program__set_autoload(prog, false); /* the uprobes: attached by us */
	}
}

/*
 * The uprobe programs, for a process: call_enter for every function where the
 * kernel has BPF cookies (BPFSCOPE_AVOID=cookie: not), else a program per
 * function; uprobe_multi links where the kernel has them.
 */
static void set_uprobes(struct memleak_bpf *s, bool on)
{
	struct bpf_program *prog;

	run.cookies = on && !hook_avoided("cookie") &&
		      libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_attach_cookie,
					      NULL) == 1;
	bpf_object__for_each_program(prog, s->obj)
	{
		const char *sec = bpf_program__section_name(prog);

		if (bpf_program__type(prog) != BPF_PROG_TYPE_KPROBE)
			continue;
		if (!strcmp(sec, "uretprobe"))
			bpf_program__set_autoload(prog, on);
		else if (!strcmp(sec, "uprobe"))
			bpf_program__set_autoload(
				prog, on && run.cookies == (prog == s->progs.call_enter));
	}
	if (run.cookies) {
		uprobe_multi_prepare(s->progs.call_enter);
		uprobe_multi_prepare(s->progs.alloc_return);
		uprobe_multi_prepare(s->progs.posix_memalign_return);
	}
}

static int configure(struct memleak_bpf *s)
{
	static const char *const optional[] = { "mm_page_free_batched", "sched_process_exit",
						NULL };
	bool user = opts.pid != 0;

	s->rodata->min_size = opts.min_size;
	s->rodata->max_size = opts.max_size;
	s->rodata->sample_rate = opts.sample_rate;
	s->rodata->trace_all = opts.trace;
	s->rodata->user_stacks = user;
	s->rodata->page_size = sysconf(_SC_PAGESIZE);
	if (stacks_size_map(s->maps.memleak_stacks, opts.stack_storage) ||
	    (!user && bpf_map__set_map_flags(s->maps.allocs, 0))) {
		cli_warn("cannot size BPF maps");
		return -1;
	}
	if (user) {
		gopts.pids[0] = opts.pid;
		gopts.npids = 1;
	}
	choose_mode(s->obj, user);
	if (hook_choose_each(s->obj, optional))
		return -1;
	set_uprobes(s, user);
	return 0;
}

static char banner[64];

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (opts.command) {
		if (spawn_held(&child, opts.command))
			return 1;
		opts.pid = child.pid;
	}
	if (opts.pid)
		snprintf(banner, sizeof(banner), "Attaching to pid %d, Ctrl+C to quit.", opts.pid);
	else
		snprintf(banner, sizeof(banner), "Attaching to kernel allocators, Ctrl+C to quit.");
	run.skel = TOOL_OPEN(memleak_bpf);
	if (run.skel && !configure(run.skel))
		err = tool_run_events(&(struct tool_events){
			.skel = run.skel->skeleton,
			.on_event = on_event,
			.ctx = &run,
			.banner = banner,
			.print_header = print_header,
			.after_load = after_load,
			.attach = attach_allocator,
			.print_interval = print_report,
		});
	ulinks_destroy(&run.links);
	spawn_end(&child);
	stacks_free(run.stacks);
	memleak_bpf__destroy(run.skel);
	return err;
}
