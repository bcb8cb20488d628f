/* tests/unit/test_memverdict.c - the memory limits verdict, from facts. */
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "memverdict.h"
#include "unit.h"

static void
within(void)
{
	struct tri_memverdict v;

	memset(&v, 0, sizeof(v));
	v.map_count = 100;
	v.max_map_count = 65530;
	v.have_memlock = true;
	v.memlock = RLIM_INFINITY;
	tri_memverdict_judge(&v);
	CHECK(v.level == TRI_MEMVERDICT_OK);
	CHECK(v.check[TRI_MV_MAPS].known);
	CHECK(!v.check[TRI_MV_CGROUP].known);
	CHECK_STR(v.verdict, "within limits");
}

static void
cgroup_near_and_over(void)
{
	struct tri_memverdict v;

	memset(&v, 0, sizeof(v));
	v.have_cgroup = true;
	v.cg_limit = 1000;
	v.cg_usage = 950;
	tri_memverdict_judge(&v);
	CHECK(v.level == TRI_MEMVERDICT_NEAR);
	CHECK_STR(v.verdict, "cgroup memory at 95.0% of its limit");
	v.cg_usage = 1000;
	tri_memverdict_judge(&v);
	CHECK(v.level == TRI_MEMVERDICT_OVER);
	v.cg_usage = 10;
	v.cg_oom_kills = 2;
	tri_memverdict_judge(&v);
	CHECK(v.level == TRI_MEMVERDICT_OVER);
	CHECK_STR(v.verdict, "cgroup memory at 1.0% of its limit, 2 OOM kills");
}

static void
growth(void)
{
	struct tri_memverdict a, b;

	memset(&a, 0, sizeof(a));
	a.have_cgroup = true;
	strcpy(a.cgroup, "/sys/fs/cgroup/x");
	a.cg_limit = 100 << 20;
	a.cg_usage = 10 << 20;
	a.rss_kb = 1000;
	a.when = 10;
	b = a;
	b.when = 20;
	b.rss_kb = 2000;
	b.cg_usage = 20 << 20;		/* 1 MiB/s, 80 MiB to go */
	tri_memverdict_growth(&b, &a);
	CHECK(b.have_growth);
	CHECK(b.rss_kb_per_second == 100);
	CHECK(b.seconds_to_limit == 80);
	tri_memverdict_judge(&b);
	CHECK(b.level == TRI_MEMVERDICT_NEAR);
	CHECK_STR(b.verdict, "cgroup memory at 20.0% of its limit, reached in "
	    "80 s at the current growth");
	a.when = 20;
	tri_memverdict_growth(&b, &a);	/* no interval: no change */
	CHECK(b.seconds_to_limit == 80);
}

static void
maps_memlock_swap(void)
{
	struct tri_memverdict v;

	memset(&v, 0, sizeof(v));
	v.map_count = 65000;
	v.max_map_count = 65530;
	tri_memverdict_judge(&v);
	CHECK(v.level == TRI_MEMVERDICT_NEAR);
	CHECK_STR(v.verdict, "65000 mappings, 99.2% of vm.max_map_count");
	memset(&v, 0, sizeof(v));
	v.have_memlock = true;
	v.memlock = 64 * 1024;
	v.locked_kb = 64;
	tri_memverdict_judge(&v);
	CHECK(v.level == TRI_MEMVERDICT_OVER);
	CHECK(v.check[TRI_MV_MEMLOCK].percent == 100);
	memset(&v, 0, sizeof(v));
	v.swap_kb = 12;
	tri_memverdict_judge(&v);
	CHECK(v.level == TRI_MEMVERDICT_NEAR);
	CHECK_STR(v.verdict, "12 kB in swap");
	CHECK_STR(tri_memverdict_name(TRI_MV_SWAP), "swap");
	CHECK_STR(tri_memverdict_level_name(TRI_MEMVERDICT_OVER), "over");
}

static void
read_self(void)
{
	struct tri_memverdict v;
	struct tri_proc p;

	CHECK(tri_proc_open(&p, 0) == 0);
	CHECK(tri_memverdict_read(&p, TRI_MEMVERDICT_COUNT_MAPS, &v) == 0);
	CHECK(v.pid == getpid());
	CHECK(v.map_count > 5);
	CHECK(v.rss_kb > 0);
	CHECK(v.max_map_count > 0);
	CHECK(v.have_memlock);
	tri_proc_close(&p);
}

int
main(void)
{
	RUN(within);
	RUN(cgroup_near_and_over);
	RUN(growth);
	RUN(maps_memlock_swap);
	RUN(read_self);
	return UNIT_END();
}
