/* cmd/memmap/view.c - the map table, formatted by hand for speed. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The columns of the map table.  -o picks them by name; the default is
 * pmap -x's set (and PSS and SWAP), -X adds every smaps field.  The
 * writer stays our own rather than libsmartcols: at -X on 50,000
 * mappings a cell is a few nanoseconds here, and a table library that
 * keeps every cell as a string would cost memmap its peak RSS target
 * (issue 15: no more than pmap's).
 */
enum col { C_ADDRESS, C_END, C_SIZE, C_RSS, C_PSS, C_USS, C_DIRTY, C_SWAP,
	C_OFFSET, C_DEV, C_INODE, C_FIELD, C_MODE, C_KIND, C_VMFLAGS,
	C_MAPPING };

struct column {
	enum col	 c;
	int		 field;		/* C_FIELD: smaps field */
	const char	*name;
	size_t		 w;
};

static const struct {
	const char	*name;
	enum col	 c;
	bool		 smaps;		/* needs smaps */
	const char	*help;
} colnames[] = {
	{ "ADDRESS", C_ADDRESS, false, "start address" },
	{ "END", C_END, false, "end address" },
	{ "KBYTES", C_SIZE, false, "size, kB" },
	{ "RSS", C_RSS, true, "resident, kB" },
	{ "PSS", C_PSS, true, "proportional set size, kB" },
	{ "USS", C_USS, true, "private pages, kB" },
	{ "DIRTY", C_DIRTY, true, "dirty pages, kB (as pmap -x)" },
	{ "SWAP", C_SWAP, true, "swapped out, kB" },
	{ "OFFSET", C_OFFSET, false, "offset in the file" },
	{ "DEV", C_DEV, false, "device major:minor" },
	{ "INODE", C_INODE, false, "inode (the shmid of SysV shm)" },
	{ "MODE", C_MODE, false, "permissions" },
	{ "KIND", C_KIND, false, "what the mapping is" },
	{ "VMFLAGS", C_VMFLAGS, true, "the kernel's VmFlags" },
	{ "MAPPING", C_MAPPING, false, "path, or what memmap found" },
};
#define NCOLNAMES	(sizeof(colnames) / sizeof(colnames[0]))

static int
add_col(struct column *cols, int n, enum col c, int field, const char *name)
{
	if (n >= MAXCOLS)
		return n;
	cols[n].c = c;
	cols[n].field = field;
	cols[n].name = name;
	cols[n].w = strlen(name);
	return n + 1;
}

/* Column name -> index into colnames, or -1; *field for an smaps field. */
static int
col_lookup(const struct tri_maps *m, const char *name, size_t len, int *field)
{
	size_t i;

	for (i = 0; i < NCOLNAMES; i++)
		if (strlen(colnames[i].name) == len &&
		    strncasecmp(colnames[i].name, name, len) == 0)
			return (int)i;
	*field = tri_maps_field_index(m, name, len);
	return -1;
}

void
columns_check_or_exit(const struct ctl *ctl)
{
	struct tri_maps m;
	const char *s = ctl->columns, *e;
	char *esc;
	size_t i;
	int k, f;

	if (s == NULL)
		return;
	if (strcmp(s, "help") == 0) {
		for (i = 0; i < NCOLNAMES; i++)
			printf("%-8s %s\n", colnames[i].name, colnames[i].help);
		printf("and any field of smaps (Rss, Private_Dirty, "
		    "Anonymous...)\n");
		exit(TRI_EXIT_OK);
	}
	if (ctl->summary) {
		int idx[32];
		const char *bad;
		size_t badlen;

		if (summary_cols(s, idx, &bad, &badlen) < 0) {
			esc = tri_out_escape_dup(bad, badlen);
			errx(TRI_EXIT_FAIL, "-o %s: no such column (one of: "
			    "PID, COMM, GROUP, COUNT, KBYTES, RSS, PSS, USS, "
			    "SWAP)", esc ? esc : "?");
		}
		return;
	}
	tri_maps_init(&m);
	for (; ; s = e + 1) {
		e = strchrnul(s, ',');
		f = -1;
		k = col_lookup(&m, s, (size_t)(e - s), &f);
		if ((k < 0 && f < 0) || (ctl->maps_only && (f >= 0 ||
		    (k >= 0 && colnames[k].smaps)))) {
			esc = tri_out_escape_dup(s, (size_t)(e - s));
			errx(TRI_EXIT_FAIL, "-o %s: %s", esc ? esc : "?",
			    k < 0 && f < 0 ? "no such column (-o help lists "
			    "them)" : "needs smaps, not --maps-only");
		}
		if (*e == '\0')
			break;
	}
}

uint64_t
columns_fields(const struct ctl *ctl)
{
	struct tri_maps m;
	const char *p, *e;
	uint64_t mask = 0;
	int f, k;

	if (ctl->columns == NULL || ctl->summary)
		return 0;
	tri_maps_init(&m);
	for (p = ctl->columns; ; p = e + 1) {
		e = strchrnul(p, ',');
		f = -1;
		k = col_lookup(&m, p, (size_t)(e - p), &f);
		if (k < 0 && f >= 0)
			mask |= 1ULL << f;
		if (*e == '\0')
			break;
	}
	return mask;
}

bool
columns_rss_only(const struct ctl *ctl)
{
	struct tri_maps m;
	const char *p, *e;
	int f, k;

	if (ctl->columns == NULL || ctl->summary)
		return false;
	tri_maps_init(&m);
	for (p = ctl->columns; ; p = e + 1) {
		e = strchrnul(p, ',');
		f = -1;
		k = col_lookup(&m, p, (size_t)(e - p), &f);
		if (k < 0 || (colnames[k].smaps && colnames[k].c != C_RSS))
			return false;
		if (*e == '\0')
			return true;
	}
}

static int
make_cols(const struct ctl *ctl, const struct snap *s, struct column *cols)
{
	const char *p, *e;
	int n = 0, i, f, k;

	if (ctl->columns) {
		for (p = ctl->columns; ; p = e + 1) {
			e = strchrnul(p, ',');
			f = -1;
			k = col_lookup(&s->maps, p, (size_t)(e - p), &f);
			if (k >= 0)
				n = add_col(cols, n, colnames[k].c, 0,
				    colnames[k].name);
			else if (f >= 0)
				n = add_col(cols, n, C_FIELD, f,
				    tri_maps_field_name(&s->maps, f));
			if (*e == '\0')
				break;
		}
		return n;
	}
	n = add_col(cols, n, C_ADDRESS, 0, "ADDRESS");
	n = add_col(cols, n, C_SIZE, 0, "KBYTES");
	if (s->smaps && !ctl->extended) {
		n = add_col(cols, n, C_RSS, 0, "RSS");
		n = add_col(cols, n, C_PSS, 0, "PSS");
		n = add_col(cols, n, C_DIRTY, 0, "DIRTY");
		n = add_col(cols, n, C_SWAP, 0, "SWAP");
	} else if (s->smaps) {
		n = add_col(cols, n, C_OFFSET, 0, "OFFSET");
		n = add_col(cols, n, C_INODE, 0, "INODE");
		for (i = 0; i < s->maps.norder; i++) {
			f = s->maps.order[i];
			if (f != TRI_SM_SIZE)
				n = add_col(cols, n, C_FIELD, f,
				    tri_maps_field_name(&s->maps, f));
		}
	}
	n = add_col(cols, n, C_MODE, 0, "MODE");
	n = add_col(cols, n, C_KIND, 0, "KIND");
	if (s->smaps && ctl->extended)
		n = add_col(cols, n, C_VMFLAGS, 0, "VMFLAGS");
	return add_col(cols, n, C_MAPPING, 0, "MAPPING");
}

static bool
is_num(enum col c)
{
	return c >= C_SIZE && c <= C_FIELD && c != C_DEV;
}

static unsigned long long
col_value(const struct column *c, const struct tri_vma *v)
{
	switch (c->c) {
	case C_SIZE:	return (v->end - v->start) / 1024;
	case C_RSS:	return v->f[TRI_SM_RSS];
	case C_PSS:	return v->f[TRI_SM_PSS];
	case C_USS:	return vma_uss(v);
	case C_DIRTY:	return vma_dirty(v);
	case C_SWAP:	return v->f[TRI_SM_SWAP];
	case C_OFFSET:	return v->offset;
	case C_INODE:	return v->inode;
	case C_FIELD:	return v->f[c->field];
	default:	return 0;
	}
}

/* The MAPPING cell of row i, for this table (escaped; --raw: spaces too). */
static const char *
mapping_cell(const struct ctl *ctl, const struct snap *s, size_t i,
    char *buf, size_t size)
{
	char tmp[LABEL_MAX];
	const char *l;

	if (!ctl->raw)
		return vma_label(s, i, buf, size);
	l = vma_label(s, i, tmp, sizeof(tmp));
	raw_spaces(buf, size, l, strlen(l));
	return buf;
}

static void
widths(const struct ctl *ctl, const struct snap *s, const size_t *idx,
    size_t n, struct column *cols, int ncols)
{
	char label[LABEL_MAX];
	size_t k, d;
	int c;

	if (ctl->raw)
		return;
	for (c = 0; c < ncols; c++)
		if (cols[c].c == C_ADDRESS || cols[c].c == C_END)
			cols[c].w = 16;
		else if (cols[c].c == C_MODE)
			cols[c].w = 4;
		else if (cols[c].c == C_KIND && cols[c].w < 4)
			cols[c].w = 4;
	for (k = 0; k < n; k++) {
		size_t i = idx ? idx[k] : k;
		const struct tri_vma *v = tri_maps_at(&s->maps, i);

		for (c = 0; c < ncols; c++) {
			if (is_num(cols[c].c))
				d = tri_out_digits(col_value(&cols[c], v));
			else if (cols[c].c == C_KIND)
				d = strlen(kind_name(s->info[i].kind));
			else if (cols[c].c == C_DEV)
				d = 5;
			else if (cols[c].c == C_MAPPING && c < ncols - 1)
				d = strlen(mapping_cell(ctl, s, i, label,
				    sizeof(label)));
			else if (cols[c].c == C_VMFLAGS && c < ncols - 1)
				d = v->vmflags_len ? v->vmflags_len : 1;
			else
				d = 0;
			if (d > cols[c].w)
				cols[c].w = d;
		}
	}
}

/* Room for the fixed part of a row, written without bounds checks. */
#define VMFLAGS_MAX	200
#define ROW_FIXED	(MAXCOLS * 24 + 2 * VMFLAGS_MAX)

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

/* VmFlags "rd wr mr" as one cell: "rd,wr,mr". */
static char *
put_flags(char *p, const char *fl, size_t w)
{
	size_t j;

	if (*fl == '\0')
		*p++ = '-', j = 1;
	for (j = 0; fl[j] && j < VMFLAGS_MAX; j++)
		*p++ = fl[j] == ' ' ? ',' : fl[j];
	for (j = j ? j : 1; j < w && j < VMFLAGS_MAX; j++)
		*p++ = ' ';
	*p++ = ' ';
	return p;
}

static void
print_row(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    size_t i, const struct column *cols, int ncols)
{
	const struct tri_vma *v = tri_maps_at(&s->maps, i);
	char label[LABEL_MAX], dev[24], *p;
	const char *l;
	size_t w, len, pad;
	int c;

	if (o->n + ROW_FIXED > sizeof(o->b))
		oflush(o);
	p = o->b + o->n;
	for (c = 0; c < ncols; c++) {
		w = ctl->raw ? 0 : cols[c].w;
		switch (cols[c].c) {
		case C_ADDRESS:
			p = put_hex16(p, v->start);
			break;
		case C_END:
			p = put_hex16(p, v->end);
			break;
		case C_MODE:
			p = tri_out_put_word(p, v->perms, w);
			break;
		case C_KIND:
			p = tri_out_put_word(p, kind_name(s->info[i].kind), w);
			break;
		case C_DEV:
			snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major,
			    v->dev_minor);
			p = tri_out_put_word(p, dev, w);
			break;
		case C_VMFLAGS:
			p = put_flags(p, tri_maps_vmflags(&s->maps, v),
			    c < ncols - 1 ? w : 0);
			break;
		case C_MAPPING:
			/* a label is at most LABEL_MAX, the buffer 64 KiB */
			o->n = (size_t)(p - o->b);
			l = mapping_cell(ctl, s, i, label, sizeof(label));
			len = strlen(l);
			pad = c < ncols - 1 && w > len ? w - len : 0;
			if (o->n + len + pad + 1 + ROW_FIXED > sizeof(o->b))
				oflush(o);
			p = o->b + o->n;
			memcpy(p, l, len);
			memset(p + len, ' ', pad + 1);
			p += len + pad + 1;
			break;
		default:
			p = tri_out_put_num(p, col_value(&cols[c], v), w);
			break;
		}
	}
	p[-1] = '\n';
	o->n = (size_t)(p - o->b);
}

/* A header or total cell: s, aligned as its column, then a space. */
static void
hcell(struct obuf *o, const struct ctl *ctl, const struct column *c,
    const char *s, bool last)
{
	char esc[256];

	if (ctl->raw) {
		raw_spaces(esc, sizeof(esc), *s ? s : "-", *s ? strlen(s) : 1);
		ostr(o, esc);
		oput(o, " ", 1);
		return;
	}
	ocell(o, s, last ? 0 : c->w, is_num(c->c));
}

static void
end_line(struct obuf *o)
{
	if (o->n > 0 && o->b[o->n - 1] == ' ')
		o->n--;
	oput(o, "\n", 1);
}

static void
print_head(struct obuf *o, const struct ctl *ctl, const struct column *cols,
    int ncols)
{
	int c;

	for (c = 0; c < ncols; c++)
		hcell(o, ctl, &cols[c], cols[c].name, c == ncols - 1);
	end_line(o);
}

static void
print_total(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    const struct column *cols, int ncols)
{
	struct tri_vma sum;
	char buf[64], num[32];
	const char *cell;
	bool named = false;
	int c, f;

	/* every field's sum, kept per record or not */
	memset(&sum, 0, sizeof(sum));
	for (f = 0; f < TRI_SM_MAX; f++)
		sum.f[f] = s->maps.sum[f];
	sum.end = s->total.size * 1024;
	for (c = 0; c < ncols; c++)
		named |= cols[c].c == C_ADDRESS;
	snprintf(buf, sizeof(buf), named ? "%zu mappings" : "total, %zu mappings",
	    s->maps.n);
	for (c = 0; c < ncols; c++) {
		cell = "";
		if (cols[c].c == C_ADDRESS)
			cell = "total";
		else if (cols[c].c == C_MAPPING)
			cell = buf;
		else if (cols[c].c == C_OFFSET || cols[c].c == C_INODE ||
		    (cols[c].c == C_FIELD &&
		    !(s->maps.kb_mask & (1ULL << cols[c].field))))
			cell = "-";
		else if (is_num(cols[c].c)) {
			snprintf(num, sizeof(num), "%llu",
			    col_value(&cols[c], &sum));
			cell = num;
		}
		hcell(o, ctl, &cols[c], cell, c == ncols - 1);
	}
	end_line(o);
}

static int
view_one(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    bool title)
{
	struct column cols[MAXCOLS];
	size_t *idx, n, k;
	char buf[4200];
	int ncols;

	if (view_rows(ctl, s, &idx, &n) < 0)
		return -1;
	ncols = make_cols(ctl, s, cols);
	widths(ctl, s, idx, n, cols, ncols);
	if (title) {
		title_line(s, buf, sizeof(buf));
		ostr(o, buf);
		oput(o, "\n", 1);
	}
	if (ctl->header)
		print_head(o, ctl, cols, ncols);
	for (k = 0; k < n; k++)
		print_row(o, ctl, s, idx ? idx[k] : k, cols, ncols);
	if (ctl->header)
		print_total(o, ctl, s, cols, ncols);
	if (ctl->header && !ctl->raw) {
		limits_print(s, buf, sizeof(buf));	/* limits.c */
		ostr(o, buf);
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
		if (i > 0 && ctl->header && !ctl->raw)
			ostr(o, "\n");
		/* --raw: the table alone, every line the same fields */
		view_one(o, ctl, &s[i], !ctl->raw && (ctl->title ||
		    nsnap > 1));
	}
	oflush(o);
	free(o);
	return 0;
}

