// SPDX-License-Identifier: GPL-2.0
/* tcpretrans: trace TCP retransmits system wide, or count them per flow. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "tool.h"
#include "events.h"
#include "names.h"
#include "output.h"
#include "probe.h"
#include "tcpretrans.h"
#include "tcpretrans.skel.h"

static struct opts {
	bool sequence;
	bool lossprobe;
	bool count;
	int ip; /* 4 or 6: only that family; 0: both */
} opts;

static const struct argp_option options[] = {
	{ "sequence", 's', NULL, 0, "Display TCP sequence numbers", 0 },
	{ "lossprobe", 'l', NULL, 0, "Include tail loss probe attempts (needs fentry or kprobes)",
	  0 },
	{ "count", 'c', NULL, 0, "Count retransmits per flow; print the totals at Ctrl-C", 0 },
	{ "ipv4", '4', NULL, 0, "Trace IPv4 only", 0 },
	{ "ipv6", '6', NULL, 0, "Trace IPv6 only", 0 },
	{},
};

static const char doc[] =
	"Trace TCP retransmits: the flow, type and TCP state of each one.\v"
	"Examples:\n"
	"  tcpretrans             # trace TCP retransmits\n"
	"  tcpretrans -l          # also tail loss probe attempts\n"
	"  tcpretrans -s          # with the TCP sequence number\n"
	"  tcpretrans -c          # count retransmits per flow until Ctrl-C\n"
	"  tcpretrans -4          # IPv4 only\n"
	"  tcpretrans -6          # IPv6 only\n"
	"  tcpretrans --json      # one JSON object per retransmit";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 's':
		opts.sequence = true;
		break;
	case 'l':
		opts.lossprobe = true;
		break;
	case 'c':
		opts.count = true;
		break;
	case '4':
	case '6':
		if (opts.ip && opts.ip != key - '0')
			cli_usage_error("-4 and -6 cannot be used together");
		opts.ip = key - '0';
		break;
	case ARGP_KEY_ARG:
		cli_usage_error("unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	(void)state;
	return 0;
}

static const char *addr_str(const struct flow_key *f, const __u8 *addr, char *buf, size_t len)
{
	if (!inet_ntop(f->ip == 4 ? AF_INET : AF_INET6, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

static const char *state_str(int state, char *buf, size_t len)
{
	const char *name = tcp_state_name(state);

	if (name)
		return name;
	snprintf(buf, len, "%d", state);
	return buf;
}

static void print_event_header(void)
{
	printf("%-8s %-7s %-2s %-20s %1s> %-20s", "TIME", "PID", "IP", "LADDR:LPORT", "T",
	       "RADDR:RPORT");
	if (opts.sequence)
		printf(" %-12s %s\n", "STATE", "SEQ");
	else
		printf(" %s\n", "STATE");
}

static void print_text(const struct retrans_event *e)
{
	char laddr[INET6_ADDRSTRLEN], raddr[INET6_ADDRSTRLEN];
	char local[INET6_ADDRSTRLEN + 8], remote[INET6_ADDRSTRLEN + 8];
	char hms[16], num[16];
	const char *state = state_str(e->state, num, sizeof(num));

	snprintf(local, sizeof(local), "%s:%u",
		 addr_str(&e->flow, e->flow.saddr, laddr, sizeof(laddr)), e->flow.lport);
	snprintf(remote, sizeof(remote), "%s:%u",
		 addr_str(&e->flow, e->flow.daddr, raddr, sizeof(raddr)), e->flow.dport);
	printf("%-8s %-7u %-2u %-20s %1s> %-20s", time_hms(hms, sizeof(hms)), e->pid, e->flow.ip,
	       local, e->type == RETRANS_TLP ? "L" : "R", remote);
	if (opts.sequence)
		printf(" %-12s %u\n", state, e->seq);
	else
		printf(" %s\n", state);
}

static void json_flow(struct json *j, const struct flow_key *f)
{
	char addr[INET6_ADDRSTRLEN];

	json_uint(j, "ip", f->ip);
	json_str(j, "laddr", addr_str(f, f->saddr, addr, sizeof(addr)));
	json_uint(j, "lport", f->lport);
	json_str(j, "raddr", addr_str(f, f->daddr, addr, sizeof(addr)));
	json_uint(j, "rport", f->dport);
}

static void print_json(const struct retrans_event *e)
{
	const char *state = tcp_state_name(e->state);
	struct json j;
	char hms[16];

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(e->ts_ns));
	json_uint(&j, "pid", e->pid);
	json_flow(&j, &e->flow);
	json_str(&j, "type", e->type == RETRANS_TLP ? "L" : "R");
	if (state)
		json_str(&j, "state", state);
	else
		json_uint(&j, "state", e->state);
	json_uint(&j, "seq", e->seq);
	json_end(&j);
}

static int handle_event(void *ctx, const void *data, size_t size)
{
	struct retrans_event e;

	(void)ctx;
	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	if (common_opts.json)
		print_json(&e);
	else
		print_text(&e);
	return 0;
}

struct flow {
	struct flow_key key;
	struct flow_count count;
};

static unsigned long long flow_total(const struct flow *f)
{
	return f->count.retransmits + f->count.tlps;
}

/* IPv4 flows first, then IPv6; each by ascending count, busiest last. */
static int cmp_flows(const void *a, const void *b)
{
	const struct flow *fa = a, *fb = b;
	unsigned long long ta = flow_total(fa), tb = flow_total(fb);

	if (fa->key.ip != fb->key.ip)
		return fa->key.ip < fb->key.ip ? -1 : 1;
	return ta < tb ? -1 : ta > tb;
}

static int read_flows(struct bpf_map *map, struct flow **out)
{
	struct flow_key key, next, *prev = NULL;
	struct flow *flows;
	int n = 0;

	flows = calloc(MAX_FLOWS, sizeof(*flows));
	if (!flows)
		return -1;
	while (n < MAX_FLOWS &&
	       !bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &flows[n].count,
					 sizeof(flows[n].count), 0))
			continue;
		flows[n++].key = key;
	}
	*out = flows;
	return n;
}

static void print_flow_text(const struct flow *f)
{
	char laddr[INET6_ADDRSTRLEN], raddr[INET6_ADDRSTRLEN];
	char local[INET6_ADDRSTRLEN + 10], remote[INET6_ADDRSTRLEN + 10];

	snprintf(local, sizeof(local), "[%s]#%u",
		 addr_str(&f->key, f->key.saddr, laddr, sizeof(laddr)), f->key.lport);
	snprintf(remote, sizeof(remote), "[%s]#%u",
		 addr_str(&f->key, f->key.daddr, raddr, sizeof(raddr)), f->key.dport);
	printf("%-20s <-> %-20s %10llu\n", local, remote, flow_total(f));
}

static void print_flow_json(const struct flow *f)
{
	struct json j;

	json_begin(&j, stdout);
	json_flow(&j, &f->key);
	json_uint(&j, "retransmits", f->count.retransmits);
	json_uint(&j, "tlps", f->count.tlps);
	json_end(&j);
}

static int print_counts(struct tcpretrans_bpf *skel)
{
	struct flow *flows;
	int i, n;

	n = read_flows(skel->maps.flows, &flows);
	if (n < 0) {
		cli_warn("out of memory reading the flow table");
		return -1;
	}
	qsort(flows, n, sizeof(*flows), cmp_flows);
	if (!common_opts.json)
		printf("\n%-25s %-25s %s\n", "LADDR:LPORT", "RADDR:RPORT", "RETRANSMITS");
	for (i = 0; i < n; i++) {
		if (common_opts.json)
			print_flow_json(&flows[i]);
		else
			print_flow_text(&flows[i]);
	}
	free(flows);
	fflush(stdout);
	if (skel->bss->flows_dropped)
		cli_warn("%llu retransmits not counted: more than %d flows",
			 (unsigned long long)skel->bss->flows_dropped, MAX_FLOWS);
	return 0;
}

static int choose_hooks(struct tcpretrans_bpf *skel)
{
	struct bpf_program *retransmit[] = {
		skel->progs.retransmit_btf,
		skel->progs.retransmit_raw,
		skel->progs.retransmit_tp,
	};
	struct bpf_program *tlp[] = { skel->progs.tlp_fentry, skel->progs.tlp_kprobe };

	if (hook_choose("tcp_retransmit_skb", retransmit, 3) < 0)
		return -1;
	if (!opts.lossprobe) {
		bpf_program__set_autoload(skel->progs.tlp_fentry, false);
		bpf_program__set_autoload(skel->progs.tlp_kprobe, false);
		return 0;
	}
	/* No tracepoint marks a TLP: -l needs a hook on the function that sends it. */
	return hook_choose("tail loss probes (-l)", tlp, 2) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcpretrans_bpf *skel = NULL;
	struct events *ev = NULL;
	int err = 1;

	cli_parse(&argp, argc, argv, NULL);
	tool_setup();

	skel = TOOL_OPEN(tcpretrans_bpf);
	if (!skel) {
		cli_warn("cannot open BPF object");
		goto cleanup;
	}
	skel->rodata->count_mode = opts.count;
	skel->rodata->target_ip = opts.ip;
	if (choose_hooks(skel) || events_configure(skel->obj))
		goto cleanup;
	/* Probing is done: drop its copy of the kernel BTF before libbpf parses its own. */
	if (tool_load(skel->skeleton) || tool_attach(skel->skeleton))
		goto cleanup;
	/* -c sends no events: the totals are read from the flow table at the end. */
	if (!opts.count) {
		ev = events_open(skel->obj, handle_event, NULL);
		if (!ev)
			goto cleanup;
	}

	if (!common_opts.json) {
		printf("Tracing retransmits ... Hit Ctrl-C to end\n");
		if (!opts.count)
			print_event_header();
	}
	tool_ready();
	if (opts.count) {
		while (tool_sleep(1))
			;
		err = print_counts(skel) ? 1 : 0;
	} else {
		err = events_loop(ev, 0) ? 1 : 0;
	}

cleanup:
	if (ev)
		events_report_lost(ev);
	events_free(ev);
	tcpretrans_bpf__destroy(skel);
	return err;
}
