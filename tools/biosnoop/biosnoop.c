// SPDX-License-Identifier: GPL-2.0
/* biosnoop: trace block I/O, a line per request with its submitter and latency. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "blk.h"
#include "blkreq.h"
#include "tool.h"
#include "biosnoop.h"
#include "biosnoop.skel.h"

static struct {
	bool queued;
	long min_ms;
	__u32 disk_dev;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_TIME, 't', "timestamp", "Print the time of day (HH:MM:SS.mmm) instead of TIME(s)" },
	{ OPT_CGROUP, 'c', NULL, "Only I/O submitted by tasks in this cgroup (v2 path)" },
	{ OPT_DURATION, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "queued", 'Q', NULL, 0, "Also print the time queued in the OS (QUE(ms))", 0 },
	{ "disk", 'd', "DISK", 0, "Trace this disk only (e.g. sda, nvme0n1)", 0 },
	{ "min", 'm', "MIN", 0, "Only I/O of at least MIN milliseconds", 0 },
	{},
};

static const char doc[] =
	"Trace block I/O: a line per request at completion, with the process that\n"
	"submitted it, the disk, type, sector, size and latency.\v"
	"Examples:\n"
	"  biosnoop              # trace all block I/O\n"
	"  biosnoop -Q           # also the time queued in the OS\n"
	"  biosnoop -t           # the time of day instead of seconds since start\n"
	"  biosnoop 10           # trace for 10 seconds only\n"
	"  biosnoop -d sdc       # trace sdc only\n"
	"  biosnoop -m 1         # only I/O slower than 1 ms\n"
	"  biosnoop -c /sys/fs/cgroup/system.slice  # only I/O submitted in that cgroup\n"
	"  biosnoop --json       # one JSON object per request";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'Q':
		opts.queued = true;
		return 0;
	case 'd':
		opts.disk_dev = blk_parse_disk("-d", arg);
		return 0;
	case 'm':
		opts.min_ms = cli_parse_long("-m", arg, 0, 1000L * 3600 * 24 * 365);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* "HH:MM:SS.mmm" of a bpf_ktime_get_ns() stamp, by the wall clock. */
static char *stamp_hms_ms(__u64 ktime_ns, char *buf, size_t len)
{
	struct timespec real, mono;
	long long ns;
	time_t secs;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	ns = real.tv_sec * 1000000000LL + real.tv_nsec -
	     (mono.tv_sec * 1000000000LL + mono.tv_nsec - (long long)ktime_ns);
	secs = ns / 1000000000;
	localtime_r(&secs, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%03lld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ns / 1000000 % 1000);
	return buf;
}

/*
 * blk_dev_name reads sysfs on every call (a number may name another disk by
 * now): 5 us an event.  Names are kept here for a second instead.
 */
static const char *disk_name(__u32 dev)
{
	static struct {
		__u32 dev;
		unsigned long long at;
		char name[BLK_NAME_LEN];
	} cache[16];
	static unsigned int next;
	unsigned long long now = mono_ns();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cache); i++) {
		if (cache[i].at && cache[i].dev == dev && now - cache[i].at < 1000000000ULL)
			return cache[i].name;
	}
	i = next++ % ARRAY_SIZE(cache);
	cache[i].dev = dev;
	cache[i].at = now;
	snprintf(cache[i].name, sizeof(cache[i].name), "%s", blk_dev_name(dev));
	return cache[i].name;
}

static void bio_row(struct row *r, const void *rec)
{
	const struct bio_event *e = rec;
	char when[32] = "", rwbs[BLK_RWBS_LEN] = "", num[32];
	bool head = r->mode == ROW_HEADER;

	if (gopts.time)
		row_str(r, "TIMESTAMP", "time", -12, head ? when : stamp_hms_ms(e->ts_ns, when, 32),
			sizeof(when));
	row_secs(r, NULL, e->ts_ns);
	if (!gopts.time)
		row_double(r, "TIME(s)", NULL, -11, 6, secs_since_start(e->ts_ns));
	row_str(r, "COMM", "comm", -14, e->known ? e->comm : "?", sizeof(e->comm));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_str(r, "DISK", "disk", -7, head ? "" : disk_name(e->dev), BLK_NAME_LEN);
	row_str(r, NULL, "dev", 0, blk_dev_str(e->dev, num, sizeof(num)), sizeof(num));
	row_str(r, "T", "rwbs", -4, blk_rwbs(e->cmd_flags, rwbs, sizeof(rwbs)), sizeof(rwbs));
	row_uint(r, "SECTOR", "sector", -10, e->sector);
	row_uint(r, "BYTES", "bytes", -7, e->bytes);
	if (opts.queued)
		row_double(r, "QUE(ms)", "que_ms", 7, 3, e->que_ns / 1e6);
	row_double(r, "LAT(ms)", "lat_ms", 7, 3, e->lat_ns / 1e6);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct biosnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(biosnoop_bpf);
	if (!skel)
		return 1;
	skel->rodata->queued = opts.queued;
	skel->rodata->min_ns = opts.min_ms * 1000000ULL;
	if (!blkreq_configure(skel->obj, opts.disk_dev, opts.queued))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = bio_row,
			.rec_size = sizeof(struct bio_event),
			.rec_min = sizeof(struct bio_event),
		});
	biosnoop_bpf__destroy(skel);
	return err;
}
