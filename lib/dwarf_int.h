/* lib/dwarf_int.h - what lib/dwarf.c and lib/dwarf_type.c share (private). */
#ifndef TRI_DWARF_INT_H
#define TRI_DWARF_INT_H

#include <elfutils/libdw.h>

#include <dwarf.h>	/* lib/dwarf.h, found on -Ilib so that it can include_next */

/* The attributes of a member DIE that layouts use, read in one pass. */
enum {
	TRI_MA_TYPE = 1 << 0, TRI_MA_LOC = 1 << 1, TRI_MA_BIT_SIZE = 1 << 2,
	TRI_MA_BYTE_SIZE = 1 << 3, TRI_MA_DATA_BIT_OFFSET = 1 << 4,
	TRI_MA_BIT_OFFSET = 1 << 5, TRI_MA_ALIGNMENT = 1 << 6,
};
struct tri_dwarf_mattr {
	const char	*name;
	Dwarf_Attribute	 type, loc, bit_size, byte_size, data_bit_offset,
			 bit_offset, alignment;
	unsigned	 have;		/* TRI_MA_* */
	bool		 artificial, external, declaration;
};
void	 tri_dwarf_mattr(Dwarf_Die *c, struct tri_dwarf_mattr *a);
/* The DW_AT_name of die, checked to end inside its section, or NULL. */
const char *tri_dwarf_name(Dwarf_Die *die);
/* An attribute of a that is there and a constant: 0, else -1. */
int	 tri_dwarf_mattr_udata(const struct tri_dwarf_mattr *a, unsigned bit,
	    Dwarf_Word *w);

/* A 64-bit hash of n bytes at p, continuing from h. */
uint64_t tri_dwarf_fnv(uint64_t h, const void *p, size_t n);
/* Set up and release d's arena and string table: 0, or -1 ENOMEM. */
int	 tri_dwarf_mem_init(struct tri_dwarf *d);
void	 tri_dwarf_mem_free(struct tri_dwarf *d);
/* Memory that lives as long as d: NULL on ENOMEM. */
void	*tri_dwarf_alloc(struct tri_dwarf *d, size_t n);
/* A copy of s in d's arena ("" on ENOMEM). */
const char *tri_dwarf_strdup(struct tri_dwarf *d, const char *s);
/* One shared copy of the n bytes at s (which may hold NULs) and a NUL. */
const char *tri_dwarf_intern(struct tri_dwarf *d, const char *s, size_t n);
void	 tri_dwarf_why(struct tri_dwarf *d, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A member DIE (or base class, or static member) with its attributes. */
struct tri_dwarf_src {
	int			 tag;
	struct tri_dwarf_mattr	 a;
};
/*
 * The member DIEs of the type at die, read once, into *v (grown with
 * realloc, *cap its length).  Returns how many, or -1 with errno ENOMEM.
 */
long	 tri_dwarf_gather(Dwarf_Die *die, struct tri_dwarf_src **v,
	    size_t *cap);
/*
 * The index in d->types of the layout of the struct or class at die when
 * one alike is there already, else -1.
 */
long	 tri_dwarf_find(struct tri_dwarf *d, Dwarf_Die *die);
/*
 * Append the layout of the struct, class or union at die, whose n
 * members src holds, to d->types (its anonymous member types first).
 * Returns its index, or -1 with errno ENOMEM.
 */
long	 tri_dwarf_build(struct tri_dwarf *d, Dwarf_Die *die,
	    enum tri_dwarf_lang lang, bool nested, int depth,
	    const struct tri_dwarf_src *src, size_t n);

/*
 * Rust (rustc 1.63 and later, through LLVM) puts a type in the namespaces
 * of its module path (layouts_rs::Foo is "Foo" in namespace
 * "layouts_rs"), lists a struct's members in the order of the source
 * while rustc lays them out in an order of its own, and describes an
 * enum with data as a struct whose DW_TAG_variant_part holds the
 * discriminant and one DW_TAG_variant per variant, each variant a struct
 * nested in the enum's DIE.  What structpad makes of it: a type is named
 * by its path, members come in the order of their offsets, an enum is a
 * union of its discriminant and its variants (each shown inside it), and
 * each variant (layouts_rs::Shape::Circle) is a struct with the
 * discriminant in it where it does not share the variant's bytes (a
 * niche).
 */
struct tri_dwarf_rust_scope {
	const char		*path;		/* "layouts_rs::" or "" */
	bool			 in_enum;	/* inside an enum's DIE */
	bool			 have_discr;	/* which has a discriminant */
	struct tri_dwarf_src	 discr;		/* its discriminant */
	size_t			 enum_built;	/* index+1 of the enum, or 0 */
};

/* The DW_TAG_variant_part child of a Rust enum's DIE: true, in *vp. */
bool	 tri_dwarf_rust_enum_part(Dwarf_Die *die, Dwarf_Die *vp);
/*
 * An enum's members into d->src: its discriminant (kept in inner for its
 * variants) and each variant's member.  How many, or -1 ENOMEM.
 */
long	 tri_dwarf_rust_enum_members(struct tri_dwarf *d, Dwarf_Die *vp,
	    struct tri_dwarf_rust_scope *inner);
/*
 * The n members of a variant in d->src, with the enum's discriminant put
 * first when it does not share their bytes.  How many, or -1 ENOMEM.
 */
long	 tri_dwarf_rust_variant_members(struct tri_dwarf *d, Dwarf_Die *die,
	    long n, const struct tri_dwarf_rust_scope *scope);
/*
 * The variant members of the enum types[e] laid out in the variants' own
 * types, built after it from its DIE's children (TRI_DWARF_NESTED).
 */
void	 tri_dwarf_rust_link_variants(struct tri_dwarf *d, size_t e);
/* t's members in the order of their offsets: 0, or -1 ENOMEM. */
int	 tri_dwarf_rust_sort(struct tri_dwarf_type *t);
/* The path of a type named name in scope into buf. */
void	 tri_dwarf_rust_path(const struct tri_dwarf_rust_scope *scope,
	    const char *name, char *buf, size_t size);

#endif /* TRI_DWARF_INT_H */
