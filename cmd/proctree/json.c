/* cmd/proctree/json.c - the tree as JSON: one object per process, nested. */
#include "proc.h"
#include "proctree.h"

static void
json_threads(struct tri_json *j, const struct vnode *v)
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
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

static void
json_node(const struct ctl *ctl, struct tri_json *j, const struct vnode *v)
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
	tri_json_kint(j, "nlwp", p->nlwp);
	tri_json_kdouble(j, "start", (double)p->start /
	    (double)tri_proc_hz());
	if (ctl->highlight)
		tri_json_kbool(j, "highlight", v->hl);
	if (ctl->ns) {
		tri_json_kuint(j, "pidns", p->pidns);
		if (v->nsb) {
			tri_json_kint(j, "nspid", v->nspid);
			tri_json_kstr(j, "cgroup", v->cgroup ? v->cgroup : "");
		}
	}
	if (!ctl->hide_threads)
		json_threads(j, v);
	tri_json_key(j, "children");
	tri_json_arr_begin(j);
	for (k = 0; k < v->nkids; k++)
		if (v->kids[k]->thr == NULL)
			json_node(ctl, j, v->kids[k]);
	tri_json_arr_end(j);
	tri_json_obj_end(j);
}

void
print_json(const struct ctl *ctl, struct vnode **views, int n)
{
	struct tri_json j;
	int k;

	tri_json_init(&j, stdout, false);
	tri_json_arr_begin(&j);
	for (k = 0; k < n; k++)
		json_node(ctl, &j, views[k]);
	tri_json_arr_end(&j);
	tri_json_end(&j);
}
