// SPDX-License-Identifier: GPL-2.0
/* Kernel capability probing and attach-point choice. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "kbtf.h"
#include "modbtf.h"
#include "probe.h"
#include "shared.h"

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

const struct kbtf *probe_kernel_btf(void)
{
	return kbtf_kernel();
}

void probe_release(void)
{
	kbtf_release(); /* a probe after this opens it again */
}

bool probe_btf_vmlinux(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

bool probe_ringbuf(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	return cached && !hook_avoided("ringbuf");
}

bool probe_btf_type(const char *name)
{
	const struct kbtf *btf = kbtf_kernel();

	return btf && kbtf_has_name(btf, name);
}

bool probe_btf_field(const char *type, const char *field)
{
	const struct kbtf *btf = kbtf_kernel();
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	if (!btf)
		return false;
	id = kbtf_find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	if (id < 0)
		id = kbtf_find_by_name_kind(btf, type, BTF_KIND_UNION);
	if (id < 0)
		return false;
	t = kbtf_type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (!strcmp(kbtf_name_by_offset(btf, m->name_off), field))
			return true;
	}
	return false;
}

bool probe_tp_btf(const char *name)
{
	const struct kbtf *btf = kbtf_kernel();
	char type[128];

	/* btf_trace_<tp> is the typedef a BTF tracepoint is known by. */
	snprintf(type, sizeof(type), "btf_trace_%s", name);
	return btf && kbtf_find_by_name_kind(btf, type, BTF_KIND_TYPEDEF) > 0;
}

static bool tracefs_event_exists(const char *name)
{
	const char *tracefs = tracefs_path();
	char path[512];
	char line[256];
	bool found = false;
	FILE *f;

	if (!tracefs)
		return false;
	snprintf(path, sizeof(path), "%s/available_events", tracefs);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		found = colon && !strcmp(colon + 1, name);
	}
	fclose(f);
	return found;
}

bool probe_raw_tp(const char *name)
{
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) != 1)
		return false;
	return probe_tp_btf(name) || tracefs_event_exists(name);
}

static bool is_tracefs(const char *dir)
{
	struct statfs sfs;

	return !statfs(dir, &sfs) && sfs.f_type == TRACEFS_MAGIC;
}

const char *tracefs_path(void)
{
	static const char *path;
	static bool tried;

	if (tried)
		return path;
	tried = true;
	if (is_tracefs("/sys/kernel/tracing"))
		path = "/sys/kernel/tracing";
	else if (is_tracefs("/sys/kernel/debug/tracing"))
		path = "/sys/kernel/debug/tracing";
	else if (!mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		path = "/sys/kernel/tracing";
	return path;
}

bool probe_tracepoint(const char *category, const char *name)
{
	const char *tracefs = tracefs_path();
	char path[512];

	if (!tracefs)
		return false;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracefs, category, name);
	return access(path, R_OK) == 0;
}

static int btf_func_id(const char *func)
{
	const struct kbtf *btf = kbtf_kernel();

	return btf ? kbtf_find_by_name_kind(btf, func, BTF_KIND_FUNC) : -1;
}

/* Some kernels have the BTF and verifier for fentry but refuse it (lockdown, no ftrace). */
bool probe_fentry(const char *func)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },			  /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	int id = btf_func_id(func), fd, link;

	if (id <= 0)
		return false;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "probe_fentry", "GPL", insns, 2, &opts);
	if (fd < 0)
		return false;
	link = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	if (link >= 0)
		close(link);
	close(fd);
	return link >= 0;
}

static bool kallsyms_has(const char *func)
{
	size_t len = strlen(func);
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, ' ');

		name = name ? strchr(name + 1, ' ') : NULL;
		if (!name)
			continue;
		name++;
		found = !strncmp(name, func, len) && (name[len] == '\n' || name[len] == '\t');
	}
	fclose(f);
	return found;
}

static bool kprobe_pmu_exists(void)
{
	const char *tracefs;
	char path[512];

	if (!access("/sys/bus/event_source/devices/kprobe/type", R_OK))
		return true;
	tracefs = tracefs_path();
	if (!tracefs)
		return false;
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	return access(path, W_OK) == 0;
}

bool probe_kprobe(const char *func)
{
	return kprobe_pmu_exists() && kallsyms_has(func);
}

unsigned int probe_threads_room(unsigned int factor, unsigned int min)
{
	unsigned long long room;
	unsigned int threads = 0;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%*s %*s %*s %*u/%u", &threads) != 1)
			threads = 0;
		fclose(f);
	}
	room = (unsigned long long)threads * factor;
	if (room > (1U << 21))
		room = 1U << 21;
	return room > min ? room : min;
}

bool probe_helper(const char *name, enum bpf_func_id id)
{
	return !hook_avoided(name) &&
	       libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, id, NULL) == 1;
}

bool hook_avoided(const char *kind)
{
	return env_avoids(kind);
}

static const struct {
	const char *prefix;
	enum hook_kind kind;
} section_kinds[] = {
	{ "tp_btf/", HOOK_TP_BTF },	    { "raw_tp/", HOOK_RAW_TP },
	{ "raw_tracepoint/", HOOK_RAW_TP }, { "tp/", HOOK_TRACEPOINT },
	{ "tracepoint/", HOOK_TRACEPOINT }, { "fentry/", HOOK_FENTRY },
	{ "fexit/", HOOK_FEXIT },	    { "kprobe/", HOOK_KPROBE },
	{ "kretprobe/", HOOK_KRETPROBE },   { "perf_event", HOOK_PERF_EVENT },
};

static const char *const kind_names[] = {
	[HOOK_TP_BTF] = "tp_btf",	  [HOOK_RAW_TP] = "raw_tp",
	[HOOK_TRACEPOINT] = "tracepoint", [HOOK_FENTRY] = "fentry",
	[HOOK_FEXIT] = "fexit",		  [HOOK_KPROBE] = "kprobe",
	[HOOK_KRETPROBE] = "kretprobe",	  [HOOK_PERF_EVENT] = "perf_event",
	[HOOK_OTHER] = "other",
};

const char *hook_kind_name(enum hook_kind kind)
{
	return kind_names[kind];
}

static const char *section_after_prefix(const struct bpf_program *prog, enum hook_kind *kind)
{
	const char *sec = bpf_program__section_name(prog);
	size_t i;

	for (i = 0; i < sizeof(section_kinds) / sizeof(section_kinds[0]); i++) {
		size_t len = strlen(section_kinds[i].prefix);

		if (!strncmp(sec, section_kinds[i].prefix, len)) {
			*kind = section_kinds[i].kind;
			return sec + len;
		}
	}
	*kind = HOOK_OTHER;
	return sec;
}

enum hook_kind hook_kind_of(const struct bpf_program *prog)
{
	enum hook_kind kind;

	section_after_prefix(prog, &kind);
	return kind;
}

const char *hook_target(const struct bpf_program *prog)
{
	enum hook_kind kind;
	const char *target = section_after_prefix(prog, &kind);
	const char *slash;

	/* "tracepoint/sched/sched_switch": the event name is after the category. */
	if (kind == HOOK_TRACEPOINT && (slash = strchr(target, '/')))
		return slash + 1;
	return target;
}

static bool tracepoint_available(const struct bpf_program *prog, const char **why)
{
	enum hook_kind kind;
	const char *target = section_after_prefix(prog, &kind);
	char category[64];
	const char *slash = strchr(target, '/');
	size_t len = slash ? (size_t)(slash - target) : 0;

	if (!slash || len >= sizeof(category)) {
		*why = "malformed tracepoint section";
		return false;
	}
	memcpy(category, target, len);
	category[len] = '\0';
	if (!tracefs_path()) {
		*why = "tracefs is not mounted and could not be mounted at /sys/kernel/tracing";
		return false;
	}
	if (!probe_tracepoint(category, slash + 1)) {
		*why = "no such tracepoint";
		return false;
	}
	return true;
}

bool hook_available(const struct bpf_program *prog, const char **why)
{
	enum hook_kind kind = hook_kind_of(prog);
	const char *target = hook_target(prog);
	static char buf[128];

	*why = NULL;
	if (hook_avoided(kind_names[kind])) {
		*why = "avoided by BPFSCOPE_AVOID";
		return false;
	}
	switch (kind) {
	case HOOK_TP_BTF:
		*why = "no BTF tracepoint (needs Linux >= 5.5 with BTF)";
		return probe_tp_btf(target);
	case HOOK_RAW_TP:
		*why = "no raw tracepoint (needs Linux >= 4.17)";
		return probe_raw_tp(target);
	case HOOK_TRACEPOINT:
		return tracepoint_available(prog, why);
	case HOOK_FENTRY:
	case HOOK_FEXIT:
		if (!probe_btf_type(target)) {
			/* A module's function (md, xfs on Debian): its own BTF. */
			if (probe_fentry_module(target))
				return true;
			*why = "function not in kernel BTF";
			return false;
		}
		*why = "fentry/fexit programs are refused by this kernel";
		return probe_fentry(target);
	case HOOK_KPROBE:
	case HOOK_KRETPROBE:
		if (!kprobe_pmu_exists()) {
			*why = "kernel has no kprobes (CONFIG_KPROBES)";
			return false;
		}
		snprintf(buf, sizeof(buf), "function %s not found in /proc/kallsyms", target);
		*why = buf;
		return kallsyms_has(target);
	default:
		return true;
	}
}

static void disable_all(struct bpf_program *const *alts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bpf_program__set_autoload(alts[i], false);
}

/*
 * -v: "TOOL: TARGET via KIND", once per program: a tool may choose a hook
 * itself and then leave the rest to hook_choose_each, which sees it again.
 */
static void say_chosen(const struct bpf_program *prog)
{
	static const struct bpf_program *said[64];
	static size_t nsaid;
	size_t i;

	if (!common_opts.verbose)
		return;
	for (i = 0; i < nsaid; i++)
		if (said[i] == prog)
			return;
	if (nsaid < ARRAY_SIZE(said))
		said[nsaid++] = prog;
	fprintf(stderr, "%s: %s via %s\n", program_invocation_short_name, hook_target(prog),
		hook_kind_name(hook_kind_of(prog)));
}

static int choose(struct bpf_program *const *alts, size_t n, char *why_all, size_t len)
{
	size_t i, used = 0;

	disable_all(alts, n);
	for (i = 0; i < n; i++) {
		const char *why;

		if (hook_available(alts[i], &why)) {
			bpf_program__set_autoload(alts[i], true);
			say_chosen(alts[i]);
			return i;
		}
		used += snprintf(why_all + used, used < len ? len - used : 0, "%s%s %s: %s",
				 i ? "; " : "", hook_kind_name(hook_kind_of(alts[i])),
				 hook_target(alts[i]), why);
	}
	return -1;
}

int hook_choose(const char *what, struct bpf_program *const *alts, size_t n)
{
	char why[1024] = "";
	int i = choose(alts, n, why, sizeof(why));

	if (i < 0)
		cli_warn("cannot trace %s on this kernel: %s", what, why);
	return i;
}

int hook_choose_optional(struct bpf_program *const *alts, size_t n)
{
	char why[1024] = "";

	return choose(alts, n, why, sizeof(why));
}

/* Is name one of the n strings of list (n < 0: NULL-ended)? */
static bool in_list(const char *name, const char *const *list, int n)
{
	int i;

	for (i = 0; list && (n < 0 ? list[i] != NULL : i < n); i++) {
		if (!strcmp(name, list[i]))
			return true;
	}
	return false;
}

int hook_choose_each(struct bpf_object *obj, const char *const *optional)
{
	struct bpf_program *prog, *other, *alts[16];
	const char *done[64];
	int ndone = 0;
	size_t n;

	bpf_object__for_each_program(prog, obj)
	{
		const char *target = hook_target(prog);

		if (!bpf_program__autoload(prog) || in_list(target, done, ndone))
			continue;
		if (ndone == (int)ARRAY_SIZE(done))
			return -E2BIG;
		done[ndone++] = target;
		n = 0;
		for (other = prog; other && n < ARRAY_SIZE(alts);
		     other = bpf_object__next_program(obj, other)) {
			if (bpf_program__autoload(other) && !strcmp(hook_target(other), target))
				alts[n++] = other;
		}
		if (in_list(target, optional, -1))
			hook_choose_optional(alts, n);
		else if (hook_choose(target, alts, n) < 0)
			return -1;
	}
	return 0;
}

int obj_set_rodata(struct bpf_object *obj, const char *name, const void *val, size_t size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map;
	size_t map_size;
	char *data;
	int id, i;

	map = bpf_object__find_map_by_name(obj, ".rodata");
	if (!btf || !map)
		return -ENOENT;
	/* libbpf < 1.2 returns const, but the mmaped image is writable until load. */
	data = (char *)bpf_map__initial_value(map, &map_size);
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (!data || id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size != size || vs->offset + size > map_size)
			return -EINVAL;
		memcpy(data + vs->offset, val, size);
		return 0;
	}
	return -ENOENT;
}

int filter_set_cgroup(struct bpf_object *obj, const char *path)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "filter_cgroup_map");
	int zero = 0, fd, err;

	if (!map)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		cli_die("cannot open cgroup '%s': %s", cli_shown(path), strerror(errno));
	err = bpf_map__update_elem(map, &zero, sizeof(zero), &fd, sizeof(fd), BPF_ANY);
	close(fd);
	if (err)
		cli_die("cannot set cgroup filter '%s': %s", cli_shown(path), strerror(-err));
	return 0;
}
