/* cmd/forkguard/report.c - what run mode found and did, as text or JSON. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "forkguard.h"

static const char *action_name[] = { "kill", "freeze", "report" };

static void
text_fence(FILE *f, const struct run_report *rr)
{
	const struct tri_cgroup_fence *fc = rr->fence;

	if (fc == NULL) {
		fputs("  fence      none: RLIMIT_NPROC and forkguard's "
		    "descendants\n", f);
		return;
	}
	fputs("  fence      ", f);
	tri_out_fescape(f, fc->pids, strlen(fc->pids));
	fprintf(f, " (%s), pids.max %lu\n", tri_cgroup_fence_kind(fc),
	    rr->ctl->max_procs);
}

static void
text_lineage(FILE *f, const struct lineage *l)
{
	size_t i;

	if (l->total == 0) {
		fputs("  bomber     not examined\n", f);
		return;
	}
	fputs("  bomber     ", f);
	tri_out_fescape(f, l->comm, strlen(l->comm));
	fputs(", exe ", f);
	if (l->exe[0])
		tri_out_fescape(f, l->exe, strlen(l->exe));
	else
		fputs("unknown", f);
	fprintf(f, ": %zu of %zu processes", l->count, l->total);
	if (l->present > l->total)
		fprintf(f, " read (of %zu in the cgroup)", l->present);
	fprintf(f, ", from pid %d (", (int)l->root);
	for (i = 0; i < l->npids; i++)
		fprintf(f, "%s%d", i ? " " : "", (int)l->pids[i]);
	fprintf(f, "%s), %lu escaped\n", l->count > l->npids ? " ..." : "",
	    l->escaped);
}

static void
text_contained(FILE *f, const struct run_report *rr)
{
	const struct contained *c = rr->con;

	fputs("  contained  ", f);
	if (c->frozen && rr->fence == NULL)
		fprintf(f, "stopped one by one (SIGSTOP) in %.1f ms, ",
		    c->frozen_ms);
	else if (c->frozen)
		fprintf(f, "frozen at once in %.1f ms, ", c->frozen_ms);
	else
		fputs("not frozen (no freezer), ", f);
	if (rr->ctl->action == ACT_FREEZE && rr->bomb) {
		fputs("left frozen for inspection: ", f);
		tri_out_fescape(f, rr->fence ? rr->fence->pids : "",
		    rr->fence ? strlen(rr->fence->pids) : 0);
		fputc('\n', f);
		return;
	}
	fprintf(f, "%zu killed", c->killed);
	if (c->empty)
		fprintf(f, ", empty %.1f ms after detection\n", c->empty_ms);
	else
		fprintf(f, ", NOT empty: %s\n", c->failure ? c->failure : "?");
}

static void
text(FILE *f, const struct run_report *rr)
{
	const struct detector *d = rr->det;
	char st[64];

	if (!rr->bomb && !rr->signal)
		return;
	if (rr->bomb)
		fprintf(f, "forkguard: fork bomb %s: %s\n",
		    rr->ctl->action == ACT_KILL ? "contained" :
		    rr->ctl->action == ACT_FREEZE ? "frozen" : "detected",
		    d->why);
	else
		fprintf(f, "forkguard: SIG%s: stopped the command and "
		    "everything it started\n", sigabbrev_np(rr->signal) ?
		    sigabbrev_np(rr->signal) : "?");
	if (rr->bomb)
		fprintf(f, "  detected   %.3f s after the start\n",
		    rr->t_detect);
	text_fence(f, rr);
	fprintf(f, "  peak       %llu tasks (%s) of --max-procs %lu\n",
	    (unsigned long long)rr->peak, rr->has_peak ? "pids.peak" :
	    "sampled; pids.peak unknown", rr->ctl->max_procs);
	fprintf(f, "  growth     %.0f tasks/s at most, %.0f forks/s "
	    "machine-wide\n", d->peak_rate, d->forks_rate);
	if (rr->lin)
		text_lineage(f, rr->lin);
	if (rr->con && rr->ctl->action != ACT_REPORT)
		text_contained(f, rr);
	if (rr->child->reaped)
		fprintf(f, "  command    %s\n", tri_proc_describe_status(
		    rr->child->status, st, sizeof(st)));
}

static void
json_lineage(struct tri_json *j, const struct lineage *l)
{
	size_t i;

	tri_json_key(j, "lineage");
	if (l == NULL || l->total == 0) {
		tri_json_null(j);
		return;
	}
	tri_json_obj_begin(j);
	tri_json_kstr(j, "comm", l->comm);
	tri_json_key(j, "exe");
	if (l->exe[0])
		tri_json_str(j, l->exe);
	else
		tri_json_null(j);
	tri_json_kuint(j, "processes", l->count);
	tri_json_kuint(j, "of", l->total);
	tri_json_kuint(j, "present", l->present);
	tri_json_kint(j, "root", l->root);
	tri_json_key(j, "pids");
	tri_json_arr_begin(j);
	for (i = 0; i < l->npids; i++)
		tri_json_int(j, l->pids[i]);
	tri_json_arr_end(j);
	tri_json_kuint(j, "escaped", l->escaped);
	tri_json_obj_end(j);
}

static void
json_contained(struct tri_json *j, const struct run_report *rr)
{
	const struct contained *c = rr->con;

	tri_json_key(j, "containment");
	if (c == NULL || rr->ctl->action == ACT_REPORT) {
		tri_json_null(j);
		return;
	}
	tri_json_obj_begin(j);
	tri_json_kstr(j, "action", rr->bomb ? action_name[rr->ctl->action] :
	    "kill");
	tri_json_kbool(j, "frozen", c->frozen);
	tri_json_kdouble(j, "frozen_ms", c->frozen_ms);
	tri_json_kuint(j, "killed", c->killed);
	tri_json_kbool(j, "empty", c->empty);
	tri_json_kdouble_or_null(j, "empty_ms", c->empty, c->empty_ms);
	tri_json_key(j, "failure");
	if (c->failure)
		tri_json_str(j, c->failure);
	else
		tri_json_null(j);
	tri_json_obj_end(j);
}

static void
json_fence(struct tri_json *j, const struct run_report *rr)
{
	const struct tri_cgroup_fence *fc = rr->fence;

	tri_json_key(j, "fence");
	tri_json_obj_begin(j);
	tri_json_kstr(j, "kind", fc ? tri_cgroup_fence_kind(fc) : "none");
	tri_json_key(j, "pids");
	if (fc)
		tri_json_str(j, fc->pids);
	else
		tri_json_null(j);
	tri_json_key(j, "freezer");
	if (fc && fc->freezer[0])
		tri_json_str(j, fc->freezer);
	else
		tri_json_null(j);
	tri_json_key(j, "v2");
	if (fc && fc->v2[0])
		tri_json_str(j, fc->v2);
	else
		tri_json_null(j);
	tri_json_kuint(j, "max_procs", rr->ctl->max_procs);
	tri_json_obj_end(j);
}

static void
json_command(struct tri_json *j, const struct run_report *rr)
{
	char st[64];
	int i;

	tri_json_key(j, "command");
	tri_json_arr_begin(j);
	for (i = 0; rr->ctl->argv[i]; i++)
		tri_json_str(j, rr->ctl->argv[i]);
	tri_json_arr_end(j);
	tri_json_key(j, "command_status");
	if (rr->child->reaped)
		tri_json_str(j, tri_proc_describe_status(rr->child->status, st,
		    sizeof(st)));
	else
		tri_json_null(j);
}

static void
json(FILE *f, const struct run_report *rr)
{
	const struct detector *d = rr->det;
	struct tri_json j;

	tri_json_init(&j, f, false);
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "schema", SCHEMA);
	tri_json_kstr(&j, "mode", "run");
	json_command(&j, rr);
	json_fence(&j, rr);
	tri_json_kbool(&j, "bomb", rr->bomb);
	tri_json_key(&j, "reason");
	if (rr->bomb) {
		tri_json_str(&j, d->reason);
		tri_json_kstr(&j, "why", d->why);
	} else {
		tri_json_null(&j);
	}
	tri_json_kdouble_or_null(&j, "detected_after_s", rr->bomb,
	    rr->t_detect);
	/* on CLOCK_MONOTONIC, to compare with the time a bomb started */
	tri_json_kdouble_or_null(&j, "detected_at_mono_s", rr->bomb,
	    rr->t0 + rr->t_detect);
	tri_json_kdouble(&j, "elapsed_s", rr->t_end);
	tri_json_kuint(&j, "peak_tasks", rr->peak);
	tri_json_kstr(&j, "peak_source", rr->has_peak ? "pids.peak" :
	    "sampled");
	tri_json_kdouble(&j, "growth_tasks_per_s", d->peak_rate);
	tri_json_kdouble(&j, "forks_per_s", d->forks_rate);
	json_lineage(&j, rr->lin);
	json_contained(&j, rr);
	tri_json_key(&j, "signal");
	if (rr->signal)
		tri_json_str(&j, sigabbrev_np(rr->signal) ?
		    sigabbrev_np(rr->signal) : "?");
	else
		tri_json_null(&j);
	tri_json_kint(&j, "exit_code", rr->exit_status);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

void
report_run(FILE *f, const struct run_report *rr)
{
	if (rr->ctl->json)
		json(f, rr);
	else
		text(f, rr);
	fflush(f);
}
