/* cmd/ctxswitch/why.c - the verdict after the last interval, text or JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"

static void
head(const struct cs_proc *cp)
{
	printf("why pid %d: ", (int)cp->pid);
}

static void
print_kind(const struct cs_proc *cp, const struct tri_csverdict *v)
{
	head(cp);
	if (strcmp(v->kind, "cpu_contention") == 0)
		printf("%sCPU contention%s: %.1f involuntary/s against %.1f"
		    " voluntary/s, threads wait %.1f ms/s for a CPU\n",
		    tri_out_sgr("1;31"), tri_out_reset(), v->invol, v->vol,
		    v->runq_ms);
	else if (strcmp(v->kind, "blocking") == 0)
		printf("%smostly voluntary%s: %.1f voluntary/s against %.1f"
		    " involuntary/s; threads block (where: below)%s\n",
		    tri_out_sgr("1;33"), tri_out_reset(), v->vol, v->invol,
		    v->contention_too ?
		    "; CPU contention too (busy threads below)" : "");
	else
		printf("quiet: %.1f switches/s\n", v->vol + v->invol);
}

static void
print_cpus(const struct cs_proc *cp, const struct tri_csverdict *v)
{
	head(cp);
	if (v->busy == 0)
		printf("threads %zu, none busy; %d CPUs allowed\n", cp->nthr,
		    v->allowed);
	else
		printf("threads %zu, busy %d on CPUs %s (%d of %d allowed)%s\n",
		    cp->nthr, v->busy, v->busy_list, v->busy_cpus, v->allowed,
		    v->busy > v->busy_cpus ?
		    ": more busy threads than CPUs they may run on" : "");
	head(cp);
	if (!v->q.found) {
		printf("no cpu cgroup found\n");
	} else if (v->q.cpus == 0) {
		printf("no cgroup CPU quota (%s)\n", v->q.dir);
	} else {
		printf("cgroup CPU quota %.2f CPUs (%lld/%lld us) at %s;"
		    " throttled %llu of %llu periods, %.3f s%s\n", v->q.cpus,
		    v->q.q_us, v->q.period_us, v->q.dir,
		    (unsigned long long)v->q.throttled,
		    (unsigned long long)v->q.periods,
		    (double)v->q.throttled_us / 1e6,
		    v->over_quota ?
		    ": more busy threads than the quota" : "");
	}
}

static void
print_go(const struct cs_proc *cp, const struct tri_csverdict *v)
{
	double limit = v->q.cpus > 0 ? v->q.cpus : v->allowed;
	long want = v->go_want;

	if (!v->is_go)
		return;
	head(cp);
	printf("Go program (%s): GOMAXPROCS %ld (%s) against %s %.2f CPUs%s",
	    v->go_ver[0] ? v->go_ver : "unknown version", v->gomaxprocs,
	    v->go_set ? "from its environment" : "unset: Go uses every"
	    " allowed CPU", v->q.cpus > 0 ? "a quota of" : "",
	    limit, v->go_over ? ": " : "\n");
	if (v->go_over)
		printf("%ld runnable Go threads share %.2f CPUs of time and get"
		    " throttled; set GOMAXPROCS=%ld\n", v->gomaxprocs, limit,
		    want);
}

/* Where the process's voluntary switches wait, over all samples. */
static void
print_places(const struct cs_proc *cp, const struct why_thr *w, size_t n)
{
	struct place all[WHY_KINDS * 4];
	int np = 0, total = 0, i, k;
	size_t j;

	for (j = 0; j < n; j++)
		for (k = 0; k < w[j].np; k++) {
			if (strcmp(w[j].p[k].where, "on CPU") == 0)
				continue;
			for (i = 0; i < np; i++)
				if (strcmp(all[i].where, w[j].p[k].where) == 0)
					break;
			if (i == np && np == (int)(sizeof(all) / sizeof(all[0])))
				continue;
			if (i == np)
				all[np++] = w[j].p[k];
			else
				all[i].n += w[j].p[k].n;
			total += w[j].p[k].n;
		}
	if (total == 0)
		return;
	qsort(all, (size_t)np, sizeof(all[0]), cs_cmp_place);
	head(cp);
	printf("threads block in:");
	for (i = 0; i < np && i < 6; i++)
		printf("%s %s %.0f%% (%s)", i ? "," : "", all[i].where,
		    100.0 * all[i].n / total, cs_meaning(all[i].where));
	putchar('\n');
}

/*
 * The place to name for a thread: where a voluntary thread blocks most
 * often, even when it was caught on a CPU more often still (a thread that
 * wakes every millisecond, on a busy machine); else the commonest place.
 */
static const struct place *
top_place(const struct why_thr *x, const struct cs_thread *t)
{
	int k;

	if (strcmp(cs_thread_class(t), "voluntary") == 0)
		for (k = 0; k < x->np; k++)
			if (strcmp(x->p[k].where, "on CPU") != 0)
				return &x->p[k];
	return &x->p[0];
}

static const struct why_thr *
find_why(const struct why_thr *w, size_t n, pid_t tid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].t->tid == tid)
			return &w[i];
	return NULL;
}

static void
print_threads(const struct cs_proc *cp, const struct why_thr *w, size_t n,
    double elapsed)
{
	const struct why_thr *x;
	const struct place *top;
	size_t i, idle = 0;

	for (i = 0; i < cp->nthr; i++) {
		const struct cs_thread *t = &cp->thr[i];

		if (strcmp(cs_thread_class(t), "idle") == 0) {
			idle++;
			continue;
		}
		printf("why tid %d: %s, %.1f voluntary/s %.1f involuntary/s,"
		    " %.1f%% CPU, waits %.1f ms/s for a CPU", (int)t->tid,
		    cs_thread_class(t), (double)t->run_vol / elapsed,
		    (double)t->run_invol / elapsed,
		    (double)t->run_cpu / elapsed / 1e7,
		    (double)t->run_wait / elapsed / 1e6);
		if ((x = find_why(w, n, t->tid)) != NULL && x->np > 0) {
			top = top_place(x, t);
			printf("; %s %d/%d samples (%s)", top->where, top->n,
			    x->samples, cs_meaning(top->where));
		}
		printf(": ");
		tri_out_fescape(stdout, t->name, strlen(t->name));
		putchar('\n');
	}
	if (idle > 0)
		printf("why pid %d: %zu idle threads (no switches)\n",
		    (int)cp->pid, idle);
}

static void
json_why(const struct ctl *ctl, const struct cs_proc *cp,
    const struct tri_csverdict *v, const struct why_thr *w, size_t n)
{
	const struct why_thr *x;
	const struct place *top;
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	cs_json_line(&j, "verdict");
	tri_json_kint(&j, "pid", cp->pid);
	tri_json_kstr(&j, "comm", cp->comm);
	tri_json_kbool(&j, "exited", cp->gone);
	tri_json_key(&j, "why");
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "verdict", v->kind);
	tri_json_kdouble(&j, "elapsed_seconds", v->elapsed);
	tri_json_kdouble(&j, "voluntary_per_second", v->vol);
	tri_json_kdouble(&j, "involuntary_per_second", v->invol);
	tri_json_kdouble(&j, "runq_wait_percent", v->runq_ms / 10);
	tri_json_kint(&j, "nthreads", (long long)cp->nthr);
	tri_json_kint(&j, "busy_threads", v->busy);
	tri_json_kint(&j, "busy_cpus", v->busy_cpus);
	tri_json_kint(&j, "allowed_cpus", v->allowed);
	tri_json_kdouble_or_null(&j, "cpu_quota", v->q.cpus > 0, v->q.cpus);
	tri_json_kstr(&j, "cgroup", v->q.dir);
	tri_json_kuint(&j, "nr_throttled", v->q.throttled);
	tri_json_kdouble(&j, "throttled_seconds",
	    (double)v->q.throttled_us / 1e6);
	tri_json_kbool(&j, "go", v->is_go);
	if (v->is_go) {
		tri_json_kstr(&j, "go_version", v->go_ver);
		tri_json_kint(&j, "gomaxprocs", v->gomaxprocs);
		tri_json_kbool(&j, "gomaxprocs_set", v->go_set);
	}
	tri_json_key(&j, "threads_detail");
	tri_json_arr_begin(&j);
	for (i = 0; i < cp->nthr; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "tid", cp->thr[i].tid);
		tri_json_kstr(&j, "comm", cp->thr[i].name);
		tri_json_kstr(&j, "class", cs_thread_class(&cp->thr[i]));
		if ((x = find_why(w, n, cp->thr[i].tid)) != NULL && x->np) {
			top = top_place(x, &cp->thr[i]);
			tri_json_kstr(&j, "where", top->where);
			tri_json_kstr(&j, "cs_meaning", cs_meaning(top->where));
			tri_json_kint(&j, "hits", top->n);
			tri_json_kint(&j, "samples", x->samples);
		}
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

void
cs_why(const struct ctl *ctl, struct cs_proc *cp)
{
	struct why_thr *w;
	struct tri_csverdict v;
	size_t n;

	cs_judge(cp, &v);
	if (v.elapsed <= 0)
		return;
	n = cp->gone ? 0 : cs_sample_places(cp, &w);
	if (cp->gone)
		w = NULL;
	if (ctl->json) {
		json_why(ctl, cp, &v, w, n);
	} else if (cp->gone) {
		/* the rates of what was seen; the rest died with it */
		print_kind(cp, &v);
	} else {
		print_kind(cp, &v);
		print_cpus(cp, &v);
		print_go(cp, &v);
		print_places(cp, w, n);
		if (ctl->threads)
			print_threads(cp, w, n, v.elapsed);
	}
	free(w);
}
