/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block devices for the block tools (biolatency, biosnoop, biotop, ...):
 * the kernel's device numbers and disk names, the -d DISK option, the
 * request tracepoints' prototypes and the decoding of request::cmd_flags.
 *
 *	opts.dev = blk_parse_disk("-d", arg);        // exits 2 with one line if not a disk
 *	skel = TOOL_OPEN(foo_bpf);
 *	if (blk_configure(skel->obj, opts.dev))      // include/bpf/blk.bpf.h's rodata
 *		...
 *	printf("disk = %s\n", blk_dev_name(key.dev));
 */
#ifndef BPFSCOPE_BLK_H
#define BPFSCOPE_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A kernel dev_t as BPF reads it (gendisk part0 / disk_devt()): major << 20 | minor. */
#define BLK_MINORBITS		20
#define BLK_MKDEV(major, minor) ((uint32_t)(major) << BLK_MINORBITS | (minor))
#define BLK_MAJOR(dev)		((uint32_t)(dev) >> BLK_MINORBITS)
#define BLK_MINOR(dev)		((uint32_t)(dev) & ((1U << BLK_MINORBITS) - 1))

/* Room for a disk name as printed (longer sysfs names fall back to MAJOR:MINOR). */
#define BLK_NAME_LEN 32

/* "MAJOR:MINOR" into buf (at least 22 bytes). */
char *blk_dev_str(uint32_t dev, char *buf, size_t len);

/*
 * The name of block device dev ("sda", "nvme0n1", "loop3"): DEVNAME in
 * /sys/dev/block/M:m/uevent, else /proc/partitions, else "M:m".  Names seen
 * once are remembered, so a device that goes away before the summary is
 * still named.  The string stays valid until the next call.
 */
const char *blk_dev_name(uint32_t dev);

struct json;
/* JSON: "disk" (blk_dev_name) and "dev" ("MAJOR:MINOR"). */
void blk_json_dev(struct json *j, uint32_t dev);

/*
 * The number of the block device called name (a disk or a partition, as in
 * /sys/class/block, else /proc/partitions).  0; -EINVAL for something that
 * is no device name (empty, "/", ".", ".."); -ENOENT if there is none.
 */
int blk_dev_by_name(const char *name, uint32_t *dev);

/* Is name a partition?  Then its disk's name is put in disk ("?" if unknown). */
bool blk_partition_of(const char *name, char *disk, size_t len);

/*
 * -d DISK: a whole disk, named with or without "/dev/".  A partition, an
 * unknown disk or a path is a one-line usage error (exit 2) naming opt.
 */
uint32_t blk_parse_disk(const char *opt, const char *arg);

struct kbtf;
struct bpf_object;

/*
 * Between open and load, for an object with include/bpf/blk.bpf.h: read the
 * running kernel's BTF, set where the request tracepoints pass the request,
 * set the -d filter (filter_dev: a disk's number, 0 for any), and read the
 * cmd_flags layout for blk_flags_*().  -1 after one line saying why.
 */
int blk_configure(struct bpf_object *obj, uint32_t filter_dev);

/*
 * Of the object's programs on each request tracepoint (block_rq_issue,
 * block_rq_complete, block_rq_insert; tp_btf then raw_tp, in the object's
 * order), keep the first that works here and disable the rest (probe.h's
 * hook_choose).  insert: false disables block_rq_insert's.  -1 after one
 * line saying what the kernel lacks.
 */
int blk_choose_hooks(struct bpf_object *obj, bool insert);

/*
 * Does block tracepoint tp ("block_rq_issue", ...) pass the request_queue
 * before the request, (q, rq), as before Linux 5.11, rather than (rq)?
 * Read from the prototype in the kernel BTF (btf_trace_<tp>); kernels
 * without it (< 5.5) are all older than 5.11: true.
 */
bool blk_tp_has_queue_arg(const struct kbtf *btf, const char *tp);

/*
 * request::cmd_flags holds the operation in the low bits and flags above
 * them whose positions moved from release to release: read both from the
 * kernel BTF (enum req_flag_bits, enum req_op / req_opf).  NULL: the
 * operations of Linux 4.10+, no flags named.  Call once before the others.
 */
void blk_flags_init(const struct kbtf *btf);
/* The op bits and the flag bits blk_flags_label names: mask cmd_flags with it in BPF. */
uint32_t blk_flags_mask(void);
/* The operation's name ("Write"), NULL if it has none. */
const char *blk_op_name(uint32_t cmd_flags);
/*
 * "Idle-Sync-Write": the named flags, outwards from the operation, then the
 * operation ("Op<N>" if unnamed).  Returns buf, cut to len.
 */
char *blk_flags_label(uint32_t cmd_flags, char *buf, size_t len);
/*
 * The kernel's short form of a request type, as its block tracepoints print
 * it (rwbs): "F" for a preflush, the operation (R, W, D, DE for a secure
 * erase, F for a flush, N for any other), then F (FUA), A (readahead), S
 * (sync), M (metadata): "WS", "FWFS", "RA".  BLK_RWBS_LEN bytes hold any.
 */
#define BLK_RWBS_LEN 8
char *blk_rwbs(uint32_t cmd_flags, char *buf, size_t len);

/* Tests: read ROOT/sys/... and ROOT/proc/partitions (NULL or "": the real ones). */
void blk_set_root(const char *root);

#endif
