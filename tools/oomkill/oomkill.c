// SPDX-License-Identifier: GPL-2.0
/* oomkill: trace OOM kills, with the task that triggered each one and the load average. */
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "oomkill.h"
#include "oomkill.skel.h"

static const struct opt_pick picks[] = {
	{},
};

static const char doc[] =
	"Trace OOM kills: the victim, the task whose allocation triggered the kill, and "
	"the load average.\v"
	"\"N pages\" is the memory the OOM killer weighed (upstream's figure), which only "
	"the oom_kill_process() hooks see; on the oom:mark_victim tracepoint the line shows "
	"the victim's resident size instead, as \"N pages RSS\".\n\n"
	"Examples:\n"
	"  oomkill                # trace OOM kills\n"
	"  oomkill --json         # one JSON object per kill";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

/* /proc/loadavg without its newline, read when the kill is printed (as upstream). */
static void read_loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

/* Upstream's line: HH:MM:SS Triggered by PID N ("comm"), OOM kill of PID M ("comm"), ... */
static void print_line(FILE *f, const struct oom_event *e, const char *loadavg)
{
	char hms[16];

	fprintf(f, "%s Triggered by PID %u (", time_hms(hms, sizeof(hms)), e->trigger_pid);
	print_quoted(f, e->trigger_comm, sizeof(e->trigger_comm));
	fprintf(f, "), %s PID %u (", e->killed ? "OOM kill of" : "OOM victim already exiting,",
		e->victim_pid);
	print_quoted(f, e->victim_comm, sizeof(e->victim_comm));
	fputs(e->killed ? ")" : ") not killed", f);
	if (e->total_pages)
		fprintf(f, ", %llu pages", (unsigned long long)e->total_pages);
	else
		fprintf(f, ", %llu pages RSS", (unsigned long long)e->rss_pages);
	fprintf(f, ", loadavg: %s", loadavg);
}

static void oom_row(struct row *r, const void *rec)
{
	const struct oom_event *e = rec;
	char loadavg[128];

	read_loadavg(loadavg, sizeof(loadavg));
	if (r->mode == ROW_TEXT) {
		print_line(r->f, e, loadavg);
		return;
	}
	row_hms(r, NULL);
	row_uint(r, NULL, "trigger_pid", 0, e->trigger_pid);
	row_str(r, NULL, "trigger_comm", 0, e->trigger_comm, sizeof(e->trigger_comm));
	row_uint(r, NULL, "victim_pid", 0, e->victim_pid);
	row_str(r, NULL, "victim_comm", 0, e->victim_comm, sizeof(e->victim_comm));
	row_uint(r, NULL, "victim_uid", 0, e->victim_uid);
	row_bool(r, NULL, "killed", 0, e->killed);
	if (e->total_pages)
		row_uint(r, NULL, "pages", 0, e->total_pages);
	row_uint(r, NULL, "rss_pages", 0, e->rss_pages);
	row_str(r, NULL, "loadavg", 0, loadavg, sizeof(loadavg));
}

static void no_header(void)
{
}

/*
 * oom:mark_victim first (stable, and it names the trigger: current); it took
 * the victim task in Linux 6.8 ("mm: update mark_victim tracepoints fields"),
 * a pid before, so older kernels take upstream's hook, oom_kill_process().
 * The tracepoint path also needs signal:signal_generate to tell kills from
 * exiting tasks (oomkill.bpf.c).
 */
static int choose_hooks(struct oomkill_bpf *skel)
{
	struct bpf_program *victim[] = {
		skel->progs.mark_victim_btf, skel->progs.mark_victim_raw,
		skel->progs.mark_victim_tp,  skel->progs.oom_kill_fentry,
		skel->progs.oom_kill_kprobe,
	};
	struct bpf_program *sig[] = { skel->progs.signal_btf, skel->progs.signal_raw,
				      skel->progs.signal_tp };
	size_t first = 0, i;
	int k;

	if (!probe_btf_field("trace_event_raw_mark_victim", "total_vm")) {
		for (first = 0; first < 3; first++)
			bpf_program__set_autoload(victim[first], false);
	}
	k = hook_choose("OOM kills", victim + first, ARRAY_SIZE(victim) - first);
	if (k < 0)
		return -1;
	if (first + k < 3)
		return hook_choose("the OOM killer's SIGKILLs", sig, ARRAY_SIZE(sig)) < 0 ? -1 : 0;
	for (i = 0; i < ARRAY_SIZE(sig); i++)
		bpf_program__set_autoload(sig[i], false);
	return 0;
}

int main(int argc, char **argv)
{
	/* No options of its own: argp leaks an empty table's copy on --help. */
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct oomkill_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(oomkill_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = oom_row,
			.rec_size = sizeof(struct oom_event),
			.rec_min = sizeof(struct oom_event),
			.banner = "Tracing OOM kills... Hit Ctrl-C to end.",
			.print_header = no_header,
			.ring_bytes = 64 * 1024,
		});
	oomkill_bpf__destroy(skel);
	return err;
}
