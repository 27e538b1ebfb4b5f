// SPDX-License-Identifier: GPL-2.0
/* biolatency: summarize block device I/O latency as log2 histograms. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "tool.h"
#include "hist.h"
#include "output.h"
#include "probe.h"
#include "biolatency.h"
#include "biolatency.skel.h"

#define MINORBITS 20 /* the kernel's dev_t: major in the high 12 bits */
#define DISK_NAME_LEN 32
#define FLAGS_LABEL_LEN 256

static struct opts {
	bool timestamp;
	bool msecs;
	bool queued;
	bool per_disk;
	bool per_flags;
	const char *disk;
	const char *cgroup;
	__u32 disk_dev;
	int interval;
	int count;
	int nposargs;
} opts = { .interval = 99999999, .count = INT_MAX };

static const struct argp_option options[] = {
	{ "timestamp", 'T', NULL, 0, "Print the time of day before each summary", 0 },
	{ "milliseconds", 'm', NULL, 0, "Histogram in milliseconds (default microseconds)", 0 },
	{ "queued", 'Q', NULL, 0, "Time from insertion into the OS queue, not from issue", 0 },
	{ "disks", 'D', NULL, 0, "One histogram per disk", 0 },
	{ "flags", 'F', NULL, 0, "One histogram per request type (operation and flags)", 0 },
	{ "disk", 'd', "DISK", 0, "Only time I/O to this disk (e.g. sda, nvme0n1)", 0 },
	{ "cgroup", 'c', "PATH", 0, "Only I/O started by tasks in this cgroup (v2 path)", 0 },
	{},
};

static const char args_doc[] = "[interval] [count]";

static const char doc[] =
	"Summarize block device I/O latency (issue to completion) as histograms.\v"
	"Without an interval, one summary is printed at Ctrl-C; with one, a summary is\n"
	"printed every interval seconds, count times.\n\n"
	"Examples:\n"
	"  biolatency              # one histogram of all block I/O, at Ctrl-C\n"
	"  biolatency 1 10         # a histogram every second, 10 times\n"
	"  biolatency -mT 1        # milliseconds, with the time of day, every second\n"
	"  biolatency -Q           # count time spent queued in the OS too\n"
	"  biolatency -D           # a histogram per disk\n"
	"  biolatency -F           # a histogram per request type (Read, Sync-Write)\n"
	"  biolatency -d nvme0n1   # only I/O to nvme0n1\n"
	"  biolatency -c /sys/fs/cgroup/system.slice  # only I/O started in that cgroup\n"
	"  biolatency --json 5     # one JSON object every 5 seconds";

/* /sys/class/block/NAME/dev -> kernel dev_t; partitions are refused with the disk to use. */
static __u32 disk_dev_by_name(const char *name)
{
	char path[PATH_MAX], real[PATH_MAX];
	unsigned int major, minor;
	FILE *f;
	int n;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	if (!*name || strchr(name, '/'))
		cli_usage_error("invalid value '%s' for -d: not a disk name", name);
	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (!access(path, F_OK)) {
		snprintf(path, sizeof(path), "/sys/class/block/%s/..", name);
		cli_usage_error("invalid value '%s' for -d: a partition; requests are counted per "
				"disk, use -d %s", name,
				realpath(path, real) ? basename(real) : "<disk>");
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name);
	f = fopen(path, "re");
	if (!f)
		cli_usage_error("invalid value '%s' for -d: no such disk in /sys/class/block",
				name);
	n = fscanf(f, "%u:%u", &major, &minor);
	fclose(f);
	if (n != 2)
		cli_usage_error("invalid value '%s' for -d: cannot read %s", name, path);
	return major << MINORBITS | minor;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'T':
		opts.timestamp = true;
		break;
	case 'm':
		opts.msecs = true;
		break;
	case 'Q':
		opts.queued = true;
		break;
	case 'D':
		opts.per_disk = true;
		break;
	case 'F':
		opts.per_flags = true;
		break;
	case 'd':
		opts.disk = arg;
		opts.disk_dev = disk_dev_by_name(arg);
		break;
	case 'c':
		if (access(arg, R_OK))
			cli_usage_error("invalid value '%s' for -c: %s", arg, strerror(errno));
		opts.cgroup = arg;
		break;
	case ARGP_KEY_ARG:
		cli_parse_interval_count(arg, &opts.interval, &opts.count, &opts.nposargs);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	(void)state;
	return 0;
}

/*
 * The layout of request::cmd_flags on the running kernel: the operation in the
 * low REQ_OP_BITS (8 since Linux 4.10), then flag bits whose positions moved
 * from release to release, so both are read from the kernel's BTF enums.
 */
static struct {
	__u32 op_mask;
	int flag_bit[11];
	int op_value[15];
	bool insert_has_queue_arg;
	bool issue_has_queue_arg;
} layout = { .op_mask = 0xff };

/* Printed nearest the operation first: "Idle-Sync-Write". */
static const struct {
	const char *enumerator;
	const char *name;
} flag_names[] = {
	{ "__REQ_SYNC", "Sync" },	   { "__REQ_META", "Metadata" },
	{ "__REQ_PRIO", "Priority" },	   { "__REQ_NOMERGE", "NoMerge" },
	{ "__REQ_IDLE", "Idle" },	   { "__REQ_INTEGRITY", "Integrity" },
	{ "__REQ_FUA", "FUA" },		   { "__REQ_PREFLUSH", "PreFlush" },
	{ "__REQ_RAHEAD", "ReadAhead" },   { "__REQ_BACKGROUND", "Background" },
	{ "__REQ_NOWAIT", "NoWait" },
};

/* Values are the ones of Linux 4.10+, used when BTF lacks the enum. */
static const struct {
	const char *enumerator;
	const char *name;
	int dflt;
} op_names[] = {
	{ "REQ_OP_READ", "Read", 0 },
	{ "REQ_OP_WRITE", "Write", 1 },
	{ "REQ_OP_FLUSH", "Flush", 2 },
	{ "REQ_OP_DISCARD", "Discard", 3 },
	{ "REQ_OP_SECURE_ERASE", "SecureErase", 5 },
	{ "REQ_OP_ZONE_RESET", "ZoneReset", 6 },
	{ "REQ_OP_WRITE_SAME", "WriteSame", 7 },
	{ "REQ_OP_ZONE_RESET_ALL", "ZoneResetAll", 8 },
	{ "REQ_OP_WRITE_ZEROES", "WriteZeros", 9 },
	{ "REQ_OP_ZONE_OPEN", "ZoneOpen", 10 },
	{ "REQ_OP_ZONE_CLOSE", "ZoneClose", 11 },
	{ "REQ_OP_ZONE_FINISH", "ZoneFinish", 12 },
	{ "REQ_OP_ZONE_APPEND", "ZoneAppend", 13 },
	{ "REQ_OP_DRV_IN", "DrvIn", 34 },
	{ "REQ_OP_DRV_OUT", "DrvOut", 35 },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(ARRAY_SIZE(flag_names) == ARRAY_SIZE(layout.flag_bit), "flag table size");
_Static_assert(ARRAY_SIZE(op_names) == ARRAY_SIZE(layout.op_value), "op table size");

/* Value of enumerator name in enum type, or -1. */
static int btf_enum_value(const struct kbtf *btf, int type_id, const char *name)
{
	const struct btf_type *t = kbtf_type_by_id(btf, type_id);
	const struct btf_enum *e = btf_enum(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, e++) {
		if (!strcmp(kbtf_name_by_offset(btf, e->name_off), name))
			return e->val;
	}
	return -1;
}

static void read_flag_layout(const struct kbtf *btf)
{
	int id = kbtf_find_by_name_kind(btf, "req_flag_bits", BTF_KIND_ENUM);
	size_t i;
	int v;

	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		layout.flag_bit[i] = -1;
		if (id > 0)
			layout.flag_bit[i] = btf_enum_value(btf, id, flag_names[i].enumerator);
	}
	/* The first flag bit follows the op bits: __REQ_FAILFAST_DEV = REQ_OP_BITS. */
	v = id > 0 ? btf_enum_value(btf, id, "__REQ_FAILFAST_DEV") : -1;
	if (v > 0 && v < 32)
		layout.op_mask = (1U << v) - 1;
	if (id <= 0 && common_opts.verbose)
		cli_warn("kernel BTF has no enum req_flag_bits; -F shows operations only");
}

static void read_op_layout(const struct kbtf *btf)
{
	/* enum req_op was named req_opf before Linux 6.0 (commit ff07a02e9e8e). */
	int id = kbtf_find_by_name_kind(btf, "req_op", BTF_KIND_ENUM);
	size_t i;

	if (id <= 0)
		id = kbtf_find_by_name_kind(btf, "req_opf", BTF_KIND_ENUM);
	for (i = 0; i < ARRAY_SIZE(op_names); i++) {
		if (id > 0)
			layout.op_value[i] = btf_enum_value(btf, id, op_names[i].enumerator);
		else
			layout.op_value[i] = op_names[i].dflt;
	}
}

static bool is_ptr_to_struct(const struct kbtf *btf, __u32 type_id, const char *name)
{
	const struct btf_type *t = kbtf_type_by_id(btf, type_id);

	if (!t || !btf_is_ptr(t))
		return false;
	t = kbtf_type_by_id(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(kbtf_name_by_offset(btf, t->name_off), name);
}

/*
 * Does tracepoint tp pass a request_queue before the request (Linux < 5.11)?
 * btf_trace_<tp> is a typedef of a pointer to (void *__data, <TP_PROTO args>).
 * Kernels before 5.5 have no such typedef, and all of them are older than 5.11.
 */
static bool tp_has_queue_arg(const struct kbtf *btf, const char *tp)
{
	const struct btf_param *p;
	const struct btf_type *t;
	char name[64];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = kbtf_find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return true;
	t = kbtf_type_by_id(btf, kbtf_type_by_id(btf, id)->type);
	if (t && btf_is_ptr(t))
		t = kbtf_type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 3)
		return false;
	p = btf_params(t);
	return is_ptr_to_struct(btf, p[1].type, "request_queue");
}

static int read_kernel_layout(void)
{
	const struct kbtf *btf = probe_kernel_btf();

	if (!btf) {
		cli_warn("cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s",
			 strerror(errno));
		return -1;
	}
	layout.insert_has_queue_arg = tp_has_queue_arg(btf, "block_rq_insert");
	layout.issue_has_queue_arg = tp_has_queue_arg(btf, "block_rq_issue");
	read_flag_layout(btf);
	read_op_layout(btf);
	return 0;
}

/* Bits of cmd_flags that -F tells apart; the others would split histograms invisibly. */
static __u32 named_flags_mask(void)
{
	__u32 mask = layout.op_mask;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (layout.flag_bit[i] >= 0 && layout.flag_bit[i] < 32)
			mask |= 1U << layout.flag_bit[i];
	}
	return mask;
}

static void flags_label(__u32 cmd_flags, char *buf, size_t len)
{
	__u32 op = cmd_flags & layout.op_mask;
	const char *op_name = NULL;
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = ARRAY_SIZE(flag_names); i-- > 0;) {
		int bit = layout.flag_bit[i];

		if (bit >= 0 && bit < 32 && (cmd_flags & (1U << bit)) && used < len)
			used += snprintf(buf + used, len - used, "%s-", flag_names[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(op_names) && !op_name; i++) {
		if (layout.op_value[i] >= 0 && (__u32)layout.op_value[i] == op)
			op_name = op_names[i].name;
	}
	if (used >= len)
		return;
	if (op_name)
		snprintf(buf + used, len - used, "%s", op_name);
	else
		snprintf(buf + used, len - used, "Op%u", op);
}

/* Disk names, remembered so a disk that goes away before the summary is still named. */
static struct {
	__u32 dev;
	char name[DISK_NAME_LEN];
} disk_cache[256];
static int disk_cache_len;

static bool sysfs_disk_name(__u32 dev, char *buf, size_t len)
{
	char path[64], line[128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", dev >> MINORBITS,
		 dev & ((1U << MINORBITS) - 1));
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8))
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = strlen(line + 8) < len;
		if (found)
			memcpy(buf, line + 8, strlen(line + 8) + 1);
	}
	fclose(f);
	return found;
}

static const char *disk_name(__u32 dev)
{
	static char buf[DISK_NAME_LEN];
	int i;

	for (i = 0; i < disk_cache_len; i++) {
		if (disk_cache[i].dev == dev) {
			sysfs_disk_name(dev, disk_cache[i].name, DISK_NAME_LEN);
			return disk_cache[i].name;
		}
	}
	if (!sysfs_disk_name(dev, buf, sizeof(buf))) {
		snprintf(buf, sizeof(buf), "%u:%u", dev >> MINORBITS,
			 dev & ((1U << MINORBITS) - 1));
		return buf;
	}
	if (disk_cache_len < (int)ARRAY_SIZE(disk_cache)) {
		disk_cache[disk_cache_len].dev = dev;
		memcpy(disk_cache[disk_cache_len].name, buf, sizeof(buf));
		return disk_cache[disk_cache_len++].name;
	}
	return buf;
}

/* The map value, as the uint64_t slots lib/hist.c takes. */
struct entry {
	struct hist_key key;
	uint64_t slots[MAX_SLOTS];
};

_Static_assert(sizeof(((struct entry *)0)->slots) == sizeof(struct hist), "hist layout");

static int cmp_entry(const void *a, const void *b)
{
	const struct hist_key *x = &((const struct entry *)a)->key;
	const struct hist_key *y = &((const struct entry *)b)->key;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->cmd_flags != y->cmd_flags)
		return x->cmd_flags < y->cmd_flags ? -1 : 1;
	return 0;
}

/*
 * Move every histogram out of the map (so each summary covers one interval).
 * Keys are collected first: deleting while walking a hash can restart the walk.
 */
static int drain_hists(int fd, struct entry *out, int max)
{
	struct hist_key key, *prev = NULL;
	int n = 0, i, kept = 0;

	while (n < max && !bpf_map_get_next_key(fd, prev, &key)) {
		out[n].key = key;
		prev = &out[n++].key;
	}
	for (i = 0; i < n; i++) {
		struct entry *e = &out[i];

		/* Atomic read-and-clear where the kernel has it for hashes (5.14+). */
		if (bpf_map_lookup_and_delete_elem(fd, &e->key, e->slots)) {
			if (bpf_map_lookup_elem(fd, &e->key, e->slots))
				continue;
			bpf_map_delete_elem(fd, &e->key);
		}
		out[kept++] = *e;
	}
	qsort(out, kept, sizeof(*out), cmp_entry);
	return kept;
}

static const char *unit_name(void)
{
	return opts.msecs ? "msecs" : "usecs";
}

static void print_text(const struct entry *e, int n)
{
	char hms[16], label[FLAGS_LABEL_LEN];
	int i;

	putchar('\n');
	if (opts.timestamp)
		printf("%-8s\n", time_hms(hms, sizeof(hms)));
	for (i = 0; i < n; i++) {
		if (opts.per_disk || opts.per_flags)
			putchar('\n');
		if (opts.per_disk) {
			fputs("disk = ", stdout);
			print_escaped(stdout, disk_name(e[i].key.dev), DISK_NAME_LEN);
			putchar(opts.per_flags ? '\t' : '\n');
		}
		if (opts.per_flags) {
			flags_label(e[i].key.cmd_flags, label, sizeof(label));
			printf("flags = %s\n", label);
		}
		hist_print_log2(stdout, e[i].slots, MAX_SLOTS, unit_name());
	}
}

static void print_json(const struct entry *e, int n)
{
	char hms[16], label[FLAGS_LABEL_LEN], dev[32];
	struct json j;
	int i;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_str(&j, "unit", unit_name());
	json_bool(&j, "queued", opts.queued);
	json_arr_begin(&j, "histograms");
	for (i = 0; i < n; i++) {
		json_obj_begin(&j, NULL);
		if (opts.per_disk) {
			snprintf(dev, sizeof(dev), "%u:%u", e[i].key.dev >> MINORBITS,
				 e[i].key.dev & ((1U << MINORBITS) - 1));
			json_strn(&j, "disk", disk_name(e[i].key.dev), DISK_NAME_LEN);
			json_str(&j, "dev", dev);
		}
		if (opts.per_flags) {
			flags_label(e[i].key.cmd_flags, label, sizeof(label));
			json_str(&j, "flags", label);
			json_uint(&j, "cmd_flags", e[i].key.cmd_flags);
		}
		hist_json_log2(&j, "hist", e[i].slots, MAX_SLOTS, unit_name());
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

/* The single histogram (no -D, no -F) of this interval; 0 entries if it is empty. */
static int read_single(struct biolatency_bpf *skel, struct entry *e)
{
	static uint64_t prev[MAX_SLOTS];

	memset(e, 0, sizeof(*e));
	if (hist_read_percpu_delta(bpf_map__fd(skel->maps.hist_all), sizeof(struct hist), e->slots,
				   prev, MAX_SLOTS))
		return 0;
	return hist_total(e->slots, MAX_SLOTS) ? 1 : 0;
}

static int print_interval(struct biolatency_bpf *skel, struct entry *buf, int max)
{
	int n = opts.per_disk || opts.per_flags ? drain_hists(bpf_map__fd(skel->maps.hists), buf, max) :
						  read_single(skel, buf);

	if (common_opts.json)
		print_json(buf, n);
	else
		print_text(buf, n);
	return fflush(stdout);
}

static int choose_hooks(struct biolatency_bpf *skel)
{
	struct bpf_program *insert[] = { skel->progs.block_rq_insert_btf,
					 skel->progs.block_rq_insert_raw };
	struct bpf_program *issue[] = { skel->progs.block_rq_issue_btf,
					skel->progs.block_rq_issue_raw };
	struct bpf_program *complete[] = { skel->progs.block_rq_complete_btf,
					   skel->progs.block_rq_complete_raw };

	if (hook_choose("block_rq_issue", issue, 2) < 0 ||
	    hook_choose("block_rq_complete", complete, 2) < 0)
		return -1;
	if (opts.queued)
		return hook_choose("block_rq_insert (-Q)", insert, 2) < 0 ? -1 : 0;
	bpf_program__set_autoload(insert[0], false);
	bpf_program__set_autoload(insert[1], false);
	return 0;
}

/* One histogram without -D/-F; otherwise room for many disks and request types. */
static int hist_entries(void)
{
	if (opts.per_disk && opts.per_flags)
		return 4096;
	if (opts.per_disk || opts.per_flags)
		return 1024;
	return 1;
}

static void configure(struct biolatency_bpf *skel)
{
	skel->rodata->per_disk = opts.per_disk;
	skel->rodata->per_flags = opts.per_flags;
	skel->rodata->queued = opts.queued;
	skel->rodata->in_msecs = opts.msecs;
	skel->rodata->filter_dev = opts.disk_dev;
	skel->rodata->flags_mask = named_flags_mask();
	skel->rodata->insert_has_queue_arg = layout.insert_has_queue_arg;
	skel->rodata->issue_has_queue_arg = layout.issue_has_queue_arg;
	skel->rodata->filter_cgroup = opts.cgroup != NULL;
	bpf_map__set_max_entries(skel->maps.hists, hist_entries());
	if (common_opts.verbose)
		fprintf(stderr, "%s: tracepoint arguments: block_rq_insert%s, block_rq_issue%s\n",
			program_invocation_short_name,
			layout.insert_has_queue_arg ? "(q, rq)" : "(rq)",
			layout.issue_has_queue_arg ? "(q, rq)" : "(rq)");
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, args_doc, doc, NULL, NULL, NULL };
	struct biolatency_bpf *skel = NULL;
	struct entry *buf = NULL;
	int err = 1, i;

	cli_parse(&argp, argc, argv, NULL);
	tool_setup();
	if (read_kernel_layout())
		goto cleanup;

	skel = TOOL_OPEN(biolatency_bpf);
	if (!skel) {
		cli_warn("cannot open BPF object");
		goto cleanup;
	}
	configure(skel);
	if (choose_hooks(skel))
		goto cleanup;
	if (tool_load(skel->skeleton) || (opts.cgroup && filter_set_cgroup(skel->obj, opts.cgroup)) || tool_attach(skel->skeleton))
		goto cleanup;
	buf = calloc(hist_entries(), sizeof(*buf));
	if (!buf) {
		cli_warn("out of memory");
		goto cleanup;
	}

	if (!common_opts.json)
		printf("Tracing block device I/O... Hit Ctrl-C to end.\n");
	tool_ready();
	/* A signal ends the sleep early; the partial interval is still printed. */
	for (i = 0; i < opts.count; i++) {
		bool go_on = tool_sleep(opts.interval);

		if (print_interval(skel, buf, hist_entries())) {
			cli_warn("cannot write output: %s", strerror(errno));
			goto cleanup;
		}
		if (!go_on)
			break;
	}
	tool_report_missed(skel->obj);
	err = 0;

cleanup:
	free(buf);
	biolatency_bpf__destroy(skel);
	return err;
}
