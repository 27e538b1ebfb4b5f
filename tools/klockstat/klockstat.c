// SPDX-License-Identifier: GPL-2.0
/* klockstat: kernel mutex/rw-semaphore wait and hold times per caller. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "ksyms.h"
#include "output.h"
#include "probe.h"
#include "stacks.h"
#include "text.h"
#include "tool.h"
#include "klockstat.h"
#include "klockstat.skel.h"

enum sort_by { SORT_MAX, SORT_TOTAL, SORT_COUNT };

static struct {
	const char *caller;
	const char *lock;
	long nr_locks;
	long nr_stacks;
	enum sort_by sort_acq, sort_hld;
	bool reset;
	bool per_thread;
} opts = { .nr_locks = LONG_MAX, .nr_stacks = 1 };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Filter by process ID" },
	{ OPT_TID, 't', NULL, "Filter by thread ID" },
	{ OPT_DURATION, 'd', "duration", "Duration to trace" },
	{ OPT_TIME, 'T', "timestamp", "Print timestamp" },
	{},
};

static const struct argp_option options[] = {
	{ "caller", 'c', "FUNC", 0, "Filter by caller string prefix", 0 },
	{ "lock", 'L', "LOCK", 0, "Filter by specific ksym lock name (or 0xADDRESS)", 0 },
	{ "locks", 'n', "NR_LOCKS", 0, "Number of locks or threads to print", 0 },
	{ "stacks", 's', "NR_STACKS", 0, "Number of stack entries to print per lock", 0 },
	{ "sort", 'S', "SORT", 0, "Sort by field: acq_[max|total|count], hld_[max|total|count]",
	  0 },
	{ "interval", 'i', "SECONDS", 0, "Print interval", 0 },
	{ "reset", 'R', NULL, 0, "Reset stats each interval", 0 },
	{ "per-thread", 'P', NULL, 0, "Print per-thread stats", 0 },
	{},
};

static const char doc[] =
	"Trace mutex/sem lock acquisition and hold times, in nsec\v"
	"Where the kernel has fentry or kprobes, every mutex_lock*/down_read*/down_write* "
	"call is timed until it returns (wait) and until the unlock (hold).  Elsewhere the "
	"lock:contention_begin/end tracepoints give the wait of contended acquisitions "
	"only, and no hold times.\n\n"
	"Examples:\n"
	"  klockstat                     # trace system wide until ctrl-c\n"
	"  klockstat -d 5                # trace for 5 seconds\n"
	"  klockstat -i 5                # print stats every 5 seconds\n"
	"  klockstat -p 181              # trace process 181 only\n"
	"  klockstat -t 181              # trace thread 181 only\n"
	"  klockstat -c pipe_            # print only for lock callers with 'pipe_' prefix\n"
	"  klockstat -L cgroup_mutex     # trace the cgroup_mutex lock only (accepts addr too)\n"
	"  klockstat -S acq_count        # sort lock acquired results by acquire count\n"
	"  klockstat -S hld_total        # sort lock held results by total held time\n"
	"  klockstat -S acq_count,hld_total  # combination of above\n"
	"  klockstat -n 3                # display top 3 locks/threads\n"
	"  klockstat -s 6                # display 6 stack entries per lock\n"
	"  klockstat -P                  # print stats per thread\n"
	"  klockstat --json -i 5         # one JSON object every 5 seconds";

static bool parse_one_sort(const char *s)
{
	static const char *const fields[] = {
		[SORT_MAX] = "max", [SORT_TOTAL] = "total", [SORT_COUNT] = "count"
	};
	enum sort_by *to = !strncmp(s, "acq_", 4)   ? &opts.sort_acq
			   : !strncmp(s, "hld_", 4) ? &opts.sort_hld
						    : NULL;

	for (int i = 0; to && i < (int)ARRAY_SIZE(fields); i++) {
		if (!strcmp(s + 4, fields[i])) {
			*to = i;
			return true;
		}
	}
	return false;
}

static void parse_sort(const char *arg)
{
	char buf[64], *comma;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		cli_bad_value("-S", arg, "not acq_[max|total|count] or hld_[max|total|count]");
	comma = strchr(buf, ',');
	if (comma)
		*comma++ = '\0';
	if (!parse_one_sort(buf) || (comma && !parse_one_sort(comma)))
		cli_bad_value("-S", arg, "not acq_[max|total|count] or hld_[max|total|count]");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'c':
		opts.caller = arg;
		return 0;
	case 'L':
		if (!*arg)
			cli_bad_value("-L", arg, "empty");
		opts.lock = arg;
		return 0;
	case 'n':
		opts.nr_locks = cli_parse_long("-n", arg, 1, INT_MAX);
		return 0;
	case 's':
		opts.nr_stacks = cli_parse_long("-s", arg, 1, STACK_MAX_DEPTH);
		return 0;
	case 'S':
		parse_sort(arg);
		return 0;
	case 'i':
		gopts.interval = cli_parse_long("-i", arg, 1, INT_MAX);
		return 0;
	case 'R':
		opts.reset = true;
		return 0;
	case 'P':
		opts.per_thread = true;
		return 0;
	case ARGP_KEY_END:
		if (opts.per_thread && opts.nr_stacks != 1)
			cli_usage_error("--per-thread and --stacks cannot be used together");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* ------------------------------------------------------------ hooks */

enum way { WAY_FENTRY, WAY_KPROBE, WAY_TP_BTF, WAY_RAW_TP };

static enum way way_of(const struct bpf_program *p)
{
	switch (hook_kind_of(p)) {
	case HOOK_FENTRY:
	case HOOK_FEXIT:
		return WAY_FENTRY;
	case HOOK_KPROBE:
	case HOOK_KRETPROBE:
		return WAY_KPROBE;
	case HOOK_TP_BTF:
		return WAY_TP_BTF;
	default:
		return WAY_RAW_TP;
	}
}

/* Keep one way in, with every function of it the kernel has; -1 after saying why. */
static int choose_hooks(struct klockstat_bpf *skel)
{
	struct bpf_program *firsts[] = {
		skel->progs.mutex_lock_fentry,
		skel->progs.mutex_lock_kprobe,
		skel->progs.contention_begin_btf,
		skel->progs.contention_begin_raw,
	};
	struct bpf_program *needed[] = {
		skel->progs.mutex_unlock_fentry,
		skel->progs.mutex_unlock_kprobe,
		skel->progs.contention_end_btf,
		skel->progs.contention_end_raw,
	};
	struct bpf_program *p;
	int way = hook_choose("kernel lock waits", firsts, ARRAY_SIZE(firsts));

	if (way < 0)
		return -1;
	bpf_object__for_each_program(p, skel->obj)
	{
		if (p == firsts[way])
			continue;
		if (way_of(p) != (enum way)way)
			bpf_program__set_autoload(p, false);
		else
			hook_choose_optional(&p, 1);
	}
	if (!bpf_program__autoload(needed[way])) {
		cli_warn("cannot trace %s on this kernel", hook_target(needed[way]));
		return -1;
	}
	if (way != WAY_KPROBE)
		bpf_map__set_max_entries(skel->maps.calls, 1);
	return way;
}

/* -L: a kernel symbol, or an address. */
static __u64 lock_address(const struct ksyms *ks, const char *lock)
{
	unsigned long long addr;
	char *end;

	if (!strncasecmp(lock, "0x", 2)) {
		errno = 0;
		addr = strtoull(lock + 2, &end, 16);
		if (errno || *end || end == lock + 2 || !addr)
			cli_bad_value("-L", lock, "not a lock name or 0xADDRESS");
		return addr;
	}
	addr = ks ? ksyms_addr(ks, lock) : 0;
	if (!addr)
		cli_die("no kernel symbol '%s' (lock names need CONFIG_KALLSYMS_ALL; "
			"give the lock's address as 0xADDRESS)",
			cli_shown(lock));
	return addr;
}

/* ---------------------------------------------------------- reading */

struct stat_rec {
	__u32 key;
	struct lock_stat ls;
	int n;	    /* frames in ips */
	int caller; /* the first frame outside the lock functions */
	__u64 ips[STACK_MAX_DEPTH];
};

static struct run {
	struct klockstat_bpf *skel;
	struct ksyms *ks;
	bool hold;	  /* hold times: the fentry or kprobe way */
	__u64 text[2][2]; /* [start, end) of the kernel's .sched.text and .spinlock.text */
	struct stat_rec *recs;
	struct stat_rec **order;
	size_t n, room;
} run;

static void find_lock_text(void)
{
	static const char *const names[2][2] = {
		{ "__sched_text_start", "__sched_text_end" },
		{ "__lock_text_start", "__lock_text_end" },
	};

	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			run.text[i][j] = ksyms_addr(run.ks, names[i][j]);
}

/* Lock functions (and the scheduler they sleep in) are __sched or __lockfunc. */
static bool in_lock_text(__u64 ip)
{
	for (int i = 0; i < 2; i++)
		if (ip >= run.text[i][0] && ip < run.text[i][1])
			return true;
	return false;
}

static bool hook_frame(__u64 ip)
{
	struct sym sym;

	return ksyms_resolve(run.ks, ip, &sym) && sym.name &&
	       (!strncmp(sym.name, "bpf_", 4) || !strncmp(sym.name, "__bpf_", 6));
}

/*
 * The caller: past the hook's frames (the BPF program, a trampoline or the
 * tracepoint's) and the lock functions'.  A return address is looked up a
 * byte before it, as it may lie past the end of a call at a function's end.
 */
static int caller_of(const __u64 *ips, int n)
{
	int i, first = -1;

	for (i = 0; i < n && i < 16 && first < 0; i++)
		if (in_lock_text(ips[i] - (i > 0)))
			first = i;
	if (first < 0) {
		for (i = 0; i < n - 1 && hook_frame(ips[i] - (i > 0)); i++)
			;
		return i;
	}
	for (i = first; i < n - 1 && in_lock_text(ips[i] - (i > 0)); i++)
		;
	return i;
}

static char *frame_name(const struct stat_rec *r, int i, char *buf, size_t len)
{
	__u64 ip = r->ips[i];
	struct sym sym;

	if (i >= r->n || !ksyms_resolve(run.ks, ip - (i > 0), &sym) || !sym.name)
		return "Unknown";
	snprintf(buf, len, "%s+0x%llx", sym.name, (unsigned long long)(sym.offset + (i > 0)));
	return buf;
}

static bool caller_wanted(const struct stat_rec *r)
{
	struct sym sym;
	int i = r->caller;

	if (!opts.caller || opts.per_thread || i >= r->n)
		return true;
	if (!ksyms_resolve(run.ks, r->ips[i] - (i > 0), &sym) || !sym.name)
		return true;
	return !strncmp(sym.name, opts.caller, strlen(opts.caller));
}

static struct stat_rec *new_rec(void)
{
	struct stat_rec *more;

	if (run.n == run.room) {
		run.room = run.room ? run.room * 2 : 64;
		more = realloc(run.recs, run.room * sizeof(*more));
		if (!more)
			return NULL;
		run.recs = more;
	}
	return &run.recs[run.n];
}

static int read_one(int fd, __u32 key)
{
	struct stat_rec *r = new_rec();

	if (!r)
		return -ENOMEM;
	r->key = key;
	if (opts.reset ? bpf_map_lookup_and_delete_elem(fd, &key, &r->ls)
		       : bpf_map_lookup_elem(fd, &key, &r->ls))
		return 0; /* gone meanwhile */
	r->n = 0;
	if (!opts.per_thread) {
		r->n = stack_read(bpf_map__fd(run.skel->maps.stacks), key, r->ips);
		if (r->n < 0)
			r->n = 0;
	}
	r->caller = caller_of(r->ips, r->n);
	if (caller_wanted(r) && r->ls.acq_count)
		run.n++;
	return 0;
}

/* Every entry of the statistics (drained with -R). */
static int read_stats(void)
{
	int fd = bpf_map__fd(run.skel->maps.stats), err = 0;
	__u32 *keys = calloc(MAX_ENTRIES, sizeof(*keys)), key, *prev = NULL;
	size_t nkeys = 0;

	if (!keys)
		return -ENOMEM;
	while (nkeys < MAX_ENTRIES && !bpf_map_get_next_key(fd, prev, &key)) {
		keys[nkeys] = key;
		prev = &keys[nkeys++];
	}
	run.n = 0;
	for (size_t i = 0; i < nkeys && !err; i++)
		err = read_one(fd, keys[i]);
	free(keys);
	return err;
}

/* ------------------------------------------------------------ output */

static bool sort_hold;

static __u64 sort_value(const struct stat_rec *r)
{
	const struct lock_stat *s = &r->ls;

	switch (sort_hold ? opts.sort_hld : opts.sort_acq) {
	case SORT_TOTAL:
		return sort_hold ? s->hld_total_time : s->acq_total_time;
	case SORT_COUNT:
		return sort_hold ? s->hld_count : s->acq_count;
	default:
		return sort_hold ? s->hld_max_time : s->acq_max_time;
	}
}

static int larger_first(const void *a, const void *b)
{
	const struct stat_rec *x = *(struct stat_rec *const *)a, *y = *(struct stat_rec *const *)b;
	__u64 vx = sort_value(x), vy = sort_value(y);

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static char *print_time(char *buf, size_t len, __u64 ns)
{
	static const struct {
		double base;
		const char *unit;
	} table[] = { { 1e9 * 3600, "h " },
		      { 1e9 * 60, "m " },
		      { 1e9, "s " },
		      { 1e6, "ms" },
		      { 1e3, "us" } };

	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		if (ns >= table[i].base) {
			snprintf(buf, len, "%.1f %s", ns / table[i].base, table[i].unit);
			return buf;
		}
	}
	snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	return buf;
}

/* What a table shows of a record: the wait (acq) or the hold (hld) half. */
struct half {
	__u64 count, total, max, max_id, max_lock;
	const char *max_comm;
};

static struct half half_of(const struct stat_rec *r, bool hold)
{
	const struct lock_stat *s = &r->ls;

	if (hold)
		return (struct half){ s->hld_count,  s->hld_total_time,	  s->hld_max_time,
				      s->hld_max_id, s->hld_max_lock_ptr, s->hld_max_comm };
	return (struct half){ s->acq_count,  s->acq_total_time,	  s->acq_max_time,
			      s->acq_max_id, s->acq_max_lock_ptr, s->acq_max_comm };
}

static const char *lock_name(__u64 addr)
{
	struct sym sym;

	return ksyms_resolve(run.ks, addr, &sym) && sym.name && !sym.offset ? sym.name : "no-ksym";
}

static void print_table_header(bool hold)
{
	printf("\n%s  Avg %s    Count   Max %s   Total %s\n",
	       opts.per_thread ? "                Tid              Comm"
			       : "                               Caller",
	       hold ? "Hold" : "Wait", hold ? "Hold" : "Wait", hold ? "Hold" : "Wait");
}

static void print_row(const struct stat_rec *r, bool hold)
{
	struct half h = half_of(r, hold);
	char who[128], comm[4 * TASK_COMM_LEN + 1], avg[32], max[32], tot[32];

	if (opts.per_thread) {
		str_escape(comm, sizeof(comm), r->ls.acq_max_comm, TASK_COMM_LEN);
		snprintf(who, sizeof(who), "%u  %16s", r->key, comm);
	}
	printf("%37s %9s %8llu %10s %12s\n",
	       opts.per_thread ? who : frame_name(r, r->caller, who, sizeof(who)),
	       print_time(avg, sizeof(avg), h.count ? h.total / h.count : 0),
	       (unsigned long long)h.count, print_time(max, sizeof(max), h.max),
	       print_time(tot, sizeof(tot), h.total));
	if (opts.per_thread || opts.nr_stacks < 2)
		return;
	for (int i = r->caller + 1; i < r->caller + opts.nr_stacks && i < r->n; i++)
		printf("%37s\n", frame_name(r, i, who, sizeof(who)));
	str_escape(comm, sizeof(comm), h.max_comm, TASK_COMM_LEN);
	printf("                              Max PID %llu, COMM %s, Lock %s (%#llx)\n",
	       (unsigned long long)(h.max_id >> 32), comm, lock_name(h.max_lock),
	       (unsigned long long)h.max_lock);
}

static void print_text(bool hold)
{
	size_t n = run.n < (size_t)opts.nr_locks ? run.n : (size_t)opts.nr_locks;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || opts.nr_stacks > 1)
			print_table_header(hold);
		print_row(run.order[i], hold);
	}
}

static void json_row(struct json *j, const struct stat_rec *r, bool hold)
{
	struct half h = half_of(r, hold);
	char buf[64];

	json_obj_begin(j, NULL);
	if (opts.per_thread) {
		json_uint(j, "tid", r->key);
		json_strn(j, "comm", r->ls.acq_max_comm, TASK_COMM_LEN);
	} else {
		json_str(j, "caller", frame_name(r, r->caller, buf, sizeof(buf)));
		json_arr_begin(j, "stack");
		for (int i = r->caller; i < r->caller + opts.nr_stacks && i < r->n; i++)
			json_str(j, NULL, frame_name(r, i, buf, sizeof(buf)));
		json_arr_end(j);
	}
	json_uint(j, "count", h.count);
	json_uint(j, "avg_ns", h.count ? h.total / h.count : 0);
	json_uint(j, "max_ns", h.max);
	json_uint(j, "total_ns", h.total);
	json_uint(j, "max_pid", h.max_id >> 32);
	json_uint(j, "max_tid", (__u32)h.max_id);
	json_strn(j, "max_comm", h.max_comm, TASK_COMM_LEN);
	snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)h.max_lock);
	json_str(j, "max_lock", buf);
	json_str(j, "max_lock_name", lock_name(h.max_lock));
	json_obj_end(j);
}

static void json_table(struct json *j, bool hold)
{
	size_t n = run.n < (size_t)opts.nr_locks ? run.n : (size_t)opts.nr_locks;

	json_arr_begin(j, hold ? "hold" : "wait");
	for (size_t i = 0; i < n; i++)
		json_row(j, run.order[i], hold);
	json_arr_end(j);
}

static void sort_by(bool hold)
{
	for (size_t i = 0; i < run.n; i++)
		run.order[i] = &run.recs[i];
	sort_hold = hold;
	if (run.n) /* run.order may be NULL, which qsort must not see */
		qsort(run.order, run.n, sizeof(*run.order), larger_first);
}

static int print_interval(void *ctx)
{
	struct json j;
	char hms[16];
	int err;

	(void)ctx;
	err = read_stats();
	if (!err && run.n && !(run.order = realloc(run.order, run.n * sizeof(*run.order))))
		err = -ENOMEM;
	if (err) {
		cli_warn("cannot read the lock statistics: %s", strerror(-err));
		return -1;
	}
	if (common_opts.json) {
		json_begin(&j, stdout);
		json_str(&j, "time", time_hms(hms, sizeof(hms)));
		sort_by(false);
		json_table(&j, false);
		if (run.hold) {
			sort_by(true);
			json_table(&j, true);
		}
		json_end(&j);
		return 0;
	}
	sort_by(false);
	print_text(false);
	if (run.hold) {
		sort_by(true);
		print_text(true);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	const char *banner = "Tracing mutex/sem lock events...  Hit Ctrl-C to end";
	int way, err = 1;

	tool_parse(&argp, picks, argc, argv);
	run.ks = ksyms_load();
	if (!run.ks)
		cli_die("cannot read /proc/kallsyms");
	run.skel = TOOL_OPEN(klockstat_bpf);
	if (!run.skel)
		goto out;
	if (opts.lock)
		run.skel->rodata->filter_lock = lock_address(run.ks, opts.lock);
	run.skel->rodata->per_thread = opts.per_thread;
	way = choose_hooks(run.skel);
	if (way < 0)
		goto out;
	run.hold = way == WAY_FENTRY || way == WAY_KPROBE;
	if (!run.hold)
		banner = "Tracing mutex/sem lock events...  Hit Ctrl-C to end\n"
			 "(lock:contention tracepoints: waits of contended acquisitions only; "
			 "hold times need fentry or kprobes)";
	find_lock_text();
	err = tool_run_intervals(&(struct tool_intervals){
		.skel = run.skel->skeleton,
		.banner = banner,
		.print_interval = print_interval,
	});
out:
	klockstat_bpf__destroy(run.skel);
	ksyms_free(run.ks);
	free(run.recs);
	free(run.order);
	return err;
}
