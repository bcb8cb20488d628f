/* cmd/memmap/limits.c - how close a process is to its memory limits. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "memmap.h"

/*
 * The verdict is lib/memverdict's (triage gives the same one): memmap
 * gives it its own counts, read from smaps, where it has them.
 */
void
limits_read(const struct tri_proc *p, struct snap *s)
{
	struct tri_memverdict *l = &s->lim;

	if (tri_memverdict_read(p, 0, l) < 0)
		l->pid = p->pid;	/* gone: judge what was read */
	l->map_count = s->maps.n;
	if (s->rss_only) {
		l->rss_kb = s->total.rss;	/* swap, locked: as read */
	} else if (s->smaps || s->have_rollup) {
		l->rss_kb = s->total.rss;
		l->swap_kb = s->total.swap;
		l->locked_kb = s->total.locked;
	}
	tri_memverdict_judge(l);
}

/* " NEAR LIMIT" / " OVER LIMIT" in red for that check's level, else "". */
static const char *
near(const struct tri_memverdict *l, enum tri_memverdict_what w)
{
	static char buf[64];

	if (l->check[w].level == TRI_MEMVERDICT_OK)
		return "";
	snprintf(buf, sizeof(buf), " %s%s LIMIT%s", tri_out_sgr("1;31"),
	    l->check[w].level == TRI_MEMVERDICT_OVER ? "OVER" : "NEAR",
	    tri_out_reset());
	return buf;
}

/* Append to buf at *n what fmt says. */
static void __attribute__((format(printf, 4, 5)))
add(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= size)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n = *n + (size_t)r < size ? *n + (size_t)r : size - 1;
}

/* The "limit ..." lines and the verdict of s, into buf. */
void
limits_print(const struct snap *s, char *buf, size_t size)
{
	const struct tri_memverdict *l = &s->lim;
	char a[32], b[32], c[32], d[32], path[1024];
	size_t n = 0;

	buf[0] = '\0';
	if (l->check[TRI_MV_MAPS].known)
		add(buf, size, &n, "limit mappings %zu of %zu vm.max_map_count "
		    "(%.1f%%)%s\n", l->map_count, l->max_map_count,
		    l->check[TRI_MV_MAPS].percent, near(l, TRI_MV_MAPS));
	if (l->check[TRI_MV_CGROUP].known) {
		fmt_kb(a, sizeof(a), l->cg_usage / 1024);
		fmt_kb(b, sizeof(b), l->cg_limit / 1024);
		fmt_kb(c, sizeof(c), l->cg_limit > l->cg_usage ?
		    (l->cg_limit - l->cg_usage) / 1024 : 0);
		fmt_kb(d, sizeof(d), l->rss_kb);
		tri_out_escape(path, sizeof(path), l->cgroup, strlen(l->cgroup));
		add(buf, size, &n, "limit cgroup memory %s of %s (%.1f%%), "
		    "headroom %s, this process rss %s: %s%s\n", a, b,
		    l->check[TRI_MV_CGROUP].percent, c, d, path,
		    near(l, TRI_MV_CGROUP));
	}
	if (l->have_memlock) {
		fmt_kb(a, sizeof(a), l->locked_kb);
		if (l->memlock == RLIM_INFINITY)
			snprintf(b, sizeof(b), "unlimited");
		else
			fmt_kb(b, sizeof(b), l->memlock / 1024);
		add(buf, size, &n, "limit locked %s of %s RLIMIT_MEMLOCK%s\n",
		    a, b, near(l, TRI_MV_MEMLOCK));
	}
	if (l->swap_kb > 0) {
		fmt_kb(a, sizeof(a), l->swap_kb);
		add(buf, size, &n, "limit swap %s in use%s\n", a,
		    near(l, TRI_MV_SWAP));
	}
	if (l->level != TRI_MEMVERDICT_OK)
		add(buf, size, &n, "verdict %s: %s\n",
		    tri_memverdict_level_name(l->level), l->verdict);
}
