/* cmd/memmap/summary.c - totals by kind, and the JSON of a snapshot. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "memmap.h"

void
group_totals(const struct snap *s, struct totals g[G_NGROUPS])
{
	size_t i;

	/* one walk in the records' order, each to its group */
	memset(g, 0, G_NGROUPS * sizeof(*g));
	for (i = 0; i < s->maps.n; i++)
		totals_add(&g[kind_group(s->info[i].kind)],
		    tri_maps_at(&s->maps, i), s->info[i].kind);
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
const struct snap **
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

/* The columns of the summary table, for -o. */
static const char *const sum_names[] = {
	"PID", "COMM", "GROUP", "COUNT", "KBYTES", "RSS", "PSS", "USS", "SWAP",
};
#define NSUM	9

/*
 * The summary columns -o names (all of them without -o), as indexes into
 * sum_names; returns how many, or -1 with *bad at the name that is not
 * one (its length in *badlen).
 */
int
summary_cols(const char *list, int *idx, const char **bad, size_t *badlen)
{
	const char *e;
	int n = 0, k;

	if (list == NULL) {
		for (k = 0; k < NSUM; k++)
			idx[k] = k;
		return NSUM;
	}
	for (;; list = e + 1) {
		e = strchrnul(list, ',');
		for (k = 0; k < NSUM; k++)
			if (strlen(sum_names[k]) == (size_t)(e - list) &&
			    strncasecmp(sum_names[k], list, (size_t)(e - list))
			    == 0)
				break;
		if (k == NSUM) {
			*bad = list;
			*badlen = (size_t)(e - list);
			return -1;
		}
		if (n < NSUM * 2)
			idx[n++] = k;
		if (*e == '\0')
			return n;
	}
}

/* -s -o with PID, COMM, GROUP, COUNT, KBYTES and RSS alone (no smaps). */
bool
summary_rss_only(const char *list)
{
	const char *bad;
	size_t badlen;
	int idx[NSUM * 2], n, k;

	if (list == NULL || (n = summary_cols(list, idx, &bad, &badlen)) < 0)
		return false;
	for (k = 0; k < n; k++)
		if (idx[k] > 5)		/* PSS, USS, SWAP */
			return false;
	return true;
}

static void
sum_row(struct tri_table *t, const struct ctl *ctl, const int *idx, int ncol,
    const struct snap *s, const char *name, const struct totals *g,
    bool values)
{
	char cell[NSUM][TRI_COMM_MAX * 4 + 8];
	int k;

	snprintf(cell[0], sizeof(cell[0]), "%d", (int)s->pid);
	if (ctl->raw)
		raw_escape(cell[1], sizeof(cell[1]), s->comm, strlen(s->comm));
	else
		tri_out_escape(cell[1], sizeof(cell[1]), s->comm,
		    strlen(s->comm));
	snprintf(cell[2], sizeof(cell[2]), "%s", name);
	snprintf(cell[3], sizeof(cell[3]), "%zu", g->n);
	snprintf(cell[4], sizeof(cell[4]), "%llu", g->size);
	snprintf(cell[5], sizeof(cell[5]), "%llu", g->rss);
	snprintf(cell[6], sizeof(cell[6]), "%llu", g->pss);
	snprintf(cell[7], sizeof(cell[7]), "%llu", g->uss);
	snprintf(cell[8], sizeof(cell[8]), "%llu", g->swap);
	for (k = 5; !values && k < NSUM; k++)
		snprintf(cell[k], sizeof(cell[k]), "-");
	for (k = 0; k < ncol; k++) {
		if (ctl->raw)
			printf("%s%s", cell[idx[k]], k < ncol - 1 ? " " : "\n");
		else
			tri_table_cell_raw(t, cell[idx[k]]);
	}
}

static void
sum_cols(struct tri_table *t, const struct ctl *ctl, const int *idx,
    int ncol)
{
	int k;

	tri_table_init(t);
	for (k = 0; k < ncol; k++)
		tri_table_col(t, sum_names[idx[k]], idx[k] == 1 || idx[k] == 2 ?
		    TRI_LEFT : TRI_RIGHT);
	if (ctl->raw && ctl->header)
		for (k = 0; k < ncol; k++)
			printf("%s%s", sum_names[idx[k]], k < ncol - 1 ? " " :
			    "\n");
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

	const char *bad;
	size_t badlen;
	int idx[NSUM * 2], ncol;

	if ((ncol = summary_cols(ctl->columns, idx, &bad, &badlen)) < 0)
		return -1;
	if ((v = order(ctl, s, nsnap, &n)) == NULL)
		return -1;
	sum_cols(&t, ctl, idx, ncol);
	for (i = 0; i < n; i++) {
		group_totals(v[i], g);
		for (k = 0; k < G_NGROUPS; k++)
			sum_row(&t, ctl, idx, ncol, v[i],
			    group_name((enum group)k), &g[k], v[i]->smaps);
		sum_row(&t, ctl, idx, ncol, v[i], "total", &v[i]->total,
		    v[i]->smaps || v[i]->have_rollup);
	}
	if (!ctl->raw)
		tri_table_print(&t, stdout, ctl->header);
	tri_table_free(&t);
	free(v);
	return 0;
}

/*
 * An smaps field as a JSON key of the vocabulary: "Private_Dirty" ->
 * "private_dirty_kb" (the unit last), "THPeligible" -> "thpeligible".
 */
static void
smaps_key(const struct tri_maps *m, int f, char *key, size_t size)
{
	const char *name = tri_maps_field_name(m, f);
	size_t i, n = 0;

	for (i = 0; name && name[i] && n + 4 < size; i++)
		if (isalnum((unsigned char)name[i]))
			key[n++] = (char)tolower((unsigned char)name[i]);
		else if (n > 0 && key[n - 1] != '_')
			key[n++] = '_';
	key[n] = '\0';
	if (m->kb_mask & (1ULL << f))
		snprintf(key + n, size - n, "_kb");
}

static void
json_mapping(const struct ctl *ctl, struct tri_json *j, const struct snap *s,
    size_t i)
{
	const struct tri_vma *v = tri_maps_at(&s->maps, i);
	const struct mapinfo *mi = &s->info[i];
	char buf[40], key[48];
	int k, f;

	tri_json_obj_begin(j);
	snprintf(buf, sizeof(buf), "0x%lx", v->start);
	tri_json_kstr(j, "start_address", buf);
	snprintf(buf, sizeof(buf), "0x%lx", v->end);
	tri_json_kstr(j, "end_address", buf);
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
	if (mi->kind == K_SHM && is_sysv(s, v))
		tri_json_kuint(j, "shmid", v->inode);
	tri_json_key(j, "path");
	tri_json_strn(j, tri_maps_path(&s->maps, v), v->path_len);
	if (ctl->extended && s->smaps) {
		tri_json_key(j, "smaps");
		tri_json_obj_begin(j);
		for (k = 0; k < s->maps.norder; k++) {
			f = s->maps.order[k];
			smaps_key(&s->maps, f, key, sizeof(key));
			tri_json_kuint(j, key, v->f[f]);
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
	tri_json_kargv(j, "cmdline", s->cmdline, s->cmdline_len);
	tri_json_kdouble(j, "start_time_unix", s->start_unix);
	tri_json_ktime_unix(j, s->wall);
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
		if (view_rows(ctl, s, &idx, &n) < 0)
			n = 0;
		for (i = 0; i < n; i++)
			json_mapping(ctl, j, s, idx ? idx[i] : i);
		free(idx);
		tri_json_arr_end(j);
	}
	tri_json_obj_end(j);
}
