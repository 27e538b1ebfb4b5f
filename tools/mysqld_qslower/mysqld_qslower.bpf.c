// SPDX-License-Identifier: GPL-2.0
/* mysqld_qslower: MySQL queries slower than a threshold, from mysql:query__start/done. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/dbquery.bpf.h"

/* query__start(query, connection id, database, user, host) */
SEC("usdt")
int BPF_USDT(query_start, const char *query)
{
	return dbq_on_start(query);
}

/* query__done(status) */
SEC("usdt")
int BPF_USDT(query_done)
{
	return dbq_on_done(ctx);
}

char LICENSE[] SEC("license") = "GPL";
