/* cmd/zombies/orphans.c - --orphans: adopted processes without a leader. */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "zombies.h"

/*
 * An orphan: adopted (its parent is PID 1, or a process in another
 * session, which only adoption by a subreaper produces for a process
 * that is not a session leader itself) and its session or process-group
 * leader is gone.  Returns "session", "pgrp", "session+pgrp" or NULL.
 */
static const char *
orphan_lost(const struct scan *s, const struct tri_pnode *n)
{
	const struct tri_pnode *par, *l;
	bool sess, grp;

	if (n->zombie || n->pid <= 2 || n->ppid == 2 || n->sid <= 0)
		return NULL;
	par = n->parent >= 0 ? &s->pt.nodes[n->parent] : NULL;
	if (!(n->ppid == 1 || (par && par->sid != n->sid && n->pid != n->sid)))
		return NULL;
	l = tri_ptable_find(&s->pt, n->sid);
	sess = n->pid != n->sid && (l == NULL || l->sid != n->sid);
	l = tri_ptable_find(&s->pt, n->pgrp);
	grp = n->pid != n->pgrp && (l == NULL || l->pgrp != n->pgrp);
	if (sess && grp)
		return "session+pgrp";
	return sess ? "session" : grp ? "pgrp" : NULL;
}

static void
orphan_row(const struct ctl *ctl, struct tri_table *t, struct tri_json *j,
    const struct tri_pnode *n, const char *lost)
{
	char a[32];
	double age = tri_proc_age(n->start);

	if (ctl->json) {
		tri_json_obj_begin(j);
		tri_json_kint(j, "pid", n->pid);
		tri_json_kint(j, "ppid", n->ppid);
		tri_json_kint(j, "pgid", n->pgrp);
		tri_json_kint(j, "sid", n->sid);
		tri_json_kstr(j, "lost", lost);
		tri_json_kdouble(j, "running_seconds", age);
		tri_json_kstr(j, "comm", n->comm);
		tri_json_obj_end(j);
		return;
	}
	tri_table_cellf(t, "%d", (int)n->pid);
	tri_table_cellf(t, "%d", (int)n->ppid);
	tri_table_cellf(t, "%d", (int)n->pgrp);
	tri_table_cellf(t, "%d", (int)n->sid);
	tri_table_cell_raw(t, lost);
	tri_table_cell_raw(t, tri_fmt_duration(age, a, sizeof(a)));
	tri_table_cell(t, n->comm, strlen(n->comm));
}

void
report_orphans(const struct ctl *ctl, const struct scan *s)
{
	const char *cols[] = { "PID", "PPID", "PGRP", "SID", "LOST",
	    "RUNNING", "NAME" };
	struct tri_table t;
	struct tri_json j;
	const char *lost;
	size_t i, found = 0;

	tri_table_init(&t);
	for (i = 0; i < 7; i++)
		tri_table_col(&t, cols[i], i < 4 || i == 5 ? TRI_RIGHT :
		    TRI_LEFT);
	tri_json_init(&j, stdout, false);
	if (ctl->json) {
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "zombies");
		tri_json_key(&j, "orphans");
		tri_json_arr_begin(&j);
	}
	for (i = 0; i < s->pt.n; i++) {
		if (!scan_in_scope(ctl, s, &s->pt.nodes[i]) ||
		    (lost = orphan_lost(s, &s->pt.nodes[i])) == NULL)
			continue;
		orphan_row(ctl, &t, &j, &s->pt.nodes[i], lost);
		found++;
	}
	if (ctl->json) {
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	} else if (found) {
		zombies_print_table(ctl, &t, NULL, ctl->header);
	} else {
		printf("no orphans among %zu processes\n", s->pt.n);
	}
	tri_table_free(&t);
}
