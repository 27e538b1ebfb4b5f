// SPDX-License-Identifier: GPL-2.0
/* Block devices: numbers, names, -d, request tracepoints and flags; see include/blk.h. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "blk.h"
#include "cli.h"
#include "kbtf.h"
#include "output.h"
#include "probe.h"
#include "shared.h"

static char root[PATH_MAX]; /* blk_set_root: "" for the real /sys and /proc */

/* Disk names, remembered so a disk that goes away before the summary is still named. */
static struct {
	uint32_t dev;
	char name[BLK_NAME_LEN];
} name_cache[256];
static int name_cache_len;

void blk_set_root(const char *dir)
{
	snprintf(root, sizeof(root), "%s", dir ? dir : "");
	name_cache_len = 0;
}

/* fopen(root + path), path built from fmt. */
static FILE *open_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static FILE *open_fmt(const char *fmt, ...)
{
	char path[PATH_MAX * 2];
	int n = snprintf(path, sizeof(path), "%s", root);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path + n, sizeof(path) - n, fmt, ap);
	va_end(ap);
	return fopen(path, "re");
}

char *blk_dev_str(uint32_t dev, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u", BLK_MAJOR(dev), BLK_MINOR(dev));
	return buf;
}

/* Copy src to buf if it fits; false otherwise. */
static bool copy_name(char *buf, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!n || n >= len)
		return false;
	memcpy(buf, src, n + 1);
	return true;
}

static bool sysfs_name(uint32_t dev, char *buf, size_t len)
{
	FILE *f = open_fmt("/sys/dev/block/%u:%u/uevent", BLK_MAJOR(dev), BLK_MINOR(dev));
	char line[128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8))
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = copy_name(buf, len, line + 8);
	}
	fclose(f);
	return found;
}

/*
 * /proc/partitions ("major minor #blocks name"), for where /sys is not mounted:
 * the line of dev (name NULL), or of name; false if there is none.
 */
static bool partitions_find(uint32_t *dev, const char *name, char *buf, size_t len)
{
	FILE *f = open_fmt("/proc/partitions");
	unsigned int major, minor;
	char line[256], part[128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u %u %*u %127s", &major, &minor, part) != 3)
			continue;
		if (name)
			found = !strcmp(part, name);
		else
			found = BLK_MKDEV(major, minor) == *dev && copy_name(buf, len, part);
	}
	fclose(f);
	if (found && name)
		*dev = BLK_MKDEV(major, minor);
	return found;
}

static const char *cache_name(uint32_t dev, const char *name)
{
	if (name_cache_len >= (int)ARRAY_SIZE(name_cache))
		return name;
	name_cache[name_cache_len].dev = dev;
	memcpy(name_cache[name_cache_len].name, name, BLK_NAME_LEN);
	return name_cache[name_cache_len++].name;
}

const char *blk_dev_name(uint32_t dev)
{
	static char buf[BLK_NAME_LEN];
	int i;

	for (i = 0; i < name_cache_len; i++) {
		if (name_cache[i].dev == dev) {
			/* The same number may name another device by now. */
			sysfs_name(dev, name_cache[i].name, BLK_NAME_LEN);
			return name_cache[i].name;
		}
	}
	if (sysfs_name(dev, buf, sizeof(buf)) || partitions_find(&dev, NULL, buf, sizeof(buf)))
		return cache_name(dev, buf);
	return blk_dev_str(dev, buf, sizeof(buf));
}

void blk_json_dev(struct json *j, uint32_t dev)
{
	char num[32];

	json_strn(j, "disk", blk_dev_name(dev), BLK_NAME_LEN);
	json_str(j, "dev", blk_dev_str(dev, num, sizeof(num)));
}

static bool is_dev_name(const char *name)
{
	return *name && strlen(name) <= NAME_MAX && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int blk_dev_by_name(const char *name, uint32_t *dev)
{
	unsigned int major, minor;
	FILE *f;
	int n;

	if (!is_dev_name(name))
		return -EINVAL;
	f = open_fmt("/sys/class/block/%s/dev", name);
	if (!f)
		return partitions_find(dev, name, NULL, 0) ? 0 : -ENOENT;
	n = fscanf(f, "%u:%u", &major, &minor);
	fclose(f);
	if (n != 2)
		return -ENOENT;
	*dev = BLK_MKDEV(major, minor);
	return 0;
}

bool blk_partition_of(const char *name, char *disk, size_t len)
{
	char path[PATH_MAX * 2], real[PATH_MAX];

	if (!is_dev_name(name))
		return false;
	snprintf(path, sizeof(path), "%s/sys/class/block/%s/partition", root, name);
	if (access(path, F_OK))
		return false;
	/* /sys/class/block/sda1 links to .../block/sda/sda1: its parent is the disk. */
	snprintf(path, sizeof(path), "%s/sys/class/block/%s/..", root, name);
	snprintf(disk, len, "%s", realpath(path, real) ? basename(real) : "?");
	return true;
}

uint32_t blk_parse_disk(const char *opt, const char *arg)
{
	const char *name = strncmp(arg, "/dev/", 5) ? arg : arg + 5;
	char disk[NAME_MAX + 1], why[NAME_MAX + 64];
	uint32_t dev = 0;

	if (!is_dev_name(name))
		cli_bad_value(opt, arg, "not a disk name");
	if (blk_partition_of(name, disk, sizeof(disk))) {
		snprintf(why, sizeof(why), "a partition; requests are counted per disk, use %s %s",
			 opt, cli_shown(disk));
		cli_bad_value(opt, arg, why);
	}
	if (blk_dev_by_name(name, &dev))
		cli_bad_value(opt, arg, "no such disk in /sys/class/block");
	return dev;
}

static bool is_ptr_to_struct(const struct kbtf *btf, uint32_t type_id, const char *name)
{
	const struct btf_type *t = kbtf_type_by_id(btf, type_id);

	if (!t || !btf_is_ptr(t))
		return false;
	t = kbtf_type_by_id(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(kbtf_name_by_offset(btf, t->name_off), name);
}

/* btf_trace_<tp> is a typedef of a pointer to (void *__data, <TP_PROTO args>). */
bool blk_tp_has_queue_arg(const struct kbtf *btf, const char *tp)
{
	const struct btf_type *t;
	char name[64];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf ? kbtf_find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) : -1;
	if (id <= 0)
		return true;
	t = kbtf_type_by_id(btf, kbtf_type_by_id(btf, id)->type);
	if (t && btf_is_ptr(t))
		t = kbtf_type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 3)
		return false;
	return is_ptr_to_struct(btf, btf_params(t)[1].type, "request_queue");
}

/* Printed nearest the operation first: "Idle-Sync-Write". */
static const struct {
	const char *enumerator;
	const char *name;
} flag_names[] = {
	{ "__REQ_SYNC", "Sync" },	 { "__REQ_META", "Metadata" },
	{ "__REQ_PRIO", "Priority" },	 { "__REQ_NOMERGE", "NoMerge" },
	{ "__REQ_IDLE", "Idle" },	 { "__REQ_INTEGRITY", "Integrity" },
	{ "__REQ_FUA", "FUA" },		 { "__REQ_PREFLUSH", "PreFlush" },
	{ "__REQ_RAHEAD", "ReadAhead" }, { "__REQ_BACKGROUND", "Background" },
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

/* The layout of request::cmd_flags on the running kernel (REQ_OP_BITS is 8 since 4.10). */
static struct {
	bool read;
	uint32_t op_mask;
	int flag_bit[ARRAY_SIZE(flag_names)];
	int op_value[ARRAY_SIZE(op_names)];
} layout;

/* Value of enumerator name in enum type id, or -1. */
static int btf_enum_value(const struct kbtf *btf, int id, const char *name)
{
	const struct btf_type *t = kbtf_type_by_id(btf, id);
	const struct btf_enum *e = btf_enum(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, e++) {
		if (!strcmp(kbtf_name_by_offset(btf, e->name_off), name))
			return e->val;
	}
	return -1;
}

static int find_enum(const struct kbtf *btf, const char *name)
{
	return btf ? kbtf_find_by_name_kind(btf, name, BTF_KIND_ENUM) : -1;
}

static void read_flag_layout(const struct kbtf *btf)
{
	int id = find_enum(btf, "req_flag_bits");
	size_t i;
	int v;

	layout.op_mask = 0xff;
	for (i = 0; i < ARRAY_SIZE(flag_names); i++)
		layout.flag_bit[i] =
			id > 0 ? btf_enum_value(btf, id, flag_names[i].enumerator) : -1;
	/* The first flag bit follows the op bits: __REQ_FAILFAST_DEV = REQ_OP_BITS. */
	v = id > 0 ? btf_enum_value(btf, id, "__REQ_FAILFAST_DEV") : -1;
	if (v > 0 && v < 32)
		layout.op_mask = (1U << v) - 1;
	if (id <= 0 && common_opts.verbose)
		cli_warn("kernel BTF has no enum req_flag_bits; request flags are not named");
}

static void read_op_layout(const struct kbtf *btf)
{
	/* enum req_op was named req_opf before Linux 6.0 (commit ff07a02e9e8e). */
	int id = find_enum(btf, "req_op");
	size_t i;

	if (id <= 0)
		id = find_enum(btf, "req_opf");
	for (i = 0; i < ARRAY_SIZE(op_names); i++) {
		if (id > 0)
			layout.op_value[i] = btf_enum_value(btf, id, op_names[i].enumerator);
		else
			layout.op_value[i] = op_names[i].dflt;
	}
}

void blk_flags_init(const struct kbtf *btf)
{
	read_flag_layout(btf);
	read_op_layout(btf);
	layout.read = true;
}

static void need_layout(void)
{
	if (!layout.read)
		blk_flags_init(NULL);
}

static bool flag_set(uint32_t cmd_flags, size_t i)
{
	int bit = layout.flag_bit[i];

	return bit >= 0 && bit < 32 && (cmd_flags & (1U << bit));
}

uint32_t blk_flags_mask(void)
{
	uint32_t mask;
	size_t i;

	need_layout();
	mask = layout.op_mask;
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (flag_set(~0U, i))
			mask |= 1U << layout.flag_bit[i];
	}
	return mask;
}

const char *blk_op_name(uint32_t cmd_flags)
{
	uint32_t op;
	size_t i;

	need_layout();
	op = cmd_flags & layout.op_mask;
	for (i = 0; i < ARRAY_SIZE(op_names); i++) {
		if (layout.op_value[i] >= 0 && (uint32_t)layout.op_value[i] == op)
			return op_names[i].name;
	}
	return NULL;
}

char *blk_flags_label(uint32_t cmd_flags, char *buf, size_t len)
{
	const char *op = blk_op_name(cmd_flags);
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = ARRAY_SIZE(flag_names); i-- > 0;) {
		if (flag_set(cmd_flags, i) && used < len)
			used += snprintf(buf + used, len - used, "%s-", flag_names[i].name);
	}
	if (used >= len)
		return buf;
	if (op)
		snprintf(buf + used, len - used, "%s", op);
	else
		snprintf(buf + used, len - used, "Op%u", cmd_flags & layout.op_mask);
	return buf;
}

/* Is the flag called enumerator ("__REQ_SYNC") set in cmd_flags? */
static bool flag_named(uint32_t cmd_flags, const char *enumerator)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (!strcmp(flag_names[i].enumerator, enumerator))
			return flag_set(cmd_flags, i);
	}
	return false;
}

char *blk_rwbs(uint32_t cmd_flags, char *buf, size_t len)
{
	static const struct {
		const char *op, *letters;
	} ops[] = {
		{ "Read", "R" },    { "Write", "W" },	     { "WriteSame", "W" },
		{ "Discard", "D" }, { "SecureErase", "DE" }, { "Flush", "F" },
	};
	static const struct {
		const char *enumerator, *letter;
	} after[] = {
		{ "__REQ_FUA", "F" },
		{ "__REQ_RAHEAD", "A" },
		{ "__REQ_SYNC", "S" },
		{ "__REQ_META", "M" },
	};
	const char *op = blk_op_name(cmd_flags), *letters = "N";
	char s[BLK_RWBS_LEN] = "";
	size_t i;

	if (flag_named(cmd_flags, "__REQ_PREFLUSH"))
		strcat(s, "F");
	for (i = 0; op && i < ARRAY_SIZE(ops); i++) {
		if (!strcmp(op, ops[i].op))
			letters = ops[i].letters;
	}
	strcat(s, letters);
	for (i = 0; i < ARRAY_SIZE(after); i++) {
		if (flag_named(cmd_flags, after[i].enumerator))
			strcat(s, after[i].letter);
	}
	snprintf(buf, len, "%s", s);
	return buf;
}

static int set_rodata(struct bpf_object *obj, const char *name, const void *val, size_t size)
{
	int err = obj_set_rodata(obj, name, val, size);

	if (err)
		cli_warn("cannot set %s in the BPF object: %s", name, strerror(-err));
	return err;
}

int blk_configure(struct bpf_object *obj, uint32_t filter_dev)
{
	const struct kbtf *btf = probe_kernel_btf();
	bool insert_q, issue_q;

	if (!btf) {
		cli_warn("cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s",
			 strerror(errno));
		return -1;
	}
	insert_q = blk_tp_has_queue_arg(btf, "block_rq_insert");
	issue_q = blk_tp_has_queue_arg(btf, "block_rq_issue");
	blk_flags_init(btf);
	if (common_opts.verbose)
		fprintf(stderr, "%s: tracepoint arguments: block_rq_insert%s, block_rq_issue%s\n",
			program_invocation_short_name, insert_q ? "(q, rq)" : "(rq)",
			issue_q ? "(q, rq)" : "(rq)");
	if (set_rodata(obj, "insert_has_queue_arg", &insert_q, sizeof(insert_q)) ||
	    set_rodata(obj, "issue_has_queue_arg", &issue_q, sizeof(issue_q)) ||
	    set_rodata(obj, "filter_dev", &filter_dev, sizeof(filter_dev)))
		return -1;
	return 0;
}

/* The object's programs on tracepoint tp, in the object's order (at most max). */
static size_t progs_on(struct bpf_object *obj, const char *tp, struct bpf_program **progs,
		       size_t max)
{
	struct bpf_program *prog;
	size_t n = 0;

	bpf_object__for_each_program(prog, obj)
	{
		if (n < max && !strcmp(hook_target(prog), tp))
			progs[n++] = prog;
	}
	return n;
}

int blk_choose_hooks(struct bpf_object *obj, bool insert)
{
	static const char *const tps[] = { "block_rq_issue", "block_rq_complete",
					   "block_rq_insert" };
	struct bpf_program *progs[8];
	size_t i, j, n;

	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		n = progs_on(obj, tps[i], progs, ARRAY_SIZE(progs));
		if (!n)
			continue;
		if (!insert && !strcmp(tps[i], "block_rq_insert")) {
			for (j = 0; j < n; j++)
				bpf_program__set_autoload(progs[j], false);
		} else if (hook_choose(tps[i], progs, n) < 0) {
			return -1;
		}
	}
	return 0;
}
