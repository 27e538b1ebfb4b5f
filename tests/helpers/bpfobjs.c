// SPDX-License-Identifier: GPL-2.0
/*
 * bpfobjs: list the BPF programs, maps and links that exist, one "kind id" per
 * line; what `bpftool prog/map/link show` would list, for machines (the test
 * VMs) that have no bpftool.  Exits 1 if a listing fails, so that an empty
 * list never passes for "nothing there" (a kernel that does not know a kind,
 * EINVAL, has none of it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

static int list(const char *kind, int cmd)
{
	union bpf_attr attr;
	__u32 id = 0;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (syscall(SYS_bpf, cmd, &attr, sizeof(attr)))
			break;
		id = attr.next_id;
		printf("%s %u\n", kind, id);
	}
	if (errno == ENOENT || (errno == EINVAL && id == 0))
		return 0;
	fprintf(stderr, "bpfobjs: listing %ss: %s\n", kind, strerror(errno));
	return -1;
}

int main(void)
{
	int err = 0;

	err |= list("link", BPF_LINK_GET_NEXT_ID);
	err |= list("map", BPF_MAP_GET_NEXT_ID);
	err |= list("prog", BPF_PROG_GET_NEXT_ID);
	if (fflush(stdout) || ferror(stdout)) {
		perror("bpfobjs: stdout");
		err = -1;
	}
	return err ? 1 : 0;
}
