/* cmd/structpad/suggest.c - a member order of the least size; hot apart. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "structpad.h"

/*
 * A unit moves as a whole: one member, or a run of bit-fields with the
 * members that share their storage units (their order inside is kept,
 * so the compiler packs them the same way).
 */
struct unit {
	size_t		 first, n;
	uint32_t	 align;
	uint64_t	 size;
	bool		 hot, fixed, flex;
};

static uint64_t
align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static uint64_t
end_byte(const struct tri_dwarf_member *m)
{
	if (m->bit_size)
		return m->offset + (m->bit_offset + m->bit_size + 7) / 8;
	return m->offset + m->size;
}

static size_t
make_units(const struct tri_dwarf_type *t, const struct layout *l,
    struct unit *u)
{
	size_t i = 0, j, nu = 0;
	uint64_t storage, end;

	while (i < t->nmembers) {
		const struct tri_dwarf_member *m = &t->members[i];

		storage = m->bit_size ? m->offset + m->size : 0;
		end = end_byte(m);
		for (j = i + 1; m->bit_size && j < t->nmembers; j++) {
			const struct tri_dwarf_member *n = &t->members[j];

			if (!n->bit_size && n->offset >= storage)
				break;
			if (n->bit_size && n->offset + n->size > storage)
				storage = n->offset + n->size;
			if (end_byte(n) > end)
				end = end_byte(n);
		}
		memset(&u[nu], 0, sizeof(u[nu]));
		u[nu].first = i;
		u[nu].n = j - i;
		u[nu].size = end - m->offset;
		for (; i < j; i++) {
			const struct tri_dwarf_member *k = &t->members[i];

			if (k->align > u[nu].align)
				u[nu].align = k->align;
			u[nu].hot |= l->hot[i];
			u[nu].fixed |= (k->flags & (TRI_DWARF_BASE |
			    TRI_DWARF_VPTR)) != 0;
			u[nu].flex |= (k->flags & TRI_DWARF_FLEX) != 0;
		}
		nu++;
	}
	return nu;
}

/* Where the System V ABI puts the next member, given the bits used. */
static void
place(uint64_t *bits, uint32_t *maxalign, const struct tri_dwarf_member *m,
    struct plan_item *it)
{
	uint64_t ub, off;

	if (m->bit_size) {
		ub = m->size ? m->size * 8 : 8;
		if (*bits % ub + m->bit_size > ub)
			*bits = align_up(*bits, ub);
		it->offset = *bits / ub * ub / 8;
		it->bit_offset = (uint32_t)(*bits - it->offset * 8);
		*bits += m->bit_size;
	} else {
		off = align_up((*bits + 7) / 8, m->align);
		it->offset = off;
		it->bit_offset = 0;
		*bits = (off + m->size) * 8;
	}
	if (m->align > *maxalign)
		*maxalign = m->align;
}

static void
add_pad(struct plan *p, uint64_t *bits, uint64_t to)
{
	uint64_t at = (*bits + 7) / 8;

	if (to <= at)
		return;
	p->v[p->n].member = SIZE_MAX;
	p->v[p->n].offset = at;
	p->v[p->n].bit_offset = 0;
	p->v[p->n].pad = to - at;
	p->n++;
	*bits = to * 8;
}

/* Lay the units out in order; line: pad hot units onto lines of their own. */
static void
simulate(const struct ctl *ctl, const struct tri_dwarf_type *t,
    const struct unit *u, const size_t *order, size_t nu, bool line,
    struct plan *p)
{
	uint64_t bits = 0, cl = ctl->cacheline;
	uint32_t maxalign = 1;
	size_t i, k;

	p->n = 0;
	for (i = 0; i < nu; i++) {
		const struct unit *un = &u[order[i]];

		if (line && un->hot)
			add_pad(p, &bits, align_up((bits + 7) / 8, cl));
		for (k = un->first; k < un->first + un->n; k++) {
			p->v[p->n].member = k;
			p->v[p->n].pad = 0;
			place(&bits, &maxalign, &t->members[k], &p->v[p->n]);
			p->n++;
		}
		if (line && un->hot)
			add_pad(p, &bits, align_up((bits + 7) / 8, cl));
	}
	if (t->alignas && t->align > maxalign)
		maxalign = t->align;
	p->size = align_up((bits + 7) / 8, maxalign);
}

/* Whether the model gives the layout the compiler made. */
static bool
same_as_dwarf(const struct tri_dwarf_type *t, const struct plan *p)
{
	size_t i;

	if (p->size != t->size)
		return false;
	for (i = 0; i < p->n; i++) {
		const struct tri_dwarf_member *m = &t->members[p->v[i].member];

		if (p->v[i].offset != m->offset ||
		    (m->bit_size && p->v[i].bit_offset != m->bit_offset))
			return false;
	}
	return true;
}

static const struct unit *sort_units;

/* Fixed units first in their order, the flexible array last; then by
 * alignment and size, largest first. */
static int
cmp_unit(const void *a, const void *b)
{
	const struct unit *x = &sort_units[*(const size_t *)a];
	const struct unit *y = &sort_units[*(const size_t *)b];

	if (x->fixed != y->fixed)
		return x->fixed ? -1 : 1;
	if (x->flex != y->flex)
		return x->flex ? 1 : -1;
	if (!x->fixed) {
		if (x->align != y->align)
			return x->align > y->align ? -1 : 1;
		if (x->size != y->size)
			return x->size > y->size ? -1 : 1;
	}
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Hot units go after the cold ones (keeping the order above). */
static int
cmp_hot(const void *a, const void *b)
{
	const struct unit *x = &sort_units[*(const size_t *)a];
	const struct unit *y = &sort_units[*(const size_t *)b];

	if (!x->fixed && !y->fixed && !x->flex && !y->flex && x->hot != y->hot)
		return x->hot ? 1 : -1;
	return cmp_unit(a, b);
}

int
plan_make(const struct ctl *ctl, const struct tri_dwarf_type *t,
    const struct layout *l, bool separate, struct plan *p)
{
	size_t n = t->nmembers ? t->nmembers : 1, nu, i, nhot = 0;
	struct unit *u = calloc(n, sizeof(*u));
	size_t *order = calloc(n, sizeof(*order));
	struct plan best = { 0 };

	memset(p, 0, sizeof(*p));
	p->v = calloc(3 * n + 2, sizeof(*p->v));
	best.v = calloc(3 * n + 2, sizeof(*best.v));
	if (u == NULL || order == NULL || p->v == NULL || best.v == NULL) {
		free(u);
		free(order);
		free(best.v);
		plan_free(p);
		errno = ENOMEM;
		return -1;
	}
	nu = make_units(t, l, u);
	for (i = 0; i < nu; i++) {
		order[i] = i;
		nhot += u[i].hot;
	}
	simulate(ctl, t, u, order, nu, false, p);
	p->reproducible = same_as_dwarf(t, p);
	separate = separate && nhot >= 2 && p->reproducible;
	if (p->reproducible) {
		sort_units = u;
		qsort(order, nu, sizeof(*order), separate ? cmp_hot : cmp_unit);
		simulate(ctl, t, u, order, nu, separate, &best);
		if (separate || best.size < p->size) {
			memcpy(p->v, best.v, best.n * sizeof(*p->v));
			p->n = best.n;
			p->size = best.size;
			p->separated = separate;
		}
	}
	free(best.v);
	free(u);
	free(order);
	return 0;
}

void
plan_free(struct plan *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static void
plan_print(const struct ctl *ctl, const struct tri_dwarf *d,
    const struct layout *l, const struct plan *p, const char *title)
{
	const struct tri_dwarf_type *t = l->t;
	unsigned long long cl = ctl->cacheline;
	unsigned pads = 0;
	size_t i;

	printf("%s {\n", title);
	for (i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->v[i];

		if (it->member == SIZE_MAX) {
			printf("\tchar                       __pad%u[%llu];"
			    " /* %llu, to the next cache line */\n", pads++,
			    (unsigned long long)it->pad,
			    (unsigned long long)it->offset);
			continue;
		}
		view_decl(stdout, d, &t->members[it->member], 1);
	}
	printf("\n\t/* size: %llu, cachelines: %llu, members: %zu */\n",
	    (unsigned long long)p->size,
	    (unsigned long long)((p->size + cl - 1) / cl), t->nmembers);
	if (p->size <= t->size)
		printf("\t/* saves %llu bytes (was %llu) */\n",
		    (unsigned long long)(t->size - p->size),
		    (unsigned long long)t->size);
	else
		printf("\t/* grows %llu bytes (was %llu) to keep the hot members"
		    " on lines of their own */\n",
		    (unsigned long long)(p->size - t->size),
		    (unsigned long long)t->size);
	printf("};\n");
}

void
view_suggest(const struct ctl *ctl, const struct tri_dwarf *d,
    const struct layout *l)
{
	char title[600], esc[1200];
	struct plan p;

	type_title(l->t, title, sizeof(title));
	tri_out_escape(esc, sizeof(esc), title, strlen(title));
	if (l->t->kind == TRI_DWARF_UNION) {
		printf("/* %s: a union: its size is its largest member's */\n",
		    esc);
		return;
	}
	if (l->t->variant) {
		printf("/* %s: a variant of an enum: rustc lays it out */\n",
		    esc);
		return;
	}
	if (plan_make(ctl, l->t, l, ctl->nhot || ctl->false_sharing, &p) < 0)
		err(TRI_EXIT_FAIL, "plan");
	if (!p.reproducible)
		printf("/* %s: %llu bytes; packed or explicitly aligned, no "
		    "suggestion */\n", esc, (unsigned long long)l->t->size);
	else if (p.size < l->t->size || p.separated)
		plan_print(ctl, d, l, &p, esc);
	else
		printf("/* %s: %llu bytes; no member order is smaller */\n",
		    esc, (unsigned long long)l->t->size);
	plan_free(&p);
}
