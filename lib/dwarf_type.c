/* lib/dwarf_type.c - one type's layout from its DIE. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>	/* lib/dwarf.h, found on -Ilib so that it can include_next */
#include "dwarf_int.h"

/* Corrupt DWARF can make type chains cycle: no walk goes deeper. */
#define MAXDEPTH	24
#define MAXMEMBERS	100000

/*
 * Depth alone does not bound a walk: a function type whose parameters
 * point back at it, or a struct whose members are itself, branch at each
 * level (a fuzzed file took minutes).  Each walk from type_info() may
 * visit this many DIEs; past that it answers "?" and alignment 1.  Per
 * thread, as a walk is.
 */
#define WALK_BUDGET	20000
static _Thread_local long walk_budget;

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

static int
mattr_cb(Dwarf_Attribute *at, void *arg)
{
	struct tri_dwarf_mattr *a = arg;

	switch (dwarf_whatattr(at)) {
	case DW_AT_name:
		a->name = dwarf_formstring(at);
		break;
	case DW_AT_type:
		a->type = *at;
		a->have |= TRI_MA_TYPE;
		break;
	case DW_AT_data_member_location:
		a->loc = *at;
		a->have |= TRI_MA_LOC;
		break;
	case DW_AT_bit_size:
		a->bit_size = *at;
		a->have |= TRI_MA_BIT_SIZE;
		break;
	case DW_AT_byte_size:
		a->byte_size = *at;
		a->have |= TRI_MA_BYTE_SIZE;
		break;
	case DW_AT_data_bit_offset:
		a->data_bit_offset = *at;
		a->have |= TRI_MA_DATA_BIT_OFFSET;
		break;
	case DW_AT_bit_offset:
		a->bit_offset = *at;
		a->have |= TRI_MA_BIT_OFFSET;
		break;
	case DW_AT_alignment:
		a->alignment = *at;
		a->have |= TRI_MA_ALIGNMENT;
		break;
	case DW_AT_artificial:
		a->artificial = true;
		break;
	case DW_AT_external:
		a->external = true;
		break;
	case DW_AT_declaration:
		a->declaration = true;
		break;
	default:
		break;
	}
	return DWARF_CB_OK;
}

/*
 * One pass over a member's attributes: each dwarf_attr() call scans them
 * all again, and a member is asked for up to ten.
 */
void
tri_dwarf_mattr(Dwarf_Die *c, struct tri_dwarf_mattr *a)
{
	memset(a, 0, sizeof(*a));
	/* libdw checks an attribute's length after the callback saw it:
	 * on a corrupt DIE, the name may run off the end of its section */
	if (dwarf_getattrs(c, mattr_cb, a, 0) != 1)
		memset(a, 0, sizeof(*a));
}

static int
name_cb(Dwarf_Attribute *at, void *arg)
{
	if (dwarf_whatattr(at) == DW_AT_name)
		*(const char **)arg = dwarf_formstring(at);
	return DWARF_CB_OK;
}

/*
 * dwarf_diename(), for DWARF that may be corrupt: dwarf_diename returns
 * an inline (DW_FORM_string) name without looking for its end, and a
 * fuzzed file had none.  Going over every attribute makes libdw check it.
 */
const char *
tri_dwarf_name(Dwarf_Die *die)
{
	const char *name = NULL;

	if (dwarf_getattrs(die, name_cb, &name, 0) != 1)
		return NULL;
	return name;
}

int
tri_dwarf_mattr_udata(const struct tri_dwarf_mattr *a, unsigned bit,
    Dwarf_Word *w)
{
	Dwarf_Attribute at;

	if (!(a->have & bit))
		return -1;
	switch (bit) {
	case TRI_MA_LOC:		at = a->loc; break;
	case TRI_MA_BIT_SIZE:		at = a->bit_size; break;
	case TRI_MA_BYTE_SIZE:		at = a->byte_size; break;
	case TRI_MA_DATA_BIT_OFFSET:	at = a->data_bit_offset; break;
	case TRI_MA_BIT_OFFSET:		at = a->bit_offset; break;
	case TRI_MA_ALIGNMENT:		at = a->alignment; break;
	default:			return -1;
	}
	return dwarf_formudata(&at, w) == 0 ? 0 : -1;
}

static bool
mattr_type(const struct tri_dwarf_mattr *a, Dwarf_Die *t)
{
	Dwarf_Attribute at = a->type;

	return (a->have & TRI_MA_TYPE) && dwarf_formref_die(&at, t) != NULL;
}

/* Static data members are declarations (DWARF 4) or variables (DWARF 5). */
static bool
is_field(int tag, const struct tri_dwarf_mattr *a)
{
	if (tag == DW_TAG_inheritance)
		return true;
	return tag == DW_TAG_member && !a->external && !a->declaration;
}

static uint64_t
member_location(const struct tri_dwarf_mattr *a)
{
	Dwarf_Attribute at = a->loc;
	Dwarf_Op *ops;
	Dwarf_Word w;
	size_t n;

	if (!(a->have & TRI_MA_LOC))
		return 0;
	if (dwarf_formudata(&at, &w) == 0)
		return w;
	if (dwarf_getlocation(&at, &ops, &n) == 0 && n == 1 &&
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

/* DW_AT_alignment of a member, when it has a sane one. */
static bool
explicit_align(const struct tri_dwarf_mattr *a, uint32_t *align)
{
	Dwarf_Word w;

	if (tri_dwarf_mattr_udata(a, TRI_MA_ALIGNMENT, &w) < 0 || w == 0 ||
	    w > 1u << 20)
		return false;
	*align = (uint32_t)w;
	return true;
}

/*
 * A struct's alignment is its largest member's, unless it is packed:
 * DWARF has no attribute for that, but a member off its alignment, or a
 * size that is not a multiple of it, shows it.
 */
static uint32_t
struct_align(Dwarf_Die *s, enum tri_dwarf_lang lang, int depth)
{
	struct tri_dwarf_mattr a;
	uint32_t max = 1, al;
	Dwarf_Word size = 0;
	Dwarf_Die c, t;
	int n = 0, tag;

	udata(s, DW_AT_byte_size, &size);
	if (dwarf_child(s, &c) != 0)
		return 1;
	do {
		tag = dwarf_tag(&c);
		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		if (--walk_budget < 0)
			return 1;
		tri_dwarf_mattr(&c, &a);
		if (!is_field(tag, &a))
			continue;
		if (!explicit_align(&a, &al))
			al = mattr_type(&a, &t) ?
			    type_align(&t, lang, depth + 1) : 1;
		if (!(a.have & TRI_MA_BIT_SIZE) && member_location(&a) % al != 0)
			return 1;
		if (al > max)
			max = al;
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

	if (depth > MAXDEPTH || --walk_budget < 0)
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

	if (t == NULL || depth > MAXDEPTH || --walk_budget < 0) {
		snprintf(out, size, t ? "?" : "void");
		return;
	}
	tag = dwarf_tag(t);
	name = tri_dwarf_name(t);
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
		if ((name = tri_dwarf_name(t)) != NULL) {
			if (name_in(name, locks) || (lang == TRI_DWARF_RUST &&
			    (strncmp(name, "Mutex<", 6) == 0 ||
			    strncmp(name, "RwLock<", 7) == 0)))
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
bitfield(const struct tri_dwarf_mattr *a, struct tri_dwarf_member *m,
    Dwarf_Word bits)
{
	uint64_t storage = m->size, abs, ub, byte;
	Dwarf_Word w;

	if (tri_dwarf_mattr_udata(a, TRI_MA_BYTE_SIZE, &w) == 0)
		storage = w;		/* DWARF 2/3 give the unit's size */
	if (storage == 0 || storage > 16)
		storage = (bits + 7) / 8;
	if (tri_dwarf_mattr_udata(a, TRI_MA_DATA_BIT_OFFSET, &w) == 0)
		abs = w;
	else if (tri_dwarf_mattr_udata(a, TRI_MA_BIT_OFFSET, &w) == 0 &&
	    w + bits <= storage * 8)
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
	size_t n = name ? strlen(name) : 0, k = strlen(dims);

	if (n == 0 && k == 0) {
		m->name = "\0";
		return;
	}
	if (n > 500)
		n = 500;
	if (k > 127)
		k = 127;
	if (n)
		memcpy(buf, name, n);
	buf[n] = '\0';
	memcpy(buf + n + 1, dims, k);
	m->name = tri_dwarf_intern(d, buf, n + 1 + k);
}

struct tri_dwarf_tinfo {
	uintptr_t	 key;		/* the DIE's address; 0: a free slot */
	const char	*type, *dims;	/* interned */
	uint32_t	 size, align;
	uint16_t	 flags;
	bool		 nested;	/* an anonymous struct or union */
	long		 ref;		/* a struct's layout in types, or -1 */
};

static size_t
tinfo_slot(const struct tri_dwarf *d, uintptr_t key)
{
	size_t j = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20);

	for (j &= d->tinfosize - 1; d->tinfo[j].key && d->tinfo[j].key != key;
	    j = (j + 1) & (d->tinfosize - 1))
		;
	return j;
}

static int
tinfo_grow(struct tri_dwarf *d)
{
	struct tri_dwarf_tinfo *old = d->tinfo, *v;
	size_t n = d->tinfosize, i;

	if ((d->ntinfo + 1) * 2 <= d->tinfosize)
		return 0;
	if ((v = calloc(n ? n * 2 : 1024, sizeof(*v))) == NULL)
		return -1;
	d->tinfo = v;
	d->tinfosize = n ? n * 2 : 1024;
	for (i = 0; i < n; i++)
		if (old[i].key)
			d->tinfo[tinfo_slot(d, old[i].key)] = old[i];
	free(old);
	return 0;
}

/*
 * A member that is a struct by value (through typedefs and qualifiers):
 * the index of that struct's layout, for pahole's "last struct has N
 * bytes of padding", or -1.
 */
static long
struct_ref(struct tri_dwarf *d, Dwarf_Die *t)
{
	Dwarf_Die s = *t;
	int i, tag;

	for (i = 0; i < MAXDEPTH; i++) {
		tag = dwarf_tag(&s);
		if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type)
			return tri_dwarf_find(d, &s);
		if ((tag != DW_TAG_typedef && !qualifier(tag)) ||
		    !type_of(&s, &s))
			return -1;
	}
	return -1;
}

/*
 * What a member type gives every member of that type: its spelling, array
 * dimensions, size, alignment and sharing flags.  Members repeat a few
 * types, so each type DIE is looked at once.  NULL on ENOMEM.
 */
static const struct tri_dwarf_tinfo *
type_info(struct tri_dwarf *d, Dwarf_Die *t, enum tri_dwarf_lang lang,
    int depth)
{
	char type[512], dims[128] = "";
	/* not the offset: DWARF 4 type units have offsets of their own */
	uintptr_t key = (uintptr_t)t->addr;
	struct tri_dwarf_tinfo *ti;
	bool flex = false, has_e = true;
	Dwarf_Die e = *t;
	int tag, levels = 0;

	if (tinfo_grow(d) < 0)
		return NULL;
	ti = &d->tinfo[tinfo_slot(d, key)];
	if (ti->key == key)
		return ti;
	ti->key = key;
	walk_budget = WALK_BUDGET;
	ti->size = clamp32(size_of(t));
	ti->align = type_align(t, lang, depth + 1);
	ti->flags = (uint16_t)sharing_flags(t, lang, 0);
	/* bounded: an array of itself adds no dimension (a fuzzed file) */
	while (dwarf_tag(&e) == DW_TAG_array_type && strlen(dims) < 100 &&
	    ++levels <= MAXDEPTH && !(tri_dwarf_name(&e) &&
	    lang == TRI_DWARF_GO)) {
		array_dims(&e, dims, sizeof(dims), &flex);
		if (!type_of(&e, &e)) {
			has_e = false;
			break;
		}
	}
	if (flex && ti->size == 0)
		ti->flags |= TRI_DWARF_FLEX;
	tag = has_e ? dwarf_tag(&e) : 0;
	ti->nested = has_e && aggregate_word(tag) &&
	    tag != DW_TAG_enumeration_type && tri_dwarf_name(&e) == NULL &&
	    !dwarf_hasattr(&e, DW_AT_declaration) && dims[0] == '\0';
	ti->ref = -1;
	if (has_e && !ti->nested && dims[0] == '\0')
		ti->ref = struct_ref(d, &e);
	spell(has_e ? &e : NULL, lang, type, sizeof(type), depth);
	ti->type = tri_dwarf_intern(d, type, strlen(type) + 1);
	ti->dims = tri_dwarf_intern(d, dims, strlen(dims) + 1);
	d->ntinfo++;
	return ti;
}

static int
build_member(struct tri_dwarf *d, int tag, const struct tri_dwarf_mattr *a,
    enum tri_dwarf_lang lang, int depth, struct tri_dwarf_member *m)
{
	const struct tri_dwarf_tinfo *ti;
	const char *dims = "";
	bool nested = false;
	Dwarf_Word bits;
	uint32_t align = 1;
	Dwarf_Die t;
	long idx;

	memset(m, 0, sizeof(*m));
	m->name = "\0";
	m->type = "void";
	if (tag == DW_TAG_inheritance)
		m->flags |= TRI_DWARF_BASE;
	if (a->name && strncmp(a->name, "_vptr", 5) == 0 && a->artificial)
		m->flags |= TRI_DWARF_VPTR;
	if (a->have & TRI_MA_ALIGNMENT)
		m->flags |= TRI_DWARF_ALIGNAS;
	m->offset = member_location(a);
	if (mattr_type(a, &t)) {
		if ((ti = type_info(d, &t, lang, depth)) == NULL)
			return -1;
		/* copies: building a nested type may move the table */
		m->size = ti->size;
		m->flags |= ti->flags;
		m->type = ti->type;
		dims = ti->dims;
		nested = ti->nested;
		align = ti->align;
		if (ti->ref >= 0) {
			m->flags |= TRI_DWARF_REF;
			m->nested = (uint32_t)ti->ref;
		}
	}
	explicit_align(a, &align);
	m->align = (uint16_t)(align > 32768 ? 32768 : align);
	if (tri_dwarf_mattr_udata(a, TRI_MA_BIT_SIZE, &bits) != 0)
		bits = UINT64_MAX;
	if (bits > 0 && bits <= 128)
		bitfield(a, m, bits);
	else if (lang == TRI_DWARF_RUST && bits == 0)
		/* rustc's zero-sized fn item, described as a pointer */
		m->size = 0;
	set_name(d, m, a->name, dims);
	if (nested && depth < MAXDEPTH / 2 && d->nested_left-- > 0) {
		struct tri_dwarf_src *src = NULL;
		size_t cap = 0;
		long n;

		/* not d->src: the outer type is being built from it */
		if ((n = tri_dwarf_gather(&t, &src, &cap)) < 0 ||
		    (idx = tri_dwarf_build(d, &t, lang, true, depth + 1, src,
		    (size_t)n)) < 0) {
			free(src);
			return -1;
		}
		free(src);
		m->flags |= TRI_DWARF_NESTED;
		m->nested = (uint32_t)idx;
	}
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

/* struct_align's answer from the members already read. */
static uint32_t
members_align(const struct tri_dwarf_type *t)
{
	uint32_t max = 1;
	size_t i;

	for (i = 0; i < t->nmembers; i++) {
		const struct tri_dwarf_member *m = &t->members[i];

		if (!m->bit_size && m->align && m->offset % m->align != 0)
			return 1;
		if (m->align > max)
			max = m->align;
	}
	return t->size % max == 0 ? max : 1;
}

long
tri_dwarf_gather(Dwarf_Die *die, struct tri_dwarf_src **v, size_t *cap)
{
	struct tri_dwarf_src *nv;
	Dwarf_Die c;
	size_t n = 0, ncap;
	int tag;

	if (dwarf_child(die, &c) != 0)
		return 0;
	do {
		tag = dwarf_tag(&c);
		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		if (n == *cap) {
			ncap = *cap ? *cap * 2 : 64;
			if ((nv = realloc(*v, ncap * sizeof(*nv))) == NULL)
				return -1;
			*v = nv;
			*cap = ncap;
		}
		(*v)[n].tag = tag;
		tri_dwarf_mattr(&c, &(*v)[n].a);
		n++;
	} while (n < MAXMEMBERS && dwarf_siblingof(&c, &c) == 0);
	return (long)n;
}

long
tri_dwarf_build(struct tri_dwarf *d, Dwarf_Die *die, enum tri_dwarf_lang lang,
    bool nested, int depth, const struct tri_dwarf_src *src, size_t n)
{
	struct tri_dwarf_member *m = NULL;
	struct tri_dwarf_type *t;
	const char *name = tri_dwarf_name(die);
	size_t i = 0, k;
	Dwarf_Word w = 0;

	if (n && (m = tri_dwarf_alloc(d, n * sizeof(*m))) == NULL)
		return -1;
	for (k = 0; k < n; k++)
		if (is_field(src[k].tag, &src[k].a) && build_member(d,
		    src[k].tag, &src[k].a, lang, depth, &m[i++]) < 0)
			return -1;
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
	walk_budget = WALK_BUDGET;
	t->align = t->alignas ? type_align(die, lang, depth) :
	    members_align(t);
	return (long)d->ntypes++;
}
