// SPDX-License-Identifier: GPL-2.0
/*
 * cpufreq: each CPU's frequency, kept current by the power:cpu_frequency
 * tracepoint, sampled by a cpu-clock perf event per CPU: a histogram of the
 * whole system and one per command name.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "cpufreq.h"

/* CPU -> its frequency in MHz (0: unknown), sized and filled from sysfs before attach. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} freq_mhz SEC(".maps");

PERCPU_SLOT_MAP(syswide, struct hist);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_COMMS);
	__type(key, struct comm_key);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero_hist;

static __always_inline int on_cpu_frequency(__u32 khz, __u32 cpu)
{
	__u32 *mhz = bpf_map_lookup_elem(&freq_mhz, &cpu);

	if (mhz)
		*mhz = khz / 1000;
	return 0;
}

SEC("tp_btf/cpu_frequency")
int BPF_PROG(cpu_frequency_btf, unsigned int state, unsigned int cpu_id)
{
	return on_cpu_frequency(state, cpu_id);
}

SEC("raw_tp/cpu_frequency")
int BPF_PROG(cpu_frequency_raw, unsigned int state, unsigned int cpu_id)
{
	return on_cpu_frequency(state, cpu_id);
}

SEC("tracepoint/power/cpu_frequency")
int cpu_frequency_tp(struct trace_event_raw_cpu *ctx)
{
	return on_cpu_frequency(ctx->state, ctx->cpu_id);
}

SEC("perf_event")
int cpufreq_sample(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id(), zero = 0, *mhz;
	struct comm_key key = {};
	struct hist *h;
	__u64 slot;

	(void)ctx;
	if (!filter_current())
		return 0;
	mhz = bpf_map_lookup_elem(&freq_mhz, &cpu);
	if (!mhz || !*mhz)
		return 0;
	slot = *mhz / HIST_STEP_MHZ;
	if (slot > MAX_SLOTS - 1)
		slot = MAX_SLOTS - 1;
	h = bpf_map_lookup_elem(&syswide, &zero);
	if (h)
		h->slots[slot]++;
	/* An idle CPU counts for the system only. */
	if (!(__u32)bpf_get_current_pid_tgid())
		return 0;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	h = map_lookup_or_init(&hists, &key, &zero_hist);
	if (!h) {
		count_missed();
		return 0;
	}
	__sync_fetch_and_add(&h->slots[slot], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
