/* cmd/structpad/structpad.h - what the files of structpad share. */
#ifndef STRUCTPAD_H
#define STRUCTPAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "dwarf.h"
#include "out.h"

struct ctl {
	const char	**names;	/* -C: names or globs */
	size_t		  nnames;
	char		**hot;		/* --hot a,b */
	size_t		  nhot;
	unsigned long	  holes;	/* --holes N: at least N holes */
	unsigned long long min_waste;	/* --min-waste BYTES */
	unsigned long long max_waste;	/* --max-waste BYTES */
	bool		  have_max_waste;
	unsigned long	  cacheline;	/* --cacheline, or from sysfs */
	bool		  summary;	/* -s */
	bool		  suggest;	/* -S */
	bool		  false_sharing; /* -F: atomics and locks are hot */
	bool		  check;	/* --check */
	const char	 *baseline;	/* --baseline FILE */
	bool		  json;
	bool		  header;
	const char	 *columns;	/* -o: -s's columns, "+COL" adds */
	bool		  raw;		/* --raw */
	enum tri_color_mode color;
};

/* The holes of one type, pahole's way (class__find_holes). */
struct layout {
	const struct tri_dwarf_type *t;
	int64_t		*hole;		/* bytes after member i */
	uint32_t	*bit_hole;	/* bits after member i */
	int64_t		 pre_hole;	/* before the first member */
	uint32_t	 pre_bit_hole;
	unsigned	 nr_holes, nr_bit_holes;
	uint64_t	 sum_holes, sum_bit_holes;
	uint64_t	 sum_members;	/* bytes of members, not bit-fields */
	uint64_t	 sum_bits;	/* bits of bit-field members */
	int64_t		 padding;	/* bytes at the end */
	uint32_t	 bit_padding;
	uint64_t	 waste;		/* bytes of holes and padding */
	uint64_t	 best;		/* size after the best reordering */
	bool		*hot;		/* member i is written by threads */
	size_t		 nshared;	/* pairs of hot members on one line */
};

/* A member order: members (SIZE_MAX: a pad) with their new offsets. */
struct plan_item {
	size_t		 member;	/* index in t->members, or SIZE_MAX */
	uint64_t	 offset;	/* bytes (storage unit of a bit-field) */
	uint32_t	 bit_offset;
	uint64_t	 pad;		/* bytes of a pad */
};
struct plan {
	struct plan_item *v;
	size_t		  n;
	uint64_t	  size;
	bool		  reproducible;	/* the model gives the real layout */
	bool		  separated;	/* hot members were padded apart */
};

/* select.c: which types the options ask for. */
bool	select_wanted(const struct ctl *, const struct layout *);
bool	select_name_matches(const struct ctl *, const struct tri_dwarf_type *);

/* layout.c */
int	layout_compute(const struct ctl *, const struct tri_dwarf_type *,
	    struct layout *);
void	layout_free(struct layout *);
unsigned long cacheline_default(void);
/* Whether members a and b of t share a cache line. */
bool	layout_share_line(const struct ctl *, const struct tri_dwarf_member *,
	    const struct tri_dwarf_member *);
/* "struct foo" into buf. */
const char *type_title(const struct tri_dwarf_type *, char *buf, size_t);

/* suggest.c */
/* A member order of the least size; with separate, hot members are
 * padded onto lines of their own.  0, or -1 ENOMEM. */
int	plan_make(const struct ctl *, const struct tri_dwarf_type *,
	    const struct layout *, bool separate, struct plan *);
void	plan_free(struct plan *);
void	view_suggest(const struct ctl *, const struct tri_dwarf *,
	    const struct layout *);

/* view.c: pahole's text. */
void	view_type(const struct ctl *, const struct tri_dwarf *,
	    const struct layout *);
/* The declaration of member m ("int x:3", "struct {...} u") to f. */
void	view_decl(FILE *, const struct tri_dwarf *,
	    const struct tri_dwarf_member *, int indent);

/* summary.c */
void	view_summary(const struct ctl *, struct layout *, size_t n);
void	summary_check_columns(const struct ctl *);	/* exits 2 or 0 */

/* check.c: --check and --json. */
int	check_run(const struct ctl *, const char *file, struct layout *,
	    size_t n);
void	json_write(const struct ctl *, const char *file,
	    const struct tri_dwarf *, struct layout *, size_t n);
/* "struct foo: hot members a and b WHAT" to stdout, escaped. */
void	check_put_pair(const struct layout *, const char *a, const char *b,
	    const char *what);

/* baseline.c: --baseline, against a saved --json (read with json-c). */
int	baseline_run(const struct ctl *, const char *file, struct layout *,
	    size_t n);

#endif /* STRUCTPAD_H */
