// SPDX-License-Identifier: GPL-2.0
/* Signals for sigsnoop and killsnoop; see include/signals.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "names.h"
#include "probe.h"
#include "row.h"
#include "signals.h"
#include "syscalls.h"

/* glibc's SIGRTMIN (it keeps the kernel's first two real-time signals for itself). */
#define GLIBC_RTMIN 34

const char *signal_label(int sig, char *buf, size_t len)
{
	const char *name;

	if (sig < 1 || sig > SIGNAL_MAX)
		return NULL;
	if (sig < 32 && (name = signal_name(sig)))
		snprintf(buf, len, "%s", name);
	else if (sig < GLIBC_RTMIN)
		snprintf(buf, len, "SIG%d", sig);
	else if (sig == SIGNAL_MAX)
		snprintf(buf, len, "SIGRTMAX");
	else if (sig == GLIBC_RTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else
		snprintf(buf, len, "SIGRTMIN+%d", sig - GLIBC_RTMIN);
	return buf;
}

/* Decimal digits only, at most max; -1 otherwise. */
static int small_number(const char *s, int max)
{
	int n = 0;

	if (!*s || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n <= max ? n : -1;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (SIG already stripped). */
static int realtime_signal(const char *s)
{
	int base, off = 0, sign = 1;

	if (!strncasecmp(s, "RTMIN", 5))
		base = GLIBC_RTMIN;
	else if (!strncasecmp(s, "RTMAX", 5))
		base = SIGNAL_MAX, sign = -1;
	else
		return -1;
	s += 5;
	if (*s) {
		if (*s != (sign > 0 ? '+' : '-'))
			return -1;
		off = small_number(s + 1, SIGNAL_MAX);
		if (off < 0)
			return -1;
	}
	base += sign * off;
	return base >= GLIBC_RTMIN && base <= SIGNAL_MAX ? base : -1;
}

int signal_parse(const char *s)
{
	char buf[32];
	int sig;

	if (*s >= '0' && *s <= '9')
		return small_number(s, SIGNAL_MAX);
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if ((sig = realtime_signal(s)) > 0)
		return sig;
	for (sig = 1; sig < 32; sig++) {
		if (signal_label(sig, buf, sizeof(buf)) && !strcasecmp(buf + 3, s))
			return sig;
	}
	return -1;
}

void signal_set_parse(const char *opt, const char *list, struct signal_set *set)
{
	const char *p = list;
	char tok[32];
	int sig;

	do {
		size_t len = strcspn(p, ",");

		if (!len)
			cli_bad_value(opt, list, "an empty signal in the list");
		if (len >= sizeof(tok))
			cli_bad_value(opt, list, "not a signal");
		memcpy(tok, p, len);
		tok[len] = '\0';
		sig = signal_parse(tok);
		if (sig < 0)
			cli_bad_value(opt, list,
				      "not a signal (a number 0-64 or a name such as TERM)");
		if (sig)
			set->mask |= 1ULL << (sig - 1);
		else
			set->zero = true;
		p += len;
	} while (*p++ == ',');
	set->any = true;
}

int signal_set_apply(struct bpf_object *obj, const struct signal_set *set)
{
	__u64 mask = set->mask;

	if (obj_set_rodata(obj, "signal_filter", &set->any, sizeof(bool)) ||
	    obj_set_rodata(obj, "signal_mask", &mask, sizeof(mask)) ||
	    obj_set_rodata(obj, "signal_zero", &set->zero, sizeof(bool))) {
		cli_warn("cannot set the -s filter");
		return -1;
	}
	return 0;
}

/* kill() is in every kernel; tkill() and tgkill() where their tracepoints are. */
static int choose_kill_hooks(struct bpf_object *obj, struct bpf_program *const *p)
{
	const struct syscall_pair tp[] = { { p[0], p[1] }, { p[2], p[3] }, { p[4], p[5] } };
	const struct syscall_pair raw = { p[6], p[7] };

	return syscall_hooks_choose(obj, "kill()", tp, ARRAY_SIZE(tp), &raw) < 0 ? -1 : 0;
}

int signal_kill_hooks(struct bpf_object *obj, bool on)
{
	static const char *const names[] = {
		"kill_enter",	"kill_exit",   "tkill_enter",	     "tkill_exit",
		"tgkill_enter", "tgkill_exit", "kill_sys_enter_raw", "kill_sys_exit_raw",
	};
	struct bpf_program *p[ARRAY_SIZE(names)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		p[i] = bpf_object__find_program_by_name(obj, names[i]);
		if (!p[i]) {
			cli_warn("no program %s in the BPF object", names[i]);
			return -1;
		}
		if (!on)
			bpf_program__set_autoload(p[i], false);
	}
	return on ? choose_kill_hooks(obj, p) : 0;
}

static const char *source_name(unsigned int source)
{
	static const char *const names[] = {
		[SIGNAL_KILL] = "kill",
		[SIGNAL_TKILL] = "tkill",
		[SIGNAL_TGKILL] = "tgkill",
	};

	return source < ARRAY_SIZE(names) ? names[source] : NULL;
}

static const char *result_name(int result)
{
	static const char *const names[] = {
		[SIGNAL_DELIVERED] = "delivered",
		[SIGNAL_IGNORED] = "ignored",
		[SIGNAL_ALREADY_PENDING] = "already_pending",
		[SIGNAL_OVERFLOW_FAIL] = "overflow_fail",
		[SIGNAL_LOSE_INFO] = "lose_info",
	};

	return result >= 0 && (size_t)result < ARRAY_SIZE(names) ? names[result] : NULL;
}

static void time_col(struct row *r, int width)
{
	char hms[16] = "";

	if (r->mode != ROW_HEADER)
		time_hms(hms, sizeof(hms));
	row_str(r, "TIME", "time", -width, hms, sizeof(hms));
}

/* SIG: a number, or with names its name (signal 0: zero_name; unknown: the number). */
static void sig_col(struct row *r, const struct signal_event *e, const struct signal_columns *c)
{
	char buf[32];
	const char *name = signal_label(e->sig, buf, sizeof(buf));

	if (!c->names || (!name && e->sig)) {
		row_int(r, "SIG", NULL, -c->sig_width, e->sig);
		return;
	}
	row_str(r, "SIG", NULL, -c->sig_width, name ? name : c->zero_name, sizeof(buf));
}

void signal_row(struct row *r, const struct signal_event *e, const struct signal_columns *c)
{
	char buf[32];
	bool generated = e->source == SIGNAL_GENERATED;

	time_col(r, c->time_width);
	row_secs(r, NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_uint(r, NULL, "uid", 0, e->uid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	sig_col(r, e, c);
	row_int(r, NULL, "sig", 0, e->sig);
	row_str(r, NULL, "signal", 0, signal_label(e->sig, buf, sizeof(buf)), sizeof(buf));
	row_int(r, "TPID", "tpid", -c->tpid_width, e->tpid);
	if (e->ttgid)
		row_int(r, NULL, "ttgid", 0, e->ttgid);
	row_int(r, "RESULT", "result", 0, e->ret);
	if (generated) {
		row_str(r, NULL, "result_name", 0, result_name(e->ret), 32);
		row_str(r, NULL, "tcomm", 0, e->tcomm, sizeof(e->tcomm));
		row_bool(r, NULL, "group", 0, e->group);
		row_int(r, NULL, "code", 0, e->code);
	} else {
		row_str(r, NULL, "syscall", 0, source_name(e->source), 8);
		row_str(r, NULL, "error", 0, e->ret < 0 ? errno_name(e->ret) : NULL, 32);
	}
}
