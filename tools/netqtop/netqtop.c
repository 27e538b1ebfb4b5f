// SPDX-License-Identifier: GPL-2.0
/* netqtop: a network interface's traffic per transmit and receive queue, per interval. */
#include <dirent.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "output.h"
#include "probe.h"
#include "tool.h"
#include "netqtop.h"
#include "netqtop.skel.h"

static struct {
	const char *name;
	bool throughput;
	int ncpus;
	int nqueues[NDIRS]; /* the interface's queues, from sysfs */
} opts;

static const struct opt_pick picks[] = {
	{},
};

static const struct argp_option options[] = {
	{ "name", 'n', "NIC", 0, "The network interface to trace (required)", 0 },
	{ "interval", 'i', "SECS", 0, "Print every SECS seconds (default 1)", 0 },
	{ "throughput", 't', NULL, 0, "Also print the bytes (BPS) and packets (PPS) per second",
	  0 },
	{},
};

static const char doc[] =
	"Packets a network interface sends and receives, per queue: the average size and "
	"the count in each size class, per interval, to see how the load spreads over the "
	"queues.\v"
	"Examples:\n"
	"  netqtop -n lo            # traffic of lo, every second\n"
	"  netqtop -n eth0 -i 5     # eth0, every 5 seconds\n"
	"  netqtop -n eth0 -t       # with bytes and packets per second (BPS, PPS)\n"
	"  netqtop -n eth0 --json   # one JSON object per interval";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'n':
		if (!*arg || strlen(arg) >= IF_NAMESIZE || strchr(arg, '/'))
			cli_bad_value("-n", arg, "not a network interface name");
		opts.name = arg;
		return 0;
	case 'i':
		gopts.interval = cli_parse_long("-i", arg, 1, INT_MAX);
		return 0;
	case 't':
		opts.throughput = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A line of a direction's table: one queue's interval, or the total (label). */
struct qrow {
	const char *label; /* NULL: the queue number */
	__u32 queue;
	struct queue_stat s;
};

static const char *const size_keys[NSIZES] = { "size_0_64",   "size_64_512",  "size_512_2k",
					       "size_2k_16k", "size_16k_64k", "size_64k_up" };
/* The size classes' columns; the last has none in the text (upstream has no such column). */
static const char *const size_heads[NSIZES] = { "[0, 64)",   "[64, 512)",  "[512, 2K)",
						"[2K, 16K)", "[16K, 64K)", NULL };

/*
 * A number as upstream shows it: over 1000000 in M (2^20), over 1000 in K
 * (2^10), with at most two decimals; a count under that as it is, a ratio
 * with at least one decimal ("88.0", "233.33").
 */
static char *num_str(char *buf, size_t len, double v, bool ratio)
{
	const char *unit = "";
	char *end;

	if (v > 1000000) {
		v /= 1024 * 1024;
		unit = "M";
		ratio = true;
	} else if (v > 1000) {
		v /= 1024;
		unit = "K";
		ratio = true;
	}
	if (!ratio) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	snprintf(buf, len, "%.2f", v);
	end = buf + strlen(buf);
	while (end[-1] == '0' && end[-2] != '.')
		*--end = '\0';
	snprintf(end, len - (end - buf), "%s", unit);
	return buf;
}

static void queue_row(struct row *r, const void *rec)
{
	const struct qrow *q = rec;
	double secs = tool_interval_secs(),
	       avg = q->s.packets ? (double)q->s.bytes / q->s.packets : 0;
	bool head = r->mode == ROW_HEADER, tp = opts.throughput;
	char buf[32];
	int i;

	row_str(r, "", NULL, 0, "", 0); /* upstream's lines start with a space */
	if (q->label || head)
		row_str(r, "QueueID", NULL, -10, head ? "" : q->label, 16);
	else
		row_uint(r, "QueueID", "queue", -10, q->queue);
	row_uint(r, NULL, "packets", 0, q->s.packets);
	row_uint(r, NULL, "bytes", 0, q->s.bytes);
	row_str(r, "avg_size", NULL, -10, num_str(buf, sizeof(buf), avg, q->s.packets), 32);
	row_double(r, NULL, "avg_size", 0, 2, avg);
	for (i = 0; i < NSIZES; i++) {
		row_str(r, size_heads[i], NULL, i == 4 && !tp ? 0 : -10,
			num_str(buf, sizeof(buf), q->s.sizes[i], false), 32);
		row_uint(r, NULL, size_keys[i], 0, q->s.sizes[i]);
	}
	row_str(r, tp ? "BPS" : NULL, NULL, -10, num_str(buf, sizeof(buf), q->s.bytes / secs, true),
		32);
	row_str(r, tp ? "PPS" : NULL, NULL, 0, num_str(buf, sizeof(buf), q->s.packets / secs, true),
		32);
	row_double(r, NULL, "bps", 0, 2, q->s.bytes / secs);
	row_double(r, NULL, "pps", 0, 2, q->s.packets / secs);
}

/* Per CPU and never cleared: the interval is the growth since the last read. */
static struct queue_stat prev[NDIRS][MAX_QUEUES];

static struct queue_stat *percpu; /* a value of each CPU */

static int read_queue(int fd, int dir, __u32 queue, struct queue_stat *out)
{
	struct queue_stat *p = &prev[dir][queue], sum = {};
	__u32 key = dir * MAX_QUEUES + queue;
	int cpu, i;

	if (bpf_map_lookup_elem(fd, &key, percpu))
		return -errno;
	for (cpu = 0; cpu < opts.ncpus; cpu++) {
		sum.bytes += percpu[cpu].bytes;
		sum.packets += percpu[cpu].packets;
		for (i = 0; i < NSIZES; i++)
			sum.sizes[i] += percpu[cpu].sizes[i];
	}
	out->bytes = sum.bytes - p->bytes;
	out->packets = sum.packets - p->packets;
	for (i = 0; i < NSIZES; i++)
		out->sizes[i] = sum.sizes[i] - p->sizes[i];
	*p = sum;
	return 0;
}

static void add_stat(struct queue_stat *to, const struct queue_stat *s)
{
	int i;

	to->bytes += s->bytes;
	to->packets += s->packets;
	for (i = 0; i < NSIZES; i++)
		to->sizes[i] += s->sizes[i];
}

static struct qrow rows[MAX_QUEUES];

/*
 * A direction's rows: each of the interface's queues, and any other queue
 * that saw packets (a driver may number them differently).  Returns how
 * many, or -errno; total gets their sum.
 */
static int read_dir(struct netqtop_bpf *skel, int dir, struct qrow *total)
{
	int fd = bpf_map__fd(skel->maps.queues), q, n = 0, err;
	int last = skel->bss->queues_seen[dir];
	struct queue_stat s;

	*total = (struct qrow){ .label = "Total" };
	if (last < opts.nqueues[dir])
		last = opts.nqueues[dir];
	for (q = 0; q < last && q < MAX_QUEUES; q++) {
		err = read_queue(fd, dir, q, &s);
		if (err)
			return err;
		if (q >= opts.nqueues[dir] && !s.packets)
			continue;
		rows[n++] = (struct qrow){ .queue = q, .s = s };
		add_stat(&total->s, &s);
	}
	return n;
}

static int print_dir(struct json *j, struct netqtop_bpf *skel, int dir)
{
	static const char *const names[NDIRS] = { "TX", "RX" };
	static const char *const keys[NDIRS] = { "tx", "rx" };
	struct qrow total;
	int i, n = read_dir(skel, dir, &total);

	if (n < 0) {
		cli_warn("cannot read the queue counts: %s", strerror(-n));
		return -1;
	}
	if (j) {
		json_obj_begin(j, keys[dir]);
		json_arr_begin(j, "queues");
		for (i = 0; i < n; i++)
			row_json_element(j, NULL, queue_row, &rows[i]);
		json_arr_end(j);
		row_json_element(j, "total", queue_row, &total);
		json_obj_end(j);
		return 0;
	}
	printf("%s%s\n", dir ? "\n" : "", names[dir]);
	row_print_header(queue_row, &(struct qrow){});
	for (i = 0; i < n; i++)
		row_print(queue_row, &rows[i]);
	row_print(queue_row, &total);
	return 0;
}

static int print_interval(void *ctx)
{
	struct netqtop_bpf *skel = ctx;
	int err;
	char when[64], hms[16];
	struct json j, *jp = NULL;
	time_t now = time(NULL);

	if (common_opts.json) {
		jp = &j;
		json_begin(jp, stdout);
		json_str(jp, "time", time_hms(hms, sizeof(hms)));
		json_double(jp, "ts", secs_since_start(mono_ns()));
		json_str(jp, "interface", opts.name);
		json_double(jp, "interval_s", tool_interval_secs());
	} else {
		strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", localtime(&now));
		printf("%s\n", when);
	}
	err = print_dir(jp, skel, DIR_TX);
	if (!err)
		err = print_dir(jp, skel, DIR_RX);
	if (jp)
		json_end(jp);
	else if (!err)
		printf("%.*s\n", opts.throughput ? 95 : 77,
		       "-----------------------------------------------------------------------"
		       "------------------------");
	return err;
}

/* How many rx-N and tx-N queues sysfs lists for the interface (0 and 0 without sysfs). */
static void count_queues(void)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", opts.name);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!strncmp(d->d_name, "tx-", 3))
			opts.nqueues[DIR_TX]++;
		else if (!strncmp(d->d_name, "rx-", 3))
			opts.nqueues[DIR_RX]++;
	}
	closedir(dir);
}

/* The interface, as this network namespace names it. */
static int configure(struct netqtop_bpf *skel)
{
	unsigned int ifindex = if_nametoindex(opts.name);
	struct stat st;

	if (!ifindex) {
		cli_warn("no network interface %s in this network namespace", cli_shown(opts.name));
		return -1;
	}
	if (stat("/proc/self/ns/net", &st)) {
		cli_warn("cannot read this process's network namespace: %s", strerror(errno));
		return -1;
	}
	opts.ncpus = libbpf_num_possible_cpus();
	percpu = opts.ncpus > 0 ? calloc(opts.ncpus, sizeof(*percpu)) : NULL;
	if (!percpu) {
		cli_warn("cannot count the possible CPUs, or out of memory");
		return -1;
	}
	count_queues();
	skel->rodata->target_ifindex = ifindex;
	skel->rodata->target_netns = st.st_ino;
	return hook_choose_each(skel->obj, NULL);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct netqtop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (!opts.name)
		cli_usage_error("-n NIC is required: the network interface to trace");
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(netqtop_bpf);
	if (!skel)
		return 1;
	if (!configure(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
		});
	netqtop_bpf__destroy(skel);
	free(percpu);
	return err;
}
