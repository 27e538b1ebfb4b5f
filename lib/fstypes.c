// SPDX-License-Identifier: GPL-2.0
/* The file systems fsslower and fsdist know: see include/fstypes.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fstypes.h"
#include "shared.h"

/*
 * The functions are those of each file system's regular-file operations
 * (file_operations .read_iter, .write_iter, .open, .fsync and
 * inode_operations .getattr), as in Linux 5.x to 6.18.  ZFS is out of tree
 * and its module has no BTF: kprobes only.
 */
static const struct fstype fstypes[] = {
	{ "btrfs",
	  0x9123683E,
	  "btrfs",
	  { "btrfs_file_read_iter", "btrfs_file_write_iter", "btrfs_file_open", "btrfs_sync_file",
	    "btrfs_getattr" } },
	{ "ext4",
	  0xEF53,
	  "ext4",
	  { "ext4_file_read_iter", "ext4_file_write_iter", "ext4_file_open", "ext4_sync_file",
	    "ext4_file_getattr" } },
	{ "nfs",
	  0x6969,
	  "nfs",
	  { "nfs_file_read", "nfs_file_write", "nfs_file_open", "nfs_file_fsync", "nfs_getattr" } },
	{ "xfs",
	  0x58465342,
	  "xfs",
	  { "xfs_file_read_iter", "xfs_file_write_iter", "xfs_file_open", "xfs_file_fsync",
	    "xfs_vn_getattr" } },
	{ "zfs",
	  0x2fc12fc1,
	  "zfs",
	  { "zpl_iter_read", "zpl_iter_write", "zpl_open", "zpl_fsync" } },
};

static const char *const op_names[FS_OP_MAX] = { "read", "write", "open", "fsync", "getattr" };

const char *fs_op_name(enum fs_op op)
{
	return (unsigned int)op < FS_OP_MAX ? op_names[op] : "?";
}

char fs_op_letter(enum fs_op op)
{
	return (unsigned int)op < FS_OP_MAX ? "RWOFG"[op] : '?';
}

const struct fstype *fstype_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(fstypes); i++) {
		if (!strcmp(fstypes[i].name, name))
			return &fstypes[i];
	}
	return NULL;
}

const struct fstype *fstype_of_name(const char *prog, const char *suffix)
{
	size_t len = strlen(prog), slen = strlen(suffix);
	size_t i;

	if (len <= slen || strcmp(prog + len - slen, suffix))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(fstypes); i++) {
		if (strlen(fstypes[i].name) == len - slen &&
		    !strncmp(fstypes[i].name, prog, len - slen))
			return &fstypes[i];
	}
	return NULL;
}

const char *fstype_names(void)
{
	static char buf[64];
	size_t i, n = 0;

	if (buf[0])
		return buf;
	for (i = 0; i < ARRAY_SIZE(fstypes) && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "/" : "", fstypes[i].name);
	return buf;
}

/*
 * A mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] -
 * FSTYPE SOURCE SUPEROPTS".  The optional tags end at the lone "-".
 */
bool mountinfo_line_dev(const char *line, const char *type, uint32_t *dev)
{
	unsigned int major, minor;
	const char *sep = strstr(line, " - ");
	size_t tlen = strlen(type);

	if (!sep || sscanf(line, "%*u %*u %u:%u", &major, &minor) != 2)
		return false;
	sep += 3;
	if (strncmp(sep, type, tlen) || (sep[tlen] != ' ' && sep[tlen] != '\0'))
		return false;
	*dev = major << 20 | (minor & 0xfffff);
	return true;
}

static bool has_dev(const uint32_t *devs, int n, uint32_t dev)
{
	int i;

	for (i = 0; i < n; i++) {
		if (devs[i] == dev)
			return true;
	}
	return false;
}

/* The mount point of a mountinfo line (field 5, with its \NNN octal escapes undone). */
static bool mountinfo_point(const char *line, char *buf, size_t len)
{
	const char *p = line;
	size_t n = 0;
	int field;

	for (field = 0; field < 4; field++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	while (*p && *p != ' ' && n + 1 < len) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
			buf[n++] = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
			p += 4;
		} else {
			buf[n++] = *p++;
		}
	}
	buf[n] = '\0';
	return n > 0;
}

/*
 * What stat() reports as the device of the mount point: btrfs reports a
 * subvolume's own device, not the one mountinfo names.  Not for NFS, where
 * a stat of an unreachable server would hang the start.
 */
static bool stat_dev(const struct fstype *fs, const char *line, uint32_t *dev)
{
	char point[4096];
	struct statx stx;

	if (!strcmp(fs->name, "nfs") || !mountinfo_point(line, point, sizeof(point)))
		return false;
	if (statx(AT_FDCWD, point, AT_STATX_DONT_SYNC | AT_NO_AUTOMOUNT, 0, &stx))
		return false;
	*dev = stx.stx_dev_major << 20 | (stx.stx_dev_minor & 0xfffff);
	return true;
}

int fstype_devs(const struct fstype *fs, const char *mountinfo, uint32_t *devs, int max)
{
	char line[8192];
	uint32_t dev;
	FILE *f;
	int n = 0;

	f = fopen(mountinfo, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!mountinfo_line_dev(line, fs->name, &dev))
			continue;
		if (n < max && !has_dev(devs, n, dev))
			devs[n++] = dev;
		if (n < max && stat_dev(fs, line, &dev) && !has_dev(devs, n, dev))
			devs[n++] = dev;
	}
	fclose(f);
	return n;
}
