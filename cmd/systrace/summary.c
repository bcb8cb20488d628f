/* cmd/systrace/summary.c - -c: counts, time and latency per call; --by. */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "systrace.h"

#define NBUCKET	320		/* 8 per power of two of nanoseconds */

struct stat_row {
	const char		*name;
	char			*key;		/* --by: the fd or path */
	unsigned long		 calls, errors;
	double			 secs, max;
	unsigned long long	 bytes_in, bytes_out;
	unsigned		*hist;		/* NBUCKET counts of wall time */
};

static struct stat_row	*rows;		/* by syscall number */
static size_t		 nrows;
static struct stat_row	*keyed;		/* --by */
static size_t		 nkeyed, capkeyed;

static int
bucket(double secs)
{
	double ns = secs * 1e9;
	int b;

	if (ns < 1)
		return 0;
	b = (int)(8 * log2(ns));
	return b < 0 ? 0 : b >= NBUCKET ? NBUCKET - 1 : b;
}

static void
row_add(struct stat_row *r, long ret, double secs, double wall, long in,
    long out)
{
	r->calls++;
	if (ret < 0 && ret > -4096)
		r->errors++;
	r->secs += secs;
	if (wall > r->max)
		r->max = wall;
	r->bytes_in += (unsigned long long)in;
	r->bytes_out += (unsigned long long)out;
	if (r->hist == NULL && (r->hist = calloc(NBUCKET, sizeof(*r->hist))) ==
	    NULL)
		return;
	r->hist[bucket(wall)]++;
}

static struct stat_row *
keyed_row(const char *key)
{
	size_t i;

	for (i = 0; i < nkeyed; i++)
		if (strcmp(keyed[i].key, key) == 0)
			return &keyed[i];
	if (nkeyed == capkeyed) {
		size_t cap = capkeyed ? capkeyed * 2 : 64;
		struct stat_row *p = realloc(keyed, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		keyed = p;
		capkeyed = cap;
	}
	memset(&keyed[nkeyed], 0, sizeof(keyed[0]));
	if ((keyed[nkeyed].key = strdup(key)) == NULL)
		return NULL;
	return &keyed[nkeyed++];
}

void
summary_add(struct ctl *ctl, struct tri_ptrace_task *t, long nr, long ret,
    double secs, double wall, long in, long out)
{
	struct task *k = t->user;
	struct stat_row *r;

	if (nr < 0)
		return;
	if ((size_t)nr >= nrows) {
		size_t n = (size_t)nr + 64;
		struct stat_row *p = realloc(rows, n * sizeof(*p));

		if (p == NULL)
			return;
		memset(p + nrows, 0, (n - nrows) * sizeof(*p));
		rows = p;
		nrows = n;
	}
	row_add(&rows[nr], ret, secs, wall, in, out);
	/* --by: the row trace.c chose (fd or path argument, returned fd) */
	if (ctl->by == BY_NONE || k->fdpath == NULL)
		return;
	if ((r = keyed_row(k->fdpath)) != NULL)
		row_add(r, ret, secs, wall, in, out);
}

static double
percentile(const struct stat_row *r, double q)
{
	unsigned long want = (unsigned long)ceil(q * (double)r->calls), seen = 0;
	double hi;
	int b;

	if (r->hist == NULL || r->calls == 0)
		return 0;
	for (b = 0; b < NBUCKET; b++) {
		seen += r->hist[b];
		if (seen >= want && seen > 0)
			break;
	}
	/* the bucket's upper edge, never above the largest seen */
	hi = pow(2, (b + 1) / 8.0) / 1e9;
	return hi < r->max ? hi : r->max;
}

static enum sortkey sort_by;

static int
cmp_rows(const void *a, const void *b)
{
	const struct stat_row *x = a, *y = b;
	double dx = 0, dy = 0;

	switch (sort_by) {
	case SORT_TIME: dx = x->secs; dy = y->secs; break;
	case SORT_CALLS: dx = (double)x->calls; dy = (double)y->calls; break;
	case SORT_ERRORS: dx = (double)x->errors; dy = (double)y->errors; break;
	case SORT_AVG:
		dx = x->calls ? x->secs / (double)x->calls : 0;
		dy = y->calls ? y->secs / (double)y->calls : 0;
		break;
	case SORT_P99: dx = percentile(x, .99); dy = percentile(y, .99); break;
	case SORT_MAX: dx = x->max; dy = y->max; break;
	case SORT_NAME:
		return strcmp(x->name ? x->name : x->key,
		    y->name ? y->name : y->key);
	case SORT_NONE:
		return 0;
	}
	return dx < dy ? 1 : dx > dy ? -1 : 0;
}

int
summary_sort_key(const char *s, enum sortkey *k)
{
	static const struct { const char *name; enum sortkey k; } keys[] = {
		{ "time", SORT_TIME }, { "calls", SORT_CALLS },
		{ "errors", SORT_ERRORS }, { "name", SORT_NAME },
		{ "avg", SORT_AVG }, { "p99", SORT_P99 }, { "max", SORT_MAX },
		{ "nothing", SORT_NONE },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(s, keys[i].name) == 0) {
			*k = keys[i].k;
			return 0;
		}
	return -1;
}

static const char RULE[] = "------ ----------- ----------- --------- --------- "
    "---------- ---------- ---------- ----------------\n";

static void
print_syscalls(struct ctl *ctl, FILE *f)
{
	struct stat_row *v, tot = { 0 };
	size_t i, n = 0;

	if ((v = calloc(nrows + 1, sizeof(*v))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < nrows; i++)
		if (rows[i].calls) {
			v[n] = rows[i];
			v[n++].name = tri_syscalls_name((long)i);
			/* tri_syscalls_name may reuse a buffer for unknown ones */
			v[n - 1].name = strdup(v[n - 1].name);
			tot.calls += rows[i].calls;
			tot.errors += rows[i].errors;
			tot.secs += rows[i].secs;
		}
	sort_by = ctl->sort;
	qsort(v, n, sizeof(*v), cmp_rows);
	if (ctl->header) {
		fprintf(f, "%% time     seconds  usecs/call     calls    errors "
		    "    p50-us     p99-us     max-us syscall\n");
		fputs(RULE, f);
	}
	for (i = 0; i < n; i++) {
		fprintf(f, "%6.2f %11.6f %11lu %9lu ", tot.secs > 0 ?
		    100 * v[i].secs / tot.secs : 0, v[i].secs,
		    (unsigned long)(1e6 * v[i].secs / (double)v[i].calls),
		    v[i].calls);
		if (v[i].errors)
			fprintf(f, "%9lu ", v[i].errors);
		else
			fprintf(f, "%9s ", "");
		fprintf(f, "%10.1f %10.1f %10.1f %s\n", 1e6 * percentile(&v[i],
		    .5), 1e6 * percentile(&v[i], .99), 1e6 * v[i].max,
		    v[i].name);
		free((char *)v[i].name);
	}
	if (!ctl->header) {
		free(v);
		return;		/* rows only, for awk */
	}
	fputs(RULE, f);
	fprintf(f, "%6.2f %11.6f %11lu %9lu ", 100.0, tot.secs, tot.calls ?
	    (unsigned long)(1e6 * tot.secs / (double)tot.calls) : 0, tot.calls);
	if (tot.errors)
		fprintf(f, "%9lu ", tot.errors);
	else
		fprintf(f, "%9s ", "");
	fprintf(f, "%10s %10s %10s total\n", "", "", "");
	free(v);
}

static void
print_keyed(struct ctl *ctl, FILE *f)
{
	size_t i;

	sort_by = ctl->sort;
	qsort(keyed, nkeyed, sizeof(*keyed), cmp_rows);
	if (ctl->header)
		fprintf(f, "%9s %9s %12s %12s %11s %10s %s\n", "calls", "errors",
		    "bytes-read", "bytes-written", "seconds", "max-us",
		    ctl->by == BY_FD ? "fd" : "path");
	for (i = 0; i < nkeyed; i++) {
		fprintf(f, "%9lu %9lu %12llu %12llu %11.6f %10.1f ",
		    keyed[i].calls, keyed[i].errors, keyed[i].bytes_in,
		    keyed[i].bytes_out, keyed[i].secs, 1e6 * keyed[i].max);
		tri_out_fescape(f, keyed[i].key, strlen(keyed[i].key));
		fputc('\n', f);
	}
}

static void
json_row(struct tri_json *j, const struct stat_row *r, bool by_key)
{
	tri_json_obj_begin(j);
	tri_json_kstr(j, by_key ? "key" : "name", by_key ? r->key : r->name);
	tri_json_kuint(j, "calls", r->calls);
	tri_json_kuint(j, "errors", r->errors);
	tri_json_kdouble(j, "total_seconds", r->secs);
	tri_json_kdouble(j, "p50_seconds", percentile(r, .5));
	tri_json_kdouble(j, "p99_seconds", percentile(r, .99));
	tri_json_kdouble(j, "max_seconds", r->max);
	if (by_key) {
		tri_json_kuint(j, "read_bytes", r->bytes_in);
		tri_json_kuint(j, "written_bytes", r->bytes_out);
	}
	tri_json_obj_end(j);
}

/* --json -c: one "summary" object with the rows of the table. */
static void
print_json(struct ctl *ctl, FILE *f)
{
	struct tri_json j;
	size_t i;

	sort_by = ctl->sort;
	tri_json_init(&j, f, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "systrace");
	tri_json_kstr(&j, "type", "summary");
	if (ctl->by != BY_NONE) {
		qsort(keyed, nkeyed, sizeof(*keyed), cmp_rows);
		tri_json_kstr(&j, "by", ctl->by == BY_FD ? "fd" : "path");
		tri_json_key(&j, "rows");
		tri_json_arr_begin(&j);
		for (i = 0; i < nkeyed; i++)
			json_row(&j, &keyed[i], true);
	} else {
		tri_json_key(&j, "syscalls");
		tri_json_arr_begin(&j);
		for (i = 0; i < nrows; i++)
			if (rows[i].calls) {
				rows[i].name = tri_syscalls_name((long)i);
				json_row(&j, &rows[i], false);
			}
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

void
summary_print(struct ctl *ctl)
{
	if (ctl->json)
		print_json(ctl, ctl->out);
	else if (ctl->by != BY_NONE)
		print_keyed(ctl, ctl->out);
	else
		print_syscalls(ctl, ctl->out);
}
