/* cmd/zombies/prom.c - --prom: the zombie counts as Prometheus metrics. */
#include <stdio.h>

#include "prom.h"
#include "zombies.h"

/* The longest a zombie of parent pid has been dead; -1 unknown. */
static double
oldest(const struct scan *s, pid_t ppid)
{
	double a = -1;
	size_t i;

	for (i = 0; i < s->nz; i++)
		if (s->z[i].ppid == ppid && s->z[i].age > a)
			a = s->z[i].age;
	return a;
}

static void
parents(struct tri_prom *p, const struct scan *s, bool age)
{
	const char *labels[5] = { "pid", NULL, "comm", NULL, NULL };
	char pid[16];
	size_t i;
	double a;

	tri_prom_family(p, age ? "triage_zombies_parent_oldest_zombie_seconds"
	    : "triage_zombies_parent_zombies", "gauge", age ?
	    "Seconds the oldest zombie of this parent has been dead" :
	    "Zombies this parent has not reaped");
	for (i = 0; i < s->np; i++) {
		snprintf(pid, sizeof(pid), "%d", (int)s->p[i].pid);
		labels[1] = pid;
		labels[3] = s->p[i].comm;
		if (!age)
			tri_prom_sample(p, "triage_zombies_parent_zombies",
			    labels, s->p[i].nzomb);
		else if ((a = oldest(s, s->p[i].pid)) >= 0)
			tri_prom_sample(p,
			    "triage_zombies_parent_oldest_zombie_seconds",
			    labels, a);
	}
}

static void
gauge(struct tri_prom *p, const char *name, const char *help, double v)
{
	tri_prom_family(p, name, "gauge", help);
	tri_prom_sample(p, name, NULL, v);
}

void
report_prom(const struct ctl *ctl, const struct scan *s)
{
	struct tri_prom p;

	tri_prom_init(&p, stdout);
	gauge(&p, "triage_zombies_zombies", "Zombies in scope", (double)s->nz);
	parents(&p, s, false);
	parents(&p, s, true);
	gauge(&p, "triage_zombies_system_zombies", "Zombies on the system",
	    (double)s->zombies_all);
	gauge(&p, "triage_zombies_tasks", "Tasks (threads) on the system",
	    (double)s->tasks);
	gauge(&p, "triage_zombies_pid_max", "kernel.pid_max",
	    (double)s->pid_max);
	gauge(&p, "triage_zombies_threads_max", "kernel.threads-max",
	    (double)s->threads_max);
}
