/* cmd/memmap/limits.c - how close a process is to its memory limits. */
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
	if (s->smaps || s->have_rollup) {
		l->rss_kb = s->total.rss;
		l->swap_kb = s->total.swap;
		l->locked_kb = s->total.locked;
	}
	tri_memverdict_judge(l);
}
