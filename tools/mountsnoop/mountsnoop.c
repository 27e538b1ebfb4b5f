// SPDX-License-Identifier: GPL-2.0
/* mountsnoop: trace mount(), umount2() and the new mount API system wide, with their result. */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "flagnames.h"
#include "names.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "mountsnoop.h"
#include "mountsnoop.skel.h"

static struct {
	bool detailed;
} opts;

enum { OPT_TID_KEY = 0x100, OPT_DURATION_KEY };

static const struct opt_pick picks[] = {
	{ OPT_TIME, 't', "timestamp", "Include a time column (HH:MM:SS)" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, OPT_TID_KEY, NULL, NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_FAILED, 'x', NULL, "Only show failed calls" },
	{ OPT_DURATION, OPT_DURATION_KEY, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "detailed", 'd', NULL, 0, "Output in detail mode (one line per field)", 0 },
	{},
};

static const char doc[] =
	"Trace mount() and umount2(), and the new mount API where the kernel has it (fsopen, "
	"fsconfig, fsmount, move_mount, open_tree, fspick, mount_setattr, open_tree_attr).\v"
	"CALL is the call with its decoded arguments and result (-ENAME on failure).\n\n"
	"Examples:\n"
	"  mountsnoop             # every mount call\n"
	"  mountsnoop -d          # detailed output (one line per field)\n"
	"  mountsnoop -p 1216     # only process 1216\n"
	"  mountsnoop -x -t       # failed calls, with the time of day\n"
	"  mountsnoop --json      # one JSON object per call";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	if (key != 'd')
		return ARGP_ERR_UNKNOWN;
	opts.detailed = true;
	return 0;
}

#define N	   FLAG_NAMED
#define MS_MGC_MSK 0xffff0000ULL

/* mount(2) flags; the old magic number in the high half first (the kernel drops it). */
static const struct flag_name ms_flags[] = {
	{ MS_MGC_MSK, 0xc0ed0000, "MS_MGC_VAL" },
	N(0x1, "MS_RDONLY"),
	N(0x2, "MS_NOSUID"),
	N(0x4, "MS_NODEV"),
	N(0x8, "MS_NOEXEC"),
	N(0x10, "MS_SYNCHRONOUS"),
	N(0x20, "MS_REMOUNT"),
	N(0x40, "MS_MANDLOCK"),
	N(0x80, "MS_DIRSYNC"),
	N(0x100, "MS_NOSYMFOLLOW"),
	N(0x400, "MS_NOATIME"),
	N(0x800, "MS_NODIRATIME"),
	N(0x1000, "MS_BIND"),
	N(0x2000, "MS_MOVE"),
	N(0x4000, "MS_REC"),
	N(0x8000, "MS_SILENT"),
	N(1 << 16, "MS_POSIXACL"),
	N(1 << 17, "MS_UNBINDABLE"),
	N(1 << 18, "MS_PRIVATE"),
	N(1 << 19, "MS_SLAVE"),
	N(1 << 20, "MS_SHARED"),
	N(1 << 21, "MS_RELATIME"),
	N(1 << 22, "MS_KERNMOUNT"),
	N(1 << 23, "MS_I_VERSION"),
	N(1 << 24, "MS_STRICTATIME"),
	N(1 << 25, "MS_LAZYTIME"),
	N(1 << 27, "MS_NOREMOTELOCK"),
	N(1 << 28, "MS_NOSEC"),
	N(1 << 29, "MS_BORN"),
	N(1 << 30, "MS_ACTIVE"),
	N(1ULL << 31, "MS_NOUSER"),
	{},
};

static const struct flag_name umount_flags[] = {
	N(0x1, "MNT_FORCE"),
	N(0x2, "MNT_DETACH"),
	N(0x4, "MNT_EXPIRE"),
	N(0x8, "UMOUNT_NOFOLLOW"),
	{},
};

static const struct flag_name fsopen_flags[] = { N(0x1, "FSOPEN_CLOEXEC"), {} };
static const struct flag_name fsmount_flags[] = { N(0x1, "FSMOUNT_CLOEXEC"), {} };

static const struct flag_name fsconfig_cmds[] = {
	{ 0, 0, "FSCONFIG_SET_FLAG" },	      { 0, 1, "FSCONFIG_SET_STRING" },
	{ 0, 2, "FSCONFIG_SET_BINARY" },      { 0, 3, "FSCONFIG_SET_PATH" },
	{ 0, 4, "FSCONFIG_SET_PATH_EMPTY" },  { 0, 5, "FSCONFIG_SET_FD" },
	{ 0, 6, "FSCONFIG_CMD_CREATE" },      { 0, 7, "FSCONFIG_CMD_RECONFIGURE" },
	{ 0, 8, "FSCONFIG_CMD_CREATE_EXCL" }, {},
};

/* MOUNT_ATTR_*: fsmount()'s attr_flags, mount_attr's attr_set and attr_clr. */
static const struct flag_name mount_attrs[] = {
	N(0x1, "MOUNT_ATTR_RDONLY"),
	N(0x2, "MOUNT_ATTR_NOSUID"),
	N(0x4, "MOUNT_ATTR_NODEV"),
	N(0x8, "MOUNT_ATTR_NOEXEC"),
	{ 0x70, 0x10, "MOUNT_ATTR_NOATIME" },
	{ 0x70, 0x20, "MOUNT_ATTR_STRICTATIME" },
	N(0x80, "MOUNT_ATTR_NODIRATIME"),
	N(0x100000, "MOUNT_ATTR_IDMAP"),
	N(0x200000, "MOUNT_ATTR_NOSYMFOLLOW"),
	{},
};

static const struct flag_name move_mount_flags[] = {
	N(0x1, "MOVE_MOUNT_F_SYMLINKS"),
	N(0x2, "MOVE_MOUNT_F_AUTOMOUNTS"),
	N(0x4, "MOVE_MOUNT_F_EMPTY_PATH"),
	N(0x10, "MOVE_MOUNT_T_SYMLINKS"),
	N(0x20, "MOVE_MOUNT_T_AUTOMOUNTS"),
	N(0x40, "MOVE_MOUNT_T_EMPTY_PATH"),
	N(0x100, "MOVE_MOUNT_SET_GROUP"),
	N(0x200, "MOVE_MOUNT_BENEATH"),
	{},
};

/* open_tree() and mount_setattr() (which has no OPEN_TREE_* bits) share the AT_* bits. */
static const struct flag_name open_tree_flags[] = {
	N(0x1, "OPEN_TREE_CLONE"),
	N(0x80000, "OPEN_TREE_CLOEXEC"),
	N(0x100, "AT_SYMLINK_NOFOLLOW"),
	N(0x800, "AT_NO_AUTOMOUNT"),
	N(0x1000, "AT_EMPTY_PATH"),
	N(0x8000, "AT_RECURSIVE"),
	{},
};

static const struct flag_name fspick_flags[] = {
	N(0x1, "FSPICK_CLOEXEC"),
	N(0x2, "FSPICK_SYMLINK_NOFOLLOW"),
	N(0x4, "FSPICK_NO_AUTOMOUNT"),
	N(0x8, "FSPICK_EMPTY_PATH"),
	{},
};

static const struct flag_name propagations[] = {
	N(1 << 17, "MS_UNBINDABLE"),
	N(1 << 18, "MS_PRIVATE"),
	N(1 << 19, "MS_SLAVE"),
	N(1 << 20, "MS_SHARED"),
	{},
};
#undef N

enum arg_kind {
	ARG_STR,
	ARG_DFD,   /* a directory descriptor: AT_FDCWD by name */
	ARG_INT,   /* descriptors, fsconfig()'s aux, sizes */
	ARG_FLAGS, /* names */
	ARG_CMD,   /* a value of names */
	ARG_PTR,   /* fsconfig()'s value when it is not a string */
	ARG_ATTR,  /* struct mount_attr */
};

struct arg_desc {
	const char *key; /* JSON key; upper-cased, the -d label */
	enum arg_kind kind;
	const struct flag_name *names;
};

struct call_desc {
	const char *name;
	const char *op; /* -d's OP */
	int nargs;
	struct arg_desc args[MNT_ARGS];
	int order[MNT_ARGS]; /* -d: the arguments in this order (mount(): as upstream) */
};

#define S(k)                     \
	{                        \
		k, ARG_STR, NULL \
	}
#define I(k)                     \
	{                        \
		k, ARG_INT, NULL \
	}
#define DFD(k)                   \
	{                        \
		k, ARG_DFD, NULL \
	}
#define F(k, t)                 \
	{                       \
		k, ARG_FLAGS, t \
	}
#define IN_ORDER              \
	{                     \
		0, 1, 2, 3, 4 \
	}

static const struct call_desc calls[CALL_MAX] = {
	[CALL_MOUNT] = { "mount",
			 "MOUNT",
			 5,
			 { S("source"), S("target"), S("fs"), F("flags", ms_flags), S("data") },
			 { 2, 0, 1, 4, 3 } },
	[CALL_UMOUNT] = { "umount",
			  "UMOUNT",
			  2,
			  { S("target"), F("flags", umount_flags) },
			  IN_ORDER },
	[CALL_FSOPEN] = { "fsopen", "FSOPEN", 2, { S("fs"), F("flags", fsopen_flags) }, IN_ORDER },
	[CALL_FSCONFIG] = { "fsconfig",
			    "FSCONFIG",
			    5,
			    { I("fd"),
			      { "cmd", ARG_CMD, fsconfig_cmds },
			      S("key"),
			      { "value", ARG_PTR, NULL },
			      I("aux") },
			    IN_ORDER },
	[CALL_FSMOUNT] = { "fsmount",
			   "FSMOUNT",
			   3,
			   { I("fd"), F("flags", fsmount_flags), F("attr_flags", mount_attrs) },
			   IN_ORDER },
	[CALL_MOVE_MOUNT] = { "move_mount",
			      "MOVE_MOUNT",
			      5,
			      { DFD("from_dfd"), S("from_path"), DFD("to_dfd"), S("to_path"),
				F("flags", move_mount_flags) },
			      IN_ORDER },
	[CALL_OPEN_TREE] = { "open_tree",
			     "OPEN_TREE",
			     3,
			     { DFD("dfd"), S("path"), F("flags", open_tree_flags) },
			     IN_ORDER },
	[CALL_FSPICK] = { "fspick",
			  "FSPICK",
			  3,
			  { DFD("dfd"), S("path"), F("flags", fspick_flags) },
			  IN_ORDER },
	[CALL_MOUNT_SETATTR] = { "mount_setattr",
				 "MOUNT_SETATTR",
				 5,
				 { DFD("dfd"),
				   S("path"),
				   F("flags", open_tree_flags),
				   { "attr", ARG_ATTR, NULL },
				   I("size") },
				 IN_ORDER },
	[CALL_OPEN_TREE_ATTR] = { "open_tree_attr",
				  "OPEN_TREE_ATTR",
				  5,
				  { DFD("dfd"),
				    S("path"),
				    F("flags", open_tree_flags),
				    { "attr", ARG_ATTR, NULL },
				    I("size") },
				  IN_ORDER },
};

#undef S
#undef I
#undef DFD
#undef F
#undef IN_ORDER

#define AT_FDCWD (-100)

/* The string of argument i: its slot in str[] (strings are stored in argument order). */
static const char *arg_str(const struct mount_event *e, int i, bool *cut)
{
	unsigned int mask = mount_str_args(e->call, e->args[1]);
	int slot = __builtin_popcount(mask & ((1u << i) - 1));

	*cut = e->status & (1 << slot);
	return e->str[slot];
}

static bool is_str(const struct mount_event *e, int i)
{
	return mount_str_args(e->call, e->args[1]) & (1u << i);
}

/* A string argument, quoted and escaped; NULL for a null pointer; "..." after a cut one. */
static void print_str(FILE *f, const struct mount_event *e, int i, bool quote)
{
	bool cut;
	const char *s = arg_str(e, i, &cut);

	if (!e->args[i]) {
		fputs(quote ? "NULL" : "", f);
		return;
	}
	if (quote)
		print_quoted(f, s, MNT_STR_LEN);
	else
		print_escaped(f, s, MNT_STR_LEN);
	if (cut)
		fputs("...", f);
}

static void print_attr(FILE *f, const struct mount_event *e)
{
	const struct mount_attr_vals *a = &e->attr;
	char set[256], clr[256], prop[128];

	if (!(e->status & ATTR_READ)) {
		fprintf(f, "%#llx", (unsigned long long)e->args[3]);
		return;
	}
	fprintf(f, "{attr_set=%s, attr_clr=%s, propagation=%s, userns_fd=%llu}",
		flags_join(mount_attrs, a->attr_set, " | ", set, sizeof(set)),
		flags_join(mount_attrs, a->attr_clr, " | ", clr, sizeof(clr)),
		flags_join(propagations, a->propagation, " | ", prop, sizeof(prop)),
		(unsigned long long)a->userns_fd);
}

/* Argument i in the text form: quote strings in CALL, not in -d's lines. */
static void print_arg(FILE *f, const struct mount_event *e, int i, bool quote)
{
	const struct arg_desc *d = &calls[e->call].args[i];
	unsigned long long v = e->args[i];
	const char *name;
	char buf[512];

	switch (d->kind) {
	case ARG_STR:
		print_str(f, e, i, quote);
		break;
	case ARG_PTR:
		if (is_str(e, i))
			print_str(f, e, i, quote);
		else
			fputs(v ? "..." : "NULL", f); /* binary or a flag: not read */
		break;
	case ARG_DFD:
		if ((int)v == AT_FDCWD)
			fputs("AT_FDCWD", f);
		else
			fprintf(f, "%d", (int)v);
		break;
	case ARG_INT:
		fprintf(f, "%d", (int)v);
		break;
	case ARG_FLAGS:
		fputs(flags_join(d->names, (unsigned int)v, " | ", buf, sizeof(buf)), f);
		break;
	case ARG_CMD:
		name = value_name(d->names, (unsigned int)v);
		if (name)
			fputs(name, f);
		else
			fprintf(f, "%u", (unsigned int)v);
		break;
	case ARG_ATTR:
		print_attr(f, e);
		break;
	}
}

static void print_ret(FILE *f, long long ret)
{
	const char *err = ret < 0 ? errno_name(ret) : NULL;

	if (err)
		fprintf(f, "-%s", err);
	else
		fprintf(f, "%lld", ret);
}

/* CALL: name(args) = ret, as strace writes it. */
static void print_call(FILE *f, const struct mount_event *e)
{
	const struct call_desc *c = &calls[e->call];
	int i;

	fprintf(f, "%s(", c->name);
	for (i = 0; i < c->nargs; i++) {
		if (i)
			fputs(", ", f);
		print_arg(f, e, i, true);
	}
	fputs(") = ", f);
	print_ret(f, e->ret);
}

/* -d: a line per field, as upstream: the time (with -t), then "    LABEL:  value". */
static void print_detailed(FILE *f, const struct mount_event *e)
{
	const struct call_desc *c = &calls[e->call];
	char hms[16], label[24];
	size_t j;
	int i;

	if (gopts.time)
		fprintf(f, "%s\n", time_hms(hms, sizeof(hms)));
	fprintf(f, "    PID:    %u\n    TID:    %u\n    COMM:   ", e->pid, e->tid);
	print_escaped(f, e->comm, sizeof(e->comm));
	fprintf(f, "\n    OP:     %s\n    RET:    ", c->op);
	print_ret(f, e->ret);
	fprintf(f, "\n    LAT:    %lluus\n    MNT_NS: %u", (unsigned long long)e->lat_ns / 1000,
		e->mnt_ns);
	for (i = 0; i < c->nargs; i++) {
		const char *key = c->args[c->order[i]].key;

		for (j = 0; key[j] && j < sizeof(label) - 2; j++)
			label[j] = key[j] >= 'a' && key[j] <= 'z' ? key[j] - 'a' + 'A' : key[j];
		label[j++] = ':';
		label[j] = '\0';
		fprintf(f, "\n    %-7s ", label);
		print_arg(f, e, c->order[i], false);
	}
	fputc('\n', f); /* and the row's newline: a blank line between calls */
}

static void json_flags(struct json *j, const char *key, const struct flag_name *t,
		       unsigned long long v)
{
	char names[512], k[64], *p;
	size_t n = flag_names(t, v, names, sizeof(names));

	json_uint(j, key, v);
	snprintf(k, sizeof(k), "%s_names", strcmp(key, "flags") ? key : "flag");
	json_arr_begin(j, k);
	for (p = names; p < names + n; p += strlen(p) + 1)
		json_str(j, NULL, p);
	json_arr_end(j);
}

static void json_attr(struct json *j, const struct mount_event *e)
{
	if (!(e->status & ATTR_READ)) {
		json_null(j, "attr");
		return;
	}
	json_obj_begin(j, "attr");
	json_flags(j, "attr_set", mount_attrs, e->attr.attr_set);
	json_flags(j, "attr_clr", mount_attrs, e->attr.attr_clr);
	json_flags(j, "propagation", propagations, e->attr.propagation);
	json_uint(j, "userns_fd", e->attr.userns_fd);
	json_obj_end(j);
}

static void json_arg(struct json *j, const struct mount_event *e, int i)
{
	const struct arg_desc *d = &calls[e->call].args[i];
	unsigned long long v = e->args[i];
	char k[64];
	bool cut;

	if (d->kind == ARG_STR || (d->kind == ARG_PTR && is_str(e, i))) {
		const char *s = arg_str(e, i, &cut);

		if (!v) {
			json_null(j, d->key);
			return;
		}
		json_strn(j, d->key, s, MNT_STR_LEN);
		snprintf(k, sizeof(k), "%s_truncated", d->key);
		if (cut)
			json_bool(j, k, true);
	} else if (d->kind == ARG_PTR) {
		json_uint(j, d->key, v);
	} else if (d->kind == ARG_FLAGS) {
		json_flags(j, d->key, d->names, (unsigned int)v);
	} else if (d->kind == ARG_CMD) {
		json_uint(j, d->key, (unsigned int)v);
		snprintf(k, sizeof(k), "%s_name", d->key);
		json_str(j, k, value_name(d->names, (unsigned int)v));
	} else if (d->kind == ARG_ATTR) {
		json_attr(j, e);
	} else {
		json_int(j, d->key, (int)v);
	}
}

static void mount_row(struct row *r, const void *rec)
{
	const struct mount_event *e = rec;
	int i;

	if (r->mode == ROW_TEXT && opts.detailed) {
		print_detailed(r->f, e);
		return;
	}
	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, NULL, e->ts_ns);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, "TID", "tid", -7, e->tid);
	row_uint(r, "MNT_NS", "mnt_ns", -11, e->mnt_ns);
	if (row_text_col(r, "CALL", 0))
		print_call(r->f, e);
	if (r->mode != ROW_JSON)
		return;
	json_str(&r->j, "call", calls[e->call].name);
	json_int(&r->j, "ret", e->ret);
	if (e->ret < 0)
		json_str(&r->j, "error", errno_name(e->ret));
	if (e->status & LAT_READ)
		json_uint(&r->j, "lat_ns", e->lat_ns);
	for (i = 0; i < calls[e->call].nargs; i++)
		json_arg(&r->j, e, i);
}

/* The strings end the record: those it does not hold are shown empty. */
static bool keep_mount(void *rec, size_t size)
{
	struct mount_event *e = rec;
	size_t have = (size - MOUNT_EVENT_HEADER_SIZE) / MNT_STR_LEN, i;

	if (e->call >= CALL_MAX)
		return false;
	for (i = have; i < MNT_STRS_MAX; i++)
		e->str[i][0] = '\0';
	return true;
}

static void no_header(void)
{
}

/*
 * Each call traced where the kernel has its tracepoints: mount() and
 * umount2() everywhere, the new mount API from Linux 5.2, mount_setattr()
 * from 5.12, open_tree_attr() from 6.15.  Without syscall tracepoints,
 * raw_syscalls carries them all.
 */
static int choose_hooks(struct mountsnoop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	/* With bpf_task_pt_regs() (Linux 5.15) the exit alone sees the arguments; -d shows LAT. */
	bool alone = !opts.detailed && probe_helper("task_pt_regs", BPF_FUNC_task_pt_regs);
#define CALL(c)                                                                         \
	alone ? (struct syscall_pair){ NULL, p->c##_exit_regs } : (struct syscall_pair) \
	{                                                                               \
		p->c##_enter, p->c##_exit                                               \
	}
	const struct syscall_pair tp[] = {
		CALL(mount),	     CALL(umount),	   CALL(fsopen),    CALL(fsconfig),
		CALL(fsmount),	     CALL(move_mount),	   CALL(open_tree), CALL(fspick),
		CALL(mount_setattr), CALL(open_tree_attr),
	};
#undef CALL
	const struct syscall_pair raw = { p->sys_enter_raw, p->sys_exit_raw };

	return syscall_hooks_choose(skel->obj, "mount()", tp, ARRAY_SIZE(tp), &raw) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct mountsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(mountsnoop_bpf);
	if (!skel)
		return 1;
	bpf_map__set_max_entries(skel->maps.stash, probe_threads_room(1, 1024));
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = mount_row,
			.rec_size = sizeof(struct mount_event),
			.rec_min = MOUNT_EVENT_HEADER_SIZE,
			.keep = keep_mount,
			.print_header = opts.detailed ? no_header : NULL,
		});
	mountsnoop_bpf__destroy(skel);
	return err;
}
