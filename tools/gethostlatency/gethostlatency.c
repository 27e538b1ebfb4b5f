// SPDX-License-Identifier: GPL-2.0
/* gethostlatency: host name lookups through libc, with their latency. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "uprobes.h"
#include "gethostlatency.h"
#include "gethostlatency.skel.h"

static struct {
	const char *libc;
	struct ulinks links;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Only this process (or these: PID,PID...); its own libc" },
	{},
};

static const struct argp_option options[] = {
	{ "libc", 'l', "LIBC", 0, "The libc to probe: a path or a name (default: libc.so.6)", 0 },
	{},
};

static const char doc[] =
	"Show the latency of getaddrinfo(), gethostbyname() and gethostbyname2() calls.\v"
	"Examples:\n"
	"  gethostlatency                # every lookup through the system's libc\n"
	"  gethostlatency -p 1216        # only process 1216 (through the libc it maps)\n"
	"  gethostlatency -l /opt/x/libc.so.6  # lookups through another libc\n"
	"  gethostlatency --json         # one JSON object per lookup";

static const char *const func_names[FUNC_N] = { "getaddrinfo", "gethostbyname", "gethostbyname2" };

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key != 'l')
		return ARGP_ERR_UNKNOWN;
	if (!*arg)
		cli_bad_value("-l", arg, "an empty name");
	opts.libc = arg;
	return 0;
}

static void host_row(struct row *r, const void *rec)
{
	const struct gethost_event *e = rec;

	row_hms(r, "TIME");
	row_uint(r, "PID", "pid", -7, e->pid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_double(r, "LATms", "lat_ms", -10, 3, e->lat_ns / 1e6);
	row_str(r, "HOST", "host", 0, e->host, sizeof(e->host));
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, NULL, "func", 0, e->func < FUNC_N ? func_names[e->func] : NULL, 32);
	row_bool(r, NULL, "ok", 0, e->ok);
}

/* Entry and return probes on each of the three functions t has. */
static int attach_target(struct gethostlatency_bpf *skel, const struct utarget *t)
{
	const char *funcs[FUNC_N];
	uint64_t cookies[FUNC_N];
	int i, n = 0;

	for (i = 0; i < FUNC_N; i++) {
		if (ufuncs_each(t, func_names[i], NULL, NULL) > 0) {
			funcs[n] = func_names[i];
			cookies[n++] = i;
		} else if (common_opts.verbose) {
			fprintf(stderr, "%s: %s has no %s\n", program_invocation_short_name,
				t->path, func_names[i]);
		}
	}
	if (!n) {
		fprintf(stderr, "%s: %s has none of getaddrinfo, gethostbyname, gethostbyname2\n",
			program_invocation_short_name, t->path);
		return -1;
	}
	/* The return probes first: an entry without its return would keep lookups pending. */
	return uprobes_attach(&opts.links, skel->progs.lookup_return, t, funcs, cookies, n, true) ||
			       uprobes_attach(&opts.links, skel->progs.lookup_entry, t, funcs,
					      cookies, n, false)
		       ? -1
		       : n;
}

/* Without -p, the system's libc for every process; with -p, each process's own. */
static int attach_lookups(void *ctx)
{
	struct utarget t;
	int i;

	if (hook_avoided("uprobe")) {
		fprintf(stderr, "%s: needs uprobes, which BPFSCOPE_AVOID makes unavailable\n",
			program_invocation_short_name);
		return -1;
	}
	if (!gopts.npids)
		return utarget_find(&t, -1, opts.libc ? opts.libc : "libc.so.6") ||
				       attach_target(ctx, &t) < 0
			       ? -1
			       : 0;
	for (i = 0; i < gopts.npids; i++) {
		if (utarget_find(&t, gopts.pids[i], opts.libc ? opts.libc : "libc") ||
		    attach_target(ctx, &t) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct gethostlatency_bpf *skel;
	int err;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(gethostlatency_bpf);
	if (!skel)
		return 1;
	/* One link per libc and direction where the kernel has uprobe_multi: a fast stop. */
	uprobe_multi_prepare(skel->progs.lookup_entry);
	uprobe_multi_prepare(skel->progs.lookup_return);
	err = tool_run_events(&(struct tool_events){
		.skel = skel->skeleton,
		.row = host_row,
		.rec_size = sizeof(struct gethost_event),
		.rec_min = sizeof(struct gethost_event),
		.ctx = skel,
		.attach = attach_lookups,
	});
	ulinks_destroy(&opts.links);
	gethostlatency_bpf__destroy(skel);
	return err;
}
