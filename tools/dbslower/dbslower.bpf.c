// SPDX-License-Identifier: GPL-2.0
/*
 * dbslower: database queries slower than a threshold.  PostgreSQL and MySQL
 * (built with DTrace) mark each query with the USDT probes query__start(query,
 * ...) and query__done; a MySQL without them is probed at
 * dispatch_command(), whose arguments changed in 5.7 (the query moved into
 * a COM_DATA union).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/dbquery.bpf.h"

#define COM_QUERY 3

SEC("usdt")
int BPF_USDT(query_start, const char *query)
{
	return dbq_on_start(query);
}

SEC("usdt")
int BPF_USDT(query_done)
{
	return dbq_on_done(ctx);
}

/* MySQL 5.7+: dispatch_command(THD *thd, const COM_DATA *com_data, enum_server_command cmd) */
SEC("uprobe")
int BPF_KPROBE(dispatch_57, void *thd, const char **com_data, int command)
{
	const char *query = NULL;

	if (command != COM_QUERY || bpf_probe_read_user(&query, sizeof(query), com_data))
		return 0;
	return dbq_on_start(query);
}

/* MySQL 5.6: dispatch_command(enum_server_command cmd, THD *thd, char *packet, uint length) */
SEC("uprobe")
int BPF_KPROBE(dispatch_56, int command, void *thd, const char *packet)
{
	if (command != COM_QUERY)
		return 0;
	return dbq_on_start(packet);
}

SEC("uretprobe")
int BPF_KRETPROBE(dispatch_return)
{
	return dbq_on_done(ctx);
}

char LICENSE[] SEC("license") = "GPL";
