/* cmd/triage/json.c - the same findings as JSON (man 7 triage's vocabulary). */
#include <stdio.h>
#include <string.h>

#include "triage.h"

static void
json_finding(struct tri_json *j, const struct finding *f)
{
	const struct evidence *e;
	int i;

	tri_json_obj_begin(j);
	tri_json_kstr(j, "severity", sev_name(f->sev));
	tri_json_kstr(j, "check", f->check);
	tri_json_key(j, "pid");
	if (f->pid > 0)
		tri_json_int(j, f->pid);
	else
		tri_json_null(j);
	tri_json_key(j, "comm");
	if (f->pid > 0)
		tri_json_str(j, f->comm);
	else
		tri_json_null(j);
	tri_json_kstr(j, "summary", f->line);
	tri_json_key(j, "evidence");
	tri_json_obj_begin(j);
	for (i = 0; i < f->nev; i++) {
		e = &f->ev[i];
		switch (e->type) {
		case EV_INT:
			tri_json_kint(j, e->key, e->i);
			break;
		case EV_UINT:
			tri_json_kuint(j, e->key, e->u);
			break;
		case EV_DOUBLE:
			tri_json_kdouble(j, e->key, e->d);
			break;
		case EV_STR:
			tri_json_kstr(j, e->key, e->s);
			break;
		}
	}
	tri_json_obj_end(j);
	tri_json_key(j, "next");
	if (f->next[0])
		tri_json_str(j, f->next);
	else
		tri_json_null(j);
	tri_json_obj_end(j);
}

static void
json_top(struct tri_json *j, const struct top_list *t)
{
	char next[160];
	size_t i;

	tri_json_key(j, t->name);
	tri_json_arr_begin(j);
	for (i = 0; i < t->n; i++) {
		tri_json_obj_begin(j);
		tri_json_kint(j, "pid", t->rows[i].pid);
		tri_json_kstr(j, "comm", t->rows[i].comm);
		tri_json_kdouble(j, t->key, t->rows[i].value);
		tri_json_kstr(j, "summary", t->rows[i].text);
		snprintf(next, sizeof(next), "%s %d", t->next,
		    (int)t->rows[i].pid);
		tri_json_kstr(j, "next", next);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

void
json_report(const struct ctl *ctl, const struct report *r)
{
	struct tri_json j;
	size_t i;
	int k;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "triage");
	tri_json_ktime_unix(&j, r->wall);
	tri_json_key(&j, "target");
	if (r->pid > 0) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", r->pid);
		tri_json_kstr(&j, "comm", r->comm);
		tri_json_obj_end(&j);
	} else
		tri_json_null(&j);
	tri_json_kdouble(&j, "window_seconds", r->window);
	tri_json_key(&j, "findings");
	tri_json_arr_begin(&j);
	for (i = 0; i < r->n; i++)
		json_finding(&j, &r->f[i]);
	tri_json_arr_end(&j);
	tri_json_key(&j, "passed");
	tri_json_arr_begin(&j);
	for (k = 0; k < r->npassed; k++)
		tri_json_str(&j, r->passed[k]);
	tri_json_arr_end(&j);
	tri_json_key(&j, "unread");
	tri_json_arr_begin(&j);
	for (k = 0; k < r->nunread; k++)
		tri_json_str(&j, r->unread[k]);
	tri_json_arr_end(&j);
	if (r->pid == 0) {
		tri_json_key(&j, "top");
		tri_json_obj_begin(&j);
		for (k = 0; k < r->ntop; k++)
			json_top(&j, &r->top[k]);
		tri_json_obj_end(&j);
	}
	tri_json_obj_end(&j);
	tri_json_end(&j);
	(void)ctl;
}
