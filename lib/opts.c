// SPDX-License-Identifier: GPL-2.0
/* Option groups shared by the tools; see include/opts.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "opts.h"
#include "probe.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
/* The initial PID namespace's inode number (include/linux/proc_ns.h). */
#define PROC_PID_INIT_INO 0xEFFFFFFCU

struct group_opts gopts = { .uid = -1, .interval = INT_MAX, .count = INT_MAX, .maxrows = 20 };

struct group_info {
	const char *name;
	const char *arg;
	const char *doc;
};

static const struct group_info groups[] = {
	[OPT_PID] = { "pid", "PID", "Trace this process only (or these: PID,PID...)" },
	[OPT_TID] = { "tid", "TID", "Trace this thread only (or these: TID,TID...)" },
	[OPT_UID] = { "uid", "UID", "Trace this user (number or name) only" },
	[OPT_COMM] = { "name", "NAME", "Only trace commands whose name contains NAME" },
	[OPT_CGROUP] = { "cgroup", "PATH", "Trace tasks in this cgroup (v2 directory) only" },
	[OPT_DURATION] = { "duration", "SECS", "Trace for this many seconds, then exit" },
	[OPT_TIME] = { "time", NULL, "Print the time of day (HH:MM:SS)" },
	[OPT_TIMESTAMP] = { "timestamp", NULL, "Print seconds since the trace started" },
	[OPT_FAILED] = { "failed", NULL, "Only show failed calls" },
	[OPT_PER_PID] = { "pids", NULL, "One histogram per process ID" },
	[OPT_PER_TID] = { "tids", NULL, "One histogram per thread ID" },
	[OPT_IPV4] = { "ipv4", NULL, "Trace IPv4 only" },
	[OPT_IPV6] = { "ipv6", NULL, "Trace IPv6 only" },
	[OPT_NOCLEAR] = { "noclear", NULL, "Do not clear the screen between intervals" },
	[OPT_MAXROWS] = { "maxrows", "ROWS", "Print at most ROWS rows per interval (default 20)" },
};

/* What tool_parse was given: the picks, and the argp options built from them. */
static const struct opt_pick *picked;
static struct argp_option group_options[16];

static const struct opt_pick *pick_of_key(int key)
{
	const struct opt_pick *p;

	for (p = picked; p->group; p++) {
		if (p->key == key && p->group != OPT_INTERVAL)
			return p;
	}
	return NULL;
}

static const struct opt_pick *pick_of_group(enum opt_group group)
{
	const struct opt_pick *p;

	for (p = picked; p->group; p++) {
		if (p->group == group)
			return p;
	}
	return NULL;
}

/* "-p" or "--pid" for messages (two may appear in one). */
static const char *opt_label(const struct opt_pick *p)
{
	static char labels[2][64];
	static int next;
	char *label = labels[next++ % 2];
	const char *name = p->name ? p->name : groups[p->group].name;

	if (p->key > 0 && p->key < 128)
		snprintf(label, sizeof(labels[0]), "-%c", p->key);
	else if (p->key)
		snprintf(label, sizeof(labels[0]), "--%s", name);
	else
		snprintf(label, sizeof(labels[0]), "%s", name);
	return label;
}

/* The BPF cgroup filter works on the unified (v2) hierarchy only. */
static const char *parse_cgroup(const char *opt, const char *path)
{
	struct statfs fs;
	struct stat st;

	if (stat(path, &st) || statfs(path, &fs))
		cli_bad_value(opt, path, strerror(errno));
	if (!S_ISDIR(st.st_mode) || fs.f_type != CGROUP2_SUPER_MAGIC)
		cli_bad_value(opt, path, "not a cgroup v2 directory");
	return path;
}

static void parse_comm(const char *opt, const char *arg)
{
	size_t len = strlen(arg);

	if (!len)
		cli_bad_value(opt, arg, "empty name");
	/* The kernel keeps TASK_COMM_LEN - 1 bytes of a command name. */
	if (len > TASK_COMM_LEN - 1)
		cli_bad_value(opt, arg, "longer than a command name (15 bytes) can be");
	memcpy(gopts.comm, arg, len);
}

/* "1,2,3": each a live process (or thread), checked by parse. */
static int parse_ids(const char *opt, const char *arg, pid_t (*parse)(const char *, const char *),
		     pid_t *ids)
{
	const char *p = arg;
	char tok[32];
	int n = 0;

	do {
		size_t len = strcspn(p, ",");

		if (!len || len >= sizeof(tok))
			cli_bad_value(opt, arg, len ? "not a number" : "an empty id in the list");
		if (n == OPT_IDS_MAX)
			cli_bad_value(opt, arg, "more than 1024 ids");
		memcpy(tok, p, len);
		tok[len] = '\0';
		ids[n++] = parse(opt, tok);
		p += len;
	} while (*p++ == ',');
	return n;
}

static void set_key_by(enum key_by by)
{
	if (gopts.key_by != KEY_NONE && gopts.key_by != by)
		cli_usage_error("%s and %s cannot be combined",
				opt_label(pick_of_group(OPT_PER_PID)),
				opt_label(pick_of_group(OPT_PER_TID)));
	gopts.key_by = by;
}

static void set_ip(int version)
{
	if (gopts.ip && gopts.ip != version)
		cli_usage_error("%s and %s cannot be combined", opt_label(pick_of_group(OPT_IPV4)),
				opt_label(pick_of_group(OPT_IPV6)));
	gopts.ip = version;
}

static void parse_group(const struct opt_pick *p, const char *arg)
{
	const char *opt = opt_label(p);

	switch (p->group) {
	case OPT_PID:
		gopts.npids = parse_ids(opt, arg, cli_parse_pid, gopts.pids);
		break;
	case OPT_TID:
		gopts.ntids = parse_ids(opt, arg, cli_parse_tid, gopts.tids);
		break;
	case OPT_UID:
		gopts.uid = cli_parse_uid(opt, arg);
		break;
	case OPT_COMM:
		parse_comm(opt, arg);
		break;
	case OPT_CGROUP:
		gopts.cgroup = parse_cgroup(opt, arg);
		break;
	case OPT_DURATION:
		gopts.duration = cli_parse_long(opt, arg, 1, INT_MAX);
		break;
	case OPT_TIME:
		gopts.time = true;
		break;
	case OPT_TIMESTAMP:
		gopts.timestamp = true;
		break;
	case OPT_FAILED:
		gopts.failed = true;
		break;
	case OPT_PER_PID:
		set_key_by(KEY_PID);
		break;
	case OPT_PER_TID:
		set_key_by(KEY_TID);
		break;
	case OPT_IPV4:
		set_ip(4);
		break;
	case OPT_IPV6:
		set_ip(6);
		break;
	case OPT_NOCLEAR:
		gopts.noclear = true;
		break;
	case OPT_MAXROWS:
		gopts.maxrows = cli_parse_long(opt, arg, 1, INT_MAX);
		break;
	default:
		break;
	}
}

/* Positional arguments: [INTERVAL [COUNT]] or [DURATION], as picked. */
static void parse_positional(const char *arg, int *nargs)
{
	const struct opt_pick *d = pick_of_group(OPT_DURATION);

	if (pick_of_group(OPT_INTERVAL) && *nargs < 2) {
		cli_parse_interval_count(arg, &gopts.interval, &gopts.count, nargs);
		return;
	}
	if (d && !d->key && (*nargs)++ == 0) {
		gopts.duration = cli_parse_long("duration", arg, 1, INT_MAX);
		return;
	}
	cli_usage_error("unexpected argument '%s'", cli_shown(arg));
}

static error_t parse_groups(int key, char *arg, struct argp_state *state)
{
	static int nargs;
	const struct opt_pick *p;

	(void)state;
	if (key == ARGP_KEY_ARG) {
		parse_positional(arg, &nargs);
		return 0;
	}
	p = pick_of_key(key);
	if (!p)
		return ARGP_ERR_UNKNOWN;
	parse_group(p, arg);
	return 0;
}

void tool_parse(const struct argp *argp, const struct opt_pick *picks, int argc, char **argv)
{
	static struct argp group_argp = { .options = group_options, .parser = parse_groups };
	struct argp tool = *argp;
	const struct opt_pick *p;
	int n = 0;

	picked = picks;
	for (p = picks; p->group && n < (int)ARRAY_SIZE(group_options) - 1; p++) {
		const struct group_info *g = &groups[p->group];

		if (p->group == OPT_INTERVAL || (p->group == OPT_DURATION && !p->key))
			continue;
		group_options[n++] = (struct argp_option){
			.name = p->name ? p->name : g->name,
			.key = p->key,
			.arg = g->arg,
			.doc = p->doc ? p->doc : g->doc,
		};
	}
	/* An empty option list would be allocated by argp and leaked on --help. */
	group_argp.options = n ? group_options : NULL;
	if (!tool.args_doc && pick_of_group(OPT_INTERVAL))
		tool.args_doc = "[INTERVAL [COUNT]]";
	else if (!tool.args_doc && (p = pick_of_group(OPT_DURATION)) && !p->key)
		tool.args_doc = "[DURATION]";
	cli_parse_with(&tool, &group_argp, argc, argv, NULL);
}

/* The tool's PID namespace if it is not the initial one: -p/-t numbers are its numbers. */
static bool own_pidns(struct stat *st)
{
	return !stat("/proc/self/ns/pid", st) && st->st_ino != PROC_PID_INIT_INO;
}

static int set_rodata_u32(struct bpf_object *obj, const char *name, __u32 val)
{
	return obj_set_rodata(obj, name, &val, sizeof(val));
}

static int set_pidns(struct bpf_object *obj)
{
	struct stat st;
	__u64 dev, ino;

	if (!own_pidns(&st))
		return 0;
	if (!probe_helper("get_ns_current_pid_tgid", BPF_FUNC_get_ns_current_pid_tgid)) {
		if (gopts.npids || gopts.ntids)
			cli_die("-p/-t inside a PID namespace needs the BPF helper "
				"get_ns_current_pid_tgid (Linux >= 5.7)");
		return set_rodata_u32(obj, "self_tgid", 0); /* cannot tell our own events */
	}
	dev = st.st_dev;
	ino = st.st_ino;
	if (obj_set_rodata(obj, "pidns_dev", &dev, sizeof(dev)) ||
	    obj_set_rodata(obj, "pidns_ino", &ino, sizeof(ino)))
		return -EINVAL;
	return 0;
}

/* One id: compared as rodata; several: looked up in the map (sized here, filled after load). */
static int set_id_filter(struct bpf_object *obj, const char *one, const char *set,
			 const char *map_name, const pid_t *ids, int n)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, map_name);

	if (n <= 1)
		return set_rodata_u32(obj, one, n ? ids[0] : 0);
	if (!map || obj_set_rodata(obj, set, &(bool){ true }, sizeof(bool)))
		return -EINVAL;
	return bpf_map__set_max_entries(map, n);
}

static int fill_ids(struct bpf_object *obj, const char *map_name, const pid_t *ids, int n)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, map_name);
	__u8 one = 1;
	int i;

	for (i = 0; n > 1 && i < n; i++) {
		__u32 id = ids[i];

		if (!map || bpf_map__update_elem(map, &id, sizeof(id), &one, sizeof(one), BPF_ANY))
			return -EINVAL;
	}
	return 0;
}

int opts_set_filters(struct bpf_object *obj)
{
	__u32 comm_len = strlen(gopts.comm);
	int err = 0;

	/* Filters only some objects have; -x: failed only, or failed too: theirs to say. */
	if (obj_set_rodata(obj, "filter_failed", &gopts.failed, sizeof(bool)) == -EINVAL ||
	    obj_set_rodata(obj, "filter_ip", &(__u8){ gopts.ip }, sizeof(__u8)) == -EINVAL)
		return -EINVAL;
	/* An object without filter.bpf.h has none of these: nothing to set. */
	if (obj_set_rodata(obj, "self_tgid", &(__u32){ getpid() }, sizeof(__u32)) == -ENOENT)
		return 0;
	err |= set_id_filter(obj, "filter_tgid", "filter_tgid_set", "filter_tgids", gopts.pids,
			     gopts.npids);
	err |= set_id_filter(obj, "filter_tid", "filter_tid_set", "filter_tids", gopts.tids,
			     gopts.ntids);
	err |= set_rodata_u32(obj, "filter_uid", gopts.uid);
	err |= obj_set_rodata(obj, "filter_cgroup", &(bool){ gopts.cgroup != NULL }, sizeof(bool));
	err |= obj_set_rodata(obj, "filter_comm", gopts.comm, sizeof(gopts.comm));
	err |= set_rodata_u32(obj, "filter_comm_len", comm_len);
	err |= set_pidns(obj);
	return err ? -EINVAL : 0;
}

int opts_fill_filters(struct bpf_object *obj)
{
	if (fill_ids(obj, "filter_tgids", gopts.pids, gopts.npids) ||
	    fill_ids(obj, "filter_tids", gopts.tids, gopts.ntids)) {
		cli_warn("cannot set the -p/-t filters");
		return -EINVAL;
	}
	return gopts.cgroup ? filter_set_cgroup(obj, gopts.cgroup) : 0;
}
