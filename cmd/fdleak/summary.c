/* cmd/fdleak/summary.c - the fd count against RLIMIT_NOFILE, with warnings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fdleak.h"
#include "fdverdict.h"
#include "prom.h"

#define SELECT_LIMIT	TRI_FDVERDICT_SELECT_LIMIT

struct typecount {
	const char	*type;
	unsigned long	 n;
};

/* Count fds by type, in order of first appearance; returns how many types. */
static size_t
count_types(const struct fdtab *t, struct typecount *tc, size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < n; k++)
			if (strcmp(tc[k].type, t->v[i].type) == 0)
				break;
		if (k == n) {
			if (n == max)
				continue;
			tc[n++] = (struct typecount){ t->v[i].type, 0 };
		}
		tc[k].n++;
	}
	return n;
}

static void
limit_text(FILE *f, unsigned long long v)
{
	if (v == RLIM_INFINITY)
		fputs("unlimited", f);
	else
		fprintf(f, "%llu", v);
}

void
summary_text(FILE *f, const struct fdtab *t, bool types)
{
	struct typecount tc[64];
	struct tri_fdverdict v;
	double pct;
	size_t i, n;

	tri_fdverdict_headroom(&v, t->count, t->soft, t->hard, t->maxfd);
	pct = v.used_percent;
	fprintf(f, "pid %d (", (int)t->pid);
	tri_out_fescape(f, t->comm, strlen(t->comm));
	fprintf(f, "): %lu fds open; soft limit ", t->count);
	limit_text(f, t->soft);
	fprintf(f, " (%.1f%%), hard limit ", pct);
	limit_text(f, t->hard);
	putc('\n', f);
	if (types) {
		n = count_types(t, tc, 64);
		fputs("by type:", f);
		for (i = 0; i < n; i++)
			fprintf(f, "%s %s %lu", i ? "," : "", tc[i].type,
			    tc[i].n);
		fputs(n ? "\n" : " none\n", f);
	}
	if (v.near_limit)
		fprintf(f, "%swarning:%s %.1f%% of the soft limit is used "
		    "(over %.0f%%): \"Too many open files\" is near\n",
		    tri_out_sgr("1;33"), tri_out_reset(), pct,
		    TRI_FDVERDICT_WARN_PERCENT);
	if (v.select_broken)
		fprintf(f, "%swarning:%s fd numbers reach %d (>= %d): "
		    "select() cannot watch them\n", tri_out_sgr("1;33"),
		    tri_out_reset(), t->maxfd, SELECT_LIMIT);
}

/* A limit in JSON: unlimited is null. */
void
json_limit(struct tri_json *j, const char *k, unsigned long long v)
{
	tri_json_kuint_or_null(j, k, v != RLIM_INFINITY, v);
}

void
summary_json(struct tri_json *j, const struct fdtab *t, bool types)
{
	struct typecount tc[64];
	struct tri_fdverdict v;
	size_t i, n;

	tri_fdverdict_headroom(&v, t->count, t->soft, t->hard, t->maxfd);
	tri_json_kint(j, "pid", t->pid);
	tri_json_kstr(j, "comm", t->comm);
	tri_json_kuint(j, "count", t->count);
	json_limit(j, "soft_limit", t->soft);
	json_limit(j, "hard_limit", t->hard);
	json_limit(j, "headroom", v.headroom);
	tri_json_kdouble(j, "used_percent", v.used_percent);
	tri_json_kint_or_null(j, "max_fd", t->maxfd >= 0, t->maxfd);
	if (types) {
		n = count_types(t, tc, 64);
		tri_json_key(j, "by_type");
		tri_json_arr_begin(j);
		for (i = 0; i < n; i++) {
			tri_json_obj_begin(j);
			tri_json_kstr(j, "type", tc[i].type);
			tri_json_kuint(j, "count", tc[i].n);
			tri_json_obj_end(j);
		}
		tri_json_arr_end(j);
	}
	tri_json_key(j, "warnings");
	tri_json_arr_begin(j);
	if (v.near_limit)
		tri_json_str(j, "over 80% of the soft limit");
	if (v.select_broken)
		tri_json_str(j, "fd numbers reach 1024: select() breaks");
	tri_json_arr_end(j);
	tri_json_kstr(j, "verdict", v.verdict);
}

void
prom_proc(struct tri_prom *pr, int k, pid_t pid, const char *comm,
    unsigned long count, unsigned long long soft, unsigned long long hard)
{
	static const char *const name[] = {
		"triage_fdleak_open_fds", "triage_fdleak_soft_limit_fds",
		"triage_fdleak_hard_limit_fds",
		"triage_fdleak_soft_limit_used_percent",
	};
	static const char *const help[] = {
		"Open file descriptors of the process.",
		"RLIMIT_NOFILE soft limit of the process.",
		"RLIMIT_NOFILE hard limit of the process.",
		"Open fds as a percentage of the soft limit.",
	};
	char spid[24];
	const char *labels[] = { "pid", spid, "comm", comm, NULL };
	double v;

	snprintf(spid, sizeof(spid), "%d", (int)pid);
	if ((k == 1 && soft == RLIM_INFINITY) ||
	    (k == 2 && hard == RLIM_INFINITY) ||
	    (k == 3 && (soft == RLIM_INFINITY || soft == 0)))
		return;
	v = k == 0 ? (double)count : k == 1 ? (double)soft : k == 2 ?
	    (double)hard : pct_of(count, soft);
	tri_prom_family(pr, name[k], "gauge", help[k]);
	tri_prom_sample(pr, name[k], labels, v);
}

/*
 * The fast headroom: the count is st_size of fd/, and the fd table is
 * read only when FDSize says fds at or above 1024 may exist, to find the
 * highest one.  No link is read.
 */
static int
summary_read(struct fdtab *t, const struct tri_proc *p)
{
	struct tri_status st;
	struct tri_stat ks;
	size_t n;
	int fddir, *fds;

	memset(t, 0, sizeof(*t));
	t->pid = p->pid;
	t->maxfd = -1;
	t->soft = t->hard = RLIM_INFINITY;

	if (tri_proc_read_stat(p, &ks) < 0)
		return -1;
	if (tri_proc_is_kthread(&ks)) {
		errno = E_KTHREAD;
		return -1;
	}
	if (tri_proc_read_status(p, &st) < 0)
		return -1;
	snprintf(t->comm, sizeof(t->comm), "%s", st.name);
	if (tri_proc_fd_count(p, &t->count) < 0 ||
	    limits_read(p, &t->soft, &t->hard) < 0)
		return -1;
	if (st.fdsize <= SELECT_LIMIT)
		return 0;
	if ((fddir = tri_proc_fd_opendir(p, false)) < 0)
		return -1;
	if ((fds = tri_proc_fd_list(fddir, &n)) != NULL) {
		t->maxfd = n ? fds[n - 1] : -1;
		free(fds);
	}
	close(fddir);
	return 0;
}

int
summary_run(const struct ctl *c)
{
	struct tri_proc p;
	struct tri_json j;
	struct tri_prom pr;
	struct fdtab t, *tabs;
	size_t i, k, ntabs = 0;
	int rc = TRI_EXIT_OK, failed = 0;

	if ((tabs = calloc(c->targets.n + 1, sizeof(*tabs))) == NULL)
		return TRI_EXIT_FAIL;
	if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "fdleak");
		tri_json_key(&j, "processes");
		tri_json_arr_begin(&j);
	}
	for (i = 0; i < c->targets.n; i++) {
		if (tri_proc_open(&p, c->targets.pids[i]) < 0 ||
		    (summary_read(&t, &p) < 0 && (tri_proc_close(&p), 1))) {
			warn_target(c->targets.pids[i], errno);
			failed = 1;
			continue;
		}
		tri_proc_close(&p);
		if (c->check && pct_of(t.count, t.soft) > c->max_pct)
			rc = TRI_EXIT_FOUND;
		if (c->prom) {
			tabs[ntabs++] = t;
			continue;
		}
		if (c->json) {
			tri_json_obj_begin(&j);
			summary_json(&j, &t, false);
			tri_json_obj_end(&j);
		} else
			summary_text(stdout, &t, false);
	}
	if (c->prom) {
		tri_prom_init(&pr, stdout);
		for (k = 0; k < 4; k++)
			for (i = 0; i < ntabs; i++)
				prom_proc(&pr, (int)k, tabs[i].pid,
				    tabs[i].comm, tabs[i].count, tabs[i].soft,
				    tabs[i].hard);
	}
	free(tabs);
	if (c->json) {
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	}
	return failed ? TRI_EXIT_FAIL : rc;
}
