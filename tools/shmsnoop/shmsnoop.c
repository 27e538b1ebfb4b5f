// SPDX-License-Identifier: GPL-2.0
/* shmsnoop: trace System V shared memory calls system wide, with their arguments and result. */
#include <stdio.h>
#include <string.h>

#include "flagnames.h"
#include "names.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "shmsnoop.h"
#include "shmsnoop.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_TIMESTAMP, 'T', NULL, "Include a TIME(s) column (seconds since the trace started)" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, "Trace this thread only (or these: TID,TID...); shows TID for PID" },
	{ OPT_DURATION, 'd', NULL, NULL },
	{ OPT_COMM, 'n', NULL, "Only print commands whose name contains NAME" },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_FAILED, 'x', NULL, "Only show failed calls" },
	{},
};

static const char doc[] =
	"Trace System V shared memory calls: shmget(), shmat(), shmdt() and shmctl().\v"
	"RET is the result in hex (the segment id, the address attached), -ENAME on failure.\n\n"
	"Examples:\n"
	"  shmsnoop               # every shm*() call\n"
	"  shmsnoop -T            # with a TIME(s) column\n"
	"  shmsnoop -p 181        # only process 181\n"
	"  shmsnoop -t 123        # only thread 123\n"
	"  shmsnoop -d 10         # trace for 10 seconds only\n"
	"  shmsnoop -n main       # only commands whose name contains \"main\"\n"
	"  shmsnoop --json        # one JSON object per call";

#define N	     FLAG_NAMED
#define SHM_HUGE_MSK (0x3fULL << 26) /* log2 of the huge page size, with SHM_HUGETLB */

/* shmget()'s flags above the permission bits. */
static const struct flag_name shmget_flags[] = {
	N(01000, "IPC_CREAT"),
	N(02000, "IPC_EXCL"),
	N(04000, "SHM_HUGETLB"),
	N(010000, "SHM_NORESERVE"),
	{ SHM_HUGE_MSK, 16ULL << 26, "SHM_HUGE_64KB" },
	{ SHM_HUGE_MSK, 21ULL << 26, "SHM_HUGE_2MB" },
	{ SHM_HUGE_MSK, 30ULL << 26, "SHM_HUGE_1GB" },
	{},
};

static const struct flag_name shmat_flags[] = {
	N(010000, "SHM_RDONLY"),
	N(020000, "SHM_RND"),
	N(040000, "SHM_REMAP"),
	N(0100000, "SHM_EXEC"),
	{},
};

static const struct flag_name shmctl_cmds[] = {
	{ 0, 0, "IPC_RMID" },	   { 0, 1, "IPC_SET" },
	{ 0, 2, "IPC_STAT" },	   { 0, 3, "IPC_INFO" },
	{ 0, 11, "SHM_LOCK" },	   { 0, 12, "SHM_UNLOCK" },
	{ 0, 13, "SHM_STAT" },	   { 0, 14, "SHM_INFO" },
	{ 0, 15, "SHM_STAT_ANY" }, {},
};
#undef N

#define IPC_64	  0x100 /* the new struct layout: a C library may pass it with the command */
#define MODE_BITS 0777

static const char *const sys_names[CALL_MAX] = { "SHMGET", "SHMAT", "SHMDT", "SHMCTL" };
static const char *const call_names[CALL_MAX] = { "shmget", "shmat", "shmdt", "shmctl" };

/* " (IPC_CREAT|0600)": the flags by name and the permission bits; nothing for 0. */
static void print_shmflg(FILE *f, const struct flag_name *t, unsigned int flg, bool mode)
{
	unsigned int bits = mode ? flg & ~MODE_BITS : flg;
	char names[256];

	if (!flg)
		return;
	fputs(" (", f);
	if (bits)
		fputs(flags_join(t, bits, "|", names, sizeof(names)), f);
	if (mode && (flg & MODE_BITS))
		fprintf(f, "%s%04o", bits ? "|" : "", flg & MODE_BITS);
	fputc(')', f);
}

static void print_cmd(FILE *f, unsigned int cmd)
{
	const char *name = value_name(shmctl_cmds, cmd & ~IPC_64);

	fprintf(f, "%d", (int)cmd);
	if (name)
		fprintf(f, " (%s%s)", name, cmd & IPC_64 ? "|IPC_64" : "");
}

/* ARGs: each argument named, as upstream prints them, flags and commands decoded. */
static void print_args(FILE *f, const struct shm_event *e)
{
	const __u64 *a = e->args;

	switch (e->call) {
	case CALL_SHMGET:
		fprintf(f, "key: 0x%x%s, size: %llu, shmflg: 0x%x", (unsigned int)a[0],
			a[0] ? "" : " (IPC_PRIVATE)", (unsigned long long)a[1], (unsigned int)a[2]);
		print_shmflg(f, shmget_flags, a[2], true);
		break;
	case CALL_SHMAT:
		fprintf(f, "shmid: 0x%x, shmaddr: 0x%llx, shmflg: 0x%x", (unsigned int)a[0],
			(unsigned long long)a[1], (unsigned int)a[2]);
		print_shmflg(f, shmat_flags, a[2], false);
		break;
	case CALL_SHMDT:
		fprintf(f, "shmaddr: 0x%llx", (unsigned long long)a[0]);
		break;
	case CALL_SHMCTL:
		fprintf(f, "shmid: 0x%x, cmd: ", (unsigned int)a[0]);
		print_cmd(f, a[1]);
		fprintf(f, ", buf: 0x%llx", (unsigned long long)a[2]);
		break;
	}
}

/* The flag word whole (mode bits and all) and the names of bits. */
static void json_flags(struct json *j, const struct flag_name *t, unsigned int word,
		       unsigned int bits)
{
	char names[256], *p;
	size_t n = flag_names(t, bits, names, sizeof(names));

	json_uint(j, "shmflg", word);
	json_arr_begin(j, "shmflg_names");
	for (p = names; p < names + n; p += strlen(p) + 1)
		json_str(j, NULL, p);
	json_arr_end(j);
}

static void json_args(struct json *j, const struct shm_event *e)
{
	const __u64 *a = e->args;

	switch (e->call) {
	case CALL_SHMGET:
		json_uint(j, "key", (unsigned int)a[0]);
		json_uint(j, "size", a[1]);
		json_flags(j, shmget_flags, a[2], a[2] & ~MODE_BITS);
		json_uint(j, "mode", a[2] & MODE_BITS);
		break;
	case CALL_SHMAT:
		json_int(j, "shmid", (int)a[0]);
		json_uint(j, "shmaddr", a[1]);
		json_flags(j, shmat_flags, a[2], a[2]);
		break;
	case CALL_SHMDT:
		json_uint(j, "shmaddr", a[0]);
		break;
	case CALL_SHMCTL:
		json_int(j, "shmid", (int)a[0]);
		json_int(j, "cmd", (int)a[1]);
		json_str(j, "cmd_name", value_name(shmctl_cmds, a[1] & ~IPC_64));
		json_uint(j, "buf", a[2]);
		break;
	}
}

static void shm_row(struct row *r, const void *rec)
{
	const struct shm_event *e = rec;
	bool by_tid = gopts.ntids > 0; /* -t: a TID column in PID's place, as upstream */
	char ret[24];

	if (e->ret < 0 && errno_name(e->ret))
		snprintf(ret, sizeof(ret), "-%s", errno_name(e->ret));
	else
		snprintf(ret, sizeof(ret), "%llx", (unsigned long long)e->ret);
	row_hms(r, NULL);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, by_tid ? NULL : "PID", "pid", -6, e->pid);
	row_uint(r, by_tid ? "TID" : NULL, "tid", -6, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, "SYS", NULL, 6, sys_names[e->call], 8);
	row_str(r, NULL, "sys", 0, call_names[e->call], 8);
	row_str(r, "RET", NULL, 16, ret, sizeof(ret));
	row_int(r, NULL, "ret", 0, e->ret);
	row_str(r, NULL, "error", 0, e->ret < 0 ? errno_name(e->ret) : NULL, 32);
	if (row_text_col(r, "ARGs", 0))
		print_args(r->f, e);
	if (r->mode == ROW_JSON)
		json_args(&r->j, e);
}

static bool keep_shm(void *rec, size_t size)
{
	(void)size;
	return ((struct shm_event *)rec)->call < CALL_MAX;
}

/* shmget() and the others where the kernel has their tracepoints, else raw_syscalls. */
static int choose_hooks(struct shmsnoop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	const struct syscall_pair tp[] = {
		{ p->shmget_enter, p->shmget_exit },
		{ p->shmat_enter, p->shmat_exit },
		{ p->shmdt_enter, p->shmdt_exit },
		{ p->shmctl_enter, p->shmctl_exit },
	};
	const struct syscall_pair raw = { p->sys_enter_raw, p->sys_exit_raw };

	return syscall_hooks_choose(skel->obj, "shmget()", tp, ARRAY_SIZE(tp), &raw) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, NULL, NULL, doc, NULL, NULL, NULL };
	struct shmsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(shmsnoop_bpf);
	if (!skel)
		return 1;
	bpf_map__set_max_entries(skel->maps.stash, probe_threads_room(1, 1024));
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = shm_row,
			.rec_size = sizeof(struct shm_event),
			.rec_min = sizeof(struct shm_event),
			.keep = keep_shm,
		});
	shmsnoop_bpf__destroy(skel);
	return err;
}
