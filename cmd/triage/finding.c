/* cmd/triage/finding.c - the findings model: severity, check, line, evidence, next. */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

/* The order checks are listed in at equal severity: the order. */
static const char *const checks[] = {
	"fds", "zombies", "memory", "cpu", "forks", "threads", "oom",
	"signals", "load", "pressure", "swap", "pids", NULL,
};

int
check_order(const char *check)
{
	int i;

	for (i = 0; checks[i]; i++)
		if (strcmp(checks[i], check) == 0)
			return i;
	return i;
}

const char *
sev_name(enum sev s)
{
	return s == SEV_CRIT ? "CRIT" : s == SEV_WARN ? "WARN" : "INFO";
}

struct finding *
finding_add(struct report *r, enum sev sev, const char *check, pid_t pid,
    const char *comm)
{
	struct finding *f;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		if ((r->f = realloc(r->f, r->cap * sizeof(*r->f))) == NULL)
			err(TRI_EXIT_FAIL, "realloc");
	}
	f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	f->sev = sev;
	f->check = check;
	f->order = check_order(check);
	f->pid = pid;
	if (comm)
		snprintf(f->comm, sizeof(f->comm), "%s", comm);
	return f;
}

void
finding_line(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->line, sizeof(f->line), fmt, ap);
	va_end(ap);
}

void
finding_next(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->next, sizeof(f->next), fmt, ap);
	va_end(ap);
}

static struct evidence *
ev_new(struct finding *f, const char *key, enum ev_type t)
{
	struct evidence *e;

	if (f->nev == EV_MAX)
		errx(TRI_EXIT_FAIL, "%s: too much evidence", f->check);
	e = &f->ev[f->nev++];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->type = t;
	return e;
}

void
ev_int(struct finding *f, const char *key, long long v)
{
	ev_new(f, key, EV_INT)->i = v;
}

void
ev_uint(struct finding *f, const char *key, unsigned long long v)
{
	ev_new(f, key, EV_UINT)->u = v;
}

void
ev_double(struct finding *f, const char *key, double v)
{
	ev_new(f, key, EV_DOUBLE)->d = v;
}

void
ev_str(struct finding *f, const char *key, const char *s)
{
	struct evidence *e = ev_new(f, key, EV_STR);

	snprintf(e->s, sizeof(e->s), "%s", s);
}

void
report_passed(struct report *r, const char *check)
{
	int i;

	for (i = 0; i < r->npassed; i++)
		if (strcmp(r->passed[i], check) == 0)
			return;
	if (r->npassed < (int)(sizeof(r->passed) / sizeof(r->passed[0])))
		r->passed[r->npassed++] = check;
}

void
report_unread(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nunread == (int)(sizeof(r->unread) / sizeof(r->unread[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(r->unread[r->nunread++], sizeof(r->unread[0]), fmt, ap);
	va_end(ap);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->sev != y->sev)
		return (int)x->sev - (int)y->sev;
	if (x->order != y->order)
		return x->order - y->order;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Most severe first; at equal severity in check order, then by pid. */
void
report_sort(struct report *r)
{
	if (r->n > 1)
		qsort(r->f, r->n, sizeof(*r->f), cmp_finding);
}

enum sev
report_worst(const struct report *r)
{
	enum sev w = SEV_INFO;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->f[i].sev < w)
			w = r->f[i].sev;
	return w;
}

void
report_free(struct report *r)
{
	int i;

	for (i = 0; i < r->ntop; i++)
		free(r->top[i].rows);
	free(r->f);
	memset(r, 0, sizeof(*r));
}
