/* lib/dwarf_rust.c - Rust's DWARF: type paths, enums, rustc's member order. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>	/* lib/dwarf.h, found on -Ilib so that it can include_next */
#include "dwarf_int.h"

/* What is made of Rust's DWARF: see struct tri_dwarf_rust_scope. */
#define RUST_MAXMEMBERS	100000
#define RUST_DISCR_NAME	"<discriminant>"

/* Room for one more member DIE in d->src: its slot, or NULL on ENOMEM. */
static struct tri_dwarf_src *
src_slot(struct tri_dwarf *d, size_t n)
{
	struct tri_dwarf_src *nv;
	size_t cap;

	if (n < d->srccap)
		return &d->src[n];
	cap = d->srccap ? d->srccap * 2 : 64;
	if ((nv = realloc(d->src, cap * sizeof(*nv))) == NULL)
		return NULL;
	d->src = nv;
	d->srccap = cap;
	return &d->src[n];
}

bool
tri_dwarf_rust_enum_part(Dwarf_Die *die, Dwarf_Die *vp)
{
	int n = 0;

	if (dwarf_child(die, vp) != 0)
		return false;
	do {
		if (dwarf_tag(vp) == DW_TAG_variant_part)
			return true;
	} while (++n < RUST_MAXMEMBERS && dwarf_siblingof(vp, vp) == 0);
	return false;
}

long
tri_dwarf_rust_enum_members(struct tri_dwarf *d, Dwarf_Die *vp,
    struct tri_dwarf_rust_scope *inner)
{
	struct tri_dwarf_src *s;
	Dwarf_Die c, v;
	size_t n = 0;
	int k = 0, tag;

	inner->in_enum = true;
	if (dwarf_child(vp, &c) != 0)
		return 0;
	do {
		tag = dwarf_tag(&c);
		if (tag == DW_TAG_member) {
			if ((s = src_slot(d, n++)) == NULL)
				return -1;
			s->tag = tag;
			tri_dwarf_mattr(&c, &s->a);
			if (s->a.name == NULL)
				s->a.name = RUST_DISCR_NAME;
			inner->discr = *s;
			inner->have_discr = true;
		} else if (tag == DW_TAG_variant && dwarf_child(&c, &v) == 0) {
			do {
				if (dwarf_tag(&v) != DW_TAG_member)
					continue;
				if ((s = src_slot(d, n++)) == NULL)
					return -1;
				s->tag = DW_TAG_member;
				tri_dwarf_mattr(&v, &s->a);
			} while (n < RUST_MAXMEMBERS &&
			    dwarf_siblingof(&v, &v) == 0);
		}
	} while (n < RUST_MAXMEMBERS && ++k < RUST_MAXMEMBERS &&
	    dwarf_siblingof(&c, &c) == 0);
	return (long)n;
}

/* The bytes a member DIE covers: [*off, *off + *size). */
static void
src_extent(const struct tri_dwarf_src *s, Dwarf_Word *off, Dwarf_Word *size)
{
	Dwarf_Attribute at = s->a.type;
	Dwarf_Die t;

	*off = 0;
	*size = 0;
	tri_dwarf_mattr_udata(&s->a, TRI_MA_LOC, off);
	if ((s->a.have & TRI_MA_TYPE) && dwarf_formref_die(&at, &t) != NULL &&
	    dwarf_aggregate_size(&t, size) != 0)
		*size = 0;
}

long
tri_dwarf_rust_variant_members(struct tri_dwarf *d, Dwarf_Die *die, long n,
    const struct tri_dwarf_rust_scope *scope)
{
	Dwarf_Word doff, dsize, off, size;
	long i;

	src_extent(&scope->discr, &doff, &dsize);
	if (dsize == 0)
		return n;
	for (i = 0; i < n; i++) {
		src_extent(&d->src[i], &off, &size);
		if (off < doff + dsize && doff < off + size)
			return n;	/* a niche: the tag is in a field */
	}
	if (src_slot(d, (size_t)n) == NULL)
		return -1;
	memmove(&d->src[1], &d->src[0], (size_t)n * sizeof(d->src[0]));
	d->src[0] = scope->discr;
	return n + 1;
}

/*
 * The variants come in the order of the members that name them: each is
 * looked for from where the last was found on, with a bound on the
 * comparisons for DWARF that is not in that order.
 */
void
tri_dwarf_rust_link_variants(struct tri_dwarf *d, size_t e)
{
	struct tri_dwarf_member *m;
	size_t i, k, next = e + 1, span = d->ntypes - (e + 1), j;
	long budget = 1 << 16;
	char path[1024];

	for (i = 0; i < d->types[e].nmembers && span > 0; i++) {
		m = &d->types[e].members[i];
		if (!*m->name || strcmp(m->name, RUST_DISCR_NAME) == 0)
			continue;
		snprintf(path, sizeof(path), "%s::%s", d->types[e].name,
		    m->name);
		/* only the types built since the enum: its own variants */
		for (j = 0; j < span && --budget > 0; j++) {
			k = e + 1 + (next - (e + 1) + j) % span;
			if (!d->types[k].nested && d->types[k].size == m->size &&
			    strcmp(d->types[k].name, path) == 0) {
				m->flags |= TRI_DWARF_NESTED;
				m->nested = (uint32_t)k;
				next = k + 1 < d->ntypes ? k + 1 : e + 1;
				break;
			}
		}
	}
}

static int
member_cmp(const void *a, const void *b)
{
	const struct tri_dwarf_member *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->bit_offset != y->bit_offset)
		return x->bit_offset < y->bit_offset ? -1 : 1;
	/* the same place: the order of the source (see rust_sort) */
	return x->nested < y->nested ? -1 : x->nested > y->nested;
}

/*
 * rustc's order of the members, by offset; members at one offset (a
 * zero-sized one and the next) keep the order of the source.  Rust has
 * no anonymous nested types, so nested is free to hold the rank while
 * sorting, except for a struct by value (TRI_DWARF_REF), kept aside.
 */
int
tri_dwarf_rust_sort(struct tri_dwarf_type *t)
{
	uint32_t *keep;
	size_t i;

	if (t->nmembers < 2)
		return 0;
	if ((keep = malloc(t->nmembers * sizeof(*keep))) == NULL)
		return -1;
	for (i = 0; i < t->nmembers; i++) {
		keep[i] = t->members[i].nested;
		t->members[i].nested = (uint32_t)i;
	}
	qsort(t->members, t->nmembers, sizeof(t->members[0]), member_cmp);
	for (i = 0; i < t->nmembers; i++)
		t->members[i].nested = keep[t->members[i].nested];
	free(keep);
	return 0;
}

/* A name that holds a path (alloc::boxed::Box<...>) is kept as it is. */
void
tri_dwarf_rust_path(const struct tri_dwarf_rust_scope *scope,
    const char *name, char *buf, size_t size)
{
	const char *lt = strchr(name, '<'), *colons = strstr(name, "::");
	bool plain = isalpha((unsigned char)name[0]) || name[0] == '_' ||
	    name[0] == '{';

	if (!plain || (colons && (lt == NULL || colons < lt)))
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s%s", scope->path, name);
}

