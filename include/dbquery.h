/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slow database queries from the servers' USDT probes (query__start,
 * query__done), shared by dbslower and mysqld_qslower.  The event is plain C
 * (both sides); the rest is the user side (lib/dbquery.c): which server
 * binaries to probe, the attachment, the row (TIME(s) PID MS QUERY).
 */
#ifndef BPFSCOPE_DBQUERY_H
#define BPFSCOPE_DBQUERY_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define DBQ_QUERY_MAX 256 /* bytes of a query's text kept, NUL included */

struct dbq_event {
	__u64 ts_ns;	/* bpf_ktime_get_ns() at query__done */
	__u64 delta_ns; /* query__start to query__done */
	__u32 pid;
	__u32 truncated; /* the query is longer than what is kept */
	char query[DBQ_QUERY_MAX];
};

#ifndef __bpf__
#include <stdbool.h>
#include <sys/types.h>

#include "row.h"
#include "usdt.h"

struct dbq_server {
	const char *what;	/* in messages: "PostgreSQL server" */
	const char *provider;	/* "postgresql", "mysql" */
	const char *comm;	/* the servers' process name: "postgres", "mysqld" */
	const char *objects[5]; /* where the binary is (include/usdt.h's names), NULL-ended */
};

extern const struct dbq_server dbq_postgres, dbq_mysql;

/*
 * Attach start and done at the server's query__start and query__done
 * probes: in exe if not NULL; else in the programs of processes pids (n of
 * them); else in the programs of the running processes named s->comm, else
 * in the installed server.  A file is probed once, for every process (the
 * tool filters by process).  0, or -1 after a one-line message.
 */
int dbq_attach(struct usdt_links *l, const struct dbq_server *s, const char *exe, const pid_t *pids,
	       int n, struct bpf_program *start, struct bpf_program *done);

/* TIME(s) PID MS QUERY, as BCC's dbslower and mysqld_qslower print them. */
void dbq_row(struct row *r, const void *rec);

#endif
#endif
