// SPDX-License-Identifier: GPL-2.0
/*
 * lib/blk.c: device numbers and names against a made-up /sys and
 * /proc/partitions (and the real ones), -d, the request tracepoints'
 * prototypes and the request flags against BTF built here.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "blk.h"
#include "shared.h"
#include "kbtf.h"
#include "unit.h"

static char root[64];

/* root + rel into path, its directory made. */
static char *make_path(char *path, size_t len, const char *rel)
{
	char cmd[512];

	snprintf(path, len, "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	if (system(cmd))
		perror(cmd);
	return path;
}

static void write_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f = fopen(make_path(path, sizeof(path), rel), "w");

	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *rel, const char *target)
{
	char path[256];

	if (symlink(target, make_path(path, sizeof(path), rel)))
		perror(path);
}

/* A loop disk with a partition in sysfs; two disks only in /proc/partitions. */
static void make_tree(void)
{
	snprintf(root, sizeof(root), "/tmp/test_blk.XXXXXX");
	if (!mkdtemp(root))
		exit(1);
	write_file("/sys/dev/block/7:3/uevent", "MAJOR=7\nMINOR=3\nDEVNAME=loop3\nDEVTYPE=disk\n");
	write_file("/sys/dev/block/9:0/uevent", "DEVNAME=a-name-longer-than-thirty-one-bytes\n");
	write_file("/sys/devices/virtual/block/loop3/dev", "7:3\n");
	write_file("/sys/devices/virtual/block/loop3/loop3p1/dev", "259:0\n");
	write_file("/sys/devices/virtual/block/loop3/loop3p1/partition", "1\n");
	link_to("/sys/class/block/loop3", "../../devices/virtual/block/loop3");
	link_to("/sys/class/block/loop3p1", "../../devices/virtual/block/loop3/loop3p1");
	write_file("/proc/partitions", "major minor  #blocks  name\n\n"
				       "   8        0    1048576 sdq\n"
				       "   8       16    1048576 sdr\n");
	blk_set_root(root);
}

static void test_numbers(void)
{
	char buf[32];
	uint32_t dev = BLK_MKDEV(259, 1048575);

	CHECK("major and minor round-trip through the kernel's layout",
	      BLK_MAJOR(dev) == 259 && BLK_MINOR(dev) == 1048575, "%u:%u", BLK_MAJOR(dev),
	      BLK_MINOR(dev));
	CHECK_STR("dev as MAJOR:MINOR", blk_dev_str(dev, buf, sizeof(buf)), "259:1048575");
}

static void test_names(void)
{
	char gone[256];
	uint32_t dev = 0;
	int err;

	CHECK_STR("name from sysfs DEVNAME", blk_dev_name(BLK_MKDEV(7, 3)), "loop3");
	CHECK_STR("name from /proc/partitions without sysfs", blk_dev_name(BLK_MKDEV(8, 16)),
		  "sdr");
	CHECK_STR("a name too long to show is MAJOR:MINOR", blk_dev_name(BLK_MKDEV(9, 0)), "9:0");
	CHECK_STR("an unknown device is MAJOR:MINOR", blk_dev_name(BLK_MKDEV(1, 2)), "1:2");
	snprintf(gone, sizeof(gone), "%s/sys/dev/block/7:3/uevent", root);
	unlink(gone);
	CHECK_STR("a device seen once is still named after it is gone",
		  blk_dev_name(BLK_MKDEV(7, 3)), "loop3");

	err = blk_dev_by_name("loop3", &dev);
	CHECK("number from /sys/class/block/NAME/dev", !err && dev == BLK_MKDEV(7, 3),
	      "err %d dev %u:%u", err, BLK_MAJOR(dev), BLK_MINOR(dev));
	err = blk_dev_by_name("sdq", &dev);
	CHECK("number from /proc/partitions", !err && dev == BLK_MKDEV(8, 0), "err %d", err);
	CHECK("an unknown name is ENOENT", blk_dev_by_name("sdz", &dev) == -ENOENT, "%s", "no");
	CHECK("a path is not a name", blk_dev_by_name("../loop3", &dev) == -EINVAL, "%s", "no");
	CHECK("'..' is not a name", blk_dev_by_name("..", &dev) == -EINVAL, "%s", "no");
	CHECK("'' is not a name", blk_dev_by_name("", &dev) == -EINVAL, "%s", "no");
}

static void test_partitions(void)
{
	char disk[64] = "";

	CHECK("a partition names its disk",
	      blk_partition_of("loop3p1", disk, sizeof(disk)) && !strcmp(disk, "loop3"),
	      "disk '%s'", disk);
	CHECK("a disk is no partition", !blk_partition_of("loop3", disk, sizeof(disk)), "%s", "no");
	CHECK("-d /dev/loop3 is the disk", blk_parse_disk("-d", "/dev/loop3") == BLK_MKDEV(7, 3),
	      "%s", "no");
}

/* blk_parse_disk(arg) in a child: its exit status, and its stderr in err. */
static int parse_disk_fails(const char *arg, char *err, size_t len)
{
	int fds[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(stdout); /* the child exits through exit(): nothing of ours to flush twice */
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		blk_parse_disk("-d", arg);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], err, len - 1);
	err[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_parse_disk(void)
{
	static const struct {
		const char *arg, *why;
	} cases[] = {
		{ "loop3p1", "'loop3p1' for -d: a partition; requests are counted per disk, "
			     "use -d loop3" },
		{ "/dev/../sda", "'/dev/../sda' for -d: not a disk name" },
		{ "sdz", "'sdz' for -d: no such disk in /sys/class/block" },
	};
	char err[512], name[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc = parse_disk_fails(cases[i].arg, err, sizeof(err));

		snprintf(name, sizeof(name), "-d %s: usage error naming why", cases[i].arg);
		CHECK(name, rc == 2 && strstr(err, cases[i].why), "status %d: %s", rc, err);
	}
}

/* BTF in memory for the flag and prototype readers: see add_*() below. */
static struct btf *btf;

static void add_enum(const char *name, const char *const *names, const int *vals, int n)
{
	int i;

	btf__add_enum(btf, name, 4);
	for (i = 0; i < n; i++)
		btf__add_enum_value(btf, names[i], vals[i]);
}

/* btf_trace_<tp>: a pointer to (void *, [struct request_queue *,] struct request *). */
static void add_tp(const char *tp, bool with_queue)
{
	int rq = btf__add_struct(btf, "request", 0), q = btf__add_struct(btf, "request_queue", 0);
	int vp = btf__add_ptr(btf, 0), rqp = btf__add_ptr(btf, rq), qp = btf__add_ptr(btf, q);
	int proto = btf__add_func_proto(btf, 0);
	char name[64];

	btf__add_func_param(btf, "__data", vp);
	if (with_queue)
		btf__add_func_param(btf, "q", qp);
	btf__add_func_param(btf, "rq", rqp);
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	btf__add_typedef(btf, name, btf__add_ptr(btf, proto));
}

/* A layout unlike today's: op bits 0-7, flags from 8, some named; req_opf (< 6.0). */
static struct kbtf *made_up_btf(void)
{
	static const char *const flags[] = { "__REQ_FAILFAST_DEV", "__REQ_SYNC", "__REQ_META",
					     "__REQ_IDLE", "__REQ_FUA" };
	static const int bits[] = { 8, 11, 12, 15, 17 };
	static const char *const ops[] = { "REQ_OP_READ", "REQ_OP_WRITE", "REQ_OP_DISCARD",
					   "REQ_OP_ZONE_APPEND" };
	static const int values[] = { 0, 1, 3, 19 };
	const void *raw;
	__u32 size;

	btf = btf__new_empty();
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	add_enum("req_flag_bits", flags, bits, 5);
	add_enum("req_opf", ops, values, 4);
	add_tp("block_rq_insert", true);
	add_tp("block_rq_issue", false);
	raw = btf__raw_data(btf, &size);
	return kbtf_new(raw, size);
}

static void test_flags(void)
{
	struct kbtf *k;
	char buf[128];

	blk_flags_init(NULL);
	CHECK_STR("without BTF: Linux 4.10+ operations", blk_flags_label(1 | 1U << 11, buf, 128),
		  "Write");
	CHECK("without BTF: the mask is the op bits", blk_flags_mask() == 0xff, "0x%x",
	      blk_flags_mask());
	CHECK_STR("without BTF: rwbs names no flag", blk_rwbs(1 | 1U << 11, buf, 128), "W");

	k = made_up_btf();
	if (!k) {
		CHECK("BTF built for the test", false, "kbtf_new failed");
		return;
	}
	blk_flags_init(k);
	CHECK_STR("flags outwards from the operation",
		  blk_flags_label(1 | 1U << 11 | 1U << 15, buf, sizeof(buf)), "Idle-Sync-Write");
	CHECK_STR("operation values from enum req_opf", blk_flags_label(19, buf, sizeof(buf)),
		  "ZoneAppend");
	CHECK_STR("an operation missing from the kernel's enum is Op<N>",
		  blk_flags_label(9 | 1U << 17, buf, sizeof(buf)), "FUA-Op9");
	CHECK("the mask keeps the op bits and the named flags only",
	      blk_flags_mask() == (0xffU | 1U << 11 | 1U << 12 | 1U << 15 | 1U << 17), "0x%x",
	      blk_flags_mask());
	CHECK_STR("a label cut to its buffer", blk_flags_label(1 | 1U << 11 | 1U << 15, buf, 8),
		  "Idle-Sy");
	CHECK_STR("rwbs: a sync write", blk_rwbs(1 | 1U << 11 | 1U << 15, buf, sizeof(buf)), "WS");
	CHECK_STR("rwbs: the flags in the kernel's order",
		  blk_rwbs(1 | 1U << 11 | 1U << 12 | 1U << 17, buf, sizeof(buf)), "WFSM");
	CHECK_STR("rwbs: a read", blk_rwbs(0, buf, sizeof(buf)), "R");
	CHECK_STR("rwbs: a discard", blk_rwbs(3, buf, sizeof(buf)), "D");
	CHECK_STR("rwbs: other operations are N", blk_rwbs(19, buf, sizeof(buf)), "N");
	CHECK_STR("rwbs cut to its buffer", blk_rwbs(1 | 1U << 11, buf, 2), "W");
	CHECK("block_rq_insert(q, rq) has the queue argument",
	      blk_tp_has_queue_arg(k, "block_rq_insert"), "%s", "no");
	CHECK("block_rq_issue(rq) has none", !blk_tp_has_queue_arg(k, "block_rq_issue"), "%s",
	      "no");
	CHECK("a tracepoint without btf_trace_ typedef (< 5.5) is the old form",
	      blk_tp_has_queue_arg(k, "block_rq_requeue"), "%s", "no");
	kbtf_free(k);
	btf__free(btf);
}

/* Kernels from 5.11 pass (rq) alone. */
static void test_running_kernel(void)
{
	const struct kbtf *k = kbtf_kernel();
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	if (!k || major * 100 + minor < 511) {
		printf("ok - running kernel's block_rq_issue # SKIP no BTF or older than 5.11\n");
		return;
	}
	CHECK("this kernel's block_rq_issue takes (rq)", !blk_tp_has_queue_arg(k, "block_rq_issue"),
	      "%s", "no");
}

/* The first disk in the real /sys/block: its name and number agree both ways. */
static void test_real_disk(void)
{
	char name[64] = "";
	uint32_t dev = 0;
	FILE *ls = popen("ls /sys/block 2>/dev/null | head -n 1", "r");

	if (ls) {
		if (!fgets(name, sizeof(name), ls))
			name[0] = '\0';
		pclose(ls);
	}
	name[strcspn(name, "\n")] = '\0';
	if (!name[0]) {
		printf("ok - real disk round trip # SKIP no disk in /sys/block\n");
		return;
	}
	blk_set_root(NULL);
	CHECK("a real disk's name and number agree",
	      !blk_dev_by_name(name, &dev) && !strcmp(blk_dev_name(dev), name), "%s: %s", name,
	      blk_dev_name(dev));
}

int main(void)
{
	char cmd[128];

	make_tree();
	test_numbers();
	test_names();
	test_partitions();
	test_parse_disk();
	test_flags();
	test_running_kernel();
	test_real_disk();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		return 1;
	return unit_exit();
}
