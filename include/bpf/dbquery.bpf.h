/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Query latency from a database server's query__start(query, ...) and
 * query__done probes (dbslower, mysqld_qslower): the start time and the
 * query's text kept per thread, an event at done when the query took at
 * least min_ns.  Include bpf/events.bpf.h and bpf/filter.bpf.h first.
 */
#ifndef BPFSCOPE_DBQUERY_BPF_H
#define BPFSCOPE_DBQUERY_BPF_H

#include "dbquery.h"

const volatile __u64 min_ns = 1000000;

struct dbq_start {
	__u64 ts;
	char query[DBQ_QUERY_MAX];
};

/* Queries in progress, by thread; LRU: a server thread that dies mid-query leaves one. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct dbq_start);
} dbq_starts SEC(".maps");

static const struct dbq_start dbq_empty;

static __always_inline int dbq_on_start(const char *query)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dbq_start *s;

	if (!filter_current())
		return 0;
	if (bpf_map_update_elem(&dbq_starts, &tid, &dbq_empty, BPF_ANY)) {
		count_missed();
		return 0;
	}
	s = bpf_map_lookup_elem(&dbq_starts, &tid);
	if (!s)
		return 0;
	bpf_probe_read_user_str(s->query, sizeof(s->query), query);
	s->ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int dbq_on_done(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dbq_start *s = bpf_map_lookup_elem(&dbq_starts, &tid);
	__u64 now = bpf_ktime_get_ns();
	struct dbq_event *e;

	if (!s)
		return 0;
	if (now - s->ts < min_ns)
		goto out;
	e = event_reserve(sizeof(*e));
	if (!e)
		goto out;
	e->ts_ns = now;
	e->delta_ns = now - s->ts;
	e->pid = current_ids() >> 32;
	__builtin_memcpy(e->query, s->query, sizeof(e->query));
	e->truncated = s->query[DBQ_QUERY_MAX - 2] != '\0';
	event_submit(ctx, e, sizeof(*e));
out:
	bpf_map_delete_elem(&dbq_starts, &tid);
	return 0;
}

#endif
