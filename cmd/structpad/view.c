/* cmd/structpad/view.c - a type's layout as text, in pahole's form. */
#include <stdlib.h>
#include <string.h>

#include "structpad.h"

/* The comment column: pahole's type (26) and name (21) fields after a tab. */
#define COMMENT_COL	56

static void
tabs(FILE *f, int n)
{
	while (n-- > 0)
		putc('\t', f);
}

/*
 * A member line is built in a buffer and written once: printf's
 * formatting was a third of the run time on a file of 5,000 structs.
 */
struct line {
	char	 buf[3072];
	size_t	 n, col;		/* bytes, display columns */
};

static void
l_raw(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->buf) - 64 - l->n)
		n = sizeof(l->buf) - 64 - l->n;
	memcpy(l->buf + l->n, s, n);
	l->n += n;
	l->col += n;
}

/* s escaped: names and types come from the file */
static void
l_str(struct line *l, const char *s)
{
	size_t len = strlen(s), need;

	if (!tri_out_needs_escape(s, len)) {
		l_raw(l, s, len);
		return;
	}
	need = tri_out_escape(l->buf + l->n, sizeof(l->buf) - 64 - l->n, s,
	    len);
	if (need >= sizeof(l->buf) - 64 - l->n)
		need = sizeof(l->buf) - 65 - l->n;
	l->col += tri_out_width(l->buf + l->n);
	l->n += need;
}

static void
l_pad(struct line *l, size_t col)
{
	while (l->col < col && l->n < sizeof(l->buf) - 64) {
		l->buf[l->n++] = ' ';
		l->col++;
	}
}

/* v right-aligned in width columns */
static void
l_num(struct line *l, unsigned long long v, size_t width)
{
	char d[24];
	size_t k = sizeof(d);

	do
		d[--k] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (sizeof(d) - k < width)
		d[--k] = ' ';
	l_raw(l, d + k, sizeof(d) - k);
}

static void
l_tabs(struct line *l, int indent)
{
	while (indent-- > 0 && l->n < sizeof(l->buf) - 64) {
		l->buf[l->n++] = '\t';
		l->col += 8;
	}
}

/* "/\* off size *\/" or "/\* off:bit size *\/", then the newline, and out */
static void
l_where(FILE *f, struct line *l, const struct tri_dwarf_member *m,
    uint64_t off, uint64_t size)
{
	l_pad(l, COMMENT_COL);
	l_raw(l, " /* ", 4);
	l_num(l, off, 5);
	if (m && m->bit_size) {
		l_raw(l, ":", 1);
		l_num(l, m->bit_offset, 2);
		l_raw(l, " ", 1);
		l_num(l, size, 2);
	} else {
		l_raw(l, " ", 1);
		l_num(l, size, 5);
	}
	l_raw(l, " */\n", 4);
	fwrite_unlocked(l->buf, 1, l->n, f);
}

/* "type name;" with the name's bits or dimensions */
static void
l_decl(struct line *l, int indent, const struct tri_dwarf_member *m)
{
	size_t tw = indent <= 4 ? (size_t)(26 - 8 * (indent - 1)) : 2;

	l->n = l->col = 0;
	l_tabs(l, indent);
	l_str(l, m->type);
	l_pad(l, 8 * (size_t)indent + tw);
	l_raw(l, " ", 1);
	l_str(l, m->flags & TRI_DWARF_BASE ? "<ancestor>" : m->name);
	if (m->bit_size) {
		l_raw(l, ":", 1);
		l_num(l, m->bit_size, 1);
	} else
		l_str(l, tri_dwarf_dims(m));
	l_raw(l, ";", 1);
}

static void
xxx(FILE *f, int indent, unsigned long long v, const char *unit)
{
	tabs(f, indent);
	fprintf(f, "%s/* XXX %llu %s%s hole, try to pack */%s\n",
	    tri_out_sgr("33"), v, unit, v == 1 ? "" : "s", tri_out_reset());
}

static void
holes_after(FILE *f, int indent, int64_t bytes, uint32_t bits)
{
	if (bytes <= 0 && bits == 0)
		return;
	putc('\n', f);
	if (bits)
		xxx(f, indent, bits, "bit");
	if (bytes > 0)
		xxx(f, indent, (unsigned long long)bytes, "byte");
	putc('\n', f);
}

struct cursor {
	const struct ctl	*ctl;
	const struct tri_dwarf	*d;
	uint64_t		 line;		/* last cache line marked */
	unsigned		 nr_paddings;	/* members of padded structs */
	unsigned long long	 sum_paddings;
};

static void
cacheline_mark(FILE *f, struct cursor *c, int indent, uint64_t off)
{
	uint64_t cl = c->ctl->cacheline, n = off / cl;

	if (n <= c->line)
		return;
	c->line = n;
	tabs(f, indent);
	if (off % cl == 0)
		fprintf(f, "/* --- cacheline %llu boundary (%llu bytes) --- */\n",
		    (unsigned long long)n, (unsigned long long)(n * cl));
	else
		fprintf(f, "/* --- cacheline %llu boundary (%llu bytes) was "
		    "%llu bytes ago --- */\n", (unsigned long long)n,
		    (unsigned long long)(n * cl),
		    (unsigned long long)(off - n * cl));
}

static void members(FILE *, struct cursor *, const struct layout *,
    uint64_t base, int indent);

/* pahole's note under a member that is a struct with tail padding */
static void
last_struct(FILE *f, struct cursor *c, const struct tri_dwarf_member *m,
    int indent)
{
	struct layout rl;

	if (m->nested >= c->d->ntypes ||
	    layout_compute(c->ctl, &c->d->types[m->nested], &rl) < 0)
		return;
	if (rl.padding > 0) {
		putc('\n', f);
		tabs(f, indent);
		fprintf(f, "%s/* XXX last struct has %lld byte%s of padding "
		    "*/%s\n\n", tri_out_sgr("33"), (long long)rl.padding,
		    rl.padding == 1 ? "" : "s", tri_out_reset());
		if (indent == 1) {
			c->nr_paddings++;
			c->sum_paddings += (unsigned long long)rl.padding;
		}
	}
	if (rl.bit_padding > 0) {
		putc('\n', f);
		tabs(f, indent);
		fprintf(f, "%s/* XXX last struct has %u bit%s of padding */%s"
		    "\n\n", tri_out_sgr("33"), rl.bit_padding,
		    rl.bit_padding == 1 ? "" : "s", tri_out_reset());
	}
	layout_free(&rl);
}

static void
members(FILE *f, struct cursor *c, const struct layout *l, uint64_t base,
    int indent)
{
	const struct tri_dwarf_type *t = l->t;
	bool un = t->kind == TRI_DWARF_UNION;
	struct line ln;
	size_t i;

	if (!un)
		holes_after(f, indent, l->pre_hole, l->pre_bit_hole);
	for (i = 0; i < t->nmembers; i++) {
		const struct tri_dwarf_member *m = &t->members[i];
		uint64_t off = base + m->offset;

		if (!un)
			cacheline_mark(f, c, indent, off);
		if ((m->flags & TRI_DWARF_NESTED) && m->nested < c->d->ntypes) {
			const struct tri_dwarf_type *nt = &c->d->types[m->nested];
			struct layout nl;

			tabs(f, indent);
			fprintf(f, "%s {\n", tri_dwarf_kind_name(nt->kind));
			if (layout_compute(c->ctl, nt, &nl) == 0) {
				members(f, c, &nl, off, indent + 1);
				layout_free(&nl);
			}
			ln.n = ln.col = 0;
			l_tabs(&ln, indent);
			l_raw(&ln, "}", 1);
			if (*m->name)
				l_raw(&ln, " ", 1);
			l_str(&ln, m->name);
			l_str(&ln, tri_dwarf_dims(m));
			l_raw(&ln, ";", 1);
			l_where(f, &ln, NULL, off, m->size);
		} else {
			l_decl(&ln, indent, m);
			l_where(f, &ln, m, off, m->size);
		}
		if (!un && (m->flags & TRI_DWARF_REF))
			last_struct(f, c, m, indent);
		if (!un)
			holes_after(f, indent, l->hole[i], l->bit_hole[i]);
	}
}

static void
footer(FILE *f, const struct ctl *ctl, const struct layout *l,
    const struct cursor *c)
{
	const struct tri_dwarf_type *t = l->t;
	unsigned long long cl = ctl->cacheline;
	size_t i, j;

	fprintf(f, "\n\t/* size: %llu, cachelines: %llu, members: %zu */\n",
	    (unsigned long long)t->size,
	    (unsigned long long)((t->size + cl - 1) / cl), t->nmembers);
	/* pahole sums the members only when there is a hole of either kind */
	if (l->sum_holes > 0 || l->nr_bit_holes > 0) {
		fprintf(f, "\t/* sum members: %llu",
		    (unsigned long long)l->sum_members);
		if (l->sum_holes > 0)
			fprintf(f, ", holes: %u, sum holes: %llu", l->nr_holes,
			    (unsigned long long)l->sum_holes);
		fputs(" */\n", f);
		if (l->sum_bits && l->nr_bit_holes)
			fprintf(f, "\t/* sum bitfield members: %llu bits, bit "
			    "holes: %u, sum bit holes: %llu bits */\n",
			    (unsigned long long)l->sum_bits, l->nr_bit_holes,
			    (unsigned long long)l->sum_bit_holes);
		else if (l->sum_bits)
			fprintf(f, "\t/* sum bitfield members: %llu bits (%llu "
			    "bytes) */\n", (unsigned long long)l->sum_bits,
			    (unsigned long long)l->sum_bits / 8);
	}
	if (l->padding > 0)
		fprintf(f, "\t/* padding: %lld */\n", (long long)l->padding);
	if (l->bit_padding)
		fprintf(f, "\t/* bit_padding: %u bits */\n", l->bit_padding);
	if (c->nr_paddings)
		fprintf(f, "\t/* paddings: %u, sum paddings: %llu */\n",
		    c->nr_paddings, c->sum_paddings);
	if (t->size % cl)
		fprintf(f, "\t/* last cacheline: %llu bytes */\n",
		    (unsigned long long)(t->size % cl));
	for (i = 0; l->nshared && i < t->nmembers; i++)
		for (j = i + 1; l->hot[i] && j < t->nmembers; j++) {
			if (!l->hot[j] || !layout_share_line(ctl,
			    &t->members[i], &t->members[j]))
				continue;
			fprintf(f, "\t%s/* XXX hot members ", tri_out_sgr("31"));
			tri_out_fescape(f, t->members[i].name,
			    strlen(t->members[i].name));
			fputs(" and ", f);
			tri_out_fescape(f, t->members[j].name,
			    strlen(t->members[j].name));
			fprintf(f, " share a cache line (false sharing) */%s\n",
			    tri_out_reset());
		}
}

void
view_type(const struct ctl *ctl, const struct tri_dwarf *d,
    const struct layout *l)
{
	struct cursor c = { ctl, d, 0, 0, 0 };
	char title[600], esc[1200];

	type_title(l->t, title, sizeof(title));
	tri_out_escape(esc, sizeof(esc), title, strlen(title));
	printf("%s {\n", esc);
	members(stdout, &c, l, 0, 1);
	footer(stdout, ctl, l, &c);
	printf("};\n");
}

/* A member's declaration for a suggested order, nested types spelt out. */
void
view_decl(FILE *f, const struct tri_dwarf *d,
    const struct tri_dwarf_member *m, int indent)
{
	const struct tri_dwarf_type *t;
	struct line ln;
	char esc[600];
	size_t i;

	if (!(m->flags & TRI_DWARF_NESTED) || m->nested >= d->ntypes) {
		l_decl(&ln, indent, m);
		l_raw(&ln, "\n", 1);
		fwrite_unlocked(ln.buf, 1, ln.n, f);
		return;
	}
	t = &d->types[m->nested];
	tabs(f, indent);
	fprintf(f, "%s {\n", tri_dwarf_kind_name(t->kind));
	for (i = 0; i < t->nmembers; i++)
		view_decl(f, d, &t->members[i], indent + 1);
	tri_out_escape(esc, sizeof(esc), m->name, strlen(m->name));
	tabs(f, indent);
	fprintf(f, "}%s%s%s;\n", *esc ? " " : "", esc, tri_dwarf_dims(m));
}
