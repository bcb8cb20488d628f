/* lib/dwarf_int.h - what lib/dwarf.c and lib/dwarf_type.c share (private). */
#ifndef TRI_DWARF_INT_H
#define TRI_DWARF_INT_H

#include <elfutils/libdw.h>

#include <dwarf.h>	/* lib/dwarf.h, found on -Ilib so that it can include_next */

/* 64-bit FNV-1a of n bytes at p, continuing from h. */
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
/*
 * Append the layout of the struct, class or union at die to d->types
 * (its anonymous member types first).  Returns its index, or -1 with
 * errno ENOMEM.
 */
long	 tri_dwarf_build(struct tri_dwarf *d, Dwarf_Die *die,
	    enum tri_dwarf_lang lang, bool nested, int depth);

#endif /* TRI_DWARF_INT_H */
