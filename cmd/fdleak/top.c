/* cmd/fdleak/top.c - --top: the processes nearest their fd limit. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <linux/capability.h>

#include "caps.h"
#include "fdleak.h"
#include "prom.h"

struct toprow {
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];
	unsigned long		 count;
	unsigned long long	 soft, hard;
	double			 pct;
};

static int
cmp_count(const void *a, const void *b)
{
	const struct toprow *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
cmp_pid(const void *a, const void *b)
{
	const struct toprow *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
cmp_pct(const void *a, const void *b)
{
	const struct toprow *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct > y->pct ? -1 : 1;
	return cmp_count(a, b);
}

static unsigned long refused;	/* processes whose fd/ we may not read */

/* One process for --top; false when it is gone or refuses fd/. */
static bool
top_read(const struct ctl *c, struct toprow *r, pid_t pid)
{
	struct tri_proc p;
	struct tri_stat st;
	struct tri_status ss;
	bool ok = false;

	if (tri_proc_open(&p, pid) < 0)
		return false;
	r->pid = pid;
	r->soft = r->hard = RLIM_INFINITY;
	if (tri_proc_read_stat(&p, &st) == 0 && !tri_proc_is_kthread(&st) &&
	    (c->users.n == 0 || (tri_proc_read_status(&p, &ss) == 0 &&
	    tri_users_match(&c->users, ss.uid[1]))) &&
	    (tri_proc_fd_count(&p, &r->count) == 0 ||
	    ((errno == EACCES || errno == EPERM) && (refused++, 0)))) {
		memcpy(r->comm, st.comm, sizeof(r->comm));
		limits_read(&p, &r->soft, &r->hard);
		r->pct = pct_of(r->count, r->soft);
		ok = true;
	}
	tri_proc_close(&p);
	return ok;
}

static struct toprow *
top_collect(const struct ctl *c, size_t *n)
{
	struct toprow *v;
	size_t np, i;
	pid_t *pids;

	*n = 0;
	if ((pids = tri_proc_pids(&np)) == NULL)
		return NULL;
	if ((v = calloc(np + 1, sizeof(*v))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < np; i++)
		if (top_read(c, &v[*n], pids[i]))
			(*n)++;
	free(pids);
	return v;
}

static void
limit_cell(char *buf, size_t size, unsigned long long v)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%llu", v);
}

/* One cell of --top's table into buf; whether it aligns right. */
static bool
top_cell(const struct ctl *c, const struct toprow *r, int col, char *buf,
    size_t size)
{
	size_t i;

	switch (col) {
	case TOPCOL_PID: snprintf(buf, size, "%d", (int)r->pid); break;
	case TOPCOL_FDS: snprintf(buf, size, "%lu", r->count); break;
	case TOPCOL_SOFT: limit_cell(buf, size, r->soft); break;
	case TOPCOL_HARD: limit_cell(buf, size, r->hard); break;
	case TOPCOL_PERCENT: snprintf(buf, size, "%.1f%%", r->pct); break;
	default:
		tri_out_escape(buf, size, r->comm, strlen(r->comm));
		if (c->raw)
			for (i = 0; buf[i]; i++)
				if (buf[i] == ' ')
					buf[i] = '_';
		return false;
	}
	return true;
}

static const char *const top_names[TOPCOL_N] = {
	"PID", "FDS", "SOFT", "HARD", "PERCENT", "COMMAND",
};

static void
top_table(const struct ctl *c, const char *title, struct toprow *v,
    size_t n)
{
	static const struct cols defcols = { { TOPCOL_PID, TOPCOL_FDS,
	    TOPCOL_SOFT, TOPCOL_HARD, TOPCOL_PERCENT, TOPCOL_COMMAND }, 6 };
	const struct cols *cs = c->cols.n ? &c->cols : &defcols;
	size_t w[NCOLS_MAX], i, k, l, rows = n < (size_t)c->top ? n :
	    (size_t)c->top;
	char cell[4 * TRI_COMM_MAX + 32];
	bool right;

	for (k = 0; k < cs->n; k++) {
		w[k] = strlen(top_names[cs->v[k]]);
		for (i = 0; !c->raw && i < rows; i++) {
			top_cell(c, &v[i], cs->v[k], cell, sizeof(cell));
			if ((l = tri_out_width(cell)) > w[k])
				w[k] = l;
		}
	}
	if (c->header && title)
		printf("%s\n", title);
	for (k = 0; c->header && k < cs->n; k++) {
		right = cs->v[k] != TOPCOL_COMMAND;
		l = strlen(top_names[cs->v[k]]);
		printf("%*s%s%*s%s", right && !c->raw ? (int)(w[k] - l) : 0, "",
		    top_names[cs->v[k]], !right && !c->raw && k + 1 < cs->n ?
		    (int)(w[k] - l) : 0, "", k + 1 < cs->n ? " " : "\n");
	}
	for (i = 0; i < rows; i++)
		for (k = 0; k < cs->n; k++) {
			right = top_cell(c, &v[i], cs->v[k], cell,
			    sizeof(cell));
			l = tri_out_width(cell);
			printf("%*s%s%*s%s", right && !c->raw ? (int)(w[k] - l) :
			    0, "", cell, !right && !c->raw && k + 1 < cs->n ?
			    (int)(w[k] - l) : 0, "", k + 1 < cs->n ? " " : "\n");
		}
}

static void
top_json_list(struct tri_json *j, const char *k, const struct ctl *c,
    const struct toprow *v, size_t n)
{
	size_t i;

	tri_json_key(j, k);
	tri_json_arr_begin(j);
	for (i = 0; i < n && i < (size_t)c->top; i++) {
		tri_json_obj_begin(j);
		tri_json_kint(j, "pid", v[i].pid);
		tri_json_kstr(j, "comm", v[i].comm);
		tri_json_kuint(j, "count", v[i].count);
		json_limit(j, "soft_limit", v[i].soft);
		json_limit(j, "hard_limit", v[i].hard);
		tri_json_kdouble(j, "used_percent", v[i].pct);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

/* --prom: the system's handles and, per process, fds against limits. */
static void
top_prom(const struct ctl *c, unsigned long long used, unsigned long long max,
    const struct toprow *v, size_t n)
{
	struct tri_prom pr;
	size_t i, k, rows = n < (size_t)c->top ? n : (size_t)c->top;

	tri_prom_init(&pr, stdout);
	tri_prom_family(&pr, "triage_fdleak_system_open_files", "gauge",
	    "File handles in use on the system (fs.file-nr).");
	tri_prom_sample(&pr, "triage_fdleak_system_open_files", NULL,
	    (double)used);
	tri_prom_family(&pr, "triage_fdleak_system_max_files", "gauge",
	    "The system's file-max (fs.file-max).");
	tri_prom_sample(&pr, "triage_fdleak_system_max_files", NULL,
	    (double)max);
	for (k = 0; k < 4; k++)
		for (i = 0; i < rows; i++)
			prom_proc(&pr, (int)k, v[i].pid, v[i].comm, v[i].count,
			    v[i].soft, v[i].hard);
}

int
top_run(const struct ctl *c)
{
	unsigned long long filenr[3] = { 0, 0, 0 }, nr, unused, max;
	struct toprow *v, *byp;
	struct tri_json j;
	size_t n;

	/* allocated, unused (always 0 since 2.6), maximum */
	if (tri_proc_sysctl("sys/fs/file-nr", filenr, 3) != 3)
		filenr[0] = filenr[2] = 0;
	nr = filenr[0];
	unused = filenr[1];
	max = filenr[2];
	if ((v = top_collect(c, &n)) == NULL && n == 0 && errno != 0)
		err(TRI_EXIT_FAIL, "%s", tri_proc_root());
	qsort(v, n, sizeof(*v), c->sort == 2 ? cmp_pid : cmp_count);
	if ((byp = malloc((n ? n : 1) * sizeof(*byp))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	if (n)
		memcpy(byp, v, n * sizeof(*v));
	qsort(byp, n, sizeof(*byp), cmp_pct);
	if (c->prom)
		top_prom(c, nr - unused, max, c->sort == 1 ? byp : v, n);
	else if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "fdleak");
		tri_json_kuint(&j, "file_nr", nr - unused);
		tri_json_kuint(&j, "file_max", max);
		tri_json_kdouble(&j, "file_used_percent", max ? 100.0 *
		    (double)(nr - unused) / (double)max : 0);
		top_json_list(&j, "by_count", c, v, n);
		top_json_list(&j, "by_percent", c, byp, n);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	} else {
		if (c->header)
			printf("system: %llu file handles in use of file-max "
			    "%llu (%.4f%%)\n\n", nr - unused, max, max ? 100.0 *
			    (double)(nr - unused) / (double)max : 0);
		if (c->sort >= 0)	/* -S: the one table, in that order */
			top_table(c, NULL, c->sort == 1 ? byp : v, n);
		else {
			top_table(c, "by fd count:", v, n);
			if (c->header)
				putchar('\n');
			top_table(c, "by % of the soft limit:", byp, n);
		}
	}
	/* a partial view says what it misses */
	if (refused)
		warnx("%lu process%s not counted: fd: %s (%s)", refused,
		    refused == 1 ? "" : "es", strerror(EACCES),
		    tri_caps_hint(CAP_SYS_PTRACE));
	free(v);
	free(byp);
	return TRI_EXIT_OK;
}
