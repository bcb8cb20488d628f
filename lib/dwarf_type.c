/* lib/dwarf_type.c - one type's layout from its DIE: members, bit-fields, alignment, type names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>	/* lib/dwarf.h, found on -Ilib so that it can include_next */
#include "dwarf_int.h"

/* Corrupt DWARF can make type chains cycle: no walk goes deeper. */
#define MAXDEPTH	24
#define MAXMEMBERS	100000

static bool
type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) != NULL &&
	    dwarf_formref_die(&a, out) != NULL;
}

static bool
udata(Dwarf_Die *die, unsigned int at, Dwarf_Word *w)
{
	Dwarf_Attribute a;

	return dwarf_attr(die, at, &a) != NULL && dwarf_formudata(&a, w) == 0;
}

static uint64_t
size_of(Dwarf_Die *t)
{
	Dwarf_Word w;

	return dwarf_aggregate_size(t, &w) == 0 ? w : 0;
}

/* Static data members are declarations (DWARF 4) or variables (DWARF 5). */
static bool
is_field(Dwarf_Die *c)
{
	int tag = dwarf_tag(c);

	if (tag == DW_TAG_inheritance)
		return true;
	return tag == DW_TAG_member && !dwarf_hasattr(c, DW_AT_external) &&
	    !dwarf_hasattr(c, DW_AT_declaration);
}

static uint64_t
member_location(Dwarf_Die *c)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	Dwarf_Word w;
	size_t n;

	if (dwarf_attr(c, DW_AT_data_member_location, &a) == NULL)
		return 0;
	if (dwarf_formudata(&a, &w) == 0)
		return w;
	if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 &&
	    ops[0].atom == DW_OP_plus_uconst)
		return ops[0].number;
	return 0;	/* a virtual base: its place is computed at run time */
}

static uint32_t
scalar_align(uint64_t size, enum tri_dwarf_lang lang)
{
	uint32_t a = 1;

	while (a < size && a < 16)
		a <<= 1;
	if (lang == TRI_DWARF_GO && a > 8)
		a = 8;
	return a;
}

static uint32_t type_align(Dwarf_Die *, enum tri_dwarf_lang, int);

static uint32_t
field_align(Dwarf_Die *c, enum tri_dwarf_lang lang, int depth)
{
	Dwarf_Word w;
	Dwarf_Die t;

	if (udata(c, DW_AT_alignment, &w) && w > 0 && w <= 1u << 20)
		return (uint32_t)w;
	return type_of(c, &t) ? type_align(&t, lang, depth + 1) : 1;
}

/*
 * A struct's alignment is its largest member's, unless it is packed:
 * DWARF has no attribute for that, but a member off its alignment, or a
 * size that is not a multiple of it, shows it.
 */
static uint32_t
struct_align(Dwarf_Die *s, enum tri_dwarf_lang lang, int depth)
{
	uint32_t max = 1, a;
	Dwarf_Word size = 0;
	Dwarf_Die c;
	int n = 0;

	udata(s, DW_AT_byte_size, &size);
	if (dwarf_child(s, &c) != 0)
		return 1;
	do {
		if (!is_field(&c))
			continue;
		a = field_align(&c, lang, depth);
		if (!dwarf_hasattr(&c, DW_AT_bit_size) &&
		    member_location(&c) % a != 0)
			return 1;
		if (a > max)
			max = a;
	} while (++n < MAXMEMBERS && dwarf_siblingof(&c, &c) == 0);
	return size % max == 0 ? max : 1;
}

static uint32_t
type_align(Dwarf_Die *t, enum tri_dwarf_lang lang, int depth)
{
	Dwarf_Word w;
	Dwarf_Die u;
	uint32_t a;
	uint64_t size;

	if (depth > MAXDEPTH)
		return 1;
	if (udata(t, DW_AT_alignment, &w) && w > 0 && w <= 1u << 20)
		return (uint32_t)w;
	switch (dwarf_tag(t)) {
	case DW_TAG_atomic_type:
		/* an _Atomic of a power-of-two size up to 16 is size-aligned */
		if (!type_of(t, &u))
			return 1;
		a = type_align(&u, lang, depth + 1);
		size = size_of(&u);
		if (size <= 16 && (size & (size - 1)) == 0 && size > a)
			a = (uint32_t)size;
		return a;
	case DW_TAG_typedef: case DW_TAG_const_type: case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: case DW_TAG_array_type:
		return type_of(t, &u) ? type_align(&u, lang, depth + 1) : 1;
	case DW_TAG_structure_type: case DW_TAG_class_type:
	case DW_TAG_union_type:
		return struct_align(t, lang, depth + 1);
	case DW_TAG_base_type:
		size = size_of(t);
		if (udata(t, DW_AT_encoding, &w) && w == DW_ATE_complex_float)
			size /= 2;
		return scalar_align(size, lang);
	case DW_TAG_enumeration_type: case DW_TAG_pointer_type:
	case DW_TAG_reference_type: case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		size = size_of(t);
		return scalar_align(size ? size : 8, lang);
	default:
		return 1;
	}
}

/* Array dimensions of the array type t into dims: "[4][2]"; "[]" none. */
static void
array_dims(Dwarf_Die *t, char *dims, size_t size, bool *flex)
{
	size_t len = strlen(dims);
	Dwarf_Word w;
	Dwarf_Die c;
	int n = 0;

	if (dwarf_child(t, &c) != 0)
		return;
	do {
		if (dwarf_tag(&c) != DW_TAG_subrange_type || len + 24 > size)
			continue;
		if (udata(&c, DW_AT_count, &w))
			len += sprintf(dims + len, "[%llu]", (unsigned long long)w);
		else if (udata(&c, DW_AT_upper_bound, &w) &&
		    (Dwarf_Sword)w >= -1)
			len += sprintf(dims + len, "[%llu]",
			    (unsigned long long)(w + 1));
		else {
			len += sprintf(dims + len, "[]");
			*flex = true;
		}
	} while (++n < 64 && dwarf_siblingof(&c, &c) == 0);
}

static void spell(Dwarf_Die *, enum tri_dwarf_lang, char *, size_t, int);

/* "ret (*)(a, b)" for a pointer to the subroutine type f. */
static void
spell_func(Dwarf_Die *f, enum tri_dwarf_lang lang, const char *ptr,
    char *out, size_t size, int depth)
{
	char ret[256], arg[256], args[512] = "";
	Dwarf_Die r, c;
	size_t len = 0;
	int n = 0;

	spell(type_of(f, &r) ? &r : NULL, lang, ret, sizeof(ret), depth + 1);
	if (dwarf_child(f, &c) == 0) {
		do {
			if (dwarf_tag(&c) == DW_TAG_unspecified_parameters)
				snprintf(arg, sizeof(arg), "...");
			else if (dwarf_tag(&c) == DW_TAG_formal_parameter)
				spell(type_of(&c, &r) ? &r : NULL, lang, arg,
				    sizeof(arg), depth + 1);
			else
				continue;
			len += snprintf(args + len, sizeof(args) - len, "%s%s",
			    len ? ", " : "", arg);
			if (len >= sizeof(args))
				break;
		} while (++n < 64 && dwarf_siblingof(&c, &c) == 0);
	}
	snprintf(out, size, "%s (%s)(%s)", ret, ptr, len ? args : "void");
}

static const char *
qualifier(int tag)
{
	switch (tag) {
	case DW_TAG_const_type:		return "const";
	case DW_TAG_volatile_type:	return "volatile";
	case DW_TAG_restrict_type:	return "restrict";
	case DW_TAG_atomic_type:	return "_Atomic";
	default:			return NULL;
	}
}

static const char *
aggregate_word(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type:	return "struct";
	case DW_TAG_union_type:		return "union";
	case DW_TAG_enumeration_type:	return "enum";
	case DW_TAG_class_type:		return "class";
	default:			return NULL;
	}
}

/* The C spelling of type t (NULL: void) into out. */
static void
spell(Dwarf_Die *t, enum tri_dwarf_lang lang, char *out, size_t size,
    int depth)
{
	char inner[256], dims[128] = "";
	const char *name, *q, *w;
	bool flex = false, has_u;
	Dwarf_Die u;
	int tag;

	if (t == NULL || depth > MAXDEPTH) {
		snprintf(out, size, t ? "?" : "void");
		return;
	}
	tag = dwarf_tag(t);
	name = dwarf_diename(t);
	has_u = type_of(t, &u);
	if ((w = aggregate_word(tag)) != NULL) {
		if (name && (lang == TRI_DWARF_GO || lang == TRI_DWARF_RUST))
			snprintf(out, size, "%s", name);
		else
			snprintf(out, size, "%s %s", w, name ? name : "{...}");
	} else if (name) {
		snprintf(out, size, "%s", name);
	} else if ((q = qualifier(tag)) != NULL) {
		spell(has_u ? &u : NULL, lang, inner, sizeof(inner), depth + 1);
		if (has_u && dwarf_tag(&u) == DW_TAG_pointer_type)
			snprintf(out, size, "%s %s", inner, q);
		else
			snprintf(out, size, "%s %s", q, inner);
	} else if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
	    tag == DW_TAG_rvalue_reference_type) {
		q = tag == DW_TAG_pointer_type ? "*" :
		    tag == DW_TAG_reference_type ? "&" : "&&";
		if (has_u && dwarf_tag(&u) == DW_TAG_subroutine_type) {
			spell_func(&u, lang, q, out, size, depth);
			return;
		}
		spell(has_u ? &u : NULL, lang, inner, sizeof(inner), depth + 1);
		snprintf(out, size, "%s %s", inner, q);
	} else if (tag == DW_TAG_array_type) {
		array_dims(t, dims, sizeof(dims), &flex);
		spell(has_u ? &u : NULL, lang, inner, sizeof(inner), depth + 1);
		snprintf(out, size, "%s %s", inner, dims);
	} else if (tag == DW_TAG_subroutine_type) {
		spell_func(t, lang, "", out, size, depth);
	} else if (tag == DW_TAG_ptr_to_member_type) {
		spell(has_u ? &u : NULL, lang, inner, sizeof(inner), depth + 1);
		snprintf(out, size, "%s ::*", inner);
	} else {
		snprintf(out, size, "?");
	}
}

static bool
name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

/* Whether threads write it: an atomic or a lock, from its type's names. */
static uint32_t
sharing_flags(Dwarf_Die *t, enum tri_dwarf_lang lang, int depth)
{
	static const char *const locks[] = { "pthread_mutex_t",
		"pthread_spinlock_t", "pthread_rwlock_t", "spinlock_t",
		"mutex", "recursive_mutex", "shared_mutex", "timed_mutex",
		"sync.Mutex", "sync.RWMutex", NULL };
	const char *name;
	Dwarf_Die u;
	int tag;

	for (; depth < MAXDEPTH; depth++) {
		tag = dwarf_tag(t);
		if (tag == DW_TAG_atomic_type)
			return TRI_DWARF_ATOMIC;
		if ((name = dwarf_diename(t)) != NULL) {
			if (name_in(name, locks))
				return TRI_DWARF_LOCK;
			if (strncmp(name, "atomic<", 7) == 0 ||
			    strncmp(name, "std::atomic<", 12) == 0 ||
			    strncmp(name, "sync/atomic.", 12) == 0 ||
			    (lang == TRI_DWARF_RUST &&
			    strncmp(name, "Atomic", 6) == 0))
				return TRI_DWARF_ATOMIC;
		}
		if (tag != DW_TAG_typedef && tag != DW_TAG_array_type &&
		    !qualifier(tag))
			return 0;
		if (!type_of(t, &u))
			return 0;
		t = &u;
	}
	return 0;
}

/* Bits of a bit-field member: its storage unit and place in it. */
static void
bitfield(Dwarf_Die *c, struct tri_dwarf_member *m, Dwarf_Word bits)
{
	uint64_t storage = m->size, abs, ub, byte;
	Dwarf_Word w;

	if (udata(c, DW_AT_byte_size, &w))
		storage = w;		/* DWARF 2/3 give the unit's size */
	if (storage == 0 || storage > 16)
		storage = (bits + 7) / 8;
	if (udata(c, DW_AT_data_bit_offset, &w))
		abs = w;
	else if (udata(c, DW_AT_bit_offset, &w) && w + bits <= storage * 8)
		/* DWARF 2/3 count from the unit's most significant bit */
		abs = m->offset * 8 + storage * 8 - w - bits;
	else
		abs = m->offset * 8;
	ub = storage * 8;
	/* like pahole: the unit is at the type's alignment around the bits */
	byte = abs / ub * ub / 8;
	if (abs - byte * 8 + bits > ub)
		byte = abs / 8;		/* packed across units */
	m->offset = byte;
	m->size = (uint32_t)storage;
	m->bit_offset = (uint16_t)(abs - byte * 8);
	m->bit_size = (uint16_t)bits;
}

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* The name, a NUL and the array dimensions, interned. */
static void
set_name(struct tri_dwarf *d, struct tri_dwarf_member *m, const char *name,
    const char *dims)
{
	char buf[640];
	size_t n = 0;

	if (name)
		n = (size_t)snprintf(buf, sizeof(buf) - 130, "%s", name);
	if (n > sizeof(buf) - 131)
		n = sizeof(buf) - 131;
	buf[n++] = '\0';
	n += (size_t)snprintf(buf + n, 128, "%s", dims);
	m->name = tri_dwarf_intern(d, buf, n);
	if (*m->name == '\0' && *dims == '\0')
		m->name = "\0";
}

static int
build_member(struct tri_dwarf *d, Dwarf_Die *c, enum tri_dwarf_lang lang,
    int depth, struct tri_dwarf_member *m)
{
	char type[512], dims[128] = "";
	const char *name = dwarf_diename(c);
	bool flex = false, has_t;
	Dwarf_Die t, e;
	Dwarf_Word bits;
	long idx;

	memset(m, 0, sizeof(*m));
	has_t = type_of(c, &t);
	m->name = "\0";
	if (dwarf_tag(c) == DW_TAG_inheritance)
		m->flags |= TRI_DWARF_BASE;
	if (name && strncmp(name, "_vptr", 5) == 0 &&
	    dwarf_hasattr(c, DW_AT_artificial))
		m->flags |= TRI_DWARF_VPTR;
	if (dwarf_hasattr(c, DW_AT_alignment))
		m->flags |= TRI_DWARF_ALIGNAS;
	m->offset = member_location(c);
	m->size = clamp32(has_t ? size_of(&t) : 0);
	m->align = (uint16_t)(field_align(c, lang, depth) > 32768 ? 32768 :
	    field_align(c, lang, depth));
	if (udata(c, DW_AT_bit_size, &bits) && bits > 0 && bits <= 128)
		bitfield(c, m, bits);
	if (!has_t) {
		m->type = "void";
		set_name(d, m, name, "");
		return 0;
	}
	m->flags |= sharing_flags(&t, lang, 0);
	e = t;
	while (dwarf_tag(&e) == DW_TAG_array_type && strlen(dims) < 100 &&
	    !(dwarf_diename(&e) && lang == TRI_DWARF_GO)) {
		array_dims(&e, dims, sizeof(dims), &flex);
		if (!type_of(&e, &e)) {
			has_t = false;
			break;
		}
	}
	if (flex && m->size == 0)
		m->flags |= TRI_DWARF_FLEX;
	set_name(d, m, name, dims);
	if (has_t && aggregate_word(dwarf_tag(&e)) &&
	    dwarf_tag(&e) != DW_TAG_enumeration_type &&
	    dwarf_diename(&e) == NULL && !dwarf_hasattr(&e, DW_AT_declaration) &&
	    depth < MAXDEPTH / 2 && dims[0] == '\0') {
		if ((idx = tri_dwarf_build(d, &e, lang, true, depth + 1)) < 0)
			return -1;
		m->flags |= TRI_DWARF_NESTED;
		m->nested = (uint32_t)idx;
	}
	spell(has_t ? &e : NULL, lang, type, sizeof(type), depth);
	m->type = tri_dwarf_intern(d, type, strlen(type) + 1);
	return 0;
}

static enum tri_dwarf_kind
kind_of(int tag)
{
	return tag == DW_TAG_union_type ? TRI_DWARF_UNION :
	    tag == DW_TAG_class_type ? TRI_DWARF_CLASS : TRI_DWARF_STRUCT;
}

static int
grow_types(struct tri_dwarf *d)
{
	struct tri_dwarf_type *v;
	size_t cap;

	if (d->ntypes < d->cap)
		return 0;
	cap = d->cap ? d->cap * 2 : 256;
	if ((v = realloc(d->types, cap * sizeof(*v))) == NULL)
		return -1;
	d->types = v;
	d->cap = cap;
	return 0;
}

long
tri_dwarf_build(struct tri_dwarf *d, Dwarf_Die *die, enum tri_dwarf_lang lang,
    bool nested, int depth)
{
	struct tri_dwarf_member *m = NULL;
	struct tri_dwarf_type *t;
	const char *name = dwarf_diename(die);
	size_t n = 0, i = 0;
	Dwarf_Word w = 0;
	Dwarf_Die c;

	if (dwarf_child(die, &c) == 0) {
		do
			n += is_field(&c);
		while (n < MAXMEMBERS && dwarf_siblingof(&c, &c) == 0);
	}
	if (n && (m = tri_dwarf_alloc(d, n * sizeof(*m))) == NULL)
		return -1;
	if (n && dwarf_child(die, &c) == 0) {
		do {
			if (is_field(&c) &&
			    build_member(d, &c, lang, depth, &m[i++]) < 0)
				return -1;
		} while (i < n && dwarf_siblingof(&c, &c) == 0);
	}
	if (grow_types(d) < 0)
		return -1;
	t = &d->types[d->ntypes];
	memset(t, 0, sizeof(*t));
	t->name = name ? tri_dwarf_strdup(d, name) : "";
	t->kind = kind_of(dwarf_tag(die));
	t->lang = lang;
	t->nested = nested;
	t->members = m;
	t->nmembers = i;
	t->ncu = 1;
	udata(die, DW_AT_byte_size, &w);
	t->size = w;
	t->alignas = dwarf_hasattr(die, DW_AT_alignment);
	t->align = type_align(die, lang, depth);
	return (long)d->ntypes++;
}
