// SPDX-License-Identifier: GPL-2.0
/* exitsnoop: trace process (or thread) exits, with their age and exit status. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "exitsnoop.h"
#include "exitsnoop.skel.h"

static bool threaded;

static const struct opt_pick picks[] = {
	{ OPT_TIME, 't', "timestamp", "Include timestamp on output (HH:MM:SS)" },
	{ OPT_FAILED, 'x', NULL, "Trace error exits only (non-zero code, or a signal)" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "threaded", 'T', NULL, 0, "Trace by thread: every thread's exit, not only the process's",
	  0 },
	{},
};

static const char doc[] =
	"Trace process termination: each exit with its age and exit code or signal.\v"
	"Examples:\n"
	"  exitsnoop              # every process exit\n"
	"  exitsnoop -t           # with the time of day\n"
	"  exitsnoop -x           # only exits with a non-zero code or a signal\n"
	"  exitsnoop -p 1216      # only process 1216\n"
	"  exitsnoop -T           # every thread's exit\n"
	"  exitsnoop -c /sys/fs/cgroup/system.slice  # only that cgroup\n"
	"  exitsnoop --json       # one JSON object per exit";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	if (key != 'T')
		return ARGP_ERR_UNKNOWN;
	threaded = true;
	return 0;
}

/* As upstream prints it: "0", "code N", "signal N (NAME)", ", core dumped". */
static const char *status_text(char *buf, size_t size, int status)
{
	int sig = status & 0x7f, len = 0;

	if (!(status & 0xff)) {
		snprintf(buf, size, status ? "code %d" : "0", (status >> 8) & 0xff);
		return buf;
	}
	if (sig)
		len = snprintf(buf, size, "signal %d (%s)", sig, strsignal(sig));
	if (status & 0x80)
		snprintf(buf + len, size - len, "%score dumped", len ? ", " : "");
	return buf;
}

static void exit_row(struct row *r, const void *rec)
{
	const struct exit_event *e = rec;
	int sig = e->exit_code & 0x7f;
	char status[96];

	row_hms(r, gopts.time ? "TIME(s)" : NULL);
	row_str(r, "PCOMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, "PPID", "ppid", -7, e->ppid);
	row_uint(r, "TID", "tid", -7, e->tid);
	row_double(r, "AGE(s)", "age", -7, 2, e->age_ns / 1e9);
	row_str(r, "EXIT_CODE", NULL, 0, status_text(status, sizeof(status), e->exit_code),
		sizeof(status));
	row_int(r, NULL, "exit_code", 0, (e->exit_code >> 8) & 0xff);
	row_int(r, NULL, "sig", 0, sig);
	row_str(r, NULL, "signal", 0, sig ? signal_name(sig) : NULL, 16);
	row_bool(r, NULL, "core_dumped", 0, e->exit_code & 0x80);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct exitsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(exitsnoop_bpf);
	if (!skel)
		return 1;
	skel->rodata->threaded = threaded;
	/* sched_process_exit: tp_btf, else raw_tp, else the classic tracepoint */
	if (!hook_choose_each(skel->obj, NULL))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = exit_row,
			.rec_size = sizeof(struct exit_event),
			.rec_min = sizeof(struct exit_event),
		});
	exitsnoop_bpf__destroy(skel);
	return err;
}
