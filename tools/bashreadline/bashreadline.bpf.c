// SPDX-License-Identifier: GPL-2.0
/* bashreadline: the line readline() returns, read where it returns (uretprobe). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "bashreadline.h"

SEC("uretprobe")
int BPF_KRETPROBE(readline_return, const char *line)
{
	struct readline_event *e;
	char next = 0;
	long n;

	/* NULL: end of input (Ctrl-D), no line. */
	if (!line || !filter_current())
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	n = bpf_probe_read_user_str(e->line, sizeof(e->line), line);
	if (n < 0) {
		event_discard(e);
		return 0;
	}
	/* A full buffer holds the whole line only if the line ends there. */
	if (n == sizeof(e->line))
		bpf_probe_read_user(&next, 1, line + sizeof(e->line) - 1);
	e->truncated = next != 0;
	e->pid = current_ids() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
