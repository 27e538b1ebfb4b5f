// SPDX-License-Identifier: GPL-2.0
/* profile: sample on-CPU stacks at a timed interval and count them. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "events.h"
#include "output.h"
#include "probe.h"
#include "ksyms.h"
#include "usyms.h"
#include "profile.h"
#include "profile.skel.h"

#define MAX_IDS	 1024
#define MAX_CPUS 4096

static struct opts {
	pid_t *pids;
	int npids;
	pid_t *tids;
	int ntids;
	bool user_only;
	bool kernel_only;
	bool folded;
	bool delimited;
	bool annotate;
	bool include_idle;
	unsigned long long freq;
	unsigned long long period;
	long stack_storage;
	long hash_storage;
	int cpu;
	int duration; /* seconds; 0: until a signal */
	int nposargs;
} opts = { .cpu = -1, .stack_storage = 16384, .hash_storage = 40960 };

enum { OPT_STACK_STORAGE = 0x100, OPT_HASH_STORAGE };

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Profile these processes only (comma separated)", 0 },
	{ "tid", 'L', "TID", 0, "Profile these threads only (comma separated)", 0 },
	{ "user-stacks-only", 'U', NULL, 0, "Show user stacks only (no kernel stacks)", 0 },
	{ "kernel-stacks-only", 'K', NULL, 0, "Show kernel stacks only (no user stacks)", 0 },
	{ "frequency", 'F', "HZ", 0, "Sample this many times a second per CPU (default 49)", 0 },
	{ "count", 'c', "N", 0, "Sample once every N nanoseconds of CPU clock", 0 },
	{ "delimited", 'd', NULL, 0, "Put a delimiter between kernel and user stacks", 0 },
	{ "annotations", 'a', NULL, 0, "Add _[k] to kernel frame names", 0 },
	{ "include-idle", 'I', NULL, 0, "Include stacks of idle CPUs", 0 },
	{ "folded", 'f', NULL, 0, "Print folded stacks (flame graph input)", 0 },
	{ "stack-storage-size", OPT_STACK_STORAGE, "N", 0,
	  "Distinct stacks the kernel can hold (default 16384)", 0 },
	{ "hash-storage-size", OPT_HASH_STORAGE, "N", 0,
	  "Distinct (process, stack) pairs counted (default 40960)", 0 },
	{ "cpu", 'C', "CPU", 0, "Sample this CPU only", 0 },
	{},
};

static const char doc[] =
	"Profile CPU usage by sampling stack traces at a timed interval.\v"
	"DURATION is in seconds; without it profile runs until Ctrl-C.\n\n"
	"Examples:\n"
	"  profile              # all CPUs, user and kernel stacks, until Ctrl-C\n"
	"  profile 5            # for 5 seconds\n"
	"  profile -F 99 5      # at 99 Hertz\n"
	"  profile -c 1000000   # once every millisecond of CPU time\n"
	"  profile -p 185       # process 185 only\n"
	"  profile -L 185       # thread 185 only\n"
	"  profile -U           # user stacks only\n"
	"  profile -K           # kernel stacks only\n"
	"  profile -df 5        # folded, for flame graphs, with a kernel/user delimiter\n"
	"  profile --json 5     # one JSON object per stack";

static long read_sysctl(const char *path, long dflt)
{
	FILE *f = fopen(path, "re");
	long v;

	if (!f)
		return dflt;
	if (fscanf(f, "%ld", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

/* Online CPUs from "0-3,5" in sysfs; cpus[] is filled, the count returned. */
static int online_cpus(bool *cpus)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int lo, hi, n = 0;
	char sep;

	if (!f)
		return -errno;
	while (fscanf(f, "%d", &lo) == 1) {
		hi = lo;
		sep = fgetc(f);
		if (sep == '-') {
			if (fscanf(f, "%d", &hi) != 1)
				break;
			sep = fgetc(f);
		}
		for (int c = lo; c <= hi && c < MAX_CPUS; c++, n++)
			cpus[c] = true;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n;
}

/* "1,2,3" -> ids, each checked by parse (which exits on a bad one). */
static void parse_id_list(const char *opt, char *arg, pid_t (*parse)(const char *, const char *),
			  pid_t **ids, int *n)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n >= MAX_IDS)
			cli_usage_error("too many ids for %s (at most %d)", opt, MAX_IDS);
		*ids = realloc(*ids, (*n + 1) * sizeof(**ids));
		if (!*ids)
			cli_die("out of memory");
		(*ids)[(*n)++] = parse(opt, tok);
	}
	if (!*n)
		cli_usage_error("invalid value '%s' for %s: no id given", arg, opt);
}

/* What the kernel would refuse later, as a usage error now. */
static void check_sampling(void)
{
	long max_rate = read_sysctl("/proc/sys/kernel/perf_event_max_sample_rate", 0);
	static bool cpus[MAX_CPUS];

	if (opts.freq && max_rate > 0 && opts.freq > (unsigned long long)max_rate)
		cli_usage_error("invalid value '%llu' for -F: above "
				"kernel.perf_event_max_sample_rate (%ld)",
				opts.freq, max_rate);
	if (opts.cpu >= 0 && online_cpus(cpus) > 0 && !cpus[opts.cpu])
		cli_usage_error("invalid value '%d' for -C: CPU %d is not online", opts.cpu,
				opts.cpu);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'p':
		parse_id_list("-p", arg, cli_parse_pid, &opts.pids, &opts.npids);
		break;
	case 'L':
		parse_id_list("-L", arg, cli_parse_tid, &opts.tids, &opts.ntids);
		break;
	case 'U':
		opts.user_only = true;
		break;
	case 'K':
		opts.kernel_only = true;
		break;
	case 'F':
		opts.freq = cli_parse_long("-F", arg, 1, INT_MAX);
		break;
	case 'c':
		opts.period = cli_parse_long("-c", arg, 1, LONG_MAX);
		break;
	case 'd':
		opts.delimited = true;
		break;
	case 'a':
		opts.annotate = true;
		break;
	case 'I':
		opts.include_idle = true;
		break;
	case 'f':
		opts.folded = true;
		break;
	case OPT_STACK_STORAGE:
		opts.stack_storage = cli_parse_long("--stack-storage-size", arg, 1, 1 << 22);
		break;
	case OPT_HASH_STORAGE:
		opts.hash_storage = cli_parse_long("--hash-storage-size", arg, 1, 1 << 22);
		break;
	case 'C':
		opts.cpu = cli_parse_long("-C", arg, 0, MAX_CPUS - 1);
		break;
	case ARGP_KEY_ARG:
		if (opts.nposargs++)
			cli_usage_error("unexpected argument '%s'", arg);
		opts.duration = cli_parse_long("duration", arg, 1, INT_MAX);
		break;
	case ARGP_KEY_END:
		if (opts.freq && opts.period)
			cli_usage_error("-F and -c are exclusive: sample by rate or by period");
		if (opts.user_only && opts.kernel_only)
			cli_usage_error("-U and -K are exclusive");
		if (opts.npids && opts.ntids)
			cli_usage_error("-p and -L are exclusive");
		if (!opts.freq && !opts.period)
			opts.freq = 49;
		check_sampling();
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ------------------------------------------------------------- sampling */

static int open_cpu_clock(int cpu)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
		.freq = opts.freq != 0,
	};

	if (opts.freq)
		attr.sample_freq = opts.freq;
	else
		attr.sample_period = opts.period;
	return syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

struct sampler {
	struct bpf_link *links[MAX_CPUS];
	int nlinks;
};

/* One cpu-clock event per CPU (or only -C), each running prog. */
static int attach_cpus(struct sampler *s, struct bpf_program *prog)
{
	static bool cpus[MAX_CPUS];
	int fd, err;

	if (online_cpus(cpus) <= 0) {
		cli_warn("cannot read /sys/devices/system/cpu/online");
		return -1;
	}
	for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (!cpus[cpu] || (opts.cpu >= 0 && cpu != opts.cpu))
			continue;
		fd = open_cpu_clock(cpu);
		if (fd < 0) {
			cli_warn("cannot open a cpu-clock perf event on CPU %d: %s", cpu,
				 strerror(errno));
			return -1;
		}
		s->links[s->nlinks] = bpf_program__attach_perf_event(prog, fd);
		err = libbpf_get_error(s->links[s->nlinks]);
		if (err) {
			s->links[s->nlinks] = NULL;
			close(fd);
			cli_warn("cannot attach to the perf event of CPU %d: %s", cpu,
				 strerror(-err));
			return -1;
		}
		s->nlinks++;
	}
	return 0;
}

/* Destroying a perf event link also closes its perf event. */
static void detach_cpus(struct sampler *s)
{
	while (s->nlinks > 0)
		bpf_link__destroy(s->links[--s->nlinks]);
}

/* ---------------------------------------------------------- user stacks */

/*
 * User stacks are named while their process still runs: a process that has
 * exited cannot be read any more.  A stack id never changes what it holds
 * (no BPF_F_REUSE_STACKID), so (pid, stack id) names it for the whole run.
 */
struct ustack {
	struct ustack *next;
	__u32 pid;
	__s32 id;
	bool missed;
	int n;
	const char *frames[]; /* leaf first; NULL where no symbol */
};

#define USTACK_BUCKETS 4096

static struct ustack *ustacks[USTACK_BUCKETS];

static int read_stack(int fd, __s32 id, __u64 *ips)
{
	memset(ips, 0, MAX_STACK_DEPTH * sizeof(*ips));
	return bpf_map_lookup_elem(fd, &id, ips);
}

/*
 * Every frame but the leaf is a return address, which may lie past the end
 * of a function that ends in a call: look up the byte before it.
 */
static __u64 lookup_addr(__u64 ip, int frame)
{
	return frame ? ip - 1 : ip;
}

static const struct ustack *ustack_get(struct usyms *us, int fd, __u32 pid, __s32 id)
{
	size_t b = (pid * 7919u + (__u32)id) % USTACK_BUCKETS;
	__u64 ips[MAX_STACK_DEPTH];
	struct ustack *u;
	struct sym sym;
	bool missed;
	int n = 0;

	for (u = ustacks[b]; u; u = u->next) {
		if (u->pid == pid && u->id == id)
			return u;
	}
	missed = read_stack(fd, id, ips) != 0;
	while (n < MAX_STACK_DEPTH && ips[n])
		n++;
	u = calloc(1, sizeof(*u) + n * sizeof(u->frames[0]));
	if (!u)
		return NULL;
	u->pid = pid;
	u->id = id;
	u->missed = missed;
	u->n = n;
	for (int i = 0; i < n; i++)
		u->frames[i] =
			usyms_resolve(us, pid, lookup_addr(ips[i], i), &sym) ? sym.name : NULL;
	u->next = ustacks[b];
	ustacks[b] = u;
	return u;
}

static void ustacks_free(void)
{
	struct ustack *u, *next;

	for (size_t b = 0; b < USTACK_BUCKETS; b++) {
		for (u = ustacks[b]; u; u = next) {
			next = u->next;
			free(u);
		}
		ustacks[b] = NULL;
	}
}

struct namer {
	struct usyms *us;
	int stacks_fd;
	unsigned long long named, ns; /* for -v: stacks named while sampling, time spent */
};

/* A user stack was counted for the first time: name it before its process exits. */
static int on_new_stack(void *ctx, const void *data, size_t size)
{
	const struct new_stack *e = data;
	unsigned long long t0 = mono_ns();
	struct namer *n = ctx;

	if (size >= sizeof(*e) && e->pid) {
		ustack_get(n->us, n->stacks_fd, e->pid, e->ustackid);
		n->named++;
		n->ns += mono_ns() - t0;
	}
	return 0;
}

/* --------------------------------------------------------------- output */

struct sample {
	struct stack_key key;
	__u64 count;
};

/* What is printed: a stack as text, with the samples of every key printing it. */
struct row {
	const struct stack_key *key; /* one of them, to print its stack in full */
	__u64 count;
	char *folded;
};

/* Every counted key with its count. */
static struct sample *read_samples(int fd, size_t *n)
{
	struct stack_key key, next;
	struct sample *s = NULL, *ns;
	size_t cap = 0;
	void *prev = NULL;
	__u64 count;

	*n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			ns = realloc(s, cap * sizeof(*s));
			if (!ns)
				break;
			s = ns;
		}
		s[*n].key = key;
		s[(*n)++].count = count;
	}
	return s;
}

enum side_state { SIDE_EMPTY, SIDE_MISSED, SIDE_OK };

/* One half of a sample's stack, names leaf first; NULL names are unknown. */
struct side {
	enum side_state state;
	int err; /* the stack id's error when missed */
	int n;
	const char *names[MAX_STACK_DEPTH];
};

/* -EFAULT: there is no such stack (user stack of a kernel thread): nothing to show. */
static bool stack_id_missed(__s32 id)
{
	return id < 0 && id != -EFAULT;
}

static void kernel_side(const struct ksyms *ks, int fd, __s32 id, struct side *s)
{
	__u64 ips[MAX_STACK_DEPTH];
	struct sym sym;

	s->n = 0;
	s->err = id;
	s->state = stack_id_missed(id) ? SIDE_MISSED : SIDE_EMPTY;
	if (id < 0)
		return;
	if (read_stack(fd, id, ips)) {
		s->state = SIDE_MISSED;
		return;
	}
	s->state = SIDE_OK;
	for (; s->n < MAX_STACK_DEPTH && ips[s->n]; s->n++)
		s->names[s->n] =
			ksyms_resolve(ks, lookup_addr(ips[s->n], s->n), &sym) ? sym.name : NULL;
}

static void user_side(struct usyms *us, int fd, const struct stack_key *key, struct side *s)
{
	const struct ustack *u;

	s->n = 0;
	s->err = key->ustackid;
	s->state = stack_id_missed(key->ustackid) ? SIDE_MISSED : SIDE_EMPTY;
	if (key->ustackid < 0)
		return;
	u = ustack_get(us, fd, key->pid, key->ustackid);
	if (!u || u->missed) {
		s->state = SIDE_MISSED;
		return;
	}
	s->state = SIDE_OK;
	s->n = u->n;
	memcpy(s->names, u->frames, u->n * sizeof(u->frames[0]));
}

static void print_name(FILE *f, const char *name, bool kernel)
{
	fputs(name ? name : "[unknown]", f);
	if (kernel && opts.annotate)
		fputs("_[k]", f);
}

static bool show_delimiter(const struct side *k, const struct side *u)
{
	return opts.delimited && k->state == SIDE_OK && u->state == SIDE_OK;
}

/* "comm;user root..leaf;[-;]kernel root..leaf", without the count. */
static void print_folded(FILE *f, const struct stack_key *key, const struct side *k,
			 const struct side *u)
{
	print_escaped(f, key->comm, sizeof(key->comm));
	if (!opts.kernel_only) {
		if (u->state == SIDE_MISSED)
			fputs(";[Missed User Stack]", f);
		for (int i = u->n - 1; i >= 0; i--) {
			fputc(';', f);
			print_name(f, u->names[i], false);
		}
	}
	if (!opts.user_only) {
		if (show_delimiter(k, u))
			fputs(";-", f);
		if (k->state == SIDE_MISSED)
			fputs(";[Missed Kernel Stack]", f);
		for (int i = k->n - 1; i >= 0; i--) {
			fputc(';', f);
			print_name(f, k->names[i], true);
		}
	}
}

/* bcc's layout: kernel frames leaf first, then user frames, then "- comm (pid)" and count. */
static void print_multiline(const struct row *r, const struct side *k, const struct side *u)
{
	if (!opts.user_only) {
		if (k->state == SIDE_MISSED)
			puts("    [Missed Kernel Stack]");
		for (int i = 0; i < k->n; i++) {
			fputs("    ", stdout);
			print_name(stdout, k->names[i], true);
			putchar('\n');
		}
	}
	if (!opts.kernel_only) {
		if (show_delimiter(k, u))
			puts("    --");
		if (u->state == SIDE_MISSED)
			puts("    [Missed User Stack]");
		for (int i = 0; i < u->n; i++) {
			fputs("    ", stdout);
			print_name(stdout, u->names[i], false);
			putchar('\n');
		}
	}
	printf("    %-16s ", "-");
	print_escaped(stdout, r->key->comm, sizeof(r->key->comm));
	printf(" (%u)\n        %llu\n\n", r->key->pid, (unsigned long long)r->count);
}

static void json_side(struct json *j, const char *key, const struct side *s, bool kernel)
{
	char buf[512];

	if (s->state == SIDE_MISSED) {
		json_null(j, key);
		return;
	}
	json_arr_begin(j, key);
	for (int i = s->n - 1; i >= 0; i--) {
		snprintf(buf, sizeof(buf), "%s%s", s->names[i] ? s->names[i] : "[unknown]",
			 kernel && opts.annotate ? "_[k]" : "");
		json_str(j, NULL, buf);
	}
	json_arr_end(j);
}

static void print_json(const struct row *r, const struct side *k, const struct side *u)
{
	struct json j;

	json_begin(&j, stdout);
	json_strn(&j, "comm", r->key->comm, sizeof(r->key->comm));
	json_uint(&j, "pid", r->key->pid);
	json_uint(&j, "count", r->count);
	if (!opts.kernel_only)
		json_side(&j, "user_stack", u, false);
	if (!opts.user_only)
		json_side(&j, "kernel_stack", k, true);
	json_str(&j, "folded", r->folded);
	json_end(&j);
}

/* Both halves of a sample's stack, named. */
static void sides(const struct ksyms *ks, struct usyms *us, int fd, const struct stack_key *key,
		  struct side *k, struct side *u)
{
	kernel_side(ks, fd, opts.user_only ? -1 : key->kstackid, k);
	user_side(us, fd, key, u);
	if (opts.user_only)
		k->state = SIDE_EMPTY;
	if (opts.kernel_only)
		u->state = SIDE_EMPTY;
}

static char *folded_string(const struct stack_key *key, const struct side *k, const struct side *u)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	print_folded(f, key, k, u);
	fclose(f);
	return buf;
}

/* Rows are equal when they print the same: folded lines carry no pid. */
static int row_text_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	bool with_pid = !opts.folded || common_opts.json;

	if (with_pid && x->key->pid != y->key->pid)
		return x->key->pid < y->key->pid ? -1 : 1;
	return strcmp(x->folded, y->folded);
}

/* Fewest samples first, so the busiest stacks end the output, as in bcc. */
static int row_count_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return row_text_cmp(a, b);
}

/*
 * Samples whose stacks differ only in addresses inside the same functions
 * print the same: add them up into one row.
 */
static size_t merge_rows(struct row *rows, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0; /* rows may be NULL, which qsort must not see */
	qsort(rows, n, sizeof(*rows), row_text_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out && !row_text_cmp(&rows[out - 1], &rows[i])) {
			rows[out - 1].count += rows[i].count;
			free(rows[i].folded);
			continue;
		}
		rows[out++] = rows[i];
	}
	qsort(rows, out, sizeof(*rows), row_count_cmp);
	return out;
}

static void print_row(const struct ksyms *ks, struct usyms *us, int fd, const struct row *r)
{
	struct side k, u;

	if (opts.folded && !common_opts.json) {
		printf("%s %llu\n", r->folded, (unsigned long long)r->count);
		return;
	}
	sides(ks, us, fd, r->key, &k, &u);
	if (common_opts.json)
		print_json(r, &k, &u);
	else
		print_multiline(r, &k, &u);
}

struct misses {
	size_t n, full, collision;
};

static void count_miss(struct misses *m, const struct side *s)
{
	if (s->state != SIDE_MISSED)
		return;
	m->n++;
	m->full += s->err == -ENOMEM;
	m->collision += s->err == -EEXIST;
}

static void report_missed(struct profile_bpf *skel, const struct misses *m)
{
	const char *hint =
		m->full || m->collision ? " Consider increasing --stack-storage-size." : "";

	if (m->n)
		fprintf(stderr, "WARNING: %zu stack traces lost and could not be displayed.%s\n",
			m->n, hint);
	if (m->n && common_opts.verbose)
		fprintf(stderr,
			"%s: %zu stacks found the stack map full, %zu found their slot "
			"taken by another stack\n",
			program_invocation_short_name, m->full, m->collision);
	if (skel->bss->samples_dropped)
		fprintf(stderr,
			"WARNING: %llu samples not counted: the table of stacks was full."
			" Consider increasing --hash-storage-size.\n",
			(unsigned long long)skel->bss->samples_dropped);
}

static void print_samples(struct profile_bpf *skel, struct usyms *us)
{
	int stacks = bpf_map__fd(skel->maps.profile_stacks);
	unsigned long long t0 = mono_ns();
	struct ksyms *ks = ksyms_load();
	struct misses misses = {};
	size_t n, nrows = 0;
	struct row *rows = NULL;
	struct sample *s;
	struct side k, u;

	s = read_samples(bpf_map__fd(skel->maps.profile_counts), &n);
	if (n)
		rows = calloc(n, sizeof(*rows));
	for (size_t i = 0; rows && i < n; i++) {
		sides(ks, us, stacks, &s[i].key, &k, &u);
		count_miss(&misses, &k);
		count_miss(&misses, &u);
		rows[nrows].folded = folded_string(&s[i].key, &k, &u);
		if (!rows[nrows].folded)
			continue;
		rows[nrows].key = &s[i].key;
		rows[nrows++].count = s[i].count;
	}
	nrows = merge_rows(rows, nrows);
	for (size_t i = 0; i < nrows; i++) {
		print_row(ks, us, stacks, &rows[i]);
		free(rows[i].folded);
	}
	fflush(stdout);
	report_missed(skel, &misses);
	if (common_opts.verbose)
		fprintf(stderr, "%s: %zu keys, %zu stacks printed in %.1f ms\n",
			program_invocation_short_name, n, nrows, (mono_ns() - t0) / 1e6);
	free(rows);
	free(s);
	ksyms_free(ks);
}

static void print_header(void)
{
	char what[64];

	if (opts.freq)
		snprintf(what, sizeof(what), "%llu Hertz", opts.freq);
	else
		snprintf(what, sizeof(what), "every %llu ns of CPU clock", opts.period);
	printf("Sampling at %s of ", what);
	if (opts.npids || opts.ntids) {
		printf("%s ", opts.npids ? "PID" : "TID");
		for (int i = 0; i < opts.npids + opts.ntids; i++)
			printf("%s%d", i ? "," : "", opts.npids ? opts.pids[i] : opts.tids[i]);
	} else {
		printf("all threads");
	}
	if (opts.user_only)
		printf(" by user stack");
	else if (opts.kernel_only)
		printf(" by kernel stack");
	else
		printf(" by user + kernel stack");
	if (opts.cpu >= 0)
		printf(" on CPU#%d", opts.cpu);
	if (opts.duration)
		printf(" for %d secs.\n", opts.duration);
	else
		printf("... Hit Ctrl-C to end.\n");
}

/* ---------------------------------------------------------------- setup */

static int fill_id_map(struct bpf_map *map, const pid_t *ids, int n)
{
	__u8 one = 1;

	for (int i = 0; i < n; i++) {
		__u32 id = ids[i];

		if (bpf_map__update_elem(map, &id, sizeof(id), &one, sizeof(one), BPF_ANY))
			return -1;
	}
	return 0;
}

/* Map sizes and filters, between open and load. */
static int configure(struct profile_bpf *skel)
{
	long depth = read_sysctl("/proc/sys/kernel/perf_event_max_stack", MAX_STACK_DEPTH);

	skel->rodata->kernel_stacks = !opts.user_only;
	skel->rodata->user_stacks = !opts.kernel_only;
	skel->rodata->include_idle = opts.include_idle;
	skel->rodata->filter_pids = opts.npids > 0;
	skel->rodata->filter_tids = opts.ntids > 0;
	skel->rodata->self_pid = getpid();
	/* A stack map deeper than kernel.perf_event_max_stack cannot be created. */
	if (depth <= 0 || depth > MAX_STACK_DEPTH)
		depth = MAX_STACK_DEPTH;
	if (events_configure(skel->obj)) {
		cli_warn("cannot set up the event buffer");
		return -1;
	}
	/* Events are small and few: one per new stack. */
	if (bpf_map__type(skel->maps.events) == BPF_MAP_TYPE_RINGBUF)
		bpf_map__set_max_entries(skel->maps.events, 256 * 1024);
	if (bpf_map__set_value_size(skel->maps.profile_stacks, depth * sizeof(__u64)) ||
	    bpf_map__set_max_entries(skel->maps.profile_stacks, opts.stack_storage) ||
	    bpf_map__set_max_entries(skel->maps.profile_counts, opts.hash_storage) ||
	    bpf_map__set_max_entries(skel->maps.profile_pids, opts.npids ? opts.npids : 1) ||
	    bpf_map__set_max_entries(skel->maps.profile_tids, opts.ntids ? opts.ntids : 1)) {
		cli_warn("cannot size BPF maps");
		return -1;
	}
	return 0;
}

#define FORGET_EVERY_NS (10 * 1000000000ULL)

/*
 * Sample until the duration ends or a signal; name user stacks as they appear.
 * What was kept to name the stacks of exited processes is dropped now and then,
 * so a long profile of many short processes does not grow without bound.
 */
static int run(struct events *ev, struct usyms *us)
{
	unsigned long long now = mono_ns(), end = now + opts.duration * 1000000000ULL;
	unsigned long long forget = now + FORGET_EVERY_NS;

	while (!tool_exiting && (!opts.duration || now < end)) {
		if (events_poll(ev, 100) < 0) {
			cli_warn("error polling events");
			return -1;
		}
		now = mono_ns();
		if (now >= forget) {
			usyms_forget_exited(us);
			forget = now + FORGET_EVERY_NS;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[DURATION]", doc, NULL, NULL, NULL };
	static struct sampler sampler;
	struct profile_bpf *skel = NULL;
	struct events *ev = NULL;
	struct namer namer = {};
	int err = 1;

	cli_parse(&argp, argc, argv, NULL);
	tool_setup();

	skel = TOOL_OPEN(profile_bpf);
	if (!skel) {
		cli_warn("cannot open BPF object");
		goto cleanup;
	}
	if (configure(skel))
		goto cleanup;
	if (tool_load(skel->skeleton))
		goto cleanup;
	if (fill_id_map(skel->maps.profile_pids, opts.pids, opts.npids) ||
	    fill_id_map(skel->maps.profile_tids, opts.tids, opts.ntids)) {
		cli_warn("cannot set the pid/tid filter");
		goto cleanup;
	}
	namer.us = usyms_new();
	namer.stacks_fd = bpf_map__fd(skel->maps.profile_stacks);
	if (!namer.us) {
		cli_warn("out of memory");
		goto cleanup;
	}
	ev = events_open(skel->obj, on_new_stack, &namer);
	if (!ev || attach_cpus(&sampler, skel->progs.profile_sample))
		goto cleanup;

	if (!opts.folded && !common_opts.json)
		print_header();
	tool_ready();
	if (run(ev, namer.us))
		goto cleanup;
	if (common_opts.verbose)
		fprintf(stderr, "%s: %llu user stacks named while sampling in %.1f ms\n",
			program_invocation_short_name, namer.named, namer.ns / 1e6);

	/* Stop sampling first: the counts stay still and naming them is not profiled. */
	detach_cpus(&sampler);
	events_poll(ev, 0);
	if (!opts.folded && !common_opts.json)
		putchar('\n');
	print_samples(skel, namer.us);
	err = 0;

cleanup:
	detach_cpus(&sampler);
	events_free(ev);
	ustacks_free();
	usyms_free(namer.us);
	profile_bpf__destroy(skel);
	free(opts.pids);
	free(opts.tids);
	return err;
}
