/* cmd/memmap/prom.c - memmap -s --prom: the summary for node_exporter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "memmap.h"
#include "prom.h"

/*
 * One family per value, each sample labelled pid, comm and group (the
 * groups of -s and "total"); then the limits, labelled pid and comm.
 * Sizes are in bytes, as Prometheus wants its units.  Values smaps does
 * not give (--maps-only without smaps_rollup) are left out.
 */
enum val { V_COUNT, V_SIZE, V_RSS, V_PSS, V_USS, V_SWAP, V_NVALS };

static const struct {
	const char	*name, *help;
	bool		 smaps;
} vals[V_NVALS] = {
	{ "triage_memmap_mappings", "Mappings of the group.", false },
	{ "triage_memmap_size_bytes", "Virtual size of the group.", false },
	{ "triage_memmap_rss_bytes", "Resident set size of the group.", true },
	{ "triage_memmap_pss_bytes", "Proportional set size of the group.",
	    true },
	{ "triage_memmap_uss_bytes", "Pages only this process maps.", true },
	{ "triage_memmap_swap_bytes", "Swapped out pages of the group.", true },
};

static double
value(const struct totals *t, enum val v)
{
	switch (v) {
	case V_COUNT:	return (double)t->n;
	case V_SIZE:	return (double)t->size * 1024;
	case V_RSS:	return (double)t->rss * 1024;
	case V_PSS:	return (double)t->pss * 1024;
	case V_USS:	return (double)t->uss * 1024;
	case V_SWAP:	return (double)t->swap * 1024;
	default:	return 0;
	}
}

static void
limit(struct tri_prom *p, const struct snap *const *v, size_t n, int which)
{
	static const char *const names[] = {
		"triage_memmap_mappings_limit",
		"triage_memmap_cgroup_limit_bytes",
		"triage_memmap_cgroup_usage_bytes",
		"triage_memmap_memlock_limit_bytes",
		"triage_memmap_locked_bytes",
		"triage_memmap_limit_level",
	};
	static const char *const help[] = {
		"vm.max_map_count, which the mappings count against.",
		"The tightest cgroup memory limit above the process.",
		"Usage of the cgroup that holds that limit.",
		"RLIMIT_MEMLOCK (soft), when not unlimited.",
		"Locked memory of the process.",
		"The limits verdict: 0 within, 1 near, 2 at or over a limit.",
	};
	char pid[16];
	const char *labels[7];
	size_t i;
	double x;

	tri_prom_family(p, names[which], "gauge", help[which]);
	for (i = 0; i < n; i++) {
		const struct tri_memverdict *l = &v[i]->lim;

		switch (which) {
		case 0:
			if (!l->max_map_count)
				continue;
			x = (double)l->max_map_count;
			break;
		case 1:
		case 2:
			if (!l->have_cgroup)
				continue;
			x = (double)(which == 1 ? l->cg_limit : l->cg_usage);
			break;
		case 3:
			if (!l->have_memlock || l->memlock == RLIM_INFINITY)
				continue;
			x = (double)l->memlock;
			break;
		case 4:
			x = (double)l->locked_kb * 1024;
			break;
		default:
			x = (double)l->level;
			break;
		}
		snprintf(pid, sizeof(pid), "%d", (int)v[i]->pid);
		labels[0] = "pid";
		labels[1] = pid;
		labels[2] = "comm";
		labels[3] = v[i]->comm;
		labels[4] = which == 1 || which == 2 ? "cgroup" : NULL;
		labels[5] = l->cgroup;
		labels[6] = NULL;
		tri_prom_sample(p, names[which], labels, x);
	}
}

int
prom_summary(const struct ctl *ctl, struct snap *s, size_t nsnap)
{
	struct totals (*g)[G_NGROUPS + 1];
	const struct snap **v;
	struct tri_prom p;
	const char *labels[7];
	char pid[16];
	size_t n, i;
	int k, w;

	if ((v = order(ctl, s, nsnap, &n)) == NULL)
		return -1;
	if ((g = calloc(n ? n : 1, sizeof(*g))) == NULL) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		group_totals(v[i], g[i]);
		g[i][G_NGROUPS] = v[i]->total;
	}
	tri_prom_init(&p, stdout);
	for (w = 0; w < V_NVALS; w++) {
		tri_prom_family(&p, vals[w].name, "gauge", vals[w].help);
		for (i = 0; i < n; i++) {
			snprintf(pid, sizeof(pid), "%d", (int)v[i]->pid);
			labels[0] = "pid";
			labels[1] = pid;
			labels[2] = "comm";
			labels[3] = v[i]->comm;
			labels[4] = "group";
			labels[6] = NULL;
			for (k = 0; k <= G_NGROUPS; k++) {
				if (vals[w].smaps && !v[i]->smaps &&
				    !(k == G_NGROUPS && v[i]->have_rollup))
					continue;
				labels[5] = k == G_NGROUPS ? "total" :
				    group_name((enum group)k);
				tri_prom_sample(&p, vals[w].name, labels,
				    value(&g[i][k], (enum val)w));
			}
		}
	}
	for (w = 0; w < 6; w++)
		limit(&p, v, n, w);
	free(g);
	free(v);
	return 0;
}
