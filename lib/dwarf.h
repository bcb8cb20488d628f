/* lib/dwarf.h - struct, class and union layouts read from DWARF (libdw). */
#ifndef TRI_DWARF_H
#define TRI_DWARF_H

/*
 * This header has the name of elfutils' <dwarf.h> (the DW_* constants),
 * which -Ilib hides: include that one from here, so both are seen.
 */
#include_next <dwarf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tri_dwarf_kind { TRI_DWARF_STRUCT, TRI_DWARF_CLASS, TRI_DWARF_UNION };

enum tri_dwarf_lang { TRI_DWARF_C, TRI_DWARF_CXX, TRI_DWARF_GO,
	TRI_DWARF_RUST, TRI_DWARF_OTHER };

/* Member flags. */
enum {
	TRI_DWARF_ATOMIC = 1 << 0,	/* _Atomic, std::atomic, sync/atomic */
	TRI_DWARF_LOCK	 = 1 << 1,	/* pthread_mutex_t, spinlock, rwlock,
					 * std::mutex, sync.Mutex */
	TRI_DWARF_BASE	 = 1 << 2,	/* a C++ base class (inheritance) */
	TRI_DWARF_VPTR	 = 1 << 3,	/* the vtable pointer */
	TRI_DWARF_FLEX	 = 1 << 4,	/* a flexible array member */
	TRI_DWARF_NESTED = 1 << 5,	/* an anonymous struct or union,
					 * or a Rust enum's variant, laid
					 * out in types[nested] */
	TRI_DWARF_ALIGNAS = 1 << 6,	/* DW_AT_alignment on the member */
	TRI_DWARF_REF	 = 1 << 7,	/* a struct by value, whose layout
					 * (seen before) is types[nested] */
};

/* 40 bytes: glibc's debug info alone has tens of thousands of members. */
struct tri_dwarf_member {
	const char	*name;		/* "" when anonymous; its array
					 * dimensions follow the NUL */
	const char	*type;		/* C spelling: "struct foo *" */
	uint64_t	 offset;	/* bytes from the start of the type; of
					 * the storage unit for a bit-field */
	uint32_t	 size;		/* bytes; the storage unit's for a
					 * bit-field */
	uint16_t	 bit_offset;	/* bits from offset (bit-fields) */
	uint16_t	 bit_size;	/* bits; 0 when not a bit-field */
	uint16_t	 align;		/* alignment of the member, bytes */
	uint16_t	 flags;
	uint32_t	 nested;	/* TRI_DWARF_NESTED, _REF: index in types */
};

struct tri_dwarf_type {
	const char		*name;		/* "" when anonymous */
	enum tri_dwarf_kind	 kind;
	enum tri_dwarf_lang	 lang;
	bool			 nested;	/* anonymous, inside another */
	bool			 alignas;	/* DW_AT_alignment on the type */
	bool			 variant;	/* a Rust enum's variant: its
						 * tail is the room of larger
						 * variants */
	uint64_t		 size;
	uint32_t		 align;		/* natural alignment, bytes */
	struct tri_dwarf_member	*members;
	size_t			 nmembers;
	uint32_t		 ncu;		/* units that define it */
};

struct tri_dwarf_arena;
struct tri_dwarf_tinfo;
struct tri_dwarf_src;

/*
 * Every named struct, class and union with a definition, once per
 * distinct layout (a type defined alike in many units is kept once, with
 * ncu counting them), in the order first seen; anonymous types that are
 * members of others follow as nested entries.
 */
struct tri_dwarf {
	struct tri_dwarf_type	*types;
	size_t			 ntypes, cap;
	char			 debug_path[4096];	/* file the DWARF came from */
	char			 why[256];	/* detail of a failure */
	/* private */
	struct tri_dwarf_arena	*arena;
	uint32_t		*hash;		/* index+1 of the types, by key */
	size_t			 hsize;
	uint64_t		*hkey;
	const char		**strs;		/* interned strings */
	size_t			 nstrs, strsize;
	struct tri_dwarf_tinfo	*tinfo;		/* member types seen, by DIE */
	size_t			 ntinfo, tinfosize;
	struct tri_dwarf_src	*src;		/* members of the type at hand */
	size_t			 srccap;
	long			 nested_left;	/* anonymous types it may expand */
};

/*
 * Load the layouts of the ELF file at path.  When it has no DWARF of its
 * own, the separate debug file is looked for by build id
 * (DEBUGDIR/.build-id/xx/yyyy.debug) and by .gnu_debuglink (next to the
 * file, in .debug/ beside it, and under DEBUGDIR), DEBUGDIR being
 * /usr/lib/debug.  Returns 0, or -1 with errno: EISDIR a directory,
 * ENOEXEC not an ELF file, EINVAL a truncated or corrupt ELF file or
 * DWARF (d->why says what), ENODATA no debug info, or what open(2)
 * gives.  d is owned by the caller; tri_dwarf_free releases it, also
 * after a failure.
 */
int	tri_dwarf_load(const char *path, struct tri_dwarf *d);
/* The same for an ELF image in memory (no separate debug file). */
int	tri_dwarf_load_mem(const void *buf, size_t len, struct tri_dwarf *d);
void	tri_dwarf_free(struct tri_dwarf *d);

/* A member's array dimensions, "[4][2]", or "". */
const char *tri_dwarf_dims(const struct tri_dwarf_member *m);
/* "struct", "class" or "union". */
const char *tri_dwarf_kind_name(enum tri_dwarf_kind k);
const char *tri_dwarf_lang_name(enum tri_dwarf_lang l);

#endif /* TRI_DWARF_H */
