/* cmd/proctree/json.c - the tree as JSON: one object per process, nested. */
#include <stdio.h>
#include <time.h>

#include "proc.h"
#include "proctree.h"

static void
json_threads(const struct ctl *ctl, struct tri_json *j, const struct vnode *v)
{
	char st[2] = { 0, 0 };
	int k;

	tri_json_key(j, "threads");
	tri_json_arr_begin(j);
	for (k = 0; k < v->nkids; k++) {
		const struct tri_pthread *th = v->kids[k]->thr;

		if (th == NULL)
			continue;
		tri_json_obj_begin(j);
		tri_json_kint(j, "tid", th->tid);
		tri_json_kstr(j, "comm", th->comm);
		st[0] = th->state;
		tri_json_kstr(j, "state", st);
		if (ctl->scontext)
			tri_json_kstr(j, "security_context",
			    v->kids[k]->x->label ? v->kids[k]->x->label : "");
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

/* -S, -N: every namespace inode (null where unreadable) as TYPE_inode,
 * and the types where the process differs from its parent. */
static void
json_ns(struct tri_json *j, const struct vnode *v)
{
	char key[32];
	int k;

	tri_json_key(j, "namespaces");
	tri_json_obj_begin(j);
	for (k = 0; k < NS_N; k++) {
		snprintf(key, sizeof(key), "%s_inode", ns_names[k]);
		tri_json_kuint_or_null(j, key, v->x->nsv && v->x->nsv[k],
		    v->x->nsv ? v->x->nsv[k] : 0);
	}
	tri_json_obj_end(j);
	tri_json_key(j, "namespace_changes");
	tri_json_arr_begin(j);
	for (k = 0; v->x->nsv && v->x->pnsv && k < NS_N; k++)
		if (v->x->nsv[k] && v->x->pnsv[k] && v->x->nsv[k] != v->x->pnsv[k])
			tri_json_str(j, ns_names[k]);
	tri_json_arr_end(j);
}

static void
json_node(const struct ctl *ctl, struct tri_json *j, const struct vnode *v,
    double now)
{
	const struct tri_pnode *p = v->proc;
	char st[2] = { p->state, 0 };
	int k;

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", p->pid);
	tri_json_kint(j, "ppid", p->ppid);
	tri_json_kint(j, "pgid", p->pgrp);
	tri_json_kstr(j, "comm", p->comm);
	if (ctl->args)
		tri_json_kargv(j, "cmdline", p->cmdline, p->cmdline_len);
	tri_json_kuint(j, "uid", p->euid);
	tri_json_kstr(j, "user", user_name(p->euid));
	tri_json_kstr(j, "state", st);
	tri_json_kbool(j, "zombie", p->zombie);
	tri_json_kint(j, "nthreads", p->nlwp);
	tri_json_kfixed(j, "start_time_unix", now - tri_proc_age(p->start), 3);
	if (ctl->highlight)
		tri_json_kbool(j, "highlight", v->hl);
	if (ctl->scontext)
		tri_json_kstr(j, "security_context", v->x->label ? v->x->label : "");
	if (ctl->ns_changes || ctl->ns_sort >= 0)
		json_ns(j, v);
	if (ctl->ns) {
		tri_json_kuint(j, "pidns", p->pidns);
		if (v->x->nsb) {
			tri_json_kint(j, "nspid", v->x->nspid);
			tri_json_kstr(j, "cgroup", v->x->cgroup ? v->x->cgroup : "");
		}
	}
	if (!ctl->hide_threads)
		json_threads(ctl, j, v);
	tri_json_key(j, "children");
	tri_json_arr_begin(j);
	for (k = 0; k < v->nkids; k++)
		if (v->kids[k]->thr == NULL)
			json_node(ctl, j, v->kids[k], now);
	tri_json_arr_end(j);
	tri_json_obj_end(j);
}

static void
json_list(const struct ctl *ctl, struct tri_json *j, struct vnode **views,
    int n, double now)
{
	int k;

	tri_json_key(j, "processes");
	tri_json_arr_begin(j);
	for (k = 0; k < n; k++)
		json_node(ctl, j, views[k], now);
	tri_json_arr_end(j);
}

/*
 * {"schema": "triage.proctree/1", "processes": [the trees]}, or with -N
 * {"schema": ..., "namespaces": [{"type", "inode", "processes"}]}.
 */
void
print_json(const struct ctl *ctl, struct vnode **views, int n,
    const struct nsgroup *g, int ng)
{
	struct tri_json j;
	struct timespec ts;
	double now;
	int k;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "proctree");
	if (g == NULL)
		json_list(ctl, &j, views, n, now);
	else {
		tri_json_key(&j, "namespaces");
		tri_json_arr_begin(&j);
		for (k = 0; k < ng; k++) {
			tri_json_obj_begin(&j);
			tri_json_kstr(&j, "type", ns_names[ctl->ns_sort]);
			tri_json_kuint(&j, "inode", g[k].inode);
			json_list(ctl, &j, g[k].roots, g[k].n, now);
			tri_json_obj_end(&j);
		}
		tri_json_arr_end(&j);
	}
	tri_json_obj_end(&j);
	tri_json_end(&j);
}
