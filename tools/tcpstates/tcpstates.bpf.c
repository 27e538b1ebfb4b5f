// SPDX-License-Identifier: GPL-2.0
/* tcpstates: every TCP state change, with the time spent in the old state. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/life.bpf.h"
#include "bpf/missed.bpf.h"
#include "tcpstates.h"

#define EVENT_MAX_SIZE (sizeof(struct state_event))
#include "bpf/events.bpf.h"

const volatile __u8 filter_ip = 0; /* -4/-6 (lib/opts.c) */

/* When each socket entered its current state. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_SOCKS);
	__type(key, __u64); /* the struct sock */
	__type(value, __u64);
} changed SEC(".maps");

/* sk_protocol was a bitfield before 5.6; the probed read takes either layout. */
static __always_inline bool sock_is_tcp(const struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) == IPPROTO_TCP;
}

/*
 * Time in the old state (0 when the socket's life begins); remember now for
 * the next change (in place: an update would allocate a new element), and
 * forget the socket at TCP_CLOSE.
 */
static __always_inline __u64 time_in_state(__u64 key, __u64 now, int oldstate, int newstate)
{
	__u64 *prev = bpf_map_lookup_elem(&changed, &key);
	__u64 delta;
	long err;

	if (prev) {
		delta = life_begins(oldstate, newstate) ? 0 : now - *prev;
		if (newstate == TCP_CLOSE)
			bpf_map_delete_elem(&changed, &key);
		else
			*prev = now;
		return delta;
	}
	if (newstate == TCP_CLOSE)
		return 0;
	err = bpf_map_update_elem(&changed, &key, &now, BPF_NOEXIST);
	if (err && err != -EEXIST)
		count_missed();
	return 0;
}

static __always_inline int on_set_state(void *ctx, const struct sock *sk, int oldstate,
					int newstate)
{
	__u64 now = bpf_ktime_get_ns(), key = (__u64)sk;
	struct net_tuple t = {};
	struct state_event *e;

	if (!sk || !sock_is_tcp(sk) || !sock_tuple(sk, &t, filter_ip) ||
	    !ports_match(t.lport, t.rport))
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e) {
		time_in_state(key, now, oldstate, newstate);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = now;
	e->skaddr = key;
	e->delta_ns = time_in_state(key, now, oldstate, newstate);
	e->flow = t;
	e->pid = current_ids() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->oldstate = oldstate;
	e->newstate = newstate;
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

INET_SOCK_SET_STATE_PROGS(on_set_state)

char LICENSE[] SEC("license") = "GPL";
