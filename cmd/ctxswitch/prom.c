/* cmd/ctxswitch/prom.c - --prom: the last interval as Prometheus metrics. */
#include <stdio.h>

#include "ctxswitch.h"
#include "prom.h"

enum { M_VOL, M_INVOL, M_CPU, M_RUNQ, M_N };

static const struct {
	const char	*name, *help;
} metric[M_N] = {
	{ "voluntary_per_second", "Voluntary context switches per second" },
	{ "involuntary_per_second", "Involuntary context switches per second" },
	{ "cpu_percent", "Share of one CPU used" },
	{ "runq_wait_percent", "Share of the time spent waiting for a CPU" },
};

static double
value(const struct cs_rates *r, int m)
{
	switch (m) {
	case M_VOL:	return r->vol;
	case M_INVOL:	return r->invol;
	case M_CPU:	return r->cpu;
	default:	return r->runq_ms / 10;
	}
}

/* One family over the processes (rates of all their threads), or their
 * threads (the name's "thread_" prefix and a tid label). */
static void
family(struct tri_prom *p, struct cs_proc **v, size_t n, int m, bool thr)
{
	const char *labels[7] = { "pid", NULL, "comm", NULL, NULL };
	char name[96], pid[16], tid[16];
	struct cs_rates r;
	size_t i, k;

	snprintf(name, sizeof(name), "triage_ctxswitch_%s%s", thr ? "thread_" :
	    "", metric[m].name);
	tri_prom_family(p, name, "gauge", metric[m].help);
	for (i = 0; i < n; i++) {
		if (v[i]->dt <= 0 || (m >= M_CPU && !v[i]->has_ss))
			continue;
		snprintf(pid, sizeof(pid), "%d", (int)v[i]->pid);
		labels[1] = pid;
		labels[3] = v[i]->comm;
		if (!thr) {
			cs_rates_proc(v[i], &r);
			tri_prom_sample(p, name, labels, value(&r, m));
			continue;
		}
		labels[4] = "tid";
		labels[5] = tid;
		for (k = 0; k < v[i]->nthr; k++) {
			snprintf(tid, sizeof(tid), "%d", (int)v[i]->thr[k].tid);
			labels[3] = v[i]->thr[k].name;
			cs_rates_thread(v[i], &v[i]->thr[k], &r);
			tri_prom_sample(p, name, labels, value(&r, m));
		}
	}
}

void
cs_prom_procs(const struct ctl *ctl, struct cs_proc *cp, size_t n)
{
	struct cs_proc *v[64];
	struct tri_prom p;
	size_t i, k = 0;
	int m;

	for (i = 0; i < n && k < sizeof(v) / sizeof(v[0]); i++)
		if (!cp[i].gone)
			v[k++] = &cp[i];
	tri_prom_init(&p, stdout);
	for (m = 0; m < M_N; m++)
		family(&p, v, k, m, false);
	for (m = 0; ctl->threads && m < M_N; m++)
		family(&p, v, k, m, true);
}

static void
gauge(struct tri_prom *p, const char *name, const char *help, double v)
{
	tri_prom_family(p, name, "gauge", help);
	tri_prom_sample(p, name, NULL, v);
}

void
cs_prom_system(const struct ctl *ctl, struct cs_system *s,
    struct cs_proc **v, size_t n)
{
	struct tri_prom p;
	int m;

	tri_prom_init(&p, stdout);
	gauge(&p, "triage_ctxswitch_system_switches_per_second",
	    "Context switches per second, the whole system",
	    (double)(s->st.ctxt - s->prev.ctxt) / s->dt);
	gauge(&p, "triage_ctxswitch_system_forks_per_second",
	    "Processes created per second",
	    (double)(s->st.processes - s->prev.processes) / s->dt);
	gauge(&p, "triage_ctxswitch_system_procs_running",
	    "Runnable tasks (procs_running)", (double)s->st.running);
	gauge(&p, "triage_ctxswitch_system_procs_blocked",
	    "Tasks blocked on I/O (procs_blocked)", (double)s->st.blocked);
	for (m = 0; m < M_N; m++)
		family(&p, v, n, m, false);
}
