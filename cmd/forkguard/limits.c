/* cmd/forkguard/limits.c - the limits doctor: every fence a fork would meet, as text or JSON. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkguard.h"
#include "forklimits.h"
#include "prom.h"

static void
cell_u64(struct tri_table *t, bool known, uint64_t v)
{
	if (!known)
		tri_table_cell_raw(t, "-");
	else if (v == UINT64_MAX)
		tri_table_cell_raw(t, "max");
	else
		tri_table_cellf(t, "%llu", (unsigned long long)v);
}

static void
text_row(struct tri_table *t, const struct tri_forklimit *l)
{
	uint64_t h = tri_forklimits_headroom(l);
	char buf[600];

	tri_table_cell_raw(t, tri_forklimits_name(l));
	cell_u64(t, true, l->limit);
	cell_u64(t, true, l->used);
	cell_u64(t, l->applies, h);
	if (l->kind == TRI_FL_CGROUP && !l->has_peak)
		tri_table_cell_raw(t, "unknown");
	else
		cell_u64(t, l->has_peak, l->peak);
	cell_u64(t, l->has_events, l->refused);
	if (l->kind == TRI_FL_CGROUP) {
		/* a cgroup's name is anyone's who may create one: escaped */
		snprintf(buf, sizeof(buf), "%s%s", l->where, l->v2 ? " (v2)" :
		    " (v1)");
		tri_table_cell(t, buf, strlen(buf));
	}
	else if (!l->applies)
		tri_table_cellf(t, "does not apply: %s", l->why_not);
	else
		tri_table_cell_raw(t, l->kind == TRI_FL_NPROC ?
		    "tasks of the real uid" : "tasks on the machine");
}

static const struct {
	const char	*name, *help;
	enum tri_align	 align;
} cols[] = {
	{ "FENCE",	"the limit: RLIMIT_NPROC, pids.max, a sysctl",	TRI_LEFT },
	{ "LIMIT",	"its value (max: none)",			TRI_RIGHT },
	{ "USED",	"the tasks counted against it",			TRI_RIGHT },
	{ "HEADROOM",	"tasks left before a fork fails",		TRI_RIGHT },
	{ "PEAK",	"the most tasks it has held (pids.peak)",	TRI_RIGHT },
	{ "REFUSED",	"forks it has refused (pids.events max)",	TRI_RIGHT },
	{ "WHERE",	"its cgroup, or what it counts",		TRI_LEFT },
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static void
limits_cols(struct tri_table *t)
{
	size_t i;

	tri_table_init(t);
	for (i = 0; i < NCOLS; i++)
		tri_table_col(t, cols[i].name, cols[i].align);
}

/* -o help lists the columns; a name that is none: one line, exit 2. */
void
limits_check_columns(const struct ctl *ctl)
{
	struct tri_table t;
	char *bad = NULL, *esc;
	size_t i;

	if (ctl->columns == NULL)
		return;
	if (strcmp(ctl->columns, "help") == 0) {
		for (i = 0; i < NCOLS; i++)
			printf("%-9s %s\n", cols[i].name, cols[i].help);
		exit(TRI_EXIT_OK);
	}
	limits_cols(&t);
	if (tri_table_check_cols(&t, ctl->columns, &bad) < 0) {
		esc = bad ? tri_out_escape_dup(bad, strlen(bad)) : NULL;
		errx(TRI_EXIT_FAIL, "-o %s: not a column (-o help lists them)",
		    esc ? esc : "?");
	}
	tri_table_free(&t);
}

static void
text(const struct ctl *ctl, const struct tri_forklimits *fl)
{
	const struct tri_forklimit *l;
	struct tri_table t;
	uint64_t h;
	size_t i;

	printf("pid %d (", (int)fl->pid);
	tri_out_fescape(stdout, fl->comm, strlen(fl->comm));
	printf("), uid %u: %zu fences\n", (unsigned)fl->uid, fl->n);
	limits_cols(&t);
	for (i = 0; i < fl->n; i++)
		text_row(&t, &fl->f[i]);
	tri_table_print_sel(&t, stdout, ctl->header, ctl->columns, ctl->raw);
	tri_table_free(&t);
	if (fl->tightest < 0) {
		puts("tightest: none binds this process");
		return;
	}
	l = &fl->f[fl->tightest];
	h = tri_forklimits_headroom(l);
	printf("%stightest: %s", tri_out_sgr("1"), tri_forklimits_name(l));
	if (l->kind == TRI_FL_CGROUP) {
		fputs(" of ", stdout);
		tri_out_fescape(stdout, l->where, strlen(l->where));
	}
	printf(": %llu more tasks%s%s\n", (unsigned long long)h,
	    h == 0 ? " (a fork fails now with EAGAIN)" : "",
	    tri_out_reset());
}

static void
json_fence(struct tri_json *j, const struct tri_forklimit *l)
{
	tri_json_obj_begin(j);
	tri_json_kstr(j, "fence", tri_forklimits_name(l));
	tri_json_kstr(j, "kind", tri_forklimits_kind(l));
	tri_json_key(j, "where");
	if (l->kind == TRI_FL_CGROUP)
		tri_json_str(j, l->where);
	else
		tri_json_null(j);
	if (l->kind == TRI_FL_CGROUP)
		tri_json_kint(j, "cgroup_version", l->v2 ? 2 : 1);
	tri_json_kbool(j, "applies", l->applies);
	tri_json_key(j, "why_not");
	if (l->why_not)
		tri_json_str(j, l->why_not);
	else
		tri_json_null(j);
	tri_json_kuint_or_null(j, "limit", l->limit != UINT64_MAX, l->limit);
	tri_json_kuint(j, "used", l->used);
	tri_json_kuint_or_null(j, "headroom", l->applies && l->limit !=
	    UINT64_MAX, tri_forklimits_headroom(l));
	tri_json_kuint_or_null(j, "peak", l->has_peak, l->peak);
	tri_json_kuint_or_null(j, "refused", l->has_events, l->refused);
	tri_json_obj_end(j);
}

static void
json_one(struct tri_json *j, const struct tri_forklimits *fl)
{
	size_t i;

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", fl->pid);
	tri_json_kstr(j, "comm", fl->comm);
	tri_json_kuint(j, "uid", fl->uid);
	tri_json_key(j, "fences");
	tri_json_arr_begin(j);
	for (i = 0; i < fl->n; i++)
		json_fence(j, &fl->f[i]);
	tri_json_arr_end(j);
	tri_json_key(j, "tightest");
	if (fl->tightest >= 0)
		json_fence(j, &fl->f[fl->tightest]);
	else
		tri_json_null(j);
	tri_json_obj_end(j);
}

/* One family over every process, so each family's samples stay together. */
static void
prom_family(struct tri_prom *p, const struct tri_forklimits *fl, size_t n,
    const char *name, const char *help, int what)
{
	const struct tri_forklimit *l;
	char pid[16];
	size_t i, k;
	double v;

	tri_prom_family(p, name, "gauge", help);
	for (i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%d", (int)fl[i].pid);
		for (k = 0; k < fl[i].n; k++) {
			l = &fl[i].f[k];
			if (l->limit == UINT64_MAX || (what == 2 && !l->applies))
				continue;
			v = what == 0 ? (double)l->limit : what == 1 ?
			    (double)l->used : (double)tri_forklimits_headroom(l);
			tri_prom_sample(p, name, (const char *const []){ "pid",
			    pid, "comm", fl[i].comm, "fence",
			    tri_forklimits_name(l), "where", l->where,
			    "tightest", (int)k == fl[i].tightest ? "1" : "0",
			    NULL }, v);
		}
	}
}

static void
prom(const struct tri_forklimits *fl, size_t n)
{
	struct tri_prom p;

	tri_prom_init(&p, stdout);
	prom_family(&p, fl, n, "triage_forkguard_limit_tasks",
	    "the limit of each fence a fork would meet", 0);
	prom_family(&p, fl, n, "triage_forkguard_used_tasks",
	    "the tasks counted against it", 1);
	prom_family(&p, fl, n, "triage_forkguard_headroom_tasks",
	    "tasks left before a fork fails with EAGAIN", 2);
}

int
limits_mode(const struct ctl *ctl)
{
	static struct tri_forklimits one;
	struct tri_forklimits *all = NULL, *flp = &one;
	pid_t self = 0, *pids = &self;
	size_t n = 1, i, ok = 0;
	struct tri_json j;

	if (ctl->targets.n > 0) {
		pids = ctl->targets.pids;
		n = ctl->targets.n;
	} else if (ctl->user_set && tri_forklimits_uid_pid(ctl->user,
	    &self) < 0) {
		errx(TRI_EXIT_FAIL, "uid %u: no process of this user",
		    (unsigned)ctl->user);
	}
	if (ctl->prom && (all = calloc(n, sizeof(*all))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	if (ctl->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_kstr(&j, "schema", SCHEMA);
		tri_json_kstr(&j, "mode", "limits");
		tri_json_key(&j, "processes");
		tri_json_arr_begin(&j);
	}
	for (i = 0; i < n; i++) {
		if (all)
			flp = &all[ok];
		if (tri_forklimits_read(pids[i], flp) < 0) {
			warnx("pid %d: %s", (int)pids[i], errno == ESRCH ?
			    "no such process" : strerror(errno));
			continue;
		}
		ok++;
		if (ctl->json)
			json_one(&j, flp);
		else if (!ctl->prom)
			text(ctl, flp);
	}
	if (all) {
		prom(all, ok);
		free(all);
	}
	if (ctl->json) {
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	}
	if (ok == n)
		return TRI_EXIT_OK;
	return ok == 0 ? TRI_EXIT_FAIL : TRI_EXIT_FOUND;
}
