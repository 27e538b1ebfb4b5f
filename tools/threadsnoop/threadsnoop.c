// SPDX-License-Identifier: GPL-2.0
/* threadsnoop: trace thread creation, with the start routine pthread_create() was given. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "uprobes.h"
#include "usyms.h"
#include "threadsnoop.h"
#include "threadsnoop.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Only threads created by this process (or these: PID,PID...)" },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, "Only threads created by commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const char doc[] =
	"Trace new threads: the creating process and the thread's start routine.\v"
	"Examples:\n"
	"  threadsnoop            # every new thread\n"
	"  threadsnoop -p 181     # only threads created by process 181\n"
	"  threadsnoop -n java    # only by commands whose name contains \"java\"\n"
	"  threadsnoop --json     # one JSON object per thread, with its TID";

static struct usyms *usyms;

/* FUNC: the start routine's symbol, its address if unnamed; the new TID without a routine. */
static const char *func_text(char *buf, size_t size, const struct thread_event *e)
{
	struct sym sym;

	if (!e->func)
		snprintf(buf, size, "[tid %u]", e->tid);
	else if (usyms && usyms_resolve(usyms, e->pid, e->func, &sym) && sym.name)
		return sym.name;
	else
		snprintf(buf, size, "0x%llx", (unsigned long long)e->func);
	return buf;
}

static void thread_row(struct row *r, const void *rec)
{
	const struct thread_event *e = rec;
	double ms = e->ts_ns ? secs_since_start(e->ts_ns) * 1000 : 0;
	char buf[32];
	const char *func = func_text(buf, sizeof(buf), e);

	row_uint(r, "TIME(ms)", "time_ms", -10, (unsigned long long)ms);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, "FUNC", NULL, 0, func, 256);
	row_uint(r, NULL, "tid", 0, e->tid);
	if (r->mode == ROW_JSON && e->func) {
		row_uint(r, NULL, "func_addr", 0, e->func);
		row_str(r, NULL, "func", 0, func, 256);
	}
}

/* Where pthread_create() lives: libc since glibc 2.34, libpthread before. */
static const char *const pthread_libs[] = { "libc.so.6", "libpthread.so.0" };

static struct bpf_link *attach_in(struct bpf_program *prog, const char *lib)
{
	struct utarget t;

	if (utarget_lookup(&t, -1, lib) || ufuncs_each(&t, "pthread_create", NULL, NULL) <= 0)
		return NULL;
	return uprobe_attach(prog, &t, "pthread_create", false);
}

/*
 * The start routine comes from a uprobe on pthread_create() in the system's
 * libc; without it threads are still reported, by TID.  A process with a
 * libc of its own (a container's file system, a static binary) is not seen
 * by this uprobe.
 */
static int attach_pthread_create(void *ctx)
{
	struct threadsnoop_bpf *skel = ctx;
	struct bpf_link *link = NULL;
	size_t i;

	if (!bpf_program__autoload(skel->progs.pthread_create_entry))
		return 0;
	for (i = 0; i < ARRAY_SIZE(pthread_libs) && !link; i++)
		link = attach_in(skel->progs.pthread_create_entry, pthread_libs[i]);
	if (!link) {
		if (common_opts.verbose)
			fprintf(stderr, "%s: pthread_create: no uprobe: FUNC shows the TID\n",
				program_invocation_short_name);
		return 0;
	}
	skel->links.pthread_create_entry = link;
	usyms = usyms_new();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, NULL, NULL, doc, NULL, NULL, NULL };
	struct threadsnoop_bpf *skel;
	bool uprobe = !hook_avoided("uprobe");
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(threadsnoop_bpf);
	if (!skel)
		return 1;
	/* task_newtask: tp_btf, else raw_tp, else the classic tracepoint; the uprobe is ours. */
	bpf_program__set_autoload(skel->progs.pthread_create_entry, false);
	if (!hook_choose_each(skel->obj, NULL)) {
		bpf_program__set_autoload(skel->progs.pthread_create_entry, uprobe);
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = thread_row,
			.rec_size = sizeof(struct thread_event),
			.rec_min = sizeof(struct thread_event),
			.ctx = skel,
			.attach = attach_pthread_create,
		});
	}
	threadsnoop_bpf__destroy(skel);
	usyms_free(usyms);
	return err;
}
