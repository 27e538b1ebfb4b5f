// SPDX-License-Identifier: GPL-2.0
/* Language runtimes' USDT method probes: see include/ulang.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "probe.h"
#include "shared.h"
#include "ulang.h"

/*
 * The probes as the runtimes define them (their dtrace .d files): hotspot's
 * method__entry(thread, class, class_len, method, method_len, sig, sig_len);
 * perl's sub__entry(sub, file, line); php's function__entry(function, file,
 * line, class, scope); python's function__entry(file, function, line);
 * ruby's (c)method__entry(class, method, file, line); tcl's
 * proc__entry(name, argc, argv).  The return probes take the same names.
 */
static const struct ulang langs[] = {
	{ "java",
	  "hotspot",
	  { "method__entry" },
	  { "method__return" },
	  1,
	  2,
	  3,
	  4,
	  { "libjvm.so" }, /* then the JDK of java on PATH, then others: jvm_objects() */
	  "If you do not see any results, make sure you ran java with option "
	  "-XX:+ExtendedDTraceProbes" },
	{ "perl",
	  "perl",
	  { "sub__entry" },
	  { "sub__return" },
	  1,
	  -1,
	  0,
	  -1,
	  { "perl", "libperl.so" },
	  NULL },
	{ "php",
	  "php",
	  { "function__entry" },
	  { "function__return" },
	  3,
	  -1,
	  0,
	  -1,
	  { "php", "libphp" },
	  "If you do not see any results, make sure the environment variable USE_ZEND_DTRACE "
	  "is set to 1" },
	{ "python",
	  "python",
	  { "function__entry" },
	  { "function__return" },
	  0,
	  -1,
	  1,
	  -1,
	  { "python3", "libpython3", "/usr/bin/python3", "python" },
	  NULL },
	{ "ruby",
	  "ruby",
	  { "method__entry", "cmethod__entry" },
	  { "method__return", "cmethod__return" },
	  0,
	  -1,
	  1,
	  -1,
	  { "ruby", "libruby" },
	  NULL },
	{ "tcl",
	  "tcl",
	  { "proc__entry" },
	  { "proc__return" },
	  -1,
	  -1,
	  0,
	  -1,
	  { "tclsh", "libtcl" },
	  NULL },
};

const struct ulang *ulang_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		if (!strcmp(langs[i].name, name))
			return &langs[i];
	}
	return NULL;
}

const char *ulang_names(void)
{
	return "java, perl, php, python, ruby, tcl";
}

/* Does pid's program (exe) or an object it maps have lang's entry probe? */
static bool runs(const struct ulang *lang, pid_t pid, const struct utarget *exe)
{
	const char *const *n;
	struct utarget t;

	if (exe && usdt_has(exe, lang->provider, lang->entry[0]))
		return true;
	for (n = lang->objects; *n; n++) {
		if ((*n)[0] != '/' && !utarget_lookup(&t, pid, *n) && utarget_mapped_by(&t, pid) &&
		    usdt_has(&t, lang->provider, lang->entry[0]))
			return true;
	}
	return false;
}

const struct ulang *ulang_detect(pid_t pid)
{
	struct utarget exe;
	bool have_exe = !utarget_exe(&exe, pid);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		if (runs(&langs[i], pid, have_exe ? &exe : NULL))
			return &langs[i];
	}
	return NULL;
}

/*
 * A JVM's libjvm.so: the one a process maps; for every process, the JDK of
 * the java on PATH (bin/java -> lib/server/libjvm.so), the system's default
 * JDK, else any JDK installed.
 */
static const char *const *jvm_objects(void)
{
	static char from_path[PATH_MAX];
	static const char *names[] = {
		"libjvm.so",
		from_path,
		"/usr/lib/jvm/default-java/lib/server/libjvm.so",
		"/usr/lib/jvm/*/lib/server/libjvm.so",
		NULL,
	};
	struct utarget java;
	char real[PATH_MAX], *slash;

	if (!from_path[0] && !utarget_lookup(&java, -1, "java") && realpath(java.path, real) &&
	    (slash = strrchr(real, '/')) && slash - real > 4 && !strncmp(slash - 4, "/bin", 4)) {
		slash[-4] = '\0';
		snprintf(from_path, sizeof(from_path), "%.*s/lib/server/libjvm.so",
			 (int)(sizeof(from_path) - 24), real);
	}
	if (!from_path[0])
		names[1] = names[0];
	return names;
}

int ulang_find_probe(struct utarget *t, const struct ulang *lang, pid_t pid, const char *probe)
{
	const char *const *objects = strcmp(lang->name, "java") ? lang->objects : jvm_objects();
	char what[32];

	snprintf(what, sizeof(what), "%s runtime", lang->name);
	return usdt_find(t, pid, objects, what, lang->provider, probe);
}

int ulang_find(struct utarget *t, const struct ulang *lang, pid_t pid)
{
	return ulang_find_probe(t, lang, pid, lang->entry[0]);
}

int ulang_set_args(struct bpf_object *obj, const struct ulang *lang)
{
	const struct {
		const char *name;
		int val;
	} args[] = {
		{ "ulang_class_arg", lang->class_arg },
		{ "ulang_class_len_arg", lang->class_len_arg },
		{ "ulang_method_arg", lang->method_arg },
		{ "ulang_method_len_arg", lang->method_len_arg },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		if (obj_set_rodata(obj, args[i].name, &args[i].val, sizeof(args[i].val)))
			return -1;
	}
	return 0;
}

static int attach_all(struct usdt_links *l, const struct ulang *lang, const struct utarget *t,
		      struct bpf_program *prog, const char *const *names)
{
	for (; *names; names++) {
		if (usdt_links_attach(l, prog, t, lang->provider, *names))
			return -1;
	}
	return 0;
}

int ulang_attach(struct usdt_links *l, const struct ulang *lang, const struct utarget *t,
		 struct bpf_program *entry, struct bpf_program *ret)
{
	if (entry && attach_all(l, lang, t, entry, lang->entry))
		return -1;
	return ret ? attach_all(l, lang, t, ret, lang->ret) : 0;
}
