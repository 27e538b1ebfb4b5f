// SPDX-License-Identifier: GPL-2.0
/* deadlock: find lock order inversions (potential deadlocks) among a process's mutexes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "output.h"
#include "probe.h"
#include "stacks.h"
#include "tool.h"
#include "uprobes.h"
#include "deadlock.h"
#include "deadlock.skel.h"

#define MAX_SYMBOLS 16

static struct opts {
	pid_t pid;
	const char *binary;
	const char *dump_graph;
	char *lock_syms[MAX_SYMBOLS], *unlock_syms[MAX_SYMBOLS];
	int nlock, nunlock;
	long threads, edges;
} opts = { .threads = 65536, .edges = 65536 };

enum { OPT_BINARY = 0x100, OPT_DUMP_GRAPH, OPT_LOCK_SYMBOLS, OPT_UNLOCK_SYMBOLS };

static const struct opt_pick picks[] = { {} };

static const struct argp_option options[] = {
	{ "binary", OPT_BINARY, "PATH", 0,
	  "The program or library with the lock functions (default: the process's program if "
	  "it has them, else its libc or libpthread)",
	  0 },
	{ "dump-graph", OPT_DUMP_GRAPH, "FILE", 0,
	  "Write the lock order graph to FILE (JSON) at each look", 0 },
	{ "lock-symbols", OPT_LOCK_SYMBOLS, "SYMS", 0,
	  "Lock functions, comma separated (default pthread_mutex_lock; "
	  "pthread_mutex_trylock is traced with it)",
	  0 },
	{ "unlock-symbols", OPT_UNLOCK_SYMBOLS, "SYMS", 0,
	  "Unlock functions, comma separated (default pthread_mutex_unlock)", 0 },
	{ "threads", 't', "N", 0, "Threads tracked at most (default 65536)", 0 },
	{ "edges", 'e', "N", 0, "Edges of the lock order graph kept at most (default 65536)", 0 },
	{},
};

static const char doc[] =
	"Detect potential deadlocks (lock order inversions) in a running process.\v"
	"The graph has an edge from mutex A to mutex B when a thread asked for B while it "
	"held A; a cycle is a potential deadlock, printed with where each mutex was taken "
	"and where the threads were created, and deadlock then exits with status 1.  It "
	"looks once a second, and a last time when the process ends.\n\n"
	"Examples:\n"
	"  deadlock 181                      # the process 181\n"
	"  deadlock 181 --binary /lib/x86_64-linux-gnu/libpthread.so.0\n"
	"  deadlock 181 --dump-graph graph.json\n"
	"  deadlock 181 --lock-symbols my_lock1,my_lock2 --unlock-symbols my_unlock1,my_unlock2\n"
	"  deadlock -v 181                   # also the graph's size at each look";

static int split_symbols(const char *opt, char *arg, char **syms)
{
	char *save = NULL;
	int n = 0;

	for (char *s = strtok_r(arg, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (n == MAX_SYMBOLS)
			cli_bad_value(opt, arg, "more than 16 symbols");
		syms[n++] = s;
	}
	if (!n)
		cli_bad_value(opt, arg, "no symbol");
	return n;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case OPT_BINARY:
		opts.binary = arg;
		break;
	case OPT_DUMP_GRAPH:
		opts.dump_graph = arg;
		break;
	case OPT_LOCK_SYMBOLS:
		opts.nlock = split_symbols("--lock-symbols", arg, opts.lock_syms);
		break;
	case OPT_UNLOCK_SYMBOLS:
		opts.nunlock = split_symbols("--unlock-symbols", arg, opts.unlock_syms);
		break;
	case 't':
		opts.threads = cli_parse_long("-t", arg, 1, 1 << 22);
		break;
	case 'e':
		opts.edges = cli_parse_long("-e", arg, 1, 1 << 22);
		break;
	case ARGP_KEY_ARG:
		if (opts.pid)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		opts.pid = cli_parse_pid("pid", arg);
		break;
	case ARGP_KEY_END:
		if (!opts.pid)
			cli_usage_error("which process? give its PID");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ------------------------------------------------------------- the probes */

static struct run {
	struct deadlock_bpf *skel;
	struct stacks *stacks;
	struct ulinks links;
	bool found;
} run;

static char default_lock[] = "pthread_mutex_lock", default_unlock[] = "pthread_mutex_unlock";

static bool has_all(const struct utarget *t)
{
	for (int i = 0; i < opts.nlock; i++) {
		if (ufuncs_each(t, opts.lock_syms[i], NULL, NULL) <= 0)
			return false;
	}
	return true;
}

/* --binary; else the program (static), its libc, its libpthread: the first with the functions. */
static int find_target(struct utarget *t)
{
	static const char *const libs[] = { "libc.so.6", "libpthread.so.0" };

	if (opts.binary)
		return utarget_find(t, opts.pid, opts.binary);
	if (!utarget_exe(t, opts.pid) && has_all(t))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(libs); i++) {
		if (!utarget_lookup(t, opts.pid, libs[i]) && has_all(t))
			return 0;
	}
	cli_warn("process %d: no %s in its program, libc or libpthread (use --binary)", opts.pid,
		 opts.lock_syms[0]);
	return -ENOENT;
}

static int attach_one(struct bpf_program *prog, const struct utarget *t, const char *func, bool ret)
{
	return ulinks_add(&run.links, uprobe_attach(prog, t, func, ret));
}

/*
 * Unlocks first: a lock seen without its unlock (attached a moment later)
 * would leave an edge that never was.
 */
static int attach_locks(void *ctx)
{
	struct deadlock_bpf *s = ((struct run *)ctx)->skel;
	struct utarget t;
	int i;

	if (find_target(&t))
		return -1;
	for (i = 0; i < opts.nunlock; i++) {
		if (attach_one(s->progs.unlock_enter, &t, opts.unlock_syms[i], false))
			return -1;
	}
	for (i = 0; i < opts.nlock; i++) {
		if (attach_one(s->progs.lock_enter, &t, opts.lock_syms[i], false))
			return -1;
	}
	/* Where threads are created, when the object has pthread_create() (glibc 2.34+). */
	if (ufuncs_each(&t, "pthread_create", NULL, NULL) > 0 &&
	    attach_one(s->progs.thread_create_enter, &t, "pthread_create", false))
		return -1;
	/* With the default functions, a successful trylock holds the mutex too. */
	if (opts.lock_syms[0] == default_lock &&
	    ufuncs_each(&t, "pthread_mutex_trylock", NULL, NULL) > 0 &&
	    (attach_one(s->progs.trylock_return, &t, "pthread_mutex_trylock", true) ||
	     attach_one(s->progs.trylock_enter, &t, "pthread_mutex_trylock", false)))
		return -1;
	return 0;
}

/* ------------------------------------------------------------- the graph */

struct edge {
	struct lock_edge key;
	struct edge_info info;
};

struct graph {
	struct edge *edges;
	size_t n;
	__u64 *nodes; /* distinct mutexes, sorted */
	size_t nnodes;
};

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->key.mutex1 != y->key.mutex1)
		return x->key.mutex1 < y->key.mutex1 ? -1 : 1;
	return cmp_u64(&x->key.mutex2, &y->key.mutex2);
}

static int read_graph(int fd, struct graph *g)
{
	struct lock_edge key, *prev = NULL;
	size_t cap = 0;
	void *more;

	memset(g, 0, sizeof(*g));
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (g->n == cap) {
			cap = cap ? cap * 2 : 256;
			more = realloc(g->edges, cap * sizeof(*g->edges));
			if (!more)
				return -ENOMEM;
			g->edges = more;
		}
		g->edges[g->n].key = key;
		if (!bpf_map_lookup_elem(fd, &key, &g->edges[g->n].info))
			g->n++;
	}
	if (g->n)
		qsort(g->edges, g->n, sizeof(*g->edges), cmp_edge);
	g->nodes = calloc(2 * g->n + 1, sizeof(*g->nodes));
	if (!g->nodes)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		g->nodes[g->nnodes++] = g->edges[i].key.mutex1;
		g->nodes[g->nnodes++] = g->edges[i].key.mutex2;
	}
	if (g->nnodes)
		qsort(g->nodes, g->nnodes, sizeof(*g->nodes), cmp_u64);
	for (size_t i = 0, out = 0; i < g->nnodes; i++) {
		if (!out || g->nodes[out - 1] != g->nodes[i])
			g->nodes[out++] = g->nodes[i];
		if (i + 1 == g->nnodes)
			g->nnodes = out;
	}
	return 0;
}

static size_t node_index(const struct graph *g, __u64 m)
{
	const __u64 *p = bsearch(&m, g->nodes, g->nnodes, sizeof(m), cmp_u64);

	return p ? (size_t)(p - g->nodes) : 0;
}

/* The first edge leaving m (edges are sorted by mutex1), or g->n. */
static size_t first_edge(const struct graph *g, __u64 m)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->edges[mid].key.mutex1 < m)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum { WHITE, GREY, BLACK };

/*
 * Depth-first search without recursion; on a back edge the cycle is the
 * path from its target: its edge indices go to cycle, *len of them.
 */
static bool find_cycle(const struct graph *g, size_t *cycle, size_t *len)
{
	unsigned char *color = calloc(g->nnodes + 1, 1);
	size_t *path = calloc(g->nnodes + 1, sizeof(*path)), *next = calloc(g->nnodes + 1, 8);
	bool found = false;

	for (size_t root = 0; color && path && next && root < g->nnodes && !found; root++) {
		size_t depth = 0;

		if (color[root] != WHITE)
			continue;
		color[root] = GREY;
		next[0] = first_edge(g, g->nodes[root]);
		path[0] = root;
		while (depth < g->nnodes && !found) {
			size_t u = path[depth], e = next[depth]++, v;

			if (e >= g->n || g->edges[e].key.mutex1 != g->nodes[u]) {
				color[u] = BLACK;
				if (!depth--)
					break;
				continue;
			}
			v = node_index(g, g->edges[e].key.mutex2);
			if (color[v] == GREY) {
				size_t k = 0;

				while (path[k] != v)
					k++;
				*len = 0;
				for (; k <= depth; k++)
					cycle[(*len)++] = next[k] - 1;
				found = true;
			} else if (color[v] == WHITE) {
				color[v] = GREY;
				path[++depth] = v;
				next[depth] = first_edge(g, g->nodes[v]);
			}
		}
	}
	free(color);
	free(path);
	free(next);
	return found;
}

/* ------------------------------------------------------------- printing */

/* A lock site's frames: the lock function, its caller, then the frame-pointer walk. */
static void site_frames(const struct lock_site *site, __u64 *ips, int *n)
{
	__u64 stack[STACK_MAX_DEPTH];
	int got = site->stack_id >= 0 ? stack_read(bpf_map__fd(run.skel->maps.deadlock_stacks),
						   site->stack_id, stack)
				      : -1;

	*n = 0;
	if (got > 0)
		ips[(*n)++] = stack[0];
	if (site->caller)
		ips[(*n)++] = site->caller;
	for (int i = 1; i < got && *n < STACK_MAX_DEPTH; i++)
		ips[(*n)++] = stack[i];
}

static void print_frames(struct json *j, const char *key, const __u64 *ips, int n)
{
	struct event_stacks e = { .pid = opts.pid, .user = ips, .nuser = n, .nkernel = -EFAULT };

	if (!j) {
		stacks_print_event(run.stacks, &e);
		return;
	}
	json_obj_begin(j, key);
	stacks_json_event(run.stacks, j, &e);
	json_obj_end(j);
}

static void print_site(struct json *j, const char *key, const struct lock_site *site)
{
	__u64 ips[STACK_MAX_DEPTH];
	int n;

	site_frames(site, ips, &n);
	print_frames(j, key, ips, n);
}

static const char *mutex_name(const struct graph *g, const size_t *cycle, size_t len, __u64 m)
{
	static char buf[4][64];
	static int next;
	char *s = buf[next++ % 4];

	for (size_t i = 0; i < len; i++) {
		if (g->edges[cycle[i]].key.mutex1 == m)
			snprintf(s, 64, "Mutex M%zu (0x%016llx)", i, (unsigned long long)m);
	}
	return s;
}

static void print_thread_text(__u32 tid)
{
	struct thread_origin info;

	if (bpf_map_lookup_elem(bpf_map__fd(run.skel->maps.threads), &tid, &info)) {
		printf("Could not find stack trace where Thread %u was created\n\n", tid);
		return;
	}
	printf("Thread %u created by Thread %u (", tid, info.parent_tid);
	print_escaped(stdout, info.comm, sizeof(info.comm));
	printf(") here:\n");
	print_site(NULL, NULL, &info.site);
	putchar('\n');
}

static void print_cycle_text(const struct graph *g, const size_t *cycle, size_t len)
{
	__u32 tids[64];
	size_t ntids = 0;

	printf("----------------\nPotential Deadlock Detected!\n\nCycle in lock order graph: ");
	for (size_t i = 0; i < len; i++)
		printf("%s => ", mutex_name(g, cycle, len, g->edges[cycle[i]].key.mutex1));
	printf("%s\n\n", mutex_name(g, cycle, len, g->edges[cycle[0]].key.mutex1));
	for (size_t i = 0; i < len; i++) {
		const struct edge *e = &g->edges[cycle[i]];
		const char *m1 = mutex_name(g, cycle, len, e->key.mutex1);
		const char *m2 = mutex_name(g, cycle, len, e->key.mutex2);

		printf("%s acquired here while holding %s in Thread %u (", m2, m1, e->info.tid);
		print_escaped(stdout, e->info.comm, sizeof(e->info.comm));
		printf("):\n");
		print_site(NULL, NULL, &e->info.site2);
		printf("\n%s previously acquired by the same Thread %u (", m1, e->info.tid);
		print_escaped(stdout, e->info.comm, sizeof(e->info.comm));
		printf(") here:\n");
		print_site(NULL, NULL, &e->info.site1);
		putchar('\n');
		for (size_t k = 0; k <= ntids && ntids < ARRAY_SIZE(tids); k++) {
			if (k == ntids)
				tids[ntids++] = e->info.tid;
			if (tids[k] == e->info.tid)
				break;
		}
	}
	for (size_t k = 0; k < ntids; k++)
		print_thread_text(tids[k]);
}

static void json_thread(struct json *j, __u32 tid)
{
	struct thread_origin info;

	json_uint(j, "tid", tid);
	if (bpf_map_lookup_elem(bpf_map__fd(run.skel->maps.threads), &tid, &info))
		return;
	json_uint(j, "parent_tid", info.parent_tid);
	json_strn(j, "parent_comm", info.comm, sizeof(info.comm));
	print_site(j, "created_at", &info.site);
}

static void print_cycle_json(const struct graph *g, const size_t *cycle, size_t len)
{
	struct json j;

	json_begin(&j, stdout);
	json_arr_begin(&j, "cycle");
	for (size_t i = 0; i < len; i++)
		json_uint(&j, NULL, g->edges[cycle[i]].key.mutex1);
	json_arr_end(&j);
	json_arr_begin(&j, "edges");
	for (size_t i = 0; i < len; i++) {
		const struct edge *e = &g->edges[cycle[i]];

		json_obj_begin(&j, NULL);
		json_uint(&j, "held", e->key.mutex1);
		json_uint(&j, "acquired", e->key.mutex2);
		json_strn(&j, "comm", e->info.comm, sizeof(e->info.comm));
		print_site(&j, "acquired_at", &e->info.site2);
		print_site(&j, "held_since", &e->info.site1);
		json_obj_begin(&j, "thread");
		json_thread(&j, e->info.tid);
		json_obj_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

/* --dump-graph: nodes and links, as networkx's node-link format (and BCC's). */
static void dump_graph(const struct graph *g)
{
	FILE *f = fopen(opts.dump_graph, "we");
	struct json j;

	if (!f) {
		cli_warn("cannot write %s: %s", cli_shown(opts.dump_graph), strerror(errno));
		return;
	}
	json_begin(&j, f);
	json_bool(&j, "directed", true);
	json_bool(&j, "multigraph", false);
	json_obj_begin(&j, "graph");
	json_obj_end(&j);
	json_arr_begin(&j, "nodes");
	for (size_t i = 0; i < g->nnodes; i++) {
		json_obj_begin(&j, NULL);
		json_uint(&j, "id", g->nodes[i]);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_arr_begin(&j, "links");
	for (size_t i = 0; i < g->n; i++) {
		const struct edge *e = &g->edges[i];

		json_obj_begin(&j, NULL);
		json_uint(&j, "source", node_index(g, e->key.mutex1));
		json_uint(&j, "target", node_index(g, e->key.mutex2));
		json_uint(&j, "thread_pid", e->info.tid);
		json_strn(&j, "thread_comm", e->info.comm, sizeof(e->info.comm));
		json_int(&j, "first_mutex_stack_id", e->info.site1.stack_id);
		json_int(&j, "second_mutex_stack_id", e->info.site2.stack_id);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
	if (fclose(f))
		cli_warn("cannot write %s: %s", cli_shown(opts.dump_graph), strerror(errno));
}

/* Once a second (and at the end): a cycle is printed and ends the run. */
static int look(void *ctx)
{
	struct graph g;
	size_t *cycle = NULL, len = 0;
	int err;

	(void)ctx;
	err = read_graph(bpf_map__fd(run.skel->maps.edges), &g);
	if (!err && common_opts.verbose && !common_opts.json)
		printf("Mutexes: %zu, Edges: %zu\n", g.nnodes, g.n);
	if (!err && opts.dump_graph)
		dump_graph(&g);
	cycle = err ? NULL : calloc(g.nnodes + 1, sizeof(*cycle));
	if (cycle && find_cycle(&g, cycle, &len)) {
		run.found = true;
		if (common_opts.json)
			print_cycle_json(&g, cycle, len);
		else
			print_cycle_text(&g, cycle, len);
	}
	if (!err && !cycle)
		err = -ENOMEM;
	free(cycle);
	free(g.edges);
	free(g.nodes);
	if (err)
		cli_warn("cannot read the lock order graph: %s", strerror(-err));
	return err ? -1 : run.found;
}

/* ------------------------------------------------------------- set-up */

static int on_event(void *ctx, const void *data, size_t size)
{
	if (size >= sizeof(struct deadlock_exit))
		return 1; /* the process has ended */
	return stacks_on_new(((struct run *)ctx)->stacks, data, size);
}

static int after_load(void *ctx)
{
	struct run *r = ctx;
	struct stack_show show = { .user = true,
				   .format = common_opts.json ? STACK_JSON : STACK_MULTILINE };

	r->stacks = stacks_new(bpf_map__fd(r->skel->maps.deadlock_stacks), &show);
	if (!r->stacks)
		cli_warn("out of memory");
	return r->stacks ? 0 : -1;
}

static void set_uprobes(struct deadlock_bpf *s, bool on)
{
	bpf_program__set_autoload(s->progs.lock_enter, on);
	bpf_program__set_autoload(s->progs.unlock_enter, on);
	bpf_program__set_autoload(s->progs.trylock_enter, on);
	bpf_program__set_autoload(s->progs.trylock_return, on);
	bpf_program__set_autoload(s->progs.thread_create_enter, on);
}

static int configure(struct deadlock_bpf *s)
{
	static const char *const optional[] = { "sched_process_exit", NULL };

	if (!opts.nlock)
		opts.lock_syms[opts.nlock++] = default_lock;
	if (!opts.nunlock)
		opts.unlock_syms[opts.nunlock++] = default_unlock;
	gopts.pids[0] = opts.pid;
	gopts.npids = 1;
	gopts.interval = 1;
	if (stacks_size_map(s->maps.deadlock_stacks, STACK_STORAGE_DEFAULT) ||
	    bpf_map__set_max_entries(s->maps.held_locks, opts.threads) ||
	    bpf_map__set_max_entries(s->maps.threads, opts.threads) ||
	    bpf_map__set_max_entries(s->maps.edges, opts.edges)) {
		cli_warn("cannot size BPF maps");
		return -1;
	}
	set_uprobes(s, false);
	if (hook_choose_each(s->obj, optional))
		return -1;
	set_uprobes(s, true);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "PID", doc, NULL, NULL, NULL };
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	run.skel = TOOL_OPEN(deadlock_bpf);
	if (run.skel && !configure(run.skel))
		err = tool_run_events(&(struct tool_events){
			.skel = run.skel->skeleton,
			.on_event = on_event,
			.ctx = &run,
			.banner = "Tracing... Hit Ctrl-C to end.",
			.after_load = after_load,
			.attach = attach_locks,
			.print_interval = look,
		});
	ulinks_destroy(&run.links);
	stacks_free(run.stacks);
	deadlock_bpf__destroy(run.skel);
	return err ? err : run.found;
}
