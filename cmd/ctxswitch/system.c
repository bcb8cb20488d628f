/* cmd/ctxswitch/system.c - the system view: processes by switch rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctxswitch.h"


/* Carry over the process of pid from the old table, or open it. */
static bool
system_proc(struct cs_proc *old, size_t nold, size_t *i, pid_t pid,
    struct cs_proc *out)
{
	while (*i < nold && old[*i].pid < pid)
		cs_proc_free(&old[(*i)++]);
	if (*i < nold && old[*i].pid == pid) {
		*out = old[(*i)++];
		if (cs_proc_sample(out) == 0)
			return true;
		/* Gone, or the pid now names a new process: start over. */
		cs_proc_free(out);
	}
	if (cs_proc_open(out, pid, false) < 0)
		return false;
	if (cs_proc_sample(out) < 0) {
		cs_proc_free(out);
		return false;
	}
	return true;
}

int
cs_system_sample(struct cs_system *s)
{
	struct cs_proc *np;
	size_t n, i = 0, j, k = 0;
	pid_t *pids;
	double now = tri_cli_now();

	s->prev = s->st;
	if (tri_proc_read_sysstat(&s->st) < 0)
		return -1;
	if ((pids = tri_proc_pids(&n)) == NULL)
		return -1;
	if ((np = calloc(n ? n : 1, sizeof(*np))) == NULL) {
		free(pids);
		return -1;
	}
	for (j = 0; j < n; j++)
		if (system_proc(s->procs, s->n, &i, pids[j], &np[k]))
			k++;
	while (i < s->n)
		cs_proc_free(&s->procs[i++]);
	free(pids);
	free(s->procs);
	s->procs = np;
	s->n = k;
	s->dt = s->nsamples ? now - s->t : 0;
	s->t = now;
	s->nsamples++;
	return 0;
}

void
cs_system_free(struct cs_system *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		cs_proc_free(&s->procs[i]);
	free(s->procs);
	s->procs = NULL;
	s->n = 0;
}

/* The switch rate shown for a process: its own interval, not the system's. */
static double
cs_proc_rate(const struct cs_proc *cp)
{
	return cp->dt > 0 ? (double)(cp->dvol + cp->dinvol) / cp->dt : 0;
}

/* Descending switch rate, for qsort of process pointers. */
static int
cs_cmp_rate(const void *a, const void *b)
{
	const struct cs_proc *x = *(struct cs_proc *const *)a;
	const struct cs_proc *y = *(struct cs_proc *const *)b;
	double rx = cs_proc_rate(x), ry = cs_proc_rate(y);

	if (rx != ry)
		return rx < ry ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The processes sorted by switch rate in the latest interval; malloc'd. */
static struct cs_proc **
ranked(struct cs_system *s)
{
	struct cs_proc **v = malloc((s->n ? s->n : 1) * sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < s->n; i++)
		v[i] = &s->procs[i];
	qsort(v, s->n, sizeof(*v), cs_cmp_rate);
	return v;
}

/* -u and -C: whether the system view shows this process. */
static bool
selected(const struct ctl *ctl, const struct cs_proc *cp)
{
	struct tri_status st;

	if (ctl->comm_set && regexec(&ctl->comm_re, cp->comm, 0, NULL, 0) != 0)
		return false;
	if (ctl->users.n == 0)
		return true;
	return tri_proc_read_status(&cp->h, &st) == 0 &&
	    tri_users_match(&ctl->users, st.uid[1]);
}

/* The first -L processes of the ranking that -u and -C select, in place. */
static size_t
pick(const struct ctl *ctl, struct cs_proc **v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && (ctl->limit == 0 || k < ctl->limit); i++)
		if (selected(ctl, v[i]))
			v[k++] = v[i];
	return k;
}

static void
json_system(const struct ctl *ctl, struct cs_system *s, struct cs_proc **v,
    size_t n)
{
	struct tri_json j;
	struct cs_rates r;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	cs_json_line(&j, "system");
	tri_json_kdouble(&j, "interval_seconds", s->dt);
	tri_json_kdouble(&j, "switches_per_second",
	    (double)(s->st.ctxt - s->prev.ctxt) / s->dt);
	tri_json_kdouble(&j, "forks_per_second",
	    (double)(s->st.processes - s->prev.processes) / s->dt);
	tri_json_kuint(&j, "procs_running", s->st.running);
	tri_json_kuint(&j, "procs_blocked", s->st.blocked);
	tri_json_key(&j, "top");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", v[i]->pid);
		cs_json_name(ctl, &j, v[i]);
		tri_json_kint(&j, "nthreads", (long long)v[i]->nthr);
		tri_json_kstr(&j, "rates_of", "all_threads");
		cs_rates_proc(v[i], &r);
		cs_json_rates(&j, &r, v[i]->has_ss, false);
		tri_json_kuint(&j, "voluntary", cs_proc_lifetime(v[i], true));
		tri_json_kuint(&j, "involuntary", cs_proc_lifetime(v[i],
		    false));
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

void
cs_print_system(const struct ctl *ctl, struct cs_system *s)
{
	struct cs_proc **v;
	struct cs_row row;
	char clock[32];
	size_t i, n;

	if (s->dt <= 0 || (v = ranked(s)) == NULL)
		return;
	n = pick(ctl, v, s->n);
	if (ctl->json || ctl->prom) {
		if (ctl->json)
			json_system(ctl, s, v, n);
		else
			cs_prom_system(ctl, s, v, n);
		free(v);
		return;
	}
	cs_clock(ctl, clock, sizeof(clock));
	if (!ctl->one_line)
		printf("%s system: %.1f switches/s, %.1f forks/s, %llu running,"
		    " %llu blocked\n", clock,
		    (double)(s->st.ctxt - s->prev.ctxt) / s->dt,
		    (double)(s->st.processes - s->prev.processes) / s->dt,
		    s->st.running, s->st.blocked);
	cs_print_header(ctl);
	for (i = 0; i < n; i++) {
		cs_row_proc(&row, v[i]);
		row.has_migr = false;	/* not read for every process */
		cs_text_row(ctl, clock, &row);
	}
	free(v);
}
