/* cmd/triage/text.c - the findings as text for a person, colour on a terminal. */
#include <stdio.h>
#include <string.h>

#include "triage.h"

static const char *
sev_sgr(enum sev s)
{
	return tri_out_sgr(s == SEV_CRIT ? "1;31" : s == SEV_WARN ? "33" :
	    "36");
}

static void
print_evidence(const struct finding *f)
{
	const struct evidence *e;
	int i;

	if (f->nev == 0)
		return;
	fputs("      evidence:", stdout);
	for (i = 0; i < f->nev; i++) {
		e = &f->ev[i];
		printf(" %s=", e->key);
		switch (e->type) {
		case EV_INT:
			printf("%lld", e->i);
			break;
		case EV_UINT:
			printf("%llu", e->u);
			break;
		case EV_DOUBLE:
			printf("%.6g", e->d);
			break;
		case EV_STR:
			/* a value with a space is quoted: one key, one value */
			if (strchr(e->s, ' '))
				putchar('"');
			tri_out_fescape(stdout, e->s, strlen(e->s));
			if (strchr(e->s, ' '))
				putchar('"');
			break;
		}
	}
	putchar('\n');
}

static void
print_finding(const struct finding *f)
{
	printf("%s%s%s  %-8s ", sev_sgr(f->sev), sev_name(f->sev),
	    tri_out_reset(), f->check);
	if (f->pid > 0) {
		printf("pid %d ", (int)f->pid);
		tri_out_fescape(stdout, f->comm, strlen(f->comm));
		fputs(": ", stdout);
	}
	tri_out_fescape(stdout, f->line, strlen(f->line));
	putchar('\n');
	print_evidence(f);
	if (f->next[0])
		printf("      next:     %s\n", f->next);
}

static void
print_top(const struct top_list *t)
{
	size_t i;

	if (t->n == 0)
		return;
	printf("\ntop %s:\n", t->name);
	for (i = 0; i < t->n; i++) {
		char name[4 * TRI_COMM_MAX + 1];

		tri_out_escape(name, sizeof(name), t->rows[i].comm,
		    strlen(t->rows[i].comm));
		printf("  %7d %-16s %s  next: ", (int)t->rows[i].pid, name,
		    t->rows[i].text);
		printf("%s %d", t->next, (int)t->rows[i].pid);
		putchar('\n');
	}
}

void
text_report(const struct ctl *ctl, const struct report *r)
{
	size_t i;
	int k;

	if (ctl->header) {
		if (r->pid > 0) {
			printf("triage: pid %d ", (int)r->pid);
			tri_out_fescape(stdout, r->comm, strlen(r->comm));
		} else
			fputs("triage: the machine", stdout);
		printf(", %.1f s window, %zu finding%s\n", r->window, r->n,
		    r->n == 1 ? "" : "s");
	}
	for (i = 0; i < r->n; i++)
		print_finding(&r->f[i]);
	if (r->npassed) {
		fputs("ok:", stdout);
		for (k = 0; k < r->npassed; k++)
			printf(" %s", r->passed[k]);
		putchar('\n');
	}
	for (k = 0; k < r->nunread; k++) {
		fputs("not read: ", stdout);
		tri_out_fescape(stdout, r->unread[k], strlen(r->unread[k]));
		putchar('\n');
	}
	for (k = 0; k < r->ntop; k++)
		print_top(&r->top[k]);
}
