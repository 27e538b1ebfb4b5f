// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnlat: the time active TCP opens take, from the SYN to the
 * handshake's end (SYN_SENT -> ESTABLISHED), with the process that connected.
 *
 * The start is kept per socket from CLOSE -> SYN_SENT, which runs in the
 * connecting task, to the socket leaving SYN_SENT: ESTABLISHED reports it,
 * any other state drops it (CLOSE: refused, timed out, closed; a socket is
 * always CLOSE before it is destroyed, so nothing is left behind).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/connect.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/net.bpf.h"
#include "tcpconnlat.h"

#define EVENT_MAX_SIZE (sizeof(struct connlat_event))
#include "bpf/events.bpf.h"

const volatile __u8 filter_ip = 0; /* -4/-6 (lib/opts.c) */
const volatile __u64 min_ns = 0;   /* MIN_MS */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PENDING);
	__type(key, __u64);
	__type(value, struct connlat_start);
} start SEC(".maps");

static __always_inline bool family_wanted(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (filter_ip == 4)
		return family == AF_INET;
	if (filter_ip == 6)
		return family == AF_INET6;
	return family == AF_INET || family == AF_INET6;
}

static __always_inline int on_syn_sent(struct sock *sk)
{
	struct connlat_start s = {};
	__u64 key = (__u64)sk, id;

	if (!filter_current() || !family_wanted(sk))
		return 0;
	id = current_ids();
	s.ts_ns = bpf_ktime_get_ns();
	s.pid = id >> 32;
	s.tid = (__u32)id;
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	if (bpf_map_update_elem(&start, &key, &s, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_established(void *ctx, struct sock *sk)
{
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns();
	struct connlat_start *p = bpf_map_lookup_elem(&start, &key);
	struct connlat_start s;
	struct connlat_event *e;

	if (!p)
		return 0;
	s = *p;
	if (bpf_map_delete_elem(&start, &key) || now - s.ts_ns < min_ns)
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	sock_tuple(sk, &e->t, 0);
	e->ts_ns = now;
	e->lat_ns = now - s.ts_ns;
	e->pid = s.pid;
	e->tid = s.tid;
	__builtin_memcpy(e->comm, s.comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline int on_state(void *ctx, struct sock *sk, int old, int new)
{
	__u64 key = (__u64)sk;

	if (old == TCP_CLOSE && new == TCP_SYN_SENT)
		return on_syn_sent(sk);
	if (old != TCP_SYN_SENT)
		return 0;
	if (new == TCP_ESTABLISHED)
		return on_established(ctx, sk);
	/* Refused, timed out, closed (or a simultaneous open, not reported). */
	bpf_map_delete_elem(&start, &key);
	return 0;
}

INET_SOCK_SET_STATE_TCP_PROGS(on_state)

char LICENSE[] SEC("license") = "GPL";
