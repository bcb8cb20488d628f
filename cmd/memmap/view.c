/* cmd/memmap/view.c - the map table, formatted by hand for speed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "memmap.h"

/*
 * The table is formatted by hand into one buffer rather than through
 * tri_table or printf: -X on 50,000 mappings is over a million cells,
 * and memmap must stay close to the cost of the kernel's smaps text.
 */

#define LABEL_MAX	8192
#define MAXCOLS		(TRI_SM_MAX + 8)

struct obuf {
	char	 b[1 << 16];
	size_t	 n;
};

static void
oflush(struct obuf *o)
{
	fwrite(o->b, 1, o->n, stdout);
	o->n = 0;
}

static void
oput(struct obuf *o, const char *s, size_t len)
{
	if (o->n + len > sizeof(o->b))
		oflush(o);
	if (len > sizeof(o->b)) {
		fwrite(s, 1, len, stdout);
		return;
	}
	memcpy(o->b + o->n, s, len);
	o->n += len;
}

static void
ostr(struct obuf *o, const char *s)
{
	oput(o, s, strlen(s));
}

static void
opad(struct obuf *o, size_t n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		oput(o, sp, k);
		n -= k;
	}
}

/* A right-aligned number in width w, then a space. */
static void
onum(struct obuf *o, unsigned long long v, size_t w)
{
	if (o->n + w + 24 > sizeof(o->b))
		oflush(o);
	o->n = (size_t)(tri_out_put_num(o->b + o->n, v, w) - o->b);
}

static void
ocell(struct obuf *o, const char *s, size_t w, bool right)
{
	size_t len = strlen(s);

	if (right && w > len)
		opad(o, w - len);
	oput(o, s, len);
	if (!right && w > len)
		opad(o, w - len);
	oput(o, " ", 1);
}

void
fmt_kb(char *buf, size_t size, unsigned long long kb)
{
	static const char units[] = "KMGTP";
	double v = (double)kb;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lluK", kb);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
}

/* The columns of the map table: a value getter per numeric column. */
enum col { C_SIZE, C_RSS, C_PSS, C_DIRTY, C_SWAP, C_OFFSET, C_INODE,
	C_FIELD };

struct column {
	enum col	 c;
	int		 field;		/* C_FIELD: smaps field */
	const char	*name;
	size_t		 w;
};

static unsigned long long
col_value(const struct column *c, const struct tri_vma *v)
{
	switch (c->c) {
	case C_SIZE:	return (v->end - v->start) / 1024;
	case C_RSS:	return v->f[TRI_SM_RSS];
	case C_PSS:	return v->f[TRI_SM_PSS];
	case C_DIRTY:	return vma_dirty(v);
	case C_SWAP:	return v->f[TRI_SM_SWAP];
	case C_OFFSET:	return v->offset;
	case C_INODE:	return v->inode;
	default:	return v->f[c->field];
	}
}

static int
add_col(struct column *cols, int n, enum col c, int field, const char *name)
{
	cols[n].c = c;
	cols[n].field = field;
	cols[n].name = name;
	cols[n].w = strlen(name);
	return n + 1;
}

static int
make_cols(const struct ctl *ctl, const struct snap *s, struct column *cols)
{
	int n = 0, i, f;

	n = add_col(cols, n, C_SIZE, 0, "KBYTES");
	if (!s->smaps)
		return n;
	if (!ctl->extended) {
		n = add_col(cols, n, C_RSS, 0, "RSS");
		n = add_col(cols, n, C_PSS, 0, "PSS");
		n = add_col(cols, n, C_DIRTY, 0, "DIRTY");
		return add_col(cols, n, C_SWAP, 0, "SWAP");
	}
	n = add_col(cols, n, C_OFFSET, 0, "OFFSET");
	n = add_col(cols, n, C_INODE, 0, "INODE");
	for (i = 0; i < s->maps.norder && n < MAXCOLS; i++) {
		f = s->maps.order[i];
		if (f == TRI_SM_SIZE)
			continue;
		n = add_col(cols, n, C_FIELD, f, tri_maps_field_name(&s->maps, f));
	}
	return n;
}

static const struct snap *sort_snap;
static enum sortkey sort_key;

static int
cmp_idx(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	unsigned long long x = vma_key(&sort_snap->maps.v[i], sort_key);
	unsigned long long y = vma_key(&sort_snap->maps.v[j], sort_key);

	if (x != y)
		return x < y ? 1 : -1;
	return i < j ? -1 : i > j;
}

/* The rows to show, in order: sorted by --sort, cut at --top. */
size_t *
view_rows(const struct ctl *ctl, const struct snap *s, size_t *n)
{
	size_t *idx, i;

	if ((idx = malloc((s->maps.n ? s->maps.n : 1) * sizeof(*idx))) == NULL)
		return NULL;
	for (i = 0; i < s->maps.n; i++)
		idx[i] = i;
	*n = s->maps.n;
	if (ctl->sort != SORT_NONE) {
		sort_snap = s;
		sort_key = ctl->sort;
		qsort(idx, *n, sizeof(*idx), cmp_idx);
	}
	if (ctl->top && ctl->top < *n)
		*n = ctl->top;
	return idx;
}

static void
widths(const struct snap *s, const size_t *idx, size_t n,
    struct column *cols, int ncols, size_t *kindw)
{
	size_t k, d;
	int c;

	*kindw = 4;
	for (k = 0; k < n; k++) {
		const struct tri_vma *v = &s->maps.v[idx[k]];

		for (c = 0; c < ncols; c++)
			if ((d = tri_out_digits(col_value(&cols[c], v))) > cols[c].w)
				cols[c].w = d;
		d = strlen(kind_name(s->info[idx[k]].kind));
		if (d > *kindw)
			*kindw = d;
	}
}

/* Room for the fixed part of a row, written without bounds checks. */
#define ROW_FIXED	(32 + MAXCOLS * 24 + 64 + VMFLAGS_MAX)
#define VMFLAGS_MAX	200

static char *
put_hex16(char *p, unsigned long v)
{
	int k;

	for (k = 15; k >= 0; k--) {
		p[k] = "0123456789abcdef"[v & 15];
		v >>= 4;
	}
	p[16] = ' ';
	return p + 17;
}

/* VmFlags "rd wr mr" as one column: "rd,wr,mr". */
static char *
put_flags(char *p, const char *fl)
{
	size_t j;

	if (*fl == '\0')
		*p++ = '-';
	for (j = 0; fl[j] && j < VMFLAGS_MAX; j++)
		*p++ = fl[j] == ' ' ? ',' : fl[j];
	*p++ = ' ';
	return p;
}

static void
print_row(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    size_t i, const struct column *cols, int ncols, size_t kindw)
{
	const struct tri_vma *v = &s->maps.v[i];
	char label[LABEL_MAX], *p;
	int c;

	if (o->n + ROW_FIXED > sizeof(o->b))
		oflush(o);
	p = put_hex16(o->b + o->n, v->start);
	for (c = 0; c < ncols; c++)
		p = tri_out_put_num(p, col_value(&cols[c], v), cols[c].w);
	p = tri_out_put_word(p, v->perms, 4);
	p = tri_out_put_word(p, kind_name(s->info[i].kind), kindw);
	if (ctl->extended && s->smaps)
		p = put_flags(p, tri_maps_vmflags(&s->maps, v));
	o->n = (size_t)(p - o->b);
	ostr(o, vma_label(s, i, label, sizeof(label)));
	oput(o, "\n", 1);
}

static void
print_head(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    const struct column *cols, int ncols, size_t kindw)
{
	int c;

	ocell(o, "ADDRESS", 16, false);
	for (c = 0; c < ncols; c++)
		ocell(o, cols[c].name, cols[c].w, true);
	ocell(o, "MODE", 4, false);
	ocell(o, "KIND", kindw, false);
	if (ctl->extended && s->smaps)
		ocell(o, "VMFLAGS", 0, false);
	ostr(o, "MAPPING\n");
}

static void
print_total(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    const struct column *cols, int ncols, size_t kindw)
{
	struct tri_vma sum;
	char buf[64];
	size_t i;
	int c, f;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < s->maps.n; i++) {
		const struct tri_vma *v = &s->maps.v[i];

		sum.end += v->end - v->start;
		for (f = 0; f < TRI_SM_MAX; f++)
			sum.f[f] += v->f[f];
	}
	ocell(o, "total", 16, false);
	for (c = 0; c < ncols; c++) {
		if (cols[c].c == C_OFFSET || cols[c].c == C_INODE ||
		    (cols[c].c == C_FIELD &&
		    !(s->maps.kb_mask & (1ULL << cols[c].field))))
			ocell(o, "-", cols[c].w, true);
		else
			onum(o, col_value(&cols[c], &sum), cols[c].w);
	}
	ocell(o, "", 4, false);
	ocell(o, "", kindw, false);
	if (ctl->extended && s->smaps)
		ocell(o, "", 0, false);
	snprintf(buf, sizeof(buf), "%zu mappings\n", s->maps.n);
	ostr(o, buf);
}

/* " NEAR LIMIT" / " OVER LIMIT" in red for that check's level, else "". */
static const char *
near(const struct tri_memverdict *l, enum tri_memverdict_what w)
{
	static char buf[64];

	if (l->check[w].level == TRI_MEMVERDICT_OK)
		return "";
	snprintf(buf, sizeof(buf), " %s%s LIMIT%s", tri_out_sgr("1;31"),
	    l->check[w].level == TRI_MEMVERDICT_OVER ? "OVER" : "NEAR",
	    tri_out_reset());
	return buf;
}

static void
print_limits(struct obuf *o, const struct snap *s)
{
	const struct tri_memverdict *l = &s->lim;
	char buf[1024], a[32], b[32], c[32], d[32], path[600];

	if (l->check[TRI_MV_MAPS].known) {
		snprintf(buf, sizeof(buf), "limit mappings %zu of %zu "
		    "vm.max_map_count (%.1f%%)%s\n", l->map_count,
		    l->max_map_count, l->check[TRI_MV_MAPS].percent,
		    near(l, TRI_MV_MAPS));
		ostr(o, buf);
	}
	if (l->check[TRI_MV_CGROUP].known) {
		fmt_kb(a, sizeof(a), l->cg_usage / 1024);
		fmt_kb(b, sizeof(b), l->cg_limit / 1024);
		fmt_kb(c, sizeof(c), l->cg_limit > l->cg_usage ?
		    (l->cg_limit - l->cg_usage) / 1024 : 0);
		fmt_kb(d, sizeof(d), l->rss_kb);
		tri_out_escape(path, sizeof(path), l->cgroup, strlen(l->cgroup));
		snprintf(buf, sizeof(buf), "limit cgroup memory %s of %s "
		    "(%.1f%%), headroom %s, this process rss %s: %s%s\n", a, b,
		    l->check[TRI_MV_CGROUP].percent, c, d, path,
		    near(l, TRI_MV_CGROUP));
		ostr(o, buf);
	}
	if (l->have_memlock) {
		fmt_kb(a, sizeof(a), l->locked_kb);
		if (l->memlock == RLIM_INFINITY)
			snprintf(b, sizeof(b), "unlimited");
		else
			fmt_kb(b, sizeof(b), l->memlock / 1024);
		snprintf(buf, sizeof(buf), "limit locked %s of %s "
		    "RLIMIT_MEMLOCK%s\n", a, b, near(l, TRI_MV_MEMLOCK));
		ostr(o, buf);
	}
	if (l->swap_kb > 0) {
		fmt_kb(a, sizeof(a), l->swap_kb);
		snprintf(buf, sizeof(buf), "limit swap %s in use%s\n", a,
		    near(l, TRI_MV_SWAP));
		ostr(o, buf);
	}
	if (l->level != TRI_MEMVERDICT_OK) {
		snprintf(buf, sizeof(buf), "verdict %s: %s\n",
		    tri_memverdict_level_name(l->level), l->verdict);
		ostr(o, buf);
	}
}

static int
view_one(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    bool title)
{
	struct column cols[MAXCOLS];
	size_t *idx, n, k, kindw;
	char buf[TRI_COMM_MAX * 4 + 64], comm[TRI_COMM_MAX * 4];
	int ncols;

	if ((idx = view_rows(ctl, s, &n)) == NULL)
		return -1;
	ncols = make_cols(ctl, s, cols);
	widths(s, idx, n, cols, ncols, &kindw);
	if (ctl->header && title) {
		tri_out_escape(comm, sizeof(comm), s->comm, strlen(s->comm));
		snprintf(buf, sizeof(buf), "%d: %s\n", (int)s->pid, comm);
		ostr(o, buf);
	}
	if (ctl->header)
		print_head(o, ctl, s, cols, ncols, kindw);
	for (k = 0; k < n; k++)
		print_row(o, ctl, s, idx[k], cols, ncols, kindw);
	if (ctl->header) {
		print_total(o, ctl, s, cols, ncols, kindw);
		print_limits(o, s);
	}
	free(idx);
	return 0;
}

int
view_maps(const struct ctl *ctl, struct snap *s, size_t nsnap)
{
	struct obuf *o;
	size_t i;

	if ((o = malloc(sizeof(*o))) == NULL)
		return -1;
	o->n = 0;
	for (i = 0; i < nsnap; i++) {
		if (i > 0 && ctl->header)
			ostr(o, "\n");
		view_one(o, ctl, &s[i], nsnap > 1 || ctl->header);
	}
	oflush(o);
	free(o);
	return 0;
}
