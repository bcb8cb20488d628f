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

#endif /* TRI_DWARF_INT_H */
