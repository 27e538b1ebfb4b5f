// SPDX-License-Identifier: GPL-2.0
/* The file-system table of fsslower and fsdist (lib/fstypes.c): names, aliases, mountinfo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fstypes.h"
#include "shared.h"
#include "unit.h"

static void test_names(void)
{
	const struct fstype *fs = fstype_find("xfs");

	CHECK("fstypes: xfs has its magic and read function",
	      fs && fs->magic == 0x58465342 && !strcmp(fs->funcs[FS_READ], "xfs_file_read_iter"),
	      "got %p", (void *)fs);
	CHECK("fstypes: unknown and NULL names", !fstype_find("ext3") && !fstype_find(NULL),
	      "found");
	CHECK("fstypes: zfs has no getattr function", !fstype_find("zfs")->funcs[FS_GETATTR],
	      "has");
	CHECK("fstypes: ext4slower is ext4",
	      fstype_of_name("ext4slower", "slower") == fstype_find("ext4"), "wrong");
	CHECK("fstypes: btrfsdist is btrfs",
	      fstype_of_name("btrfsdist", "dist") == fstype_find("btrfs"), "wrong");
	CHECK("fstypes: fsslower, slower, ext4dist (as slower) and ext4slowerx are none",
	      !fstype_of_name("fsslower", "slower") && !fstype_of_name("slower", "slower") &&
		      !fstype_of_name("ext4dist", "slower") &&
		      !fstype_of_name("ext4slowerx", "slower"),
	      "one matched");
	CHECK_STR("fstypes: the names for messages", fstype_names(), "btrfs/ext4/nfs/xfs/zfs");
	CHECK("fstypes: op names and letters",
	      !strcmp(fs_op_name(FS_GETATTR), "getattr") && fs_op_letter(FS_FSYNC) == 'F' &&
		      fs_op_letter(FS_OP_MAX) == '?',
	      "wrong");
}

static void test_mountinfo(void)
{
	static const char *const lines[] = {
		"36 35 98:0 / /mnt1 rw,noatime master:1 - ext4 /dev/root rw,errors=continue",
		"37 35 0:45 / /mnt/a\\040b rw shared:2 master:7 - xfs /dev/loop0 rw",
		"38 35 259:1048577 / /x rw - ext4 /dev/nvme0n1p1 rw",
		"39 35 8:1 / /y rw - ext4dev /dev/sda1 rw",
		"40 35 98:0 / /bind rw - ext4 /dev/root rw",
		"garbage",
	};
	char path[] = "/tmp/test_fstypes.XXXXXX";
	uint32_t dev = 0, devs[8];
	FILE *f;
	int fd, n;
	size_t i;

	CHECK("mountinfo: an ext4 line's device",
	      mountinfo_line_dev(lines[0], "ext4", &dev) && dev == (98u << 20 | 0), "dev %#x", dev);
	CHECK("mountinfo: optional tags before '-'",
	      mountinfo_line_dev(lines[1], "xfs", &dev) && dev == 45, "dev %#x", dev);
	CHECK("mountinfo: a minor above 255",
	      mountinfo_line_dev(lines[2], "ext4", &dev) && dev == (259u << 20 | 1048577),
	      "dev %#x", dev);
	CHECK("mountinfo: another type, a longer name, garbage",
	      !mountinfo_line_dev(lines[1], "ext4", &dev) &&
		      !mountinfo_line_dev(lines[3], "ext4", &dev) &&
		      !mountinfo_line_dev(lines[5], "ext4", &dev),
	      "matched");
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		CHECK("mountinfo: temporary file", 0, "mkstemp failed");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
	n = fstype_devs(fstype_find("ext4"), path, devs, 8);
	CHECK("mountinfo: ext4's devices, each once (mount points absent here)",
	      n == 2 && devs[0] == 98u << 20 && devs[1] == (259u << 20 | 1048577), "n %d", n);
	n = fstype_devs(fstype_find("ext4"), path, devs, 1);
	CHECK("mountinfo: at most max", n == 1, "n %d", n);
	unlink(path);
	CHECK("mountinfo: a missing file is -ENOENT",
	      fstype_devs(fstype_find("ext4"), path, devs, 8) == -2, "not");
}

int main(void)
{
	test_names();
	test_mountinfo();
	return unit_exit();
}
