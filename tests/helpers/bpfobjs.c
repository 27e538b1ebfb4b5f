// SPDX-License-Identifier: GPL-2.0
/*
 * bpfobjs: list the BPF programs, maps and links that exist, one "kind id" per
 * line, sorted; what `bpftool prog/map/link show` would list, for machines
 * (the test VMs) that have no bpftool.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

static void list(const char *kind, int cmd)
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
	if (errno != ENOENT && errno != EINVAL)
		perror(kind);
}

int main(void)
{
	list("link", BPF_LINK_GET_NEXT_ID);
	list("map", BPF_MAP_GET_NEXT_ID);
	list("prog", BPF_PROG_GET_NEXT_ID);
	return 0;
}
