// SPDX-License-Identifier: GPL-2.0
/* The user side of stack tools; see include/stacks.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "ksyms.h"
#include "hist.h"
#include "output.h"
#include "stacks.h"
#include "usyms.h"

#define USTACK_BUCKETS 4096
#define KSTACK_BUCKETS 1024
#define TIDY_EVERY_NS  (10 * 1000000000ULL)

/* ------------------------------------------------------------- sampling */

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

/* "0-3,5" */
int cpus_online(bool *cpus, int max)
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
		for (int c = lo; c <= hi && c < max; c++, n++)
			cpus[c] = true;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n;
}

void cpu_clock_check(const struct cpu_clock *clock)
{
	long max_rate = read_sysctl("/proc/sys/kernel/perf_event_max_sample_rate", 0);
	static bool cpus[CPU_SAMPLER_MAX_CPUS];

	if (clock->freq && max_rate > 0 && clock->freq > (unsigned long long)max_rate)
		cli_usage_error("invalid value '%llu' for -F: above "
				"kernel.perf_event_max_sample_rate (%ld)",
				clock->freq, max_rate);
	if (clock->cpu >= 0 && cpus_online(cpus, CPU_SAMPLER_MAX_CPUS) > 0 && !cpus[clock->cpu])
		cli_usage_error("invalid value '%d' for -C: CPU %d is not online", clock->cpu,
				clock->cpu);
}

static int open_cpu_clock(const struct cpu_clock *clock, int cpu)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
		.freq = clock->freq != 0,
	};

	if (clock->freq)
		attr.sample_freq = clock->freq;
	else
		attr.sample_period = clock->period;
	return syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

struct cpu_sampler {
	int nlinks;
	struct bpf_link *links[CPU_SAMPLER_MAX_CPUS];
};

static int attach_cpu(struct cpu_sampler *s, struct bpf_program *prog,
		      const struct cpu_clock *clock, int cpu)
{
	int fd = open_cpu_clock(clock, cpu), err;

	if (fd < 0) {
		cli_warn("cannot open a cpu-clock perf event on CPU %d: %s", cpu, strerror(errno));
		return -1;
	}
	s->links[s->nlinks] = bpf_program__attach_perf_event(prog, fd);
	err = libbpf_get_error(s->links[s->nlinks]);
	if (err) {
		s->links[s->nlinks] = NULL;
		close(fd);
		cli_warn("cannot attach to the perf event of CPU %d: %s", cpu, strerror(-err));
		return -1;
	}
	s->nlinks++;
	return 0;
}

struct cpu_sampler *cpu_sampler_attach(struct bpf_program *prog, const struct cpu_clock *clock)
{
	static bool cpus[CPU_SAMPLER_MAX_CPUS];
	struct cpu_sampler *s;

	if (cpus_online(cpus, CPU_SAMPLER_MAX_CPUS) <= 0) {
		cli_warn("cannot read /sys/devices/system/cpu/online");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		cli_warn("out of memory");
		return NULL;
	}
	for (int cpu = 0; cpu < CPU_SAMPLER_MAX_CPUS; cpu++) {
		if (!cpus[cpu] || (clock->cpu >= 0 && cpu != clock->cpu))
			continue;
		if (attach_cpu(s, prog, clock, cpu)) {
			cpu_sampler_free(s);
			return NULL;
		}
	}
	return s;
}

/* Destroying a perf event link also closes its perf event. */
void cpu_sampler_stop(struct cpu_sampler *s)
{
	while (s && s->nlinks > 0)
		bpf_link__destroy(s->links[--s->nlinks]);
}

void cpu_sampler_free(struct cpu_sampler *s)
{
	cpu_sampler_stop(s);
	free(s);
}

/* --------------------------------------------------------- stack storage */

int stacks_size_map(struct bpf_map *stack_map, long entries)
{
	long depth = read_sysctl("/proc/sys/kernel/perf_event_max_stack", STACK_MAX_DEPTH);

	/* A stack map deeper than kernel.perf_event_max_stack cannot be created. */
	if (depth <= 0 || depth > STACK_MAX_DEPTH)
		depth = STACK_MAX_DEPTH;
	if (bpf_map__set_value_size(stack_map, depth * sizeof(__u64)) ||
	    bpf_map__set_max_entries(stack_map, entries))
		return -1;
	return 0;
}

int stack_read(int stack_map_fd, __s32 id, __u64 ips[STACK_MAX_DEPTH])
{
	int n = 0;

	memset(ips, 0, STACK_MAX_DEPTH * sizeof(*ips));
	if (bpf_map_lookup_elem(stack_map_fd, &id, ips))
		return -1;
	while (n < STACK_MAX_DEPTH && ips[n])
		n++;
	return n;
}

/*
 * Every frame but the leaf is a return address, which may lie past the end
 * of a function that ends in a call: look up the byte before it.
 */
static __u64 lookup_addr(__u64 ip, int frame)
{
	return frame ? ip - 1 : ip;
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

/* A kernel stack named once: many keys share it (every waker's try_to_wake_up path). */
struct kstack {
	struct kstack *next;
	__s32 id;
	bool missed;
	int n;
	const char *frames[]; /* leaf first; NULL where no symbol */
};

struct stacks {
	struct stack_show show;
	int fd;
	struct ksyms *ks;
	struct usyms *us;
	unsigned long long named, ns; /* for -v: stacks named while sampling, time spent */
	unsigned long long tidy_ns;   /* when stacks_tidy drops exited processes next */
	struct ustack *ustacks[USTACK_BUCKETS];
	struct kstack *kstacks[KSTACK_BUCKETS];
};

static const char *user_frame(struct stacks *s, __u32 pid, const __u64 *ips, int i)
{
	struct sym sym;

	return usyms_resolve(s->us, pid, lookup_addr(ips[i], i), &sym) ? sym.name : NULL;
}

static const struct ustack *ustack_get(struct stacks *s, __u32 pid, __s32 id)
{
	size_t b = (pid * 7919u + (__u32)id) % USTACK_BUCKETS;
	__u64 ips[STACK_MAX_DEPTH];
	struct ustack *u;
	int n;

	for (u = s->ustacks[b]; u; u = u->next) {
		if (u->pid == pid && u->id == id)
			return u;
	}
	n = stack_read(s->fd, id, ips);
	u = calloc(1, sizeof(*u) + (n > 0 ? n : 0) * sizeof(u->frames[0]));
	if (!u)
		return NULL;
	u->pid = pid;
	u->id = id;
	u->missed = n < 0;
	for (; u->n < n; u->n++)
		u->frames[u->n] = user_frame(s, pid, ips, u->n);
	u->next = s->ustacks[b];
	s->ustacks[b] = u;
	return u;
}

static const struct kstack *kstack_get(struct stacks *s, __s32 id)
{
	size_t b = (__u32)id % KSTACK_BUCKETS;
	__u64 ips[STACK_MAX_DEPTH];
	struct kstack *k;
	struct sym sym;
	int n;

	for (k = s->kstacks[b]; k; k = k->next) {
		if (k->id == id)
			return k;
	}
	n = stack_read(s->fd, id, ips);
	k = calloc(1, sizeof(*k) + (n > 0 ? n : 0) * sizeof(k->frames[0]));
	if (!k)
		return NULL;
	k->id = id;
	k->missed = n < 0;
	for (; k->n < n; k->n++)
		k->frames[k->n] =
			ksyms_resolve(s->ks, lookup_addr(ips[k->n], k->n), &sym) ? sym.name : NULL;
	k->next = s->kstacks[b];
	s->kstacks[b] = k;
	return k;
}

static void kstacks_free(struct stacks *s)
{
	struct kstack *k, *next;

	for (size_t b = 0; b < KSTACK_BUCKETS; b++) {
		for (k = s->kstacks[b]; k; k = next) {
			next = k->next;
			free(k);
		}
		s->kstacks[b] = NULL;
	}
}

static void ustacks_free(struct stacks *s)
{
	struct ustack *u, *next;

	for (size_t b = 0; b < USTACK_BUCKETS; b++) {
		for (u = s->ustacks[b]; u; u = next) {
			next = u->next;
			free(u);
		}
		s->ustacks[b] = NULL;
	}
}

/* What was kept to name the stacks of exited processes goes now and then. */
static void stacks_tidy(struct stacks *s)
{
	unsigned long long now = mono_ns();

	if (!s->tidy_ns)
		s->tidy_ns = now + TIDY_EVERY_NS;
	if (now < s->tidy_ns)
		return;
	usyms_forget_exited(s->us);
	s->tidy_ns = now + TIDY_EVERY_NS;
}

int stacks_on_new(void *ctx, const void *data, size_t size)
{
	const struct new_stack *e = data;
	unsigned long long t0 = mono_ns();
	struct stacks *s = ctx;

	if (size >= sizeof(*e) && e->pid) {
		ustack_get(s, e->pid, e->ustackid);
		s->named++;
		s->ns += mono_ns() - t0;
	}
	stacks_tidy(s);
	return 0;
}

struct stacks *stacks_new(int stack_map_fd, const struct stack_show *show)
{
	struct stacks *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->show = *show;
	s->fd = stack_map_fd;
	s->ks = ksyms_load();
	s->us = usyms_new();
	if (!s->ks || !s->us) {
		stacks_free(s);
		return NULL;
	}
	return s;
}

void stacks_free(struct stacks *s)
{
	if (!s)
		return;
	ustacks_free(s);
	kstacks_free(s);
	usyms_free(s->us);
	ksyms_free(s->ks);
	free(s);
}

/* ---------------------------------------------------------------- sides */

enum side_state { SIDE_EMPTY, SIDE_MISSED, SIDE_OK };

/* One half of a sample's stack, names leaf first; NULL names are unknown. */
struct side {
	enum side_state state;
	int err; /* the stack id's error when missed */
	int n;
	const char *names[STACK_MAX_DEPTH];
};

/* -EFAULT: there is no such stack (user stack of a kernel thread): nothing to show. */
static bool stack_id_missed(__s32 id)
{
	return id < 0 && id != -EFAULT;
}

/* The frames above the first in function from (the hook's own), if it is in the stack. */
static void drop_hook_frames(struct side *k, const char *from)
{
	int i;

	for (i = 0; i < k->n && (!k->names[i] || strcmp(k->names[i], from)); i++)
		;
	if (i == k->n)
		return;
	k->n -= i;
	memmove(k->names, k->names + i, k->n * sizeof(k->names[0]));
}

static void kernel_side(struct stacks *s, __s32 id, struct side *k, const char *from)
{
	const struct kstack *ks;

	k->n = 0;
	k->err = id;
	k->state = stack_id_missed(id) ? SIDE_MISSED : SIDE_EMPTY;
	if (id < 0)
		return;
	ks = kstack_get(s, id);
	if (!ks || ks->missed) {
		k->state = SIDE_MISSED;
		return;
	}
	k->state = SIDE_OK;
	k->n = ks->n;
	memcpy(k->names, ks->frames, ks->n * sizeof(ks->frames[0]));
	if (from)
		drop_hook_frames(k, from);
}

static void user_side(struct stacks *s, const struct stack_key *key, struct side *u)
{
	const struct ustack *us;

	u->n = 0;
	u->err = key->ustackid;
	u->state = stack_id_missed(key->ustackid) ? SIDE_MISSED : SIDE_EMPTY;
	if (key->ustackid < 0)
		return;
	us = ustack_get(s, key->pid, key->ustackid);
	if (!us || us->missed) {
		u->state = SIDE_MISSED;
		return;
	}
	u->state = SIDE_OK;
	u->n = us->n;
	memcpy(u->names, us->frames, us->n * sizeof(us->frames[0]));
}

/* Both halves of a sample's stack, named; kernel frames from function from (NULL: all). */
static void sides_from(struct stacks *s, const struct stack_key *key, struct side *k,
		       struct side *u, const char *from)
{
	kernel_side(s, s->show.kernel ? key->kstackid : -1, k, from);
	user_side(s, key, u);
	if (!s->show.kernel)
		k->state = SIDE_EMPTY;
	if (!s->show.user)
		u->state = SIDE_EMPTY;
}

static void sides(struct stacks *s, const struct stack_key *key, struct side *k, struct side *u)
{
	sides_from(s, key, k, u, s->show.kernel_from);
}

/* --------------------------------------------------------------- output */

/* What is printed: a stack as text, with the samples of every key printing it. */
struct row {
	const struct stack_key *key; /* one of them, to print its stack in full */
	const struct wake_key *pair; /* the pair key is part of (stacks_print_wake_counts) */
	__u64 count;
	char *folded;
};

static void print_name(FILE *f, const struct stack_show *show, const char *name, bool kernel)
{
	fputs(name ? name : "[unknown]", f);
	if (kernel && show->annotate)
		fputs("_[k]", f);
}

static bool show_delimiter(const struct stack_show *show, const struct side *k,
			   const struct side *u)
{
	return show->delimited && k->state == SIDE_OK && u->state == SIDE_OK;
}

/* "comm;user root..leaf;[-;]kernel root..leaf", without the count. */
static void print_folded(FILE *f, const struct stack_show *show, const struct stack_key *key,
			 const struct side *k, const struct side *u)
{
	print_escaped(f, key->comm, sizeof(key->comm));
	if (show->user) {
		if (u->state == SIDE_MISSED)
			fputs(";[Missed User Stack]", f);
		for (int i = u->n - 1; i >= 0; i--) {
			fputc(';', f);
			print_name(f, show, u->names[i], false);
		}
	}
	if (show->kernel) {
		if (show_delimiter(show, k, u))
			fputs(";-", f);
		if (k->state == SIDE_MISSED)
			fputs(";[Missed Kernel Stack]", f);
		for (int i = k->n - 1; i >= 0; i--) {
			fputc(';', f);
			print_name(f, show, k->names[i], true);
		}
	}
}

static void print_frames(const struct stack_show *show, const struct side *side, bool kernel)
{
	for (int i = 0; i < side->n; i++) {
		fputs("    ", stdout);
		print_name(stdout, show, side->names[i], kernel);
		putchar('\n');
	}
}

/* Kernel frames leaf first, then user frames, a line each. */
static void print_sides(const struct stack_show *show, const struct side *k, const struct side *u)
{
	if (show->kernel) {
		if (k->state == SIDE_MISSED)
			puts("    [Missed Kernel Stack]");
		print_frames(show, k, true);
	}
	if (show->user) {
		if (show_delimiter(show, k, u))
			puts("    --");
		if (u->state == SIDE_MISSED)
			puts("    [Missed User Stack]");
		print_frames(show, u, false);
	}
}

/* BCC's layout: kernel frames leaf first, then user frames, then "- comm (pid)" and count. */
static void print_multiline(const struct stack_show *show, const struct row *r,
			    const struct side *k, const struct side *u)
{
	print_sides(show, k, u);
	printf("    %-16s ", "-");
	print_escaped(stdout, r->key->comm, sizeof(r->key->comm));
	printf(" (%u)\n        %llu\n\n", r->key->pid, (unsigned long long)r->count);
}

static void json_side(struct json *j, const struct stack_show *show, const char *key,
		      const struct side *s, bool kernel)
{
	char buf[512];

	if (s->state == SIDE_MISSED) {
		json_null(j, key);
		return;
	}
	json_arr_begin(j, key);
	for (int i = s->n - 1; i >= 0; i--) {
		snprintf(buf, sizeof(buf), "%s%s", s->names[i] ? s->names[i] : "[unknown]",
			 kernel && show->annotate ? "_[k]" : "");
		json_str(j, NULL, buf);
	}
	json_arr_end(j);
}

static void print_json(const struct stack_show *show, const struct row *r, const struct side *k,
		       const struct side *u)
{
	struct json j;

	json_begin(&j, stdout);
	json_strn(&j, "comm", r->key->comm, sizeof(r->key->comm));
	json_uint(&j, show->pid_name ? show->pid_name : "pid", r->key->pid);
	json_uint(&j, show->count_name ? show->count_name : "count", r->count);
	if (show->user)
		json_side(&j, show, "user_stack", u, false);
	if (show->kernel)
		json_side(&j, show, "kernel_stack", k, true);
	json_str(&j, "folded", r->folded);
	json_end(&j);
}

static char *folded_string(const struct stack_show *show, const struct stack_key *key,
			   const struct side *k, const struct side *u)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	print_folded(f, show, key, k, u);
	fclose(f);
	return buf;
}

/* Rows are equal when they print the same: folded lines carry no pid. */
static int row_text_cmp(const void *a, const void *b, void *show)
{
	const struct row *x = a, *y = b;
	bool with_pid = ((const struct stack_show *)show)->format != STACK_FOLDED;

	if (with_pid && x->key->pid != y->key->pid)
		return x->key->pid < y->key->pid ? -1 : 1;
	if (with_pid && x->pair && y->pair && x->pair->waker.pid != y->pair->waker.pid)
		return x->pair->waker.pid < y->pair->waker.pid ? -1 : 1;
	return strcmp(x->folded, y->folded);
}

/* Fewest samples first, so the busiest stacks end the output, as in bcc. */
static int row_count_cmp(const void *a, const void *b, void *show)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return row_text_cmp(a, b, show);
}

/*
 * Samples whose stacks differ only in addresses inside the same functions
 * print the same: add them up into one row.
 */
static size_t merge_rows(struct stack_show *show, struct row *rows, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0; /* rows may be NULL, which qsort must not see */
	qsort_r(rows, n, sizeof(*rows), row_text_cmp, show);
	for (size_t i = 0; i < n; i++) {
		if (out && !row_text_cmp(&rows[out - 1], &rows[i], show)) {
			rows[out - 1].count += rows[i].count;
			free(rows[i].folded);
			continue;
		}
		rows[out++] = rows[i];
	}
	qsort_r(rows, out, sizeof(*rows), row_count_cmp, show);
	return out;
}

static void print_row(struct stacks *s, const struct row *r)
{
	struct side k, u;

	if (s->show.format == STACK_FOLDED) {
		printf("%s %llu\n", r->folded, (unsigned long long)r->count);
		return;
	}
	sides(s, r->key, &k, &u);
	if (s->show.format == STACK_JSON)
		print_json(&s->show, r, &k, &u);
	else
		print_multiline(&s->show, r, &k, &u);
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

static void report_missed(const struct misses *m)
{
	const char *hint =
		m->full || m->collision ? " Consider increasing --stack-storage-size." : "";

	if (m->n)
		cli_warn("%zu stack traces lost and could not be displayed.%s", m->n, hint);
	if (m->n && common_opts.verbose)
		cli_warn("%zu stacks found the stack map full, %zu found their slot taken by "
			 "another stack",
			 m->full, m->collision);
}

/* A counted key with its samples, as hist_drain() lays them out. */
struct count_rec {
	struct stack_key key;
	__u64 count;
};

/* Every key of a map of __u64 counts, which is left empty, as key-count records; *n: how many. */
static void *drain_records(int fd, size_t rec_size, size_t value_off, int *n)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	void *recs;

	*n = 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.max_entries)
		return NULL;
	/* Pages are touched only for the keys there are: room for the most costs little. */
	recs = calloc(info.max_entries, rec_size);
	if (!recs)
		return NULL;
	*n = hist_drain(fd, &(struct hist_records){
				    .recs = recs,
				    .rec_size = rec_size,
				    .value_off = value_off,
				    .max = info.max_entries,
			    });
	if (*n < 0)
		*n = 0;
	return recs;
}

static struct count_rec *drain_counts(int fd, int *n)
{
	return drain_records(fd, sizeof(struct count_rec), offsetof(struct count_rec, count), n);
}

/* A row per counted key, with its stack folded; the keys stay in recs. */
static struct row *make_rows(struct stacks *s, const struct count_rec *recs, int n, size_t *nrows,
			     struct misses *misses)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	struct side k, u;

	*nrows = 0;
	for (int i = 0; rows && i < n; i++) {
		sides(s, &recs[i].key, &k, &u);
		count_miss(misses, &k);
		count_miss(misses, &u);
		rows[*nrows].folded = folded_string(&s->show, &recs[i].key, &k, &u);
		if (!rows[*nrows].folded)
			continue;
		rows[*nrows].key = &recs[i].key;
		rows[(*nrows)++].count = recs[i].count;
	}
	return rows;
}

void stacks_print_counts(struct stacks *s, int counts_fd)
{
	unsigned long long t0 = mono_ns();
	struct misses misses = {};
	struct count_rec *recs;
	struct row *rows;
	size_t nrows;
	int n;

	if (common_opts.verbose)
		cli_warn("%llu user stacks named while sampling in %.1f ms", s->named, s->ns / 1e6);
	recs = drain_counts(counts_fd, &n);
	rows = make_rows(s, recs, n, &nrows, &misses);
	nrows = merge_rows(&s->show, rows, nrows);
	for (size_t i = 0; i < nrows; i++) {
		print_row(s, &rows[i]);
		free(rows[i].folded);
	}
	fflush(stdout);
	report_missed(&misses);
	if (common_opts.verbose)
		cli_warn("%d keys, %zu stacks printed in %.1f ms", n, nrows,
			 (mono_ns() - t0) / 1e6);
	free(rows);
	free(recs);
}

/* ------------------------------------------ pairs of stacks: waker, target */

struct wake_rec {
	struct wake_key key;
	__u64 count;
};

/* The four halves of a pair, named. */
struct pair_sides {
	struct side tk, tu; /* the target's kernel and user stacks */
	struct side wk, wu; /* the waker's */
};

static void pair_sides(struct stacks *s, const struct wake_key *key, struct pair_sides *p)
{
	sides_from(s, &key->target, &p->tk, &p->tu, s->show.kernel_from);
	sides_from(s, &key->waker, &p->wk, &p->wu, s->show.waker_kernel_from);
}

/* A task without a name: the waker of a task that was preempted, not woken. */
static void print_comm(FILE *f, const char *comm)
{
	if (comm[0])
		print_escaped(f, comm, TASK_COMM_LEN);
	else
		fputs("[unknown]", f);
}

/* ";frame" for each frame of a side, root first or leaf first, after its missed mark. */
static void fold_side(FILE *f, const struct stack_show *show, const struct side *side, bool kernel,
		      bool root_first)
{
	if (side->state == SIDE_MISSED)
		fprintf(f, ";[Missed %s Stack]", kernel ? "Kernel" : "User");
	for (int i = 0; i < side->n; i++) {
		fputc(';', f);
		print_name(f, show, side->names[root_first ? side->n - 1 - i : i], kernel);
	}
}

/* "waker;frames root first;target" (WAKE_BY_WAKER) or BCC's chain (WAKE_CHAIN), no count. */
static void print_pair_folded(FILE *f, const struct stack_show *show, enum wake_layout layout,
			      const struct wake_key *key, const struct pair_sides *p)
{
	if (layout == WAKE_BY_WAKER) {
		print_comm(f, key->waker.comm);
		if (show->user)
			fold_side(f, show, &p->wu, false, true);
		if (show->kernel)
			fold_side(f, show, &p->wk, true, true);
		fputc(';', f);
		print_comm(f, key->target.comm);
		return;
	}
	print_comm(f, key->target.comm);
	if (show->user)
		fold_side(f, show, &p->tu, false, true);
	if (show->kernel) {
		if (show_delimiter(show, &p->tk, &p->tu))
			fputs(";-", f);
		fold_side(f, show, &p->tk, true, true);
	}
	fputs(";--", f);
	if (show->kernel)
		fold_side(f, show, &p->wk, true, false);
	if (show->user) {
		if (show_delimiter(show, &p->wk, &p->wu))
			fputs(";-", f);
		fold_side(f, show, &p->wu, false, false);
	}
	fputc(';', f);
	print_comm(f, key->waker.comm);
}

/* A side's frames a line each, after its missed mark: root first or leaf first. */
static void print_side_lines(const struct stack_show *show, const struct side *side, bool kernel,
			     bool root_first)
{
	if (side->state == SIDE_MISSED)
		printf("    [Missed %s Stack]\n", kernel ? "Kernel" : "User");
	for (int i = 0; i < side->n; i++) {
		fputs("    ", stdout);
		print_name(stdout, show, side->names[root_first ? side->n - 1 - i : i], kernel);
		putchar('\n');
	}
}

/* "    waker:           comm[ pid]" */
static void print_task_line(const char *label, const struct stack_key *key, bool pid)
{
	printf("    %-16s ", label);
	print_comm(stdout, key->comm);
	if (pid)
		printf(" %u", key->pid);
	putchar('\n');
}

static void print_pair_multiline(const struct stack_show *show, enum wake_layout layout,
				 const struct row *r, const struct pair_sides *p)
{
	const struct wake_key *key = r->pair;

	if (layout == WAKE_BY_WAKER) {
		print_task_line("target:", &key->target, false);
		print_sides(show, &p->wk, &p->wu);
		print_task_line("waker:", &key->waker, false);
	} else {
		/* The waker's frames root first, so that both leaves meet at "--". */
		print_task_line("waker:", &key->waker, true);
		if (show->user)
			print_side_lines(show, &p->wu, false, true);
		if (show->kernel) {
			if (show_delimiter(show, &p->wk, &p->wu))
				puts("    -");
			print_side_lines(show, &p->wk, true, true);
		}
		printf("    %-16s %s\n", "--", "--");
		if (show->kernel)
			print_side_lines(show, &p->tk, true, false);
		if (show->user) {
			if (show_delimiter(show, &p->tk, &p->tu))
				puts("    -");
			print_side_lines(show, &p->tu, false, false);
		}
		print_task_line("target:", &key->target, true);
	}
	printf("        %llu\n\n", (unsigned long long)r->count);
}

static void json_task(struct json *j, const struct stack_show *show, const char *name,
		      const struct stack_key *key, const struct side *k, const struct side *u,
		      bool full)
{
	json_obj_begin(j, name);
	json_strn(j, "comm", key->comm, sizeof(key->comm));
	if (full) {
		json_uint(j, show->pid_name ? show->pid_name : "pid", key->pid);
		if (show->user)
			json_side(j, show, "user_stack", u, false);
	}
	if (full || k->state != SIDE_EMPTY || key->kstackid >= 0)
		if (show->kernel)
			json_side(j, show, "kernel_stack", k, true);
	json_obj_end(j);
}

static void print_pair_json(const struct stack_show *show, enum wake_layout layout,
			    const struct row *r, const struct pair_sides *p)
{
	bool full = layout == WAKE_CHAIN;
	struct json j;

	json_begin(&j, stdout);
	json_task(&j, show, "waker", &r->pair->waker, &p->wk, &p->wu, full);
	json_task(&j, show, "target", &r->pair->target, &p->tk, &p->tu, full);
	json_uint(&j, show->count_name ? show->count_name : "count", r->count);
	json_str(&j, "folded", r->folded);
	json_end(&j);
}

static char *pair_folded_string(const struct stack_show *show, enum wake_layout layout,
				const struct wake_key *key, const struct pair_sides *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	print_pair_folded(f, show, layout, key, p);
	fclose(f);
	return buf;
}

static struct row *make_pair_rows(struct stacks *s, enum wake_layout layout,
				  const struct wake_rec *recs, int n, size_t *nrows,
				  struct misses *misses)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	struct pair_sides p;

	*nrows = 0;
	for (int i = 0; rows && i < n; i++) {
		pair_sides(s, &recs[i].key, &p);
		count_miss(misses, &p.tk);
		count_miss(misses, &p.tu);
		count_miss(misses, &p.wk);
		count_miss(misses, &p.wu);
		rows[*nrows].folded = pair_folded_string(&s->show, layout, &recs[i].key, &p);
		if (!rows[*nrows].folded)
			continue;
		rows[*nrows].key = &recs[i].key.target;
		rows[*nrows].pair = &recs[i].key;
		rows[(*nrows)++].count = recs[i].count;
	}
	return rows;
}

static void print_pair_row(struct stacks *s, enum wake_layout layout, const struct row *r)
{
	struct pair_sides p;

	if (s->show.format == STACK_FOLDED) {
		printf("%s %llu\n", r->folded, (unsigned long long)r->count);
		return;
	}
	pair_sides(s, r->pair, &p);
	if (s->show.format == STACK_JSON)
		print_pair_json(&s->show, layout, r, &p);
	else
		print_pair_multiline(&s->show, layout, r, &p);
}

void stacks_print_wake_counts(struct stacks *s, int counts_fd, enum wake_layout layout)
{
	struct misses misses = {};
	struct wake_rec *recs;
	struct row *rows;
	size_t nrows;
	int n;

	recs = drain_records(counts_fd, sizeof(*recs), offsetof(struct wake_rec, count), &n);
	rows = make_pair_rows(s, layout, recs, n, &nrows, &misses);
	nrows = merge_rows(&s->show, rows, nrows);
	for (size_t i = 0; i < nrows; i++) {
		print_pair_row(s, layout, &rows[i]);
		free(rows[i].folded);
	}
	fflush(stdout);
	report_missed(&misses);
	free(rows);
	free(recs);
}

/* ------------------------------------------------------- one event's stacks */

/* One side of an event's stack: named now (user frames while the process runs). */
static void frames_side(struct stacks *s, __u32 pid, const __u64 *ips, int n, bool kernel,
			struct side *side)
{
	struct sym sym;

	side->n = 0;
	side->err = n;
	side->state = n < 0 ? (stack_id_missed(n) ? SIDE_MISSED : SIDE_EMPTY) : SIDE_OK;
	if (n > STACK_MAX_DEPTH)
		n = STACK_MAX_DEPTH;
	for (; side->n < n; side->n++) {
		if (kernel)
			side->names[side->n] =
				ksyms_resolve(s->ks, lookup_addr(ips[side->n], side->n), &sym)
					? sym.name
					: NULL;
		else
			side->names[side->n] = user_frame(s, pid, ips, side->n);
	}
	if (kernel && s->show.kernel_from)
		drop_hook_frames(side, s->show.kernel_from);
}

static void event_sides(struct stacks *s, const struct event_stacks *e, struct side *k,
			struct side *u)
{
	frames_side(s, e->pid, e->kernel, s->show.kernel ? e->nkernel : -EFAULT, true, k);
	frames_side(s, e->pid, e->user, s->show.user ? e->nuser : -EFAULT, false, u);
}

void stacks_print_event(struct stacks *s, const struct event_stacks *e)
{
	struct side k, u;

	event_sides(s, e, &k, &u);
	print_sides(&s->show, &k, &u);
	stacks_tidy(s);
}

void stacks_json_event(struct stacks *s, struct json *j, const struct event_stacks *e)
{
	struct side k, u;

	event_sides(s, e, &k, &u);
	if (s->show.user)
		json_side(j, &s->show, "user_stack", &u, false);
	if (s->show.kernel)
		json_side(j, &s->show, "kernel_stack", &k, true);
	stacks_tidy(s);
}

/* ---------------------------------------------------------- a key's stacks */

void stacks_print_key(struct stacks *s, const struct stack_key *key)
{
	struct side k, u;

	sides(s, key, &k, &u);
	print_sides(&s->show, &k, &u);
	stacks_tidy(s);
}

void stacks_json_key(struct stacks *s, struct json *j, const struct stack_key *key)
{
	struct side k, u;

	sides(s, key, &k, &u);
	if (s->show.user)
		json_side(j, &s->show, "user_stack", &u, false);
	if (s->show.kernel)
		json_side(j, &s->show, "kernel_stack", &k, true);
	stacks_tidy(s);
}
