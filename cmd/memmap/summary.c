/* cmd/memmap/summary.c - totals by kind, and the JSON of a snapshot. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "memmap.h"

static void
group_totals(const struct snap *s, struct totals g[G_NGROUPS])
{
	size_t *idx, n, i;
	int k;

	if ((idx = malloc((s->maps.n ? s->maps.n : 1) * sizeof(*idx))) == NULL)
		return;
	for (k = 0; k < G_NGROUPS; k++) {
		for (n = 0, i = 0; i < s->maps.n; i++)
			if (kind_group(s->info[i].kind) == (enum group)k)
				idx[n++] = i;
		snap_totals(s, idx, n, &g[k]);
	}
	free(idx);
}

static unsigned long long
total_key(const struct totals *t, enum sortkey k)
{
	switch (k) {
	case SORT_RSS:	return t->rss;
	case SORT_PSS:	return t->pss;
	case SORT_SWAP:	return t->swap;
	case SORT_SIZE:	return t->size;
	default:	return 0;
	}
}

static enum sortkey cmp_key;

static int
cmp_snap(const void *a, const void *b)
{
	const struct snap *x = *(const struct snap *const *)a;
	const struct snap *y = *(const struct snap *const *)b;
	unsigned long long p = total_key(&x->total, cmp_key);
	unsigned long long q = total_key(&y->total, cmp_key);

	if (p != q)
		return p < q ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The processes to show: sorted by --sort, cut at --top. */
static const struct snap **
order(const struct ctl *ctl, struct snap *s, size_t nsnap, size_t *n)
{
	const struct snap **v;
	size_t i;

	if ((v = malloc((nsnap ? nsnap : 1) * sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < nsnap; i++)
		v[i] = &s[i];
	if (ctl->sort != SORT_NONE) {
		cmp_key = ctl->sort;
		qsort(v, nsnap, sizeof(*v), cmp_snap);
	}
	*n = ctl->top && ctl->top < nsnap ? ctl->top : nsnap;
	return v;
}

static void
sum_row(struct tri_table *t, const struct snap *s, const char *name,
    const struct totals *g, bool values)
{
	tri_table_cellf(t, "%d", (int)s->pid);
	tri_table_cell(t, s->comm, strlen(s->comm));
	tri_table_cell_raw(t, name);
	tri_table_cellf(t, "%zu", g->n);
	tri_table_cellf(t, "%llu", g->size);
	if (values) {
		tri_table_cellf(t, "%llu", g->rss);
		tri_table_cellf(t, "%llu", g->pss);
		tri_table_cellf(t, "%llu", g->uss);
		tri_table_cellf(t, "%llu", g->swap);
	} else {
		tri_table_cell_raw(t, "-");
		tri_table_cell_raw(t, "-");
		tri_table_cell_raw(t, "-");
		tri_table_cell_raw(t, "-");
	}
}

static void
sum_cols(struct tri_table *t)
{
	tri_table_init(t);
	tri_table_col(t, "PID", TRI_RIGHT);
	tri_table_col(t, "COMM", TRI_LEFT);
	tri_table_col(t, "GROUP", TRI_LEFT);
	tri_table_col(t, "COUNT", TRI_RIGHT);
	tri_table_col(t, "KBYTES", TRI_RIGHT);
	tri_table_col(t, "RSS", TRI_RIGHT);
	tri_table_col(t, "PSS", TRI_RIGHT);
	tri_table_col(t, "USS", TRI_RIGHT);
	tri_table_col(t, "SWAP", TRI_RIGHT);
}

static void
json_totals(struct tri_json *j, const struct totals *t, bool values)
{
	tri_json_kuint(j, "count", t->n);
	tri_json_kuint(j, "size_kb", t->size);
	if (!values)
		return;
	tri_json_kuint(j, "rss_kb", t->rss);
	tri_json_kuint(j, "pss_kb", t->pss);
	tri_json_kuint(j, "uss_kb", t->uss);
	tri_json_kuint(j, "dirty_kb", t->dirty);
	tri_json_kuint(j, "swap_kb", t->swap);
	tri_json_kuint(j, "locked_kb", t->locked);
}

static void
json_summary(struct tri_json *j, const struct snap *s)
{
	struct totals g[G_NGROUPS];
	int k;

	group_totals(s, g);
	tri_json_key(j, "summary");
	tri_json_arr_begin(j);
	for (k = 0; k < G_NGROUPS; k++) {
		tri_json_obj_begin(j);
		tri_json_kstr(j, "group", group_name((enum group)k));
		json_totals(j, &g[k], s->smaps);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

int
view_summary(const struct ctl *ctl, struct snap *s, size_t nsnap)
{
	struct totals g[G_NGROUPS];
	const struct snap **v;
	struct tri_table t;
	size_t n, i;
	int k;

	if ((v = order(ctl, s, nsnap, &n)) == NULL)
		return -1;
	sum_cols(&t);
	for (i = 0; i < n; i++) {
		group_totals(v[i], g);
		for (k = 0; k < G_NGROUPS; k++)
			sum_row(&t, v[i], group_name((enum group)k), &g[k],
			    v[i]->smaps);
		sum_row(&t, v[i], "total", &v[i]->total,
		    v[i]->smaps || v[i]->have_rollup);
	}
	tri_table_print(&t, stdout, ctl->header);
	tri_table_free(&t);
	free(v);
	return 0;
}

static void
json_mapping(const struct ctl *ctl, struct tri_json *j, const struct snap *s,
    size_t i)
{
	const struct tri_vma *v = &s->maps.v[i];
	const struct mapinfo *mi = &s->info[i];
	char buf[40];
	int k, f;

	tri_json_obj_begin(j);
	snprintf(buf, sizeof(buf), "0x%lx", v->start);
	tri_json_kstr(j, "start", buf);
	snprintf(buf, sizeof(buf), "0x%lx", v->end);
	tri_json_kstr(j, "end", buf);
	tri_json_kuint(j, "size_kb", (v->end - v->start) / 1024);
	if (s->smaps) {
		tri_json_kuint(j, "rss_kb", v->f[TRI_SM_RSS]);
		tri_json_kuint(j, "pss_kb", v->f[TRI_SM_PSS]);
		tri_json_kuint(j, "uss_kb", vma_uss(v));
		tri_json_kuint(j, "dirty_kb", vma_dirty(v));
		tri_json_kuint(j, "swap_kb", v->f[TRI_SM_SWAP]);
	}
	tri_json_kstr(j, "perms", v->perms);
	tri_json_kuint(j, "offset", v->offset);
	snprintf(buf, sizeof(buf), "%02x:%02x", v->dev_major, v->dev_minor);
	tri_json_kstr(j, "dev", buf);
	tri_json_kuint(j, "inode", v->inode);
	tri_json_kstr(j, "kind", kind_name(mi->kind));
	if (mi->tid >= 0)
		tri_json_kint(j, "tid", mi->tid);
	if (mi->note == N_ARENA_RESERVE)
		tri_json_kstr(j, "note", "arena reserve");
	else if (mi->note == N_GO_RESERVE)
		tri_json_kstr(j, "note", "go arena reserve");
	else if (mi->note == N_TID_UNKNOWN)
		tri_json_kstr(j, "note", "tid unknown");
	tri_json_key(j, "path");
	tri_json_strn(j, tri_maps_path(&s->maps, v), v->path_len);
	if (ctl->extended && s->smaps) {
		tri_json_key(j, "smaps");
		tri_json_obj_begin(j);
		for (k = 0; k < s->maps.norder; k++) {
			f = s->maps.order[k];
			tri_json_kuint(j, tri_maps_field_name(&s->maps, f),
			    v->f[f]);
		}
		tri_json_obj_end(j);
		tri_json_kstr(j, "vmflags", tri_maps_vmflags(&s->maps, v));
	}
	tri_json_obj_end(j);
}

static void
json_limits(struct tri_json *j, const struct snap *s)
{
	const struct tri_memverdict *l = &s->lim;

	tri_json_key(j, "limits");
	tri_json_obj_begin(j);
	tri_json_kuint(j, "mappings", l->map_count);
	if (l->max_map_count)
		tri_json_kuint(j, "max_map_count", l->max_map_count);
	if (l->have_cgroup) {
		tri_json_kstr(j, "cgroup", l->cgroup);
		tri_json_kuint(j, "cgroup_limit_bytes", l->cg_limit);
		tri_json_kuint(j, "cgroup_usage_bytes", l->cg_usage);
		tri_json_kuint(j, "cgroup_headroom_bytes",
		    l->cg_limit > l->cg_usage ? l->cg_limit - l->cg_usage : 0);
	}
	tri_json_kuint(j, "locked_kb", l->locked_kb);
	if (l->have_memlock && l->memlock != RLIM_INFINITY)
		tri_json_kuint(j, "memlock_limit_bytes", l->memlock);
	else if (l->have_memlock)
		tri_json_kstr(j, "memlock_limit_bytes", "unlimited");
	tri_json_kuint(j, "swap_kb", l->swap_kb);
	tri_json_kstr(j, "level", tri_memverdict_level_name(l->level));
	tri_json_kstr(j, "verdict", l->verdict);
	tri_json_obj_end(j);
}

/* One process of a snapshot document; --diff reads it back. */
void
json_snap(const struct ctl *ctl, struct tri_json *j, const struct snap *s)
{
	size_t i, n, *idx;

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", s->pid);
	tri_json_key(j, "comm");
	tri_json_strn(j, s->comm, strlen(s->comm));
	tri_json_kuint(j, "starttime", s->starttime);
	/* %.6g would round seconds since 1970 to 10 s: write milliseconds */
	tri_json_kuint(j, "time_ms", (unsigned long long)(s->wall * 1000));
	tri_json_kstr(j, "source", s->smaps ? "smaps" : "maps");
	tri_json_kbool(j, "settled", s->settled);
	tri_json_kint(j, "tries", s->tries);
	tri_json_key(j, "total");
	tri_json_obj_begin(j);
	json_totals(j, &s->total, s->smaps || s->have_rollup);
	tri_json_kuint(j, "stacks", s->total.stacks);
	tri_json_obj_end(j);
	json_limits(j, s);
	if (ctl->summary) {
		json_summary(j, s);
	} else {
		tri_json_key(j, "mappings");
		tri_json_arr_begin(j);
		idx = view_rows(ctl, s, &n);
		for (i = 0; idx && i < n; i++)
			json_mapping(ctl, j, s, idx[i]);
		free(idx);
		tri_json_arr_end(j);
	}
	tri_json_obj_end(j);
}
