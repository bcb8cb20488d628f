/* cmd/memmap/memmap.h - what the files of memmap share. */
#ifndef MEMMAP_H
#define MEMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"
#include "memverdict.h"
#include "out.h"
#include "proc.h"

enum sortkey { SORT_NONE, SORT_RSS, SORT_PSS, SORT_SIZE, SORT_SWAP };

struct ctl {
	struct tri_targets	 targets;
	struct tri_users	 users;		/* -u */
	bool			 json;		/* --json */
	bool			 prom;		/* --prom */
	bool			 header;	/* not -q, not --no-header */
	bool			 title;		/* not --no-header: "PID: cmd" */
	bool			 extended;	/* -X: every smaps field */
	bool			 maps_only;	/* --maps-only: maps, not smaps */
	bool			 have_range;	/* -A LOW,HIGH */
	unsigned long		 lo, hi;
	const char		*columns;	/* -o */
	bool			 raw;		/* --raw */
	bool			 summary;	/* -s: totals by kind */
	bool			 watch;		/* -w: report changes */
	const char		*diff;		/* -d FILE: compare with it */
	enum sortkey		 sort;		/* -S */
	unsigned long		 top;		/* -t N, 0: all */
	struct tri_sample	 sample;	/* -i, -n */
	enum tri_color_mode	 color;
};

/* What a mapping is, as an engineer names it. */
enum kind {
	K_TEXT, K_RODATA, K_DATA, K_BSS,
	K_LIB_TEXT, K_LIB_RODATA, K_LIB_DATA, K_LIB_BSS,
	K_HEAP, K_ARENA, K_GO_ARENA, K_STACK, K_THREAD_STACK, K_GUARD,
	K_MEMFD, K_SHM, K_DELETED, K_FILE, K_ANON, K_SHARED_ANON,
	K_VDSO, K_VVAR, K_VSYSCALL, K_SPECIAL,
	K_NKINDS
};

/* The groups --summary totals by. */
enum group {
	G_CODE, G_DATA, G_HEAP, G_STACK, G_ANON, G_FILE, G_SHARED, G_GUARD,
	G_OTHER, G_NGROUPS
};

/* Facts about a mapping that its kind does not say. */
enum note { N_NONE, N_ARENA_RESERVE, N_GO_RESERVE, N_TID_UNKNOWN };

/*
 * The per-mapping facts of one snapshot, parallel to the maps' records:
 * 4 bytes, not 12 (at 65,000 mappings that is 500 KB of peak RSS).  A
 * tid fits in 24 bits: the kernel's PID_MAX_LIMIT is 2^22.
 */
struct mapinfo {
	int		 tid : 24;	/* stack and guard owner; -1 unknown */
	unsigned int	 kind : 5;	/* enum kind */
	unsigned int	 note : 3;	/* enum note */
};
_Static_assert(K_NKINDS <= 32, "enum kind fits mapinfo.kind");

/* Totals of a set of mappings, kB. */
struct totals {
	size_t			 n;
	unsigned long long	 size, rss, pss, uss, dirty, swap, locked;
	unsigned long		 stacks;
};

/* One read of one process. */
struct snap {
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];
	unsigned long long	 starttime;	/* clock ticks since boot */
	double			 start_unix;	/* the same, since the epoch */
	char			*cmdline;	/* NUL-separated, malloc'd */
	size_t			 cmdline_len;
	double			 when;		/* tri_cli_now() at the read */
	double			 wall;		/* seconds since the epoch */
	bool			 smaps;		/* values come from smaps */
	bool			 rss_only;	/* RSS alone, from pagemap */
	bool			 settled;
	int			 tries;
	const char		*what;		/* the file a failure was on */
	struct tri_maps		 maps;
	struct mapinfo		*info;
	struct totals		 total;
	bool			 have_rollup;	/* total rss.. from smaps_rollup */
	struct tri_memverdict	 lim;		/* limits.c, lib/memverdict */
};

/* snap.c */
int	snap_take(const struct ctl *, pid_t, struct snap *);
void	snap_free(struct snap *);
pid_t	*users_pids(const struct ctl *, size_t *n);
void	snap_totals(const struct snap *, const size_t *idx, size_t n,
	    struct totals *);
void	totals_add(struct totals *, const struct tri_vma *, enum kind);
/* The smaps fields each record keeps for what ctl shows (maps.keep). */
uint64_t keep_fields(const struct ctl *);
const char *kind_name(enum kind);
enum group kind_group(enum kind);
const char *group_name(enum group);
unsigned long long vma_uss(const struct tri_vma *);
unsigned long long vma_dirty(const struct tri_vma *);
unsigned long long vma_key(const struct tri_vma *, enum sortkey);
bool	is_sysv(const struct snap *, const struct tri_vma *);
/* The text of the MAPPING column (escaped) into buf. */
const char *vma_label(const struct snap *, size_t i, char *buf, size_t size);
/* Say in one line why pid could not be read (r, errno from snap_take). */
void	report_failure(const struct snap *, int r, int err);
/* Warn when the map changed during every read. */
void	report_unsettled(const struct snap *);

/* classify.c */
int	classify(const struct tri_proc *, struct snap *);
/* Classification of a parsed map, without /proc (unit-testable core). */
struct classify_in {
	pid_t		 pid;
	unsigned int	 exe_major, exe_minor;
	unsigned long	 exe_inode;		/* 0: unknown */
	bool		 is_go;
	const unsigned long *sp;		/* thread stack pointers */
	const pid_t	*sp_tid;
	size_t		 nsp;
	const pid_t	*lost;			/* threads without a known sp */
	size_t		 nlost;
};
void	classify_maps(const struct tri_maps *, const struct classify_in *,
	    struct mapinfo *);

/* limits.c */
void	limits_read(const struct tri_proc *, struct snap *);
/* The "limit ..." lines and the verdict line of s, into buf. */
void	limits_print(const struct snap *, char *buf, size_t size);

/* rows.c */
/* The mappings to show, sorted and cut: *n rows, *idx a malloc'd index
 * array or NULL for the records' own order.  0, or -1 ENOMEM. */
int	view_rows(const struct ctl *, const struct snap *, size_t **idx,
	    size_t *n);
/* view.c */
int	view_maps(const struct ctl *, struct snap *, size_t nsnap);
int	view_summary(const struct ctl *, struct snap *, size_t nsnap);
void	json_snap(const struct ctl *, struct tri_json *, const struct snap *);
/* summary.c */
void	group_totals(const struct snap *, struct totals g[G_NGROUPS]);
/* The processes to show, sorted by -S and cut at -t (malloc'd). */
const struct snap **order(const struct ctl *, struct snap *, size_t nsnap,
	    size_t *n);
int	summary_cols(const char *list, int *idx, const char **bad,
	    size_t *badlen);
bool	summary_rss_only(const char *list);
void	fmt_kb(char *buf, size_t size, unsigned long long kb);

/* -A's argument into ctl->lo, ctl->hi, or one line and exit 2. */
void	range_parse_or_exit(struct ctl *, const char *);
/* -o's columns exist (or -o help: list them and exit 0), else exit 2. */
void	columns_check_or_exit(const struct ctl *);
/* Whether -o's columns are all what maps and pagemap give (no smaps). */
bool	columns_rss_only(const struct ctl *);
/* The smaps fields -o's columns show, as a mask of (1 << field). */
uint64_t columns_fields(const struct ctl *);
/* The title line, "PID:   command line" as pmap prints it, into buf. */
void	title_line(const struct snap *, char *buf, size_t size);
/* A string cell for --raw: escaped, and spaces as \x20 (as lsblk). */
size_t	raw_escape(char *dst, size_t size, const char *s, size_t len);
/* Text escaped already, with its spaces as \x20 (--raw). */
size_t	raw_spaces(char *dst, size_t size, const char *s, size_t len);

/* prom.c */
int	prom_summary(const struct ctl *, struct snap *, size_t nsnap);

/* watch.c: what --watch and --diff share */
/* A mapping as the comparison needs it, from a live read or a file. */
struct mrec {
	unsigned long		 start, end;
	unsigned long long	 rss;
	char			 perms[5];
	const char		*kind;
	const char		*note;		/* NULL: none */
	pid_t			 tid;		/* -1: none */
	const char		*path;		/* raw bytes, not escaped */
	size_t			 path_len;
	bool			 matched;
};

struct mset {
	struct mrec		*r;
	size_t			 n;
	bool			 have_rss;
	double			 wall;		/* when it was read */
	double			 when;		/* the same, monotonic */
	unsigned long long	 size, rss;	/* totals, kB */
};

int	watch_run(const struct ctl *, pid_t);
/* Read pid into s and m: 0, -1 reported, -2 gone (when gone_ok). */
int	take(const struct ctl *, pid_t, struct snap *, struct mset *,
	    bool gone_ok);
void	text_head(bool watch);
/* Print the changes from was to now; elapsed < 0 for --diff. */
void	report(const struct ctl *, struct mset *was, struct mset *now,
	    pid_t, double secs, double elapsed, const char *when);

/* diff.c */
int	diff_run(const struct ctl *, pid_t);

#endif /* MEMMAP_H */
