/* cmd/fdleak/top.c - --top: the processes nearest their fd limit. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fdleak.h"

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
cmp_pct(const void *a, const void *b)
{
	const struct toprow *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct > y->pct ? -1 : 1;
	return cmp_count(a, b);
}

/* One process for --top; false when it is gone or refuses fd/. */
static bool
top_read(struct toprow *r, pid_t pid)
{
	struct tri_proc p;
	struct tri_stat st;
	bool ok = false;

	if (tri_proc_open(&p, pid) < 0)
		return false;
	r->pid = pid;
	r->soft = r->hard = RLIM_INFINITY;
	if (tri_proc_read_stat(&p, &st) == 0 && !tri_proc_is_kthread(&st) &&
	    tri_proc_fd_count(&p, &r->count) == 0) {
		memcpy(r->comm, st.comm, sizeof(r->comm));
		limits_read(&p, &r->soft, &r->hard);
		r->pct = pct_of(r->count, r->soft);
		ok = true;
	}
	tri_proc_close(&p);
	return ok;
}

static struct toprow *
top_collect(size_t *n)
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
		if (top_read(&v[*n], pids[i]))
			(*n)++;
	free(pids);
	return v;
}

static void
top_table(const struct ctl *c, const char *title, struct toprow *v,
    size_t n)
{
	size_t i;

	if (c->header)
		printf("%s\n%7s %7s %9s %9s %6s %s\n", title, "PID", "FDS",
		    "SOFT", "HARD", "PCT", "COMMAND");
	for (i = 0; i < n && i < (size_t)c->top; i++) {
		printf("%7d %7lu ", (int)v[i].pid, v[i].count);
		if (v[i].soft == RLIM_INFINITY)
			printf("%9s ", "unlimited");
		else
			printf("%9llu ", v[i].soft);
		if (v[i].hard == RLIM_INFINITY)
			printf("%9s ", "unlimited");
		else
			printf("%9llu ", v[i].hard);
		printf("%5.1f%% ", v[i].pct);
		tri_out_fescape(stdout, v[i].comm, strlen(v[i].comm));
		putchar('\n');
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
		tri_json_kdouble(j, "pct", v[i].pct);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
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
	if ((v = top_collect(&n)) == NULL && n == 0 && errno != 0)
		err(TRI_EXIT_FAIL, "%s", tri_proc_root());
	qsort(v, n, sizeof(*v), cmp_count);
	if ((byp = malloc((n ? n : 1) * sizeof(*byp))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	if (n)
		memcpy(byp, v, n * sizeof(*v));
	qsort(byp, n, sizeof(*byp), cmp_pct);
	if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_kuint(&j, "file_nr", nr - unused);
		tri_json_kuint(&j, "file_max", max);
		tri_json_kdouble(&j, "file_pct", max ? 100.0 * (double)(nr -
		    unused) / (double)max : 0);
		top_json_list(&j, "by_count", c, v, n);
		top_json_list(&j, "by_pct", c, byp, n);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	} else {
		printf("system: %llu file handles in use of file-max %llu "
		    "(%.4f%%)\n\n", nr - unused, max, max ? 100.0 *
		    (double)(nr - unused) / (double)max : 0);
		top_table(c, "by fd count:", v, n);
		putchar('\n');
		top_table(c, "by % of the soft limit:", byp, n);
	}
	free(v);
	free(byp);
	return TRI_EXIT_OK;
}
