// SPDX-License-Identifier: GPL-2.0
/* sslsniff: the plaintext of TLS reads and writes in OpenSSL, GnuTLS and NSS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "uprobes.h"
#include "sslsniff.h"
#include "sslsniff.skel.h"

enum ssl_lib { LIB_OPENSSL, LIB_GNUTLS, LIB_NSS, LIB_N };

static struct {
	bool extra;
	bool no_lib[LIB_N];
	bool hexdump;
	bool latency;
	bool handshake;
	long max_buffer_size;
	const char *extra_lib; /* --extra-lib TYPE:PATH, its PATH */
	enum ssl_lib extra_type;
	struct ulinks links;
} opts = { .max_buffer_size = DEFAULT_BUF_SIZE };

enum { OPT_HEXDUMP = 0x100, OPT_MAX_BUFFER, OPT_HANDSHAKE, OPT_EXTRA_LIB };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Sniff this process only (or these: PID,PID...)" },
	{ OPT_UID, 'u', NULL, "Sniff this user only (a number or a name)" },
	{ OPT_COMM, 'c', "comm", "Sniff only commands whose name contains COMM" },
	{},
};

static const struct argp_option options[] = {
	{ "extra", 'x', NULL, 0, "Show extra fields: UID and TID", 0 },
	{ "no-openssl", 'o', NULL, 0, "Do not show OpenSSL calls", 0 },
	{ "no-gnutls", 'g', NULL, 0, "Do not show GnuTLS calls", 0 },
	{ "no-nss", 'n', NULL, 0, "Do not show NSS calls", 0 },
	{ "hexdump", OPT_HEXDUMP, NULL, 0, "Show the data as hex instead of as text", 0 },
	{ "max-buffer-size", OPT_MAX_BUFFER, "BYTES", 0,
	  "Bytes of data kept per call (default 8192, at most 16384)", 0 },
	{ "latency", 'l', NULL, 0, "Show each call's latency", 0 },
	{ "handshake", OPT_HANDSHAKE, NULL, 0, "With -l, show SSL handshakes and their latency",
	  0 },
	{ "extra-lib", OPT_EXTRA_LIB, "TYPE:PATH", 0,
	  "Also sniff this library (TYPE: openssl, gnutls or nss), e.g. a program's own copy", 0 },
	{},
};

static const char doc[] =
	"Sniff the plaintext of TLS reads and writes (OpenSSL, GnuTLS, NSS).\v"
	"Examples:\n"
	"  sslsniff                  # sniff OpenSSL, GnuTLS and NSS calls\n"
	"  sslsniff -p 181           # sniff process 181 only\n"
	"  sslsniff -u 1000          # sniff user 1000 only\n"
	"  sslsniff -c curl          # sniff commands whose name contains \"curl\"\n"
	"  sslsniff --no-openssl     # leave out OpenSSL calls\n"
	"  sslsniff --hexdump        # data as hex, not as text\n"
	"  sslsniff -x               # with UID and TID columns\n"
	"  sslsniff -l --handshake   # with call and handshake latency\n"
	"  sslsniff --extra-lib openssl:/opt/app/libssl.so.3  # another copy of a library\n"
	"  sslsniff --json           # one JSON object per call";

static const char *const lib_types[LIB_N] = { "openssl", "gnutls", "nss" };
/* What each library type is found by (include/uprobes.h). */
static const char *const lib_names[LIB_N] = { "libssl", "libgnutls", "libnspr4" };

static const char *const call_names[CALL_N] = {
	[CALL_SSL_READ] = "SSL_read",
	[CALL_SSL_WRITE] = "SSL_write",
	[CALL_SSL_READ_EX] = "SSL_read_ex",
	[CALL_SSL_WRITE_EX] = "SSL_write_ex",
	[CALL_SSL_DO_HANDSHAKE] = "SSL_do_handshake",
	[CALL_GNUTLS_RECORD_RECV] = "gnutls_record_recv",
	[CALL_GNUTLS_RECORD_SEND] = "gnutls_record_send",
	[CALL_PR_READ] = "PR_Read",
	[CALL_PR_WRITE] = "PR_Write",
	[CALL_PR_RECV] = "PR_Recv",
	[CALL_PR_SEND] = "PR_Send",
};

static void parse_extra_lib(const char *arg)
{
	const char *colon = strchr(arg, ':');
	int i;

	for (i = 0; colon && i < LIB_N; i++) {
		if (strlen(lib_types[i]) == (size_t)(colon - arg) &&
		    !strncmp(arg, lib_types[i], colon - arg) && colon[1]) {
			opts.extra_type = i;
			opts.extra_lib = colon + 1;
			return;
		}
	}
	cli_bad_value("--extra-lib", arg, "TYPE:PATH, TYPE openssl, gnutls or nss");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'x':
		opts.extra = true;
		return 0;
	case 'o':
		opts.no_lib[LIB_OPENSSL] = true;
		return 0;
	case 'g':
		opts.no_lib[LIB_GNUTLS] = true;
		return 0;
	case 'n':
		opts.no_lib[LIB_NSS] = true;
		return 0;
	case OPT_HEXDUMP:
		opts.hexdump = true;
		return 0;
	case OPT_MAX_BUFFER:
		opts.max_buffer_size = cli_parse_long("--max-buffer-size", arg, 0, MAX_BUF_SIZE);
		return 0;
	case 'l':
		opts.latency = true;
		return 0;
	case OPT_HANDSHAKE:
		opts.handshake = true;
		return 0;
	case OPT_EXTRA_LIB:
		parse_extra_lib(arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char *func_text(const struct ssl_event *e)
{
	switch (e->call) {
	case CALL_SSL_DO_HANDSHAKE:
		return "HANDSHAKE";
	case CALL_SSL_READ:
	case CALL_SSL_READ_EX:
	case CALL_GNUTLS_RECORD_RECV:
	case CALL_PR_READ:
	case CALL_PR_RECV:
		return "READ/RECV";
	default:
		return "WRITE/SEND";
	}
}

/* The data as text: escaped (include/text.h), a NUL included. */
static void print_data_text(FILE *f, const char *buf, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		len = strnlen(buf + i, n - i);
		print_escaped(f, buf + i, len);
		i += len;
		if (i < n) {
			fputs("\\x00", f);
			i++;
		}
	}
}

/* As BCC prints it: 16 bytes (32 hex digits) a line. */
static void print_data_hex(FILE *f, const unsigned char *buf, size_t n, bool wrap)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (wrap && i && i % 16 == 0)
			fputc('\n', f);
		fprintf(f, "%02x", buf[i]);
	}
}

static void print_data(struct row *r, const struct ssl_event *e)
{
	long lost = (long)e->len - e->buf_filled;

	fputs("\n----- DATA -----\n", r->f);
	if (opts.hexdump)
		print_data_hex(r->f, (const unsigned char *)e->buf, e->buf_filled, true);
	else
		print_data_text(r->f, e->buf, e->buf_filled);
	if (lost > 0)
		fprintf(r->f, "\n----- END DATA (TRUNCATED, %ld bytes lost) -----\n", lost);
	else
		fputs("\n----- END DATA -----\n", r->f);
}

static void json_data(struct row *r, const struct ssl_event *e)
{
	json_key(&r->j, "data");
	if (opts.hexdump) {
		fputc('"', r->f);
		print_data_hex(r->f, (const unsigned char *)e->buf, e->buf_filled, false);
		fputc('"', r->f);
	} else {
		json_write_bytes(r->f, e->buf, e->buf_filled);
	}
	row_uint(r, NULL, "data_len", 0, e->buf_filled);
}

static void ssl_row(struct row *r, const void *rec)
{
	const struct ssl_event *e = rec;

	row_str(r, "FUNC", "func", -12, func_text(e), 16);
	row_double(r, "TIME(s)", "ts", -18, 9, e->ts_ns ? secs_since_start(e->ts_ns) : 0);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_int(r, "LEN", "len", -6, e->len);
	row_uint(r, opts.extra ? "UID" : NULL, "uid", -7, e->uid);
	row_uint(r, opts.extra ? "TID" : NULL, "tid", -7, e->tid);
	row_double(r, opts.latency ? "LAT(ms)" : NULL, "lat_ms", -7, 3, e->lat_ns / 1e6);
	row_str(r, NULL, "call", 0, e->call < CALL_N ? call_names[e->call] : NULL, 32);
	if (e->call == CALL_SSL_DO_HANDSHAKE)
		return;
	if (r->mode == ROW_JSON)
		json_data(r, e);
	else if (r->mode == ROW_TEXT && e->buf_filled)
		print_data(r, e);
}

/* The data ends with the record: never read past what arrived. */
static bool keep_call(void *rec, size_t size)
{
	struct ssl_event *e = rec;

	if (e->buf_filled > size - SSL_EVENT_HEADER_SIZE)
		e->buf_filled = size - SSL_EVENT_HEADER_SIZE;
	return true;
}

/* The functions of a library type: how many. */
static size_t lib_calls(enum ssl_lib lib, uint64_t *calls)
{
	static const uint64_t openssl[] = { CALL_SSL_READ, CALL_SSL_WRITE, CALL_SSL_READ_EX,
					    CALL_SSL_WRITE_EX, CALL_SSL_DO_HANDSHAKE };
	static const uint64_t gnutls[] = { CALL_GNUTLS_RECORD_RECV, CALL_GNUTLS_RECORD_SEND };
	static const uint64_t nss[] = { CALL_PR_READ, CALL_PR_WRITE, CALL_PR_RECV, CALL_PR_SEND };
	const uint64_t *v = lib == LIB_OPENSSL ? openssl : lib == LIB_GNUTLS ? gnutls : nss;
	size_t n = lib == LIB_OPENSSL  ? ARRAY_SIZE(openssl)
		   : lib == LIB_GNUTLS ? ARRAY_SIZE(gnutls)
				       : ARRAY_SIZE(nss);

	/* The handshake only with -l --handshake. */
	if (lib == LIB_OPENSSL && !(opts.latency && opts.handshake))
		n--;
	memcpy(calls, v, n * sizeof(*v));
	return n;
}

/* Entry and return probes on each function of lib that t has: how many, or -1 (said why). */
static int attach_lib(struct sslsniff_bpf *skel, enum ssl_lib lib, const struct utarget *t)
{
	const char *funcs[CALL_N];
	uint64_t calls[CALL_N], cookies[CALL_N];
	size_t i, n = lib_calls(lib, calls), found = 0;

	for (i = 0; i < n; i++) {
		if (ufuncs_each(t, call_names[calls[i]], NULL, NULL) <= 0)
			continue;
		funcs[found] = call_names[calls[i]];
		cookies[found++] = calls[i];
	}
	if (!found) {
		fprintf(stderr, "%s: %s has no %s function to sniff\n",
			program_invocation_short_name, t->path, lib_types[lib]);
		return -1;
	}
	/* The return probes first: an entry without its return would leave calls pending. */
	if (uprobes_attach(&opts.links, skel->progs.call_return, t, funcs, cookies, found, true) ||
	    uprobes_attach(&opts.links, skel->progs.call_entry, t, funcs, cookies, found, false))
		return -1;
	return found;
}

/* Each library type not left out, found for pid (-1: the system's); how many attached, or -1. */
static int attach_pid(struct sslsniff_bpf *skel, pid_t pid)
{
	struct utarget t;
	int lib, found = 0;

	if (opts.extra_lib) {
		if (utarget_find(&t, pid, opts.extra_lib) ||
		    attach_lib(skel, opts.extra_type, &t) < 0)
			return -1;
		found++;
	}
	for (lib = 0; lib < LIB_N; lib++) {
		if (opts.no_lib[lib])
			continue;
		if (utarget_lookup(&t, pid, lib_names[lib])) {
			if (common_opts.verbose)
				fprintf(stderr, "%s: %s: not found\n",
					program_invocation_short_name, lib_names[lib]);
			continue;
		}
		if (attach_lib(skel, lib, &t) < 0)
			return -1;
		found++;
	}
	return found;
}

static int attach_libs(void *ctx)
{
	int i, found = 0, n;

	if (hook_avoided("uprobe")) {
		fprintf(stderr, "%s: needs uprobes, which BPFSCOPE_AVOID makes unavailable\n",
			program_invocation_short_name);
		return -1;
	}
	for (i = 0; i < (gopts.npids ? gopts.npids : 1); i++) {
		n = attach_pid(ctx, gopts.npids ? gopts.pids[i] : -1);
		if (n < 0)
			return -1;
		found += n;
	}
	if (found)
		return 0;
	fprintf(stderr, "%s: no TLS library to sniff (libssl, libgnutls, libnspr4 not found)\n",
		program_invocation_short_name);
	return -1;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct sslsniff_bpf *skel;
	int err;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(sslsniff_bpf);
	if (!skel)
		return 1;
	skel->rodata->max_buffer_size = opts.max_buffer_size;
	/* One link per library and direction where the kernel has uprobe_multi: a fast stop. */
	uprobe_multi_prepare(skel->progs.call_entry);
	uprobe_multi_prepare(skel->progs.call_return);
	err = tool_run_events(&(struct tool_events){
		.skel = skel->skeleton,
		.row = ssl_row,
		.rec_size = sizeof(struct ssl_event),
		.rec_min = SSL_EVENT_HEADER_SIZE,
		.keep = keep_call,
		.ctx = skel,
		.attach = attach_libs,
		.ring_bytes = 2 * 1024 * 1024,
	});
	ulinks_destroy(&opts.links);
	sslsniff_bpf__destroy(skel);
	return err;
}
