// SPDX-License-Identifier: GPL-2.0
/* lib/pagecache.c: cachestat's and cachetop's arithmetic, /proc/meminfo. */
#include <stdlib.h>
#include <unistd.h>

#include "pagecache.h"
#include "unit.h"

static void test_stat(void)
{
	struct pc_stat st;

	/* A cold file of 100 pages read twice, page by page. */
	pagecache_stat((uint64_t[PC_COUNTERS]){ [PC_ACCESSED] = 200, [PC_ADDED] = 100 }, true, &st);
	CHECK("stat: 100 misses, 100 hits, 50%",
	      st.misses == 100 && st.hits == 100 && st.ratio > 49.99 && st.ratio < 50.01,
	      "misses %llu hits %llu ratio %f", (unsigned long long)st.misses,
	      (unsigned long long)st.hits, st.ratio);
	/* Writes of new pages: added and dirtied cancel; exact accesses lose the buffers. */
	pagecache_stat((uint64_t[PC_COUNTERS]){ 30, 10, 10, 10 }, false, &st);
	CHECK("stat exact: writes taken back (hits 20, misses 0, dirties 10)",
	      st.hits == 20 && st.misses == 0 && st.dirties == 10, "hits %llu misses %llu",
	      (unsigned long long)st.hits, (unsigned long long)st.misses);
	pagecache_stat((uint64_t[PC_COUNTERS]){ 30, 10, 10, 10 }, true, &st);
	CHECK("stat estimated: buffers not taken from accesses (hits 30)", st.hits == 30,
	      "hits %llu", (unsigned long long)st.hits);
	/* Readahead brought more than was read: no hits, misses capped at the accesses. */
	pagecache_stat((uint64_t[PC_COUNTERS]){ 10, 64, 0, 0 }, true, &st);
	CHECK("stat: misses > accesses gives 0 hits, misses = accesses",
	      st.hits == 0 && st.misses == 10 && st.ratio == 0, "hits %llu misses %llu",
	      (unsigned long long)st.hits, (unsigned long long)st.misses);
	pagecache_stat((uint64_t[PC_COUNTERS]){ 0 }, true, &st);
	CHECK("stat: nothing gives 0%", st.hits == 0 && st.misses == 0 && st.ratio == 0, "x");
	/* More dirtied than added (rewrites of cached pages): no negative misses. */
	pagecache_stat((uint64_t[PC_COUNTERS]){ 5, 1, 9, 0 }, true, &st);
	CHECK("stat: dirtied > added gives 0 misses", st.misses == 0 && st.hits == 5, "misses %llu",
	      (unsigned long long)st.misses);
}

static void test_top(void)
{
	struct pc_top t;

	pagecache_top((uint64_t[PC_COUNTERS]){ 60, 20, 10, 10 }, &t);
	CHECK("top: BCC's HITS = A + B, MISSES = D + P, DIRTIES = B",
	      t.hits == 70 && t.misses == 30 && t.dirties == 10, "%llu %llu %llu",
	      (unsigned long long)t.hits, (unsigned long long)t.misses,
	      (unsigned long long)t.dirties);
	CHECK("top: READ_HIT% 60, WRITE_HIT% 20",
	      t.read_hit > 59.99 && t.read_hit < 60.01 && t.write_hit > 19.99 &&
		      t.write_hit < 20.01,
	      "%f %f", t.read_hit, t.write_hit);
	pagecache_top((uint64_t[PC_COUNTERS]){ 0 }, &t);
	CHECK("top: nothing gives 0%", t.read_hit == 0 && t.write_hit == 0, "%f", t.read_hit);
}

static void test_meminfo(void)
{
	char path[] = "/tmp/bpfscope-meminfo.XXXXXX";
	uint64_t b = 0, c = 0;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		CHECK("meminfo: temp file", 0, "mkstemp failed");
		return;
	}
	fputs("MemTotal:  100 kB\nBuffers:    2048 kB\nSwapCached: 7 kB\nCached:   10240 kB\n", f);
	fclose(f);
	CHECK("meminfo: Buffers and Cached (not SwapCached)",
	      !pagecache_meminfo(path, &b, &c) && b == 2048 && c == 10240, "%llu %llu",
	      (unsigned long long)b, (unsigned long long)c);
	f = fopen(path, "w");
	fputs("MemTotal:  100 kB\n", f);
	fclose(f);
	CHECK("meminfo: missing lines are an error", pagecache_meminfo(path, &b, &c) < 0, "0");
	unlink(path);
	CHECK("meminfo: no file is an error", pagecache_meminfo(path, &b, &c) < 0, "0");
	CHECK("meminfo: the real one", !pagecache_meminfo("/proc/meminfo", &b, &c) && c > 0,
	      "c %llu", (unsigned long long)c);
}

int main(void)
{
	test_stat();
	test_top();
	test_meminfo();
	return unit_exit();
}
