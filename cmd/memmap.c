/* cmd/memmap.c - where a process's memory is, and what is growing. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "cli.h"
#include "exe.h"
#include "out.h"
#include "proc.h"

enum sortkey { SORT_NONE, SORT_RSS, SORT_PSS, SORT_SIZE, SORT_SWAP };

struct ctl {
	struct tri_targets	 targets;
	bool			 json;		/* --json */
	bool			 header;	/* not --no-header */
	bool			 extended;	/* -X: every smaps field */
	bool			 maps_only;	/* -q: read maps, not smaps */
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

/* The per-mapping facts of one snapshot, parallel to maps.v. */
struct mapinfo {
	enum kind	 kind;
	enum note	 note;
	pid_t		 tid;		/* stack and guard owner; -1 unknown */
};

struct limits {
	size_t			 max_map_count;		/* 0: unknown */
	bool			 have_cgroup;
	char			 cgroup[256];		/* where the limit is */
	uint64_t		 cg_limit, cg_usage;	/* bytes */
	bool			 have_memlock;
	unsigned long long	 memlock;		/* bytes, or RLIM_INFINITY */
	unsigned long long	 locked_kb;
};

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
	unsigned long long	 starttime;
	double			 when;		/* tri_cli_now() at the read */
	double			 wall;		/* seconds since the epoch */
	bool			 smaps;		/* values come from smaps */
	bool			 settled;
	int			 tries;
	const char		*what;		/* the file a failure was on */
	struct tri_maps		 maps;
	struct mapinfo		*info;
	struct totals		 total;
	bool			 have_rollup;	/* total rss.. from smaps_rollup */
	struct limits		 lim;
};

/* snap.c */
static int	snap_take(const struct ctl *, pid_t, struct snap *);
static void	snap_free(struct snap *);
static void	snap_totals(const struct snap *, const size_t *idx, size_t n,
	    struct totals *);
static const char *kind_name(enum kind);
static enum group kind_group(enum kind);
static const char *group_name(enum group);
static unsigned long long vma_uss(const struct tri_vma *);
static unsigned long long vma_dirty(const struct tri_vma *);
static unsigned long long vma_key(const struct tri_vma *, enum sortkey);
/* The text of the MAPPING column (escaped) into buf. */
static const char *vma_label(const struct snap *, size_t i, char *buf, size_t size);

/* main.c */
static void	report_failure(const struct snap *, int r, int err);
static void	report_unsettled(const struct snap *);

/* classify.c */
static int	classify(const struct tri_proc *, struct snap *);
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
static void	classify_maps(const struct tri_maps *, const struct classify_in *,
	    struct mapinfo *);

/* limits.c */
static void	limits_read(const struct tri_proc *, struct snap *);

/* view.c */
static int	view_maps(const struct ctl *, struct snap *, size_t nsnap);
static int	view_summary(const struct ctl *, struct snap *, size_t nsnap);
static void	json_snap(const struct ctl *, struct tri_json *, const struct snap *);
static void	fmt_kb(char *buf, size_t size, unsigned long long kb);

/* watch.c */
static int	watch_run(const struct ctl *, pid_t);
static int	diff_run(const struct ctl *, pid_t);

/* jsonread.c: a reader for the snapshots memmap itself writes. */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct jval {
	enum jtype	 type;
	double		 num;
	bool		 b;
	char		*str;		/* J_STR: decoded, NUL-ended */
	size_t		 len;
	struct jval	*items;		/* J_ARR, J_OBJ */
	char		**keys;		/* J_OBJ */
	size_t		 n;
};
/* Parse text; 0, or -1 with *where set to the byte offset of the error. */
static int	jread(const char *text, size_t len, struct jval *out, size_t *where);
static void	jfree(struct jval *);
static const struct jval *jget(const struct jval *obj, const char *key);

/* ==== main: where a process's memory is, and what is growing. ==== */

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fputs("Usage: memmap [-q | -X] [-s] [-S key] [-t N] [--json] "
	    "[--no-header] [--color=when] -p pid[,pid...]\n"
	    "       memmap -w [-q] [-i seconds] [-n count] -p pid\n"
	    "       memmap -d before.json [-q] -p pid\n", f);
	if (status != 0)
		exit(status);
	fputs("\nShow a process's memory by mapping, named the way an engineer"
	    " thinks of it\n(text, heap, thread stacks with their tid, malloc"
	    " arenas, memfd...), and\nfind what grows.\n\n"
	    "  -p, --pid PID[,PID]    processes (pids or names)\n"
	    "  -X, --extended         every smaps field per mapping\n"
	    "  -q, --maps-only        read only maps: no RSS, no page walk\n"
	    "  -s, --summary          totals by kind: RSS, PSS, USS, swap\n"
	    "  -S, --sort KEY         rss, pss, size or swap (largest first)\n"
	    "  -t, --top N            only the N largest mappings (processes"
	    " with -s)\n"
	    "  -w, --watch            report mappings that change, and the"
	    " growth rate\n"
	    "  -i, --interval SECS    seconds between --watch samples"
	    " (default 1)\n"
	    "  -n, --count N          stop --watch after N samples\n"
	    "  -d, --diff FILE        compare with a saved --json snapshot\n"
	    "      --json             JSON output\n"
	    "      --no-header        no header, totals or limit lines\n"
	    "      --color=WHEN       auto, always or never\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n", f);
	exit(0);
}

static enum sortkey
parse_sort(const char *s)
{
	if (strcmp(s, "rss") == 0)
		return SORT_RSS;
	if (strcmp(s, "pss") == 0)
		return SORT_PSS;
	if (strcmp(s, "size") == 0)
		return SORT_SIZE;
	if (strcmp(s, "swap") == 0)
		return SORT_SWAP;
	warnx("--sort %s: not one of rss, pss, size, swap", s);
	usage(TRI_EXIT_FAIL);
}

static void
add_targets(struct ctl *ctl, const char *arg)
{
	char *bad = NULL;

	if (tri_targets_add(&ctl->targets, arg, &bad) < 0) {
		int e = errno;
		char *esc = tri_out_escape_dup(bad ? bad : arg,
		    strlen(bad ? bad : arg));

		errx(TRI_EXIT_FAIL, "pid %s: %s", esc ? esc : "?",
		    tri_cli_target_error(e));
	}
	free(bad);
}

static void
number(const char *opt, const char *arg, unsigned long long *v)
{
	if (tri_cli_parse_ull(arg, 1, 1000000000ULL, v) < 0) {
		warnx("%s %s: not a positive number", opt, arg);
		usage(TRI_EXIT_FAIL);
	}
}

static void
check_options(const struct ctl *ctl, bool sampling)
{
	const char *bad = NULL;

	if (ctl->targets.n == 0)
		bad = "-p PID is required";
	else if (ctl->watch && ctl->diff)
		bad = "--watch and --diff do not go together";
	else if ((ctl->watch || ctl->diff) && ctl->targets.n != 1)
		bad = "--watch and --diff take one process";
	else if ((ctl->watch || ctl->diff) && (ctl->summary || ctl->extended))
		bad = "--watch and --diff show mappings, not -s or -X";
	else if (sampling && !ctl->watch)
		bad = "-i and -n go with --watch";
	else if (ctl->extended && ctl->maps_only)
		bad = "-X needs smaps, -q reads only maps";
	else if (ctl->extended && ctl->summary)
		bad = "-X shows mappings, -s shows totals";
	if (bad) {
		warnx("%s", bad);
		usage(TRI_EXIT_FAIL);
	}
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "color",	required_argument, NULL, TRI_OPT_COLOR },
		{ "count",	required_argument, NULL, 'n' },
		{ "diff",	required_argument, NULL, 'd' },
		{ "extended",	no_argument,	   NULL, 'X' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "interval",	required_argument, NULL, 'i' },
		{ "json",	no_argument,	   NULL, TRI_OPT_JSON },
		{ "maps-only",	no_argument,	   NULL, 'q' },
		{ "no-header",	no_argument,	   NULL, TRI_OPT_NO_HEADER },
		{ "pid",	required_argument, NULL, 'p' },
		{ "sort",	required_argument, NULL, 'S' },
		{ "summary",	no_argument,	   NULL, 's' },
		{ "top",	required_argument, NULL, 't' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "watch",	no_argument,	   NULL, 'w' },
		{ NULL,		0,		   NULL, 0 },
	};
	unsigned long long v;
	bool sampling = false;
	int c;

	ctl->header = true;
	ctl->sample.interval = 1;
	while ((c = getopt_long(argc, argv, "d:hi:n:p:qS:st:VwX", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			ctl->diff = optarg;
			break;
		case 'h':
			usage(0);
		case 'i':
			if (tri_cli_parse_seconds(optarg,
			    &ctl->sample.interval) < 0) {
				warnx("-i %s: not a positive number of seconds",
				    optarg);
				usage(TRI_EXIT_FAIL);
			}
			sampling = true;
			break;
		case 'n':
			number("-n", optarg, &v);
			ctl->sample.count = (unsigned long)v;
			sampling = true;
			break;
		case 'p':
			add_targets(ctl, optarg);
			break;
		case 'q':
			ctl->maps_only = true;
			break;
		case 'S':
			ctl->sort = parse_sort(optarg);
			break;
		case 's':
			ctl->summary = true;
			break;
		case 't':
			number("-t", optarg, &v);
			ctl->top = (unsigned long)v;
			break;
		case 'V':
			tri_cli_version_exit();
		case 'w':
			ctl->watch = true;
			break;
		case 'X':
			ctl->extended = true;
			break;
		case TRI_OPT_COLOR:
			if (tri_out_parse_color(optarg, &ctl->color) < 0) {
				warnx("--color %s: not auto, always or never",
				    optarg);
				usage(TRI_EXIT_FAIL);
			}
			break;
		case TRI_OPT_JSON:
			ctl->json = true;
			break;
		case TRI_OPT_NO_HEADER:
			ctl->header = false;
			break;
		default:
			usage(TRI_EXIT_FAIL);
		}
	}
	if (optind < argc) {
		warnx("%s: unexpected argument", argv[optind]);
		usage(TRI_EXIT_FAIL);
	}
	check_options(ctl, sampling);
	tri_out_color_init(ctl->color);
}

/* Say why pid could not be read, in one line. */
static void
report_failure(const struct snap *s, int r, int e)
{
	if (r == -2)
		warnx("pid %d: kernel thread, no user memory", (int)s->pid);
	else if (e == ESRCH)
		warnx("pid %d: no such process", (int)s->pid);
	else if (e == EACCES || e == EPERM)
		warnx("pid %d: reading /proc/%d/%s: %s (%s)", (int)s->pid,
		    (int)s->pid, s->what, strerror(e),
		    tri_caps_hint(CAP_SYS_PTRACE));
	else
		warnx("pid %d: reading /proc/%d/%s: %s", (int)s->pid,
		    (int)s->pid, s->what, strerror(e));
}

static void
report_unsettled(const struct snap *s)
{
	if (!s->settled)
		warnx("pid %d: the address space changed during each of %d "
		    "reads; the map may mix states", (int)s->pid, s->tries);
}

static void
output(const struct ctl *ctl, struct snap *s, size_t n)
{
	struct tri_json j;
	size_t i;

	if (n == 0)
		return;
	if (!ctl->json) {
		if (ctl->summary)
			view_summary(ctl, s, n);
		else
			view_maps(ctl, s, n);
		return;
	}
	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_key(&j, "processes");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_snap(ctl, &j, &s[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static int
snapshot(const struct ctl *ctl)
{
	struct snap *s;
	size_t i, n = 0, failed = 0;
	int r;

	if ((s = calloc(ctl->targets.n, sizeof(*s))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < ctl->targets.n; i++) {
		if ((r = snap_take(ctl, ctl->targets.pids[i], &s[n])) < 0) {
			report_failure(&s[n], r, errno);
			snap_free(&s[n]);
			failed++;
			continue;
		}
		report_unsettled(&s[n]);
		n++;
	}
	output(ctl, s, n);
	for (i = 0; i < n; i++)
		snap_free(&s[i]);
	free(s);
	if (failed == 0)
		return TRI_EXIT_OK;
	return n == 0 ? TRI_EXIT_FAIL : TRI_EXIT_FOUND;
}

int
main(int argc, char **argv)
{
	struct ctl ctl;
	int status;

	tri_cli_init();
	memset(&ctl, 0, sizeof(ctl));
	parse_options(&ctl, argc, argv);
	if (ctl.watch)
		status = watch_run(&ctl, ctl.targets.pids[0]);
	else if (ctl.diff)
		status = diff_run(&ctl, ctl.targets.pids[0]);
	else
		status = snapshot(&ctl);
	tri_targets_free(&ctl.targets);
	return status;
}

/* ==== snap: one consistent read of a process's mappings. ==== */

#define READ_TRIES	3	/* reads before saying the map never settled */

static const char *const kind_names[K_NKINDS] = {
	[K_TEXT] = "text", [K_RODATA] = "rodata", [K_DATA] = "data",
	[K_BSS] = "bss", [K_LIB_TEXT] = "lib-text",
	[K_LIB_RODATA] = "lib-rodata", [K_LIB_DATA] = "lib-data",
	[K_LIB_BSS] = "lib-bss", [K_HEAP] = "heap", [K_ARENA] = "arena",
	[K_GO_ARENA] = "go-arena", [K_STACK] = "stack",
	[K_THREAD_STACK] = "thread-stack", [K_GUARD] = "guard",
	[K_MEMFD] = "memfd", [K_SHM] = "shm", [K_DELETED] = "deleted",
	[K_FILE] = "file", [K_ANON] = "anon", [K_SHARED_ANON] = "shared-anon",
	[K_VDSO] = "vdso", [K_VVAR] = "vvar", [K_VSYSCALL] = "vsyscall",
	[K_SPECIAL] = "special",
};

static const enum group kind_groups[K_NKINDS] = {
	[K_TEXT] = G_CODE, [K_RODATA] = G_DATA, [K_DATA] = G_DATA,
	[K_BSS] = G_DATA, [K_LIB_TEXT] = G_CODE, [K_LIB_RODATA] = G_DATA,
	[K_LIB_DATA] = G_DATA, [K_LIB_BSS] = G_DATA, [K_HEAP] = G_HEAP,
	[K_ARENA] = G_HEAP, [K_GO_ARENA] = G_HEAP, [K_STACK] = G_STACK,
	[K_THREAD_STACK] = G_STACK, [K_GUARD] = G_GUARD,
	[K_MEMFD] = G_SHARED, [K_SHM] = G_SHARED, [K_DELETED] = G_FILE,
	[K_FILE] = G_FILE, [K_ANON] = G_ANON, [K_SHARED_ANON] = G_SHARED,
	[K_VDSO] = G_CODE, [K_VVAR] = G_OTHER, [K_VSYSCALL] = G_OTHER,
	[K_SPECIAL] = G_OTHER,
};

static const char *const group_names[G_NGROUPS] = {
	"code", "data", "heap", "stack", "anon", "file", "shared", "guard",
	"other",
};

static const char *
kind_name(enum kind k)
{
	return kind_names[k];
}

static enum group
kind_group(enum kind k)
{
	return kind_groups[k];
}

static const char *
group_name(enum group g)
{
	return group_names[g];
}

/* Unique set size: the pages only this process maps. */
static unsigned long long
vma_uss(const struct tri_vma *v)
{
	return v->f[TRI_SM_PRIVATE_CLEAN] + v->f[TRI_SM_PRIVATE_DIRTY] +
	    v->f[TRI_SM_PRIVATE_HUGETLB];
}

/* Dirty as pmap -x counts it: shared and private dirty pages. */
static unsigned long long
vma_dirty(const struct tri_vma *v)
{
	return v->f[TRI_SM_SHARED_DIRTY] + v->f[TRI_SM_PRIVATE_DIRTY];
}

static unsigned long long
vma_key(const struct tri_vma *v, enum sortkey k)
{
	switch (k) {
	case SORT_RSS:	return v->f[TRI_SM_RSS];
	case SORT_PSS:	return v->f[TRI_SM_PSS];
	case SORT_SWAP:	return v->f[TRI_SM_SWAP];
	case SORT_SIZE:	return (v->end - v->start) / 1024;
	default:	return 0;
	}
}

static void
snap_totals(const struct snap *s, const size_t *idx, size_t n,
    struct totals *t)
{
	const struct tri_vma *v;
	size_t k, i;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < n; k++) {
		i = idx ? idx[k] : k;
		v = &s->maps.v[i];
		t->n++;
		t->size += (v->end - v->start) / 1024;
		t->rss += v->f[TRI_SM_RSS];
		t->pss += v->f[TRI_SM_PSS];
		t->uss += vma_uss(v);
		t->dirty += vma_dirty(v);
		t->swap += v->f[TRI_SM_SWAP];
		t->locked += v->f[TRI_SM_LOCKED];
		if (s->info[i].kind == K_STACK ||
		    s->info[i].kind == K_THREAD_STACK)
			t->stacks++;
	}
}

/* The MAPPING column: the escaped path, or what memmap found it to be. */
static const char *
vma_label(const struct snap *s, size_t i, char *buf, size_t size)
{
	const struct mapinfo *mi = &s->info[i];
	const struct tri_vma *v = &s->maps.v[i];

	if (mi->tid >= 0 && mi->kind == K_THREAD_STACK)
		snprintf(buf, size, "[stack tid %d]", (int)mi->tid);
	else if (mi->tid >= 0 && mi->kind == K_GUARD)
		snprintf(buf, size, "[guard tid %d]", (int)mi->tid);
	else if (mi->note == N_TID_UNKNOWN)
		return mi->kind == K_GUARD ? "[guard tid ?]" : "[stack tid ?]";
	else if (mi->note == N_ARENA_RESERVE)
		return "[arena reserve]";
	else if (mi->note == N_GO_RESERVE)
		return "[go arena reserve]";
	else if (mi->kind == K_ARENA)
		return "[arena]";
	else if (mi->kind == K_GO_ARENA)
		return "[go arena]";
	else if ((mi->kind == K_BSS || mi->kind == K_LIB_BSS) && i > 0)
		tri_out_escape(buf, size, tri_maps_path(&s->maps, v - 1),
		    v[-1].path_len);
	else if (v->path_len)
		tri_out_escape(buf, size, tri_maps_path(&s->maps, v),
		    v->path_len);
	else if (mi->kind == K_GUARD)
		return "[guard]";
	else
		return "[anon]";
	return buf;
}

/*
 * The kernel drops the mmap lock between chunks of a read, so one read
 * may mix two states.  A second, cheap read of maps that shows the same
 * layout means nothing moved in between; else read again, a few times.
 */
static int
read_settled(const struct ctl *ctl, const struct tri_proc *p, struct snap *s)
{
	const char *file = ctl->maps_only ? "maps" : "smaps";
	int r = 0;

	for (s->tries = 1; s->tries <= READ_TRIES; s->tries++) {
		s->what = file;
		if ((r = tri_proc_read_maps(p, file, &s->maps)) < 0)
			break;
		s->what = "maps";
		/* our own reads allocate: only their layout changes */
		if (p->pid == getpid()) {
			s->settled = true;
			break;
		}
		if ((r = tri_proc_maps_unchanged(p, &s->maps)) < 0)
			break;
		if ((s->settled = r == 1))
			break;
	}
	if (s->tries > READ_TRIES)
		s->tries = READ_TRIES;
	return r < 0 ? -1 : 0;
}

/* -q --summary: the totals from smaps_rollup, one cheap walk. */
static void
read_rollup(const struct tri_proc *p, struct snap *s)
{
	struct tri_maps r;
	const struct tri_vma *v;

	tri_maps_init(&r);
	if (tri_proc_read_maps(p, "smaps_rollup", &r) == 0 && r.n == 1) {
		v = &r.v[0];
		s->total.rss = v->f[TRI_SM_RSS];
		s->total.pss = v->f[TRI_SM_PSS];
		s->total.uss = vma_uss(v);
		s->total.dirty = vma_dirty(v);
		s->total.swap = v->f[TRI_SM_SWAP];
		s->total.locked = v->f[TRI_SM_LOCKED];
		s->have_rollup = true;
	}
	tri_maps_free(&r);
}

static int
snap_read(const struct ctl *ctl, const struct tri_proc *p, struct snap *s)
{
	struct timespec ts;

	if (read_settled(ctl, p, s) < 0)
		return -1;
	s->smaps = !ctl->maps_only;
	s->when = tri_cli_now();
	clock_gettime(CLOCK_REALTIME, &ts);
	s->wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	s->what = "task";
	if (classify(p, s) < 0)
		return -1;
	snap_totals(s, NULL, s->maps.n, &s->total);
	if (ctl->maps_only && ctl->summary)
		read_rollup(p, s);
	limits_read(p, s);
	s->what = "stat";
	return tri_proc_check(p);
}

/*
 * Read pid.  Returns 0; -1 with errno and s->what naming the file that
 * failed; or -2 for a kernel thread (no user memory).
 */
static int
snap_take(const struct ctl *ctl, pid_t pid, struct snap *s)
{
	struct tri_proc p;
	struct tri_stat st;
	int r, e;

	memset(s, 0, sizeof(*s));
	tri_maps_init(&s->maps);
	s->pid = pid;
	s->what = "stat";
	if (tri_proc_open(&p, pid) < 0)
		return -1;
	if (tri_proc_read_stat(&p, &st) < 0) {
		e = errno;
		tri_proc_close(&p);
		errno = e;
		return -1;
	}
	memcpy(s->comm, st.comm, sizeof(s->comm));
	s->starttime = p.starttime;
	if (tri_proc_is_kthread(&st)) {
		tri_proc_close(&p);
		return -2;
	}
	r = snap_read(ctl, &p, s);
	e = errno;
	tri_proc_close(&p);
	errno = e;
	return r;
}

static void
snap_free(struct snap *s)
{
	tri_maps_free(&s->maps);
	free(s->info);
	s->info = NULL;
}

/* ==== classify: name each mapping: text, heap, thread stack... ==== */

#define ARENA_SIZE	(64UL << 20)	/* glibc HEAP_MAX_SIZE on 64-bit */
#define GO_ARENA_LO	0xc000000000UL	/* Go's first arena hint on amd64 */
#define GO_ARENA_HI	0x10000000000UL	/* where its second range begins */
#define SYSCALL_TRIES	3		/* re-reads for a thread that runs */

static bool
prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool
suffix(const char *s, size_t len, const char *x)
{
	size_t n = strlen(x);

	return len >= n && memcmp(s + len - n, x, n) == 0;
}

static enum kind
special_kind(const char *path, const struct tri_vma *v)
{
	if (strcmp(path, "[heap]") == 0)
		return K_HEAP;
	if (strcmp(path, "[stack]") == 0)
		return K_STACK;
	if (strcmp(path, "[vdso]") == 0)
		return K_VDSO;
	if (prefix(path, "[vvar"))
		return K_VVAR;
	if (strcmp(path, "[vsyscall]") == 0)
		return K_VSYSCALL;
	if (prefix(path, "[anon_shmem:"))
		return K_SHARED_ANON;
	if (prefix(path, "[anon:"))
		return v->perms[3] == 's' ? K_SHARED_ANON : K_ANON;
	return K_SPECIAL;
}

/* The file mappings that are executable: their files are ELF objects. */
struct objects {
	const struct tri_vma	**v;
	size_t			  n;
};

static void
objects_find(const struct tri_maps *m, struct objects *o)
{
	size_t i;

	o->n = 0;
	o->v = malloc((m->n ? m->n : 1) * sizeof(*o->v));
	for (i = 0; o->v && i < m->n; i++)
		if (m->v[i].perms[2] == 'x' && m->v[i].inode != 0)
			o->v[o->n++] = &m->v[i];
}

static bool
is_object(const struct objects *o, const struct tri_vma *v)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i]->inode == v->inode &&
		    o->v[i]->dev_major == v->dev_major &&
		    o->v[i]->dev_minor == v->dev_minor)
			return true;
	return false;
}

static enum kind
object_kind(const struct tri_vma *v, bool exe)
{
	if (memcmp(v->perms, "---", 3) == 0)
		return K_GUARD;
	if (v->perms[2] == 'x')
		return exe ? K_TEXT : K_LIB_TEXT;
	if (v->perms[1] == 'w')
		return exe ? K_DATA : K_LIB_DATA;
	return exe ? K_RODATA : K_LIB_RODATA;
}

static enum kind
file_kind(const struct tri_maps *m, const struct tri_vma *v,
    const struct classify_in *in, const struct objects *o)
{
	const char *path = tri_maps_path(m, v);
	bool exe;

	if (prefix(path, "/memfd:"))
		return K_MEMFD;
	if (prefix(path, "/SYSV"))
		return K_SHM;
	if (prefix(path, "/dev/zero") && v->perms[3] == 's')
		return K_SHARED_ANON;
	if (suffix(path, v->path_len, " (deleted)"))
		return K_DELETED;
	if (v->inode != 0 && is_object(o, v)) {
		exe = in->exe_inode == v->inode &&
		    in->exe_major == v->dev_major &&
		    in->exe_minor == v->dev_minor;
		return object_kind(v, exe);
	}
	return K_FILE;
}

static enum kind
base_kind(const struct tri_maps *m, const struct tri_vma *v,
    const struct classify_in *in, const struct objects *o)
{
	const char *path = tri_maps_path(m, v);

	if (path[0] == '[')
		return special_kind(path, v);
	if (v->path_len)
		return file_kind(m, v, in, o);
	if (memcmp(v->perms, "---", 3) == 0)
		return K_GUARD;
	return v->perms[3] == 's' ? K_SHARED_ANON : K_ANON;
}

/* The anonymous tail of .bss lies right after an object's data. */
static void
mark_bss(const struct tri_maps *m, struct mapinfo *info)
{
	size_t i;

	for (i = 1; i < m->n; i++) {
		const struct tri_vma *v = &m->v[i];

		if (info[i].kind != K_ANON || v->path_len ||
		    m->v[i - 1].end != v->start)
			continue;
		if (info[i - 1].kind == K_DATA)
			info[i].kind = K_BSS;
		else if (info[i - 1].kind == K_LIB_DATA)
			info[i].kind = K_LIB_BSS;
	}
}

/* The mapping that holds addr (maps are sorted), or -1. */
static ssize_t
find_addr(const struct tri_maps *m, unsigned long addr)
{
	size_t lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < m->v[mid].start)
			hi = mid;
		else if (addr >= m->v[mid].end)
			lo = mid + 1;
		else
			return (ssize_t)mid;
	}
	return -1;
}

/* A thread's stack pointer names its stack; the guard lies just below. */
static void
mark_stacks(const struct tri_maps *m, const struct classify_in *in,
    struct mapinfo *info)
{
	ssize_t i;
	size_t k;

	for (k = 0; k < in->nsp; k++) {
		if ((i = find_addr(m, in->sp[k])) < 0)
			continue;
		if (info[i].kind == K_STACK) {
			if (info[i].tid < 0 || in->sp_tid[k] == in->pid)
				info[i].tid = in->sp_tid[k];
			continue;
		}
		if (info[i].kind != K_ANON || info[i].tid >= 0)
			continue;
		info[i].kind = K_THREAD_STACK;
		info[i].tid = in->sp_tid[k];
		if (i > 0 && info[i - 1].kind == K_GUARD &&
		    m->v[i - 1].end == m->v[i].start &&
		    m->v[i - 1].path_len == 0)
			info[i - 1].tid = in->sp_tid[k];
	}
}

/*
 * A thread that runs in user space has no stack pointer in /proc.  Its
 * stack is one of the glibc-shaped ones left (read-write, right above an
 * anonymous guard page): with one such thread and one such mapping the
 * match is made, else the mappings are thread stacks of unknown tid.
 */
static void
guess_stacks(const struct tri_maps *m, const struct classify_in *in,
    struct mapinfo *info)
{
	size_t i, n = 0, last = 0;

	if (in->nlost == 0)
		return;
	for (i = 1; i < m->n; i++) {
		const struct tri_vma *v = &m->v[i], *g = v - 1;

		if (info[i].kind != K_ANON || memcmp(v->perms, "rw-p", 4) != 0 ||
		    info[i - 1].kind != K_GUARD || g->path_len ||
		    g->end != v->start || info[i - 1].tid >= 0)
			continue;
		if (n++ == in->nlost)
			return;		/* more candidates than threads */
		last = i;
	}
	for (i = 1; n > 0 && i < m->n; i++) {
		if (info[i].kind != K_ANON || memcmp(m->v[i].perms, "rw-p", 4) ||
		    info[i - 1].kind != K_GUARD || m->v[i - 1].path_len ||
		    m->v[i - 1].end != m->v[i].start || info[i - 1].tid >= 0)
			continue;
		info[i].kind = K_THREAD_STACK;
		if (n == 1 && in->nlost == 1 && i == last)
			info[i].tid = info[i - 1].tid = in->lost[0];
		else
			info[i].note = info[i - 1].note = N_TID_UNKNOWN;
	}
}

/*
 * A non-main glibc arena is a 64 MiB-aligned reservation of 64 MiB whose
 * start is read-write and whose rest is PROT_NONE until the arena grows.
 */
static void
mark_arenas(const struct tri_maps *m, struct mapinfo *info)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct tri_vma *v = &m->v[i], *w = v + 1;

		if (info[i].kind != K_ANON || v->path_len ||
		    v->start % ARENA_SIZE != 0)
			continue;
		if (v->end - v->start == ARENA_SIZE) {
			info[i].kind = K_ARENA;
		} else if (i + 1 < m->n && info[i + 1].kind == K_GUARD &&
		    w->path_len == 0 && w->start == v->end &&
		    w->end - v->start == ARENA_SIZE) {
			info[i].kind = K_ARENA;
			info[i + 1].note = N_ARENA_RESERVE;
		}
	}
}

/*
 * Go reserves its heap arenas from the hint 0xc000000000 up (on amd64,
 * further hints at 0x1c000000000... are tried only when that fails).
 * Only that first range is claimed: the later hints overlap where mmap
 * puts libraries.
 */
static void
mark_go(const struct tri_maps *m, struct mapinfo *info)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct tri_vma *v = &m->v[i];

		if (v->path_len || v->start < GO_ARENA_LO ||
		    v->start >= GO_ARENA_HI)
			continue;
		if (info[i].kind == K_ANON)
			info[i].kind = K_GO_ARENA;
		else if (info[i].kind == K_GUARD && info[i].tid < 0)
			info[i].note = N_GO_RESERVE;
	}
}

static void
classify_maps(const struct tri_maps *m, const struct classify_in *in,
    struct mapinfo *info)
{
	struct objects o;
	size_t i;

	objects_find(m, &o);
	for (i = 0; i < m->n; i++) {
		info[i].kind = base_kind(m, &m->v[i], in, &o);
		info[i].note = N_NONE;
		info[i].tid = -1;
	}
	free(o.v);
	mark_bss(m, info);
	mark_stacks(m, in, info);
	if (in->is_go)		/* Go's arenas are 64 MiB-aligned too */
		mark_go(m, info);
	mark_arenas(m, info);
	guess_stacks(m, in, info);	/* among what is left */
}

/*
 * task/TID/syscall is "nr a1 .. a6 sp pc" in a syscall, "-1 sp pc" when
 * blocked elsewhere, or "running".  Returns 0 with *sp, -1 otherwise.
 */
static int
parse_sp(const char *buf, unsigned long *sp)
{
	const char *tok[9];
	char *end;
	int n = 0;
	const char *s = buf;

	while (*s && n < 9) {
		while (*s == ' ')
			s++;
		if (*s == '\0' || *s == '\n')
			break;
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\n')
			s++;
	}
	if (n != 3 && n != 9)
		return -1;
	*sp = strtoul(tok[n == 3 ? 1 : 7], &end, 16);
	return *sp ? 0 : -1;
}

/* A thread's stack pointer: from syscall, else stat's kstkesp. */
static int
thread_sp(const struct tri_proc *p, pid_t tid, unsigned long *sp)
{
	char name[64], buf[256];
	struct tri_stat st;
	int i;

	snprintf(name, sizeof(name), "task/%d/syscall", (int)tid);
	for (i = 0; i < SYSCALL_TRIES; i++) {
		if (tri_proc_read(p, name, buf, sizeof(buf)) < 0)
			break;
		if (parse_sp(buf, sp) == 0)
			return 0;
	}
	snprintf(name, sizeof(name), "task/%d/stat", (int)tid);
	if (tri_proc_read(p, name, buf, sizeof(buf)) < 0 ||
	    tri_proc_parse_stat(buf, strlen(buf), &st) < 0 || st.kstkesp == 0)
		return -1;
	*sp = st.kstkesp;
	return 0;
}

static void
exe_identity(const struct tri_proc *p, struct classify_in *in)
{
	struct stat st;
	bool go = false;

	if (fstatat(p->dirfd, "exe", &st, 0) == 0) {
		in->exe_major = major(st.st_dev);
		in->exe_minor = minor(st.st_dev);
		in->exe_inode = (unsigned long)st.st_ino;
	}
	if (tri_exe_is_go(p, &go, NULL, 0) == 0)
		in->is_go = go;
}

/* A name ending " (deleted)" that still has links is a real file's name. */
static void
check_deleted(const struct tri_proc *p, const struct tri_maps *m,
    struct mapinfo *info)
{
	char name[64];
	struct stat st;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (info[i].kind != K_DELETED)
			continue;
		snprintf(name, sizeof(name), "map_files/%lx-%lx",
		    m->v[i].start, m->v[i].end);
		if (fstatat(p->dirfd, name, &st, 0) == 0 && st.st_nlink > 0)
			info[i].kind = K_FILE;
	}
}

static int
classify(const struct tri_proc *p, struct snap *s)
{
	struct classify_in in = { .pid = p->pid };
	unsigned long *sp = NULL;
	pid_t *tids, *sptid = NULL, *lost = NULL;
	size_t n = 0, k;

	exe_identity(p, &in);
	if ((tids = tri_proc_tasks(p, &n)) != NULL) {
		sp = calloc(n ? n : 1, sizeof(*sp));
		sptid = calloc(n ? n : 1, sizeof(*sptid));
		lost = calloc(n ? n : 1, sizeof(*lost));
		for (k = 0; sp && sptid && lost && k < n; k++) {
			if (thread_sp(p, tids[k], &sp[in.nsp]) == 0)
				sptid[in.nsp++] = tids[k];
			else if (tids[k] != p->pid)	/* main: [stack] */
				lost[in.nlost++] = tids[k];
		}
	}
	in.sp = sp;
	in.sp_tid = sptid;
	in.lost = lost;
	if ((s->info = calloc(s->maps.n ? s->maps.n : 1,
	    sizeof(*s->info))) == NULL) {
		free(tids);
		free(sp);
		free(sptid);
		free(lost);
		return -1;
	}
	classify_maps(&s->maps, &in, s->info);
	check_deleted(p, &s->maps, s->info);
	free(tids);
	free(sp);
	free(sptid);
	free(lost);
	return 0;
}

/* ==== limits: how close a process is to its memory limits. ==== */

/* A v1 "no limit" is a page-rounded LONG_MAX, not a word. */
#define CG_NOLIMIT	(1ULL << 62)

static size_t
max_map_count(void)
{
	static size_t cached;
	unsigned long long v;
	char buf[64];
	ssize_t n;
	int fd;

	if (cached)
		return cached;
	if ((fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (tri_cli_parse_ull(buf, 1, SIZE_MAX, &v) == 0)
		cached = (size_t)v;
	return cached;
}

static void
cgroup_limit(pid_t pid, struct limits *l)
{
	char dir[512];
	uint64_t lim, use;
	int v2 = 0;

	if (tri_cgroup_dir(pid, "memory", dir, sizeof(dir), &v2) < 0)
		return;
	if (tri_cgroup_limit(dir, v2 ? "memory.max" : "memory.limit_in_bytes",
	    &lim, l->cgroup, sizeof(l->cgroup)) < 0)
		return;
	if (lim == TRI_CGROUP_MAX || lim >= CG_NOLIMIT)
		return;
	/* The limit holds the whole cgroup where it is set: its usage. */
	if (tri_cgroup_read_u64(l->cgroup, v2 ? "memory.current" :
	    "memory.usage_in_bytes", &use) < 0)
		return;
	l->cg_limit = lim;
	l->cg_usage = use;
	l->have_cgroup = true;
}

static void
limits_read(const struct tri_proc *p, struct snap *s)
{
	struct limits *l = &s->lim;
	struct tri_status st;
	unsigned long long soft, hard;

	l->max_map_count = max_map_count();
	cgroup_limit(p->pid, l);
	if (tri_proc_read_limit(p, "Max locked memory", &soft, &hard) == 0) {
		l->memlock = soft;
		l->have_memlock = true;
	}
	l->locked_kb = s->total.locked;
	if (!s->smaps && !s->have_rollup &&
	    tri_proc_read_status(p, &st) == 0 && st.vmlck_kb > 0)
		l->locked_kb = (unsigned long long)st.vmlck_kb;
}

/* ==== view: the map table, the summary and their JSON. ==== */

/*
 * The table is formatted by hand into one buffer rather than through
 * tri_table or printf: -X on 50,000 mappings is over a million cells,
 * and memmap must stay close to the cost of the kernel's smaps text.
 */

#define LABEL_MAX	8192
#define MAXCOLS		(TRI_SM_MAX + 8)

struct obuf {
	char	 b[1 << 16];
	size_t	 n;
};

static void
oflush(struct obuf *o)
{
	fwrite(o->b, 1, o->n, stdout);
	o->n = 0;
}

static void
oput(struct obuf *o, const char *s, size_t len)
{
	if (o->n + len > sizeof(o->b))
		oflush(o);
	if (len > sizeof(o->b)) {
		fwrite(s, 1, len, stdout);
		return;
	}
	memcpy(o->b + o->n, s, len);
	o->n += len;
}

static void
ostr(struct obuf *o, const char *s)
{
	oput(o, s, strlen(s));
}

static void
opad(struct obuf *o, size_t n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		oput(o, sp, k);
		n -= k;
	}
}

static size_t
udigits(unsigned long long v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* A right-aligned number in width w, then a space. */
static void
onum(struct obuf *o, unsigned long long v, size_t w)
{
	char t[24];
	size_t i = sizeof(t);

	do
		t[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (w > sizeof(t) - i)
		opad(o, w - (sizeof(t) - i));
	oput(o, t + i, sizeof(t) - i);
	oput(o, " ", 1);
}

static void
ocell(struct obuf *o, const char *s, size_t w, bool right)
{
	size_t len = strlen(s);

	if (right && w > len)
		opad(o, w - len);
	oput(o, s, len);
	if (!right && w > len)
		opad(o, w - len);
	oput(o, " ", 1);
}

static void
fmt_kb(char *buf, size_t size, unsigned long long kb)
{
	static const char units[] = "KMGTP";
	double v = (double)kb;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lluK", kb);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
}

/* The columns of the map table: a value getter per numeric column. */
enum col { C_SIZE, C_RSS, C_PSS, C_DIRTY, C_SWAP, C_OFFSET, C_INODE,
	C_FIELD };

struct column {
	enum col	 c;
	int		 field;		/* C_FIELD: smaps field */
	const char	*name;
	size_t		 w;
};

static unsigned long long
col_value(const struct column *c, const struct tri_vma *v)
{
	switch (c->c) {
	case C_SIZE:	return (v->end - v->start) / 1024;
	case C_RSS:	return v->f[TRI_SM_RSS];
	case C_PSS:	return v->f[TRI_SM_PSS];
	case C_DIRTY:	return vma_dirty(v);
	case C_SWAP:	return v->f[TRI_SM_SWAP];
	case C_OFFSET:	return v->offset;
	case C_INODE:	return v->inode;
	default:	return v->f[c->field];
	}
}

static int
add_col(struct column *cols, int n, enum col c, int field, const char *name)
{
	cols[n].c = c;
	cols[n].field = field;
	cols[n].name = name;
	cols[n].w = strlen(name);
	return n + 1;
}

static int
make_cols(const struct ctl *ctl, const struct snap *s, struct column *cols)
{
	int n = 0, i, f;

	n = add_col(cols, n, C_SIZE, 0, "KBYTES");
	if (!s->smaps)
		return n;
	if (!ctl->extended) {
		n = add_col(cols, n, C_RSS, 0, "RSS");
		n = add_col(cols, n, C_PSS, 0, "PSS");
		n = add_col(cols, n, C_DIRTY, 0, "DIRTY");
		return add_col(cols, n, C_SWAP, 0, "SWAP");
	}
	n = add_col(cols, n, C_OFFSET, 0, "OFFSET");
	n = add_col(cols, n, C_INODE, 0, "INODE");
	for (i = 0; i < s->maps.norder && n < MAXCOLS; i++) {
		f = s->maps.order[i];
		if (f == TRI_SM_SIZE)
			continue;
		n = add_col(cols, n, C_FIELD, f, tri_maps_field_name(&s->maps, f));
	}
	return n;
}

static const struct snap *sort_snap;
static enum sortkey sort_key;

static int
cmp_idx(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	unsigned long long x = vma_key(&sort_snap->maps.v[i], sort_key);
	unsigned long long y = vma_key(&sort_snap->maps.v[j], sort_key);

	if (x != y)
		return x < y ? 1 : -1;
	return i < j ? -1 : i > j;
}

/* The rows to show, in order: sorted by --sort, cut at --top. */
static size_t *
rows(const struct ctl *ctl, const struct snap *s, size_t *n)
{
	size_t *idx, i;

	if ((idx = malloc((s->maps.n ? s->maps.n : 1) * sizeof(*idx))) == NULL)
		return NULL;
	for (i = 0; i < s->maps.n; i++)
		idx[i] = i;
	*n = s->maps.n;
	if (ctl->sort != SORT_NONE) {
		sort_snap = s;
		sort_key = ctl->sort;
		qsort(idx, *n, sizeof(*idx), cmp_idx);
	}
	if (ctl->top && ctl->top < *n)
		*n = ctl->top;
	return idx;
}

static void
widths(const struct snap *s, const size_t *idx, size_t n,
    struct column *cols, int ncols, size_t *kindw)
{
	size_t k, d;
	int c;

	*kindw = 4;
	for (k = 0; k < n; k++) {
		const struct tri_vma *v = &s->maps.v[idx[k]];

		for (c = 0; c < ncols; c++)
			if ((d = udigits(col_value(&cols[c], v))) > cols[c].w)
				cols[c].w = d;
		d = strlen(kind_name(s->info[idx[k]].kind));
		if (d > *kindw)
			*kindw = d;
	}
}

/* Room for the fixed part of a row, written without bounds checks. */
#define ROW_FIXED	(32 + MAXCOLS * 24 + 64 + VMFLAGS_MAX)
#define VMFLAGS_MAX	200

static char *
put_num(char *p, unsigned long long v, size_t w)
{
	char t[24];
	size_t i = sizeof(t), n;

	do
		t[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	n = sizeof(t) - i;
	if (w > n) {
		memset(p, ' ', w - n);
		p += w - n;
	}
	memcpy(p, t + i, n);
	p[n] = ' ';
	return p + n + 1;
}

static char *
put_hex16(char *p, unsigned long v)
{
	int k;

	for (k = 15; k >= 0; k--) {
		p[k] = "0123456789abcdef"[v & 15];
		v >>= 4;
	}
	p[16] = ' ';
	return p + 17;
}

static char *
put_word(char *p, const char *s, size_t w)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	if (w > n) {
		memset(p + n, ' ', w - n);
		n = w;
	}
	p[n] = ' ';
	return p + n + 1;
}

/* VmFlags "rd wr mr" as one column: "rd,wr,mr". */
static char *
put_flags(char *p, const char *fl)
{
	size_t j;

	if (*fl == '\0')
		*p++ = '-';
	for (j = 0; fl[j] && j < VMFLAGS_MAX; j++)
		*p++ = fl[j] == ' ' ? ',' : fl[j];
	*p++ = ' ';
	return p;
}

static void
print_row(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    size_t i, const struct column *cols, int ncols, size_t kindw)
{
	const struct tri_vma *v = &s->maps.v[i];
	char label[LABEL_MAX], *p;
	int c;

	if (o->n + ROW_FIXED > sizeof(o->b))
		oflush(o);
	p = put_hex16(o->b + o->n, v->start);
	for (c = 0; c < ncols; c++)
		p = put_num(p, col_value(&cols[c], v), cols[c].w);
	p = put_word(p, v->perms, 4);
	p = put_word(p, kind_name(s->info[i].kind), kindw);
	if (ctl->extended && s->smaps)
		p = put_flags(p, tri_maps_vmflags(&s->maps, v));
	o->n = (size_t)(p - o->b);
	ostr(o, vma_label(s, i, label, sizeof(label)));
	oput(o, "\n", 1);
}

static void
print_head(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    const struct column *cols, int ncols, size_t kindw)
{
	int c;

	ocell(o, "ADDRESS", 16, false);
	for (c = 0; c < ncols; c++)
		ocell(o, cols[c].name, cols[c].w, true);
	ocell(o, "MODE", 4, false);
	ocell(o, "KIND", kindw, false);
	if (ctl->extended && s->smaps)
		ocell(o, "VMFLAGS", 0, false);
	ostr(o, "MAPPING\n");
}

static void
print_total(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    const struct column *cols, int ncols, size_t kindw)
{
	struct tri_vma sum;
	char buf[64];
	size_t i;
	int c, f;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < s->maps.n; i++) {
		const struct tri_vma *v = &s->maps.v[i];

		sum.end += v->end - v->start;
		for (f = 0; f < TRI_SM_MAX; f++)
			sum.f[f] += v->f[f];
	}
	ocell(o, "total", 16, false);
	for (c = 0; c < ncols; c++) {
		if (cols[c].c == C_OFFSET || cols[c].c == C_INODE ||
		    (cols[c].c == C_FIELD &&
		    !(s->maps.kb_mask & (1ULL << cols[c].field))))
			ocell(o, "-", cols[c].w, true);
		else
			onum(o, col_value(&cols[c], &sum), cols[c].w);
	}
	ocell(o, "", 4, false);
	ocell(o, "", kindw, false);
	if (ctl->extended && s->smaps)
		ocell(o, "", 0, false);
	snprintf(buf, sizeof(buf), "%zu mappings\n", s->maps.n);
	ostr(o, buf);
}

static void
print_limits(struct obuf *o, const struct snap *s)
{
	const struct limits *l = &s->lim;
	char buf[1024], a[32], b[32], c[32], d[32], path[600];
	double pct;

	if (l->max_map_count) {
		pct = 100.0 * (double)s->maps.n / (double)l->max_map_count;
		snprintf(buf, sizeof(buf), "limit mappings %zu of %zu "
		    "vm.max_map_count (%.1f%%)%s\n", s->maps.n,
		    l->max_map_count, pct, pct >= 90 ? " NEAR LIMIT" : "");
		ostr(o, buf);
	}
	if (l->have_cgroup) {
		fmt_kb(a, sizeof(a), l->cg_usage / 1024);
		fmt_kb(b, sizeof(b), l->cg_limit / 1024);
		fmt_kb(c, sizeof(c), l->cg_limit > l->cg_usage ?
		    (l->cg_limit - l->cg_usage) / 1024 : 0);
		fmt_kb(d, sizeof(d), s->total.rss);
		tri_out_escape(path, sizeof(path), l->cgroup, strlen(l->cgroup));
		pct = 100.0 * (double)l->cg_usage / (double)l->cg_limit;
		snprintf(buf, sizeof(buf), "limit cgroup memory %s of %s "
		    "(%.1f%%), headroom %s, this process rss %s: %s%s\n", a, b,
		    pct, c, d, path, pct >= 90 ? " NEAR LIMIT" : "");
		ostr(o, buf);
	}
	if (l->have_memlock) {
		fmt_kb(a, sizeof(a), l->locked_kb);
		if (l->memlock == RLIM_INFINITY)
			snprintf(b, sizeof(b), "unlimited");
		else
			fmt_kb(b, sizeof(b), l->memlock / 1024);
		snprintf(buf, sizeof(buf), "limit locked %s of %s "
		    "RLIMIT_MEMLOCK\n", a, b);
		ostr(o, buf);
	}
}

static int
view_one(struct obuf *o, const struct ctl *ctl, const struct snap *s,
    bool title)
{
	struct column cols[MAXCOLS];
	size_t *idx, n, k, kindw;
	char buf[TRI_COMM_MAX * 4 + 64], comm[TRI_COMM_MAX * 4];
	int ncols;

	if ((idx = rows(ctl, s, &n)) == NULL)
		return -1;
	ncols = make_cols(ctl, s, cols);
	widths(s, idx, n, cols, ncols, &kindw);
	if (ctl->header && title) {
		tri_out_escape(comm, sizeof(comm), s->comm, strlen(s->comm));
		snprintf(buf, sizeof(buf), "%d: %s\n", (int)s->pid, comm);
		ostr(o, buf);
	}
	if (ctl->header)
		print_head(o, ctl, s, cols, ncols, kindw);
	for (k = 0; k < n; k++)
		print_row(o, ctl, s, idx[k], cols, ncols, kindw);
	if (ctl->header) {
		print_total(o, ctl, s, cols, ncols, kindw);
		print_limits(o, s);
	}
	free(idx);
	return 0;
}

static int
view_maps(const struct ctl *ctl, struct snap *s, size_t nsnap)
{
	struct obuf *o;
	size_t i;

	if ((o = malloc(sizeof(*o))) == NULL)
		return -1;
	o->n = 0;
	for (i = 0; i < nsnap; i++) {
		if (i > 0 && ctl->header)
			ostr(o, "\n");
		view_one(o, ctl, &s[i], nsnap > 1 || ctl->header);
	}
	oflush(o);
	free(o);
	return 0;
}

/* ==== summary: totals by kind, and the JSON of a snapshot. ==== */

static void
group_totals(const struct snap *s, struct totals g[G_NGROUPS])
{
	size_t *idx, n, i;
	int k;

	if ((idx = malloc((s->maps.n ? s->maps.n : 1) * sizeof(*idx))) == NULL)
		return;
	for (k = 0; k < G_NGROUPS; k++) {
		for (n = 0, i = 0; i < s->maps.n; i++)
			if (kind_group(s->info[i].kind) == (enum group)k)
				idx[n++] = i;
		snap_totals(s, idx, n, &g[k]);
	}
	free(idx);
}

static unsigned long long
total_key(const struct totals *t, enum sortkey k)
{
	switch (k) {
	case SORT_RSS:	return t->rss;
	case SORT_PSS:	return t->pss;
	case SORT_SWAP:	return t->swap;
	case SORT_SIZE:	return t->size;
	default:	return 0;
	}
}

static enum sortkey cmp_key;

static int
cmp_snap(const void *a, const void *b)
{
	const struct snap *x = *(const struct snap *const *)a;
	const struct snap *y = *(const struct snap *const *)b;
	unsigned long long p = total_key(&x->total, cmp_key);
	unsigned long long q = total_key(&y->total, cmp_key);

	if (p != q)
		return p < q ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The processes to show: sorted by --sort, cut at --top. */
static const struct snap **
order(const struct ctl *ctl, struct snap *s, size_t nsnap, size_t *n)
{
	const struct snap **v;
	size_t i;

	if ((v = malloc((nsnap ? nsnap : 1) * sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < nsnap; i++)
		v[i] = &s[i];
	if (ctl->sort != SORT_NONE) {
		cmp_key = ctl->sort;
		qsort(v, nsnap, sizeof(*v), cmp_snap);
	}
	*n = ctl->top && ctl->top < nsnap ? ctl->top : nsnap;
	return v;
}

static void
sum_row(struct tri_table *t, const struct snap *s, const char *name,
    const struct totals *g, bool values)
{
	tri_table_cellf(t, "%d", (int)s->pid);
	tri_table_cell(t, s->comm, strlen(s->comm));
	tri_table_cell_raw(t, name);
	tri_table_cellf(t, "%zu", g->n);
	tri_table_cellf(t, "%llu", g->size);
	if (values) {
		tri_table_cellf(t, "%llu", g->rss);
		tri_table_cellf(t, "%llu", g->pss);
		tri_table_cellf(t, "%llu", g->uss);
		tri_table_cellf(t, "%llu", g->swap);
	} else {
		tri_table_cell_raw(t, "-");
		tri_table_cell_raw(t, "-");
		tri_table_cell_raw(t, "-");
		tri_table_cell_raw(t, "-");
	}
}

static void
sum_cols(struct tri_table *t)
{
	tri_table_init(t);
	tri_table_col(t, "PID", TRI_RIGHT);
	tri_table_col(t, "COMM", TRI_LEFT);
	tri_table_col(t, "GROUP", TRI_LEFT);
	tri_table_col(t, "COUNT", TRI_RIGHT);
	tri_table_col(t, "KBYTES", TRI_RIGHT);
	tri_table_col(t, "RSS", TRI_RIGHT);
	tri_table_col(t, "PSS", TRI_RIGHT);
	tri_table_col(t, "USS", TRI_RIGHT);
	tri_table_col(t, "SWAP", TRI_RIGHT);
}

static void
json_totals(struct tri_json *j, const struct totals *t, bool values)
{
	tri_json_kuint(j, "count", t->n);
	tri_json_kuint(j, "size_kb", t->size);
	if (!values)
		return;
	tri_json_kuint(j, "rss_kb", t->rss);
	tri_json_kuint(j, "pss_kb", t->pss);
	tri_json_kuint(j, "uss_kb", t->uss);
	tri_json_kuint(j, "dirty_kb", t->dirty);
	tri_json_kuint(j, "swap_kb", t->swap);
	tri_json_kuint(j, "locked_kb", t->locked);
}

static void
json_summary(struct tri_json *j, const struct snap *s)
{
	struct totals g[G_NGROUPS];
	int k;

	group_totals(s, g);
	tri_json_key(j, "summary");
	tri_json_arr_begin(j);
	for (k = 0; k < G_NGROUPS; k++) {
		tri_json_obj_begin(j);
		tri_json_kstr(j, "group", group_name((enum group)k));
		json_totals(j, &g[k], s->smaps);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

static int
view_summary(const struct ctl *ctl, struct snap *s, size_t nsnap)
{
	struct totals g[G_NGROUPS];
	const struct snap **v;
	struct tri_table t;
	size_t n, i;
	int k;

	if ((v = order(ctl, s, nsnap, &n)) == NULL)
		return -1;
	sum_cols(&t);
	for (i = 0; i < n; i++) {
		group_totals(v[i], g);
		for (k = 0; k < G_NGROUPS; k++)
			sum_row(&t, v[i], group_name((enum group)k), &g[k],
			    v[i]->smaps);
		sum_row(&t, v[i], "total", &v[i]->total,
		    v[i]->smaps || v[i]->have_rollup);
	}
	tri_table_print(&t, stdout, ctl->header);
	tri_table_free(&t);
	free(v);
	return 0;
}

static void
json_mapping(const struct ctl *ctl, struct tri_json *j, const struct snap *s,
    size_t i)
{
	const struct tri_vma *v = &s->maps.v[i];
	const struct mapinfo *mi = &s->info[i];
	char buf[40];
	int k, f;

	tri_json_obj_begin(j);
	snprintf(buf, sizeof(buf), "0x%lx", v->start);
	tri_json_kstr(j, "start", buf);
	snprintf(buf, sizeof(buf), "0x%lx", v->end);
	tri_json_kstr(j, "end", buf);
	tri_json_kuint(j, "size_kb", (v->end - v->start) / 1024);
	if (s->smaps) {
		tri_json_kuint(j, "rss_kb", v->f[TRI_SM_RSS]);
		tri_json_kuint(j, "pss_kb", v->f[TRI_SM_PSS]);
		tri_json_kuint(j, "uss_kb", vma_uss(v));
		tri_json_kuint(j, "dirty_kb", vma_dirty(v));
		tri_json_kuint(j, "swap_kb", v->f[TRI_SM_SWAP]);
	}
	tri_json_kstr(j, "perms", v->perms);
	tri_json_kuint(j, "offset", v->offset);
	snprintf(buf, sizeof(buf), "%02x:%02x", v->dev_major, v->dev_minor);
	tri_json_kstr(j, "dev", buf);
	tri_json_kuint(j, "inode", v->inode);
	tri_json_kstr(j, "kind", kind_name(mi->kind));
	if (mi->tid >= 0)
		tri_json_kint(j, "tid", mi->tid);
	if (mi->note == N_ARENA_RESERVE)
		tri_json_kstr(j, "note", "arena reserve");
	else if (mi->note == N_GO_RESERVE)
		tri_json_kstr(j, "note", "go arena reserve");
	else if (mi->note == N_TID_UNKNOWN)
		tri_json_kstr(j, "note", "tid unknown");
	tri_json_key(j, "path");
	tri_json_strn(j, tri_maps_path(&s->maps, v), v->path_len);
	if (ctl->extended && s->smaps) {
		tri_json_key(j, "smaps");
		tri_json_obj_begin(j);
		for (k = 0; k < s->maps.norder; k++) {
			f = s->maps.order[k];
			tri_json_kuint(j, tri_maps_field_name(&s->maps, f),
			    v->f[f]);
		}
		tri_json_obj_end(j);
		tri_json_kstr(j, "vmflags", tri_maps_vmflags(&s->maps, v));
	}
	tri_json_obj_end(j);
}

static void
json_limits(struct tri_json *j, const struct snap *s)
{
	const struct limits *l = &s->lim;

	tri_json_key(j, "limits");
	tri_json_obj_begin(j);
	tri_json_kuint(j, "mappings", s->maps.n);
	if (l->max_map_count)
		tri_json_kuint(j, "max_map_count", l->max_map_count);
	if (l->have_cgroup) {
		tri_json_kstr(j, "cgroup", l->cgroup);
		tri_json_kuint(j, "cgroup_limit_bytes", l->cg_limit);
		tri_json_kuint(j, "cgroup_usage_bytes", l->cg_usage);
		tri_json_kuint(j, "cgroup_headroom_bytes",
		    l->cg_limit > l->cg_usage ? l->cg_limit - l->cg_usage : 0);
	}
	tri_json_kuint(j, "locked_kb", l->locked_kb);
	if (l->have_memlock && l->memlock != RLIM_INFINITY)
		tri_json_kuint(j, "memlock_limit_bytes", l->memlock);
	else if (l->have_memlock)
		tri_json_kstr(j, "memlock_limit_bytes", "unlimited");
	tri_json_obj_end(j);
}

/* One process of a snapshot document; --diff reads it back. */
static void
json_snap(const struct ctl *ctl, struct tri_json *j, const struct snap *s)
{
	size_t i, n, *idx;

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", s->pid);
	tri_json_key(j, "comm");
	tri_json_strn(j, s->comm, strlen(s->comm));
	tri_json_kuint(j, "starttime", s->starttime);
	/* %.6g would round seconds since 1970 to 10 s: write milliseconds */
	tri_json_kuint(j, "time_ms", (unsigned long long)(s->wall * 1000));
	tri_json_kstr(j, "source", s->smaps ? "smaps" : "maps");
	tri_json_kbool(j, "settled", s->settled);
	tri_json_kint(j, "tries", s->tries);
	tri_json_key(j, "total");
	tri_json_obj_begin(j);
	json_totals(j, &s->total, s->smaps || s->have_rollup);
	tri_json_kuint(j, "stacks", s->total.stacks);
	tri_json_obj_end(j);
	json_limits(j, s);
	if (ctl->summary) {
		json_summary(j, s);
	} else {
		tri_json_key(j, "mappings");
		tri_json_arr_begin(j);
		idx = rows(ctl, s, &n);
		for (i = 0; idx && i < n; i++)
			json_mapping(ctl, j, s, idx[i]);
		free(idx);
		tri_json_arr_end(j);
	}
	tri_json_obj_end(j);
}

/* ==== watch: what changed: --watch samples and --diff snapshots. ==== */

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
	unsigned long long	 size, rss;	/* totals, kB */
};

static int
mset_from_snap(const struct snap *s, struct mset *m)
{
	size_t i;

	if ((m->r = calloc(s->maps.n ? s->maps.n : 1, sizeof(*m->r))) == NULL)
		return -1;
	m->n = s->maps.n;
	m->have_rss = s->smaps;
	m->wall = s->wall;
	m->size = s->total.size;
	m->rss = s->total.rss;
	for (i = 0; i < s->maps.n; i++) {
		const struct tri_vma *v = &s->maps.v[i];
		struct mrec *r = &m->r[i];

		r->start = v->start;
		r->end = v->end;
		r->rss = v->f[TRI_SM_RSS];
		memcpy(r->perms, v->perms, sizeof(r->perms));
		r->kind = kind_name(s->info[i].kind);
		r->note = s->info[i].note == N_ARENA_RESERVE ? "arena reserve" :
		    s->info[i].note == N_GO_RESERVE ? "go arena reserve" :
		    s->info[i].note == N_TID_UNKNOWN ? (s->info[i].kind ==
		    K_GUARD ? "guard tid ?" : "stack tid ?") : NULL;
		r->tid = s->info[i].tid;
		r->path = tri_maps_path(&s->maps, v);
		r->path_len = v->path_len;
	}
	return 0;
}

static void
label(const struct mrec *r, char *buf, size_t size)
{
	if (r->tid >= 0 && strcmp(r->kind, "thread-stack") == 0)
		snprintf(buf, size, "[stack tid %d]", (int)r->tid);
	else if (r->tid >= 0 && strcmp(r->kind, "guard") == 0)
		snprintf(buf, size, "[guard tid %d]", (int)r->tid);
	else if (r->note)
		snprintf(buf, size, "[%s]", r->note);
	else if (strcmp(r->kind, "arena") == 0)
		snprintf(buf, size, "[arena]");
	else if (strcmp(r->kind, "go-arena") == 0)
		snprintf(buf, size, "[go arena]");
	else if (r->path_len)
		tri_out_escape(buf, size, r->path, r->path_len);
	else if (strcmp(r->kind, "bss") == 0 || strcmp(r->kind, "lib-bss") == 0)
		snprintf(buf, size, "[bss]");
	else if (strcmp(r->kind, "guard") == 0)
		snprintf(buf, size, "[guard]");
	else
		snprintf(buf, size, "[anon]");
}

/* One change: "new", "removed", "grown", "shrunk" or "changed". */
struct change {
	const char		*what;
	const struct mrec	*now;		/* NULL when removed */
	const struct mrec	*was;		/* NULL when new */
};

static const char *
verdict(const struct mrec *was, const struct mrec *now, bool rss)
{
	long long ds = (long long)(now->end - now->start) -
	    (long long)(was->end - was->start);
	long long dr = rss ? (long long)now->rss - (long long)was->rss : 0;

	if (ds == 0 && dr == 0 && strcmp(was->perms, now->perms) == 0)
		return NULL;
	if (ds >= 0 && dr >= 0 && (ds > 0 || dr > 0))
		return "grown";
	if (ds <= 0 && dr <= 0 && (ds < 0 || dr < 0))
		return "shrunk";
	return "changed";
}

/* Pair the mappings of two reads: by start, then by end (a mapping
 * that grew downwards keeps its end). */
static void
pair(struct mset *was, struct mset *now)
{
	size_t i = 0, k = 0;

	for (i = 0; i < was->n; i++)
		was->r[i].matched = false;
	for (k = 0; k < now->n; k++)
		now->r[k].matched = false;
	i = k = 0;
	while (i < was->n && k < now->n) {
		if (was->r[i].start < now->r[k].start) {
			i++;
		} else if (was->r[i].start > now->r[k].start) {
			k++;
		} else {
			was->r[i].matched = now->r[k].matched = true;
			i++;
			k++;
		}
	}
}

static struct mrec *
same_end(struct mset *m, const struct mrec *r)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!m->r[i].matched && m->r[i].end == r->end &&
		    strcmp(m->r[i].perms, r->perms) == 0)
			return &m->r[i];
	return NULL;
}

static struct mrec *
find_start(const struct mset *m, unsigned long start)
{
	size_t lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->r[mid].start == start)
			return &m->r[mid];
		if (m->r[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static size_t
changes(struct mset *was, struct mset *now, struct change **out)
{
	struct change *c;
	struct mrec *w;
	size_t i, n = 0;
	bool rss = was->have_rss && now->have_rss;

	pair(was, now);
	if ((c = calloc(was->n + now->n + 1, sizeof(*c))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < now->n; i++) {
		struct mrec *r = &now->r[i];

		w = r->matched ? find_start(was, r->start) : same_end(was, r);
		if (w && !r->matched)
			w->matched = r->matched = true;
		c[n].now = r;
		c[n].was = w;
		c[n].what = w ? verdict(w, r, rss) : "new";
		if (c[n].what)
			n++;
	}
	for (i = 0; i < was->n; i++)
		if (!was->r[i].matched) {
			c[n].was = &was->r[i];
			c[n++].what = "removed";
		}
	*out = c;
	return n;
}

static void
print_delta(char *buf, size_t size, long long d)
{
	snprintf(buf, size, d > 0 ? "+%lld" : "%lld", d);
}

static void
text_change(const struct change *c, bool rss, const char *when)
{
	const struct mrec *r = c->now ? c->now : c->was;
	unsigned long long size = (r->end - r->start) / 1024;
	long long ds, dr;
	char lb[8192], a[32], b[32], sz[32], rs[32];

	ds = c->was ? (long long)size - (long long)((c->was->end -
	    c->was->start) / 1024) : (long long)size;
	dr = c->was ? (long long)r->rss - (long long)c->was->rss :
	    (long long)r->rss;
	if (!c->now) {
		ds = -(long long)size;
		dr = -(long long)r->rss;
	}
	print_delta(a, sizeof(a), ds);
	print_delta(b, sizeof(b), dr);
	snprintf(sz, sizeof(sz), "%llu", c->now ? size : 0);
	snprintf(rs, sizeof(rs), "%llu", c->now ? r->rss : 0);
	label(r, lb, sizeof(lb));
	printf("%s%-8s %016lx %10s %9s %10s %9s %s %-12s %s\n", when,
	    c->what, r->start, sz, a, rss ? rs : "-", rss ? b : "-",
	    r->perms, r->kind, lb);
}

static void
text_head(bool watch)
{
	printf("%s%-8s %-16s %10s %9s %10s %9s %s %-12s %s\n",
	    watch ? "    TIME " : "", "CHANGE", "ADDRESS", "KBYTES", "+KBYTES",
	    "RSS", "+RSS", "MODE", "KIND", "MAPPING");
}

static void
text_total(const struct mset *was, const struct mset *now, bool rss,
    const char *when, double secs)
{
	long long ds = (long long)now->size - (long long)was->size;
	long long dr = (long long)now->rss - (long long)was->rss;

	if (secs <= 0)
		secs = 1e-9;
	printf("%stotal    size %llu kB (%+lld)", when, now->size, ds);
	if (rss)
		printf(", rss %llu kB (%+lld)", now->rss, dr);
	printf(" in %.1f s: size %+.1f kB/s", secs, (double)ds / secs);
	if (rss)
		printf(", rss %+.1f kB/s", (double)dr / secs);
	printf("\n");
}

static void
json_change(struct tri_json *j, const struct change *c, bool rss)
{
	const struct mrec *r = c->now ? c->now : c->was;
	long long size = (long long)(r->end - r->start) / 1024;
	long long was_size = c->was ? (long long)(c->was->end -
	    c->was->start) / 1024 : 0;
	char buf[40];

	tri_json_obj_begin(j);
	tri_json_kstr(j, "change", c->what);
	snprintf(buf, sizeof(buf), "0x%lx", r->start);
	tri_json_kstr(j, "start", buf);
	snprintf(buf, sizeof(buf), "0x%lx", r->end);
	tri_json_kstr(j, "end", buf);
	tri_json_kint(j, "size_kb", c->now ? size : 0);
	tri_json_kint(j, "size_delta_kb", (c->now ? size : 0) - was_size);
	if (rss) {
		tri_json_kuint(j, "rss_kb", c->now ? r->rss : 0);
		tri_json_kint(j, "rss_delta_kb", (long long)(c->now ? r->rss :
		    0) - (long long)(c->was ? c->was->rss : 0));
	}
	tri_json_kstr(j, "perms", r->perms);
	tri_json_kstr(j, "kind", r->kind);
	if (r->tid >= 0)
		tri_json_kint(j, "tid", r->tid);
	tri_json_key(j, "path");
	tri_json_strn(j, r->path, r->path_len);
	tri_json_obj_end(j);
}

static void
json_report(const struct mset *was, const struct mset *now,
    const struct change *c, size_t n, pid_t pid, double secs)
{
	bool rss = was->have_rss && now->have_rss;
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kint(&j, "pid", pid);
	tri_json_kuint(&j, "time_ms", (unsigned long long)(now->wall * 1000));
	tri_json_kdouble(&j, "seconds", secs);
	tri_json_key(&j, "changes");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_change(&j, &c[i], rss);
	tri_json_arr_end(&j);
	tri_json_key(&j, "total");
	tri_json_obj_begin(&j);
	tri_json_kuint(&j, "size_kb", now->size);
	tri_json_kint(&j, "size_delta_kb", (long long)now->size -
	    (long long)was->size);
	if (rss) {
		tri_json_kuint(&j, "rss_kb", now->rss);
		tri_json_kint(&j, "rss_delta_kb", (long long)now->rss -
		    (long long)was->rss);
		tri_json_kdouble(&j, "rss_rate_kb_s", secs > 0 ?
		    ((double)now->rss - (double)was->rss) / secs : 0);
	}
	tri_json_kdouble(&j, "size_rate_kb_s", secs > 0 ?
	    ((double)now->size - (double)was->size) / secs : 0);
	tri_json_obj_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

/* Compare two reads and print the changes; when is the --watch prefix. */
static void
report(const struct ctl *ctl, struct mset *was, struct mset *now, pid_t pid,
    double secs, const char *when)
{
	bool rss = was->have_rss && now->have_rss;
	struct change *c;
	size_t n, i;

	n = changes(was, now, &c);
	if (ctl->json) {
		json_report(was, now, c, n, pid, secs);
	} else {
		for (i = 0; i < n; i++)
			text_change(&c[i], rss, when);
		if (ctl->header)
			text_total(was, now, rss, when, secs);
	}
	fflush(stdout);
	free(c);
}

static int
take(const struct ctl *ctl, pid_t pid, struct snap *s, struct mset *m)
{
	int r;

	if ((r = snap_take(ctl, pid, s)) < 0) {
		report_failure(s, r, errno);
		snap_free(s);
		return -1;
	}
	report_unsettled(s);
	if (mset_from_snap(s, m) < 0)
		err(TRI_EXIT_FAIL, "calloc");
	return 0;
}

static int
watch_run(const struct ctl *ctl, pid_t pid)
{
	struct snap s[2];
	struct mset m[2];
	double next = 0, t0;
	char when[32];
	unsigned long done;
	int cur = 0;

	memset(m, 0, sizeof(m));
	if (take(ctl, pid, &s[0], &m[0]) < 0)
		return TRI_EXIT_FAIL;
	t0 = s[0].when;
	if (ctl->header && !ctl->json) {
		printf("watching pid %d: %zu mappings, size %llu kB", (int)pid,
		    s[0].maps.n, s[0].total.size);
		if (s[0].smaps)
			printf(", rss %llu kB", s[0].total.rss);
		printf(", every %g s\n", ctl->sample.interval);
		text_head(true);
		fflush(stdout);
	}
	for (done = 0; ctl->sample.count == 0 || done < ctl->sample.count;
	    done++) {
		if (!tri_cli_wait_tick(&ctl->sample, &next))
			break;
		if (take(ctl, pid, &s[!cur], &m[!cur]) < 0) {
			snap_free(&s[cur]);
			free(m[cur].r);
			return TRI_EXIT_FAIL;
		}
		snprintf(when, sizeof(when), "%8.1f ", s[!cur].when - t0);
		report(ctl, &m[cur], &m[!cur], pid, s[!cur].when - s[cur].when,
		    when);
		snap_free(&s[cur]);
		free(m[cur].r);
		cur = !cur;
	}
	snap_free(&s[cur]);
	free(m[cur].r);
	return TRI_EXIT_OK;
}

/* Read a whole file; NULL with errno. */
static char *
slurp(const char *path, size_t *len)
{
	struct tri_proc fake = { .pid = 0 };
	char *buf;

	fake.dirfd = AT_FDCWD;
	buf = tri_proc_read_all(&fake, path, len);
	if (buf == NULL && errno == ESRCH)
		errno = ENOENT;
	return buf;
}

static const struct jval *
find_process(const struct jval *doc, pid_t pid)
{
	const struct jval *procs = jget(doc, "processes"), *pv;
	size_t i;

	if (procs == NULL || procs->type != J_ARR)
		return NULL;
	for (i = 0; i < procs->n; i++)
		if ((pv = jget(&procs->items[i], "pid")) && pv->type == J_NUM &&
		    (pid_t)pv->num == pid)
			return &procs->items[i];
	return NULL;
}

static const char *
jstr(const struct jval *o, const char *k, size_t *len)
{
	const struct jval *v = jget(o, k);

	if (v == NULL || v->type != J_STR) {
		*len = 0;
		return "";
	}
	*len = v->len;
	return v->str;
}

static unsigned long long
jnum(const struct jval *o, const char *k)
{
	const struct jval *v = jget(o, k);

	return v && v->type == J_NUM && v->num > 0 ?
	    (unsigned long long)v->num : 0;
}

static int
mrec_from_json(const struct jval *o, struct mrec *r)
{
	const char *s;
	size_t len;

	s = jstr(o, "start", &len);
	r->start = strtoul(s, NULL, 16);
	s = jstr(o, "end", &len);
	r->end = strtoul(s, NULL, 16);
	if (r->end <= r->start)
		return -1;
	r->rss = jnum(o, "rss_kb");
	snprintf(r->perms, sizeof(r->perms), "%s", jstr(o, "perms", &len));
	r->kind = jstr(o, "kind", &len);
	r->note = jget(o, "note") ? jstr(o, "note", &len) : NULL;
	r->tid = jget(o, "tid") ? (pid_t)jnum(o, "tid") : -1;
	r->path = jstr(o, "path", &r->path_len);
	return 0;
}

static int
cmp_mrec(const void *a, const void *b)
{
	const struct mrec *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int
mset_from_json(const struct jval *p, struct mset *m)
{
	const struct jval *maps = jget(p, "mappings"), *t, *v;
	size_t len, i;

	if (maps == NULL || maps->type != J_ARR)
		return -1;
	if ((m->r = calloc(maps->n ? maps->n : 1, sizeof(*m->r))) == NULL)
		return -1;
	m->n = maps->n;
	for (i = 0; i < maps->n; i++)
		if (mrec_from_json(&maps->items[i], &m->r[i]) < 0)
			return -1;
	qsort(m->r, m->n, sizeof(*m->r), cmp_mrec);	/* saved with --sort */
	m->have_rss = strcmp(jstr(p, "source", &len), "smaps") == 0;
	m->wall = (v = jget(p, "time_ms")) && v->type == J_NUM ?
	    v->num / 1000 : 0;
	t = jget(p, "total");
	m->size = jnum(t, "size_kb");
	m->rss = jnum(t, "rss_kb");
	return 0;
}

static int
load(const char *path, pid_t pid, struct jval *doc, struct mset *m,
    unsigned long long *start)
{
	const struct jval *p;
	size_t len, where;
	char *text;

	if ((text = slurp(path, &len)) == NULL) {
		warn("%s", path);
		return -1;
	}
	if (jread(text, len, doc, &where) < 0) {
		free(text);
		warnx("%s: not a memmap --json snapshot (bad JSON at byte %zu)",
		    path, where);
		return -1;
	}
	free(text);
	if ((p = find_process(doc, pid)) == NULL) {
		warnx("%s: no snapshot of pid %d in it", path, (int)pid);
		return -1;
	}
	if (mset_from_json(p, m) < 0) {
		warnx("%s: pid %d: no list of mappings in it (made with -s?)",
		    path, (int)pid);
		return -1;
	}
	*start = jnum(p, "starttime");
	return 0;
}

static int
diff_run(const struct ctl *ctl, pid_t pid)
{
	struct ctl c = *ctl;
	struct jval doc;
	struct mset was, now;
	struct snap s;
	unsigned long long start;
	int status = TRI_EXIT_FAIL;

	memset(&was, 0, sizeof(was));
	memset(&now, 0, sizeof(now));
	memset(&doc, 0, sizeof(doc));
	if (load(ctl->diff, pid, &doc, &was, &start) < 0)
		goto out;
	c.maps_only = ctl->maps_only || !was.have_rss;
	if (take(&c, pid, &s, &now) < 0)
		goto out;
	if (s.starttime != start) {
		warnx("pid %d: not the process in %s (it started at another"
		    " time: restarted, or the pid was reused)", (int)pid,
		    ctl->diff);
	} else {
		if (ctl->header && !ctl->json)
			text_head(false);
		report(ctl, &was, &now, pid, now.wall - was.wall, "");
		status = TRI_EXIT_OK;
	}
	snap_free(&s);
out:
	free(was.r);
	free(now.r);
	jfree(&doc);
	return status;
}

/* ==== jsonread: read back the JSON snapshots memmap writes. ==== */

/*
 * A small recursive-descent JSON parser.  No JSON library is among the
 * project's dependencies, and --diff only needs to read what json_snap()
 * wrote: strict JSON, nesting a few levels deep.
 */

#define JDEPTH	32

struct jp {
	const char	*s, *end, *start;
	int		 depth;
};

static int	value(struct jp *, struct jval *);

static void
ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' ||
	    *p->s == '\t' || *p->s == '\r'))
		p->s++;
}

static int
lit(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
		return -1;
	p->s += n;
	return 0;
}

static int
hex4(const char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Append code point u as UTF-8. */
static size_t
utf8(char *d, unsigned u)
{
	if (u < 0x80) {
		d[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		d[0] = (char)(0xc0 | u >> 6);
		d[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		d[0] = (char)(0xe0 | u >> 12);
		d[1] = (char)(0x80 | (u >> 6 & 0x3f));
		d[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | u >> 18);
	d[1] = (char)(0x80 | (u >> 12 & 0x3f));
	d[2] = (char)(0x80 | (u >> 6 & 0x3f));
	d[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

static int
escape(struct jp *p, char *d, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned u, lo;

	if (p->s >= p->end)
		return -1;
	if ((k = strchr(from, *p->s)) != NULL && *p->s) {
		d[(*n)++] = to[k - from];
		p->s++;
		return 0;
	}
	if (*p->s != 'u' || p->end - p->s < 5 || hex4(p->s + 1, &u) < 0)
		return -1;
	p->s += 5;
	if (u >= 0xd800 && u < 0xdc00 && p->end - p->s >= 6 &&
	    p->s[0] == '\\' && p->s[1] == 'u' && hex4(p->s + 2, &lo) == 0 &&
	    lo >= 0xdc00 && lo < 0xe000) {
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		p->s += 6;
	}
	*n += utf8(d + *n, u);
	return 0;
}

static int
string(struct jp *p, char **out, size_t *len)
{
	const char *q;
	size_t n = 0;
	char *d;

	if (p->s >= p->end || *p->s != '"')
		return -1;
	p->s++;
	for (q = p->s; q < p->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= p->end || (d = malloc((size_t)(q - p->s) + 4)) == NULL)
		return -1;
	while (p->s < p->end && *p->s != '"') {
		if ((unsigned char)*p->s < 0x20)
			goto bad;
		if (*p->s != '\\') {
			d[n++] = *p->s++;
			continue;
		}
		p->s++;
		if (escape(p, d, &n) < 0)
			goto bad;
	}
	p->s++;
	d[n] = '\0';
	*out = d;
	*len = n;
	return 0;
bad:
	free(d);
	return -1;
}

static int
jnumber(struct jp *p, struct jval *v)
{
	char *e;

	v->type = J_NUM;
	v->num = strtod(p->s, &e);
	if (e == p->s || e > p->end)
		return -1;
	p->s = e;
	return 0;
}

static int
push(struct jval *v, struct jval *item, char *key)
{
	struct jval *ni;
	char **nk;

	if ((ni = realloc(v->items, (v->n + 1) * sizeof(*ni))) == NULL)
		return -1;
	v->items = ni;
	if (v->type == J_OBJ) {
		if ((nk = realloc(v->keys, (v->n + 1) * sizeof(*nk))) == NULL)
			return -1;
		v->keys = nk;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = *item;
	return 0;
}

static int
member(struct jp *p, struct jval *v)
{
	struct jval item;
	char *key = NULL;
	size_t len;

	ws(p);
	if (v->type == J_OBJ) {
		if (string(p, &key, &len) < 0)
			return -1;
		ws(p);
		if (lit(p, ":") < 0) {
			free(key);
			return -1;
		}
	}
	if (value(p, &item) < 0 || push(v, &item, key) < 0) {
		jfree(&item);
		free(key);
		return -1;
	}
	return 0;
}

static int
container(struct jp *p, struct jval *v, enum jtype t, char close)
{
	v->type = t;
	p->s++;
	if (++p->depth > JDEPTH)
		return -1;
	ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		p->depth--;
		return 0;
	}
	for (;;) {
		if (member(p, v) < 0)
			return -1;
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			p->depth--;
			return 0;
		}
		return -1;
	}
}

static int
value(struct jp *p, struct jval *v)
{
	memset(v, 0, sizeof(*v));
	ws(p);
	if (p->s >= p->end)
		return -1;
	switch (*p->s) {
	case '{':
		return container(p, v, J_OBJ, '}');
	case '[':
		return container(p, v, J_ARR, ']');
	case '"':
		v->type = J_STR;
		return string(p, &v->str, &v->len);
	case 't':
		v->type = J_BOOL;
		v->b = true;
		return lit(p, "true");
	case 'f':
		v->type = J_BOOL;
		return lit(p, "false");
	case 'n':
		return lit(p, "null");
	default:
		return jnumber(p, v);
	}
}

static int
jread(const char *text, size_t len, struct jval *out, size_t *where)
{
	struct jp p = { text, text + len, text, 0 };

	if (value(&p, out) < 0) {
		*where = (size_t)(p.s - p.start);
		jfree(out);
		return -1;
	}
	ws(&p);
	if (p.s != p.end) {
		*where = (size_t)(p.s - p.start);
		jfree(out);
		return -1;
	}
	return 0;
}

static void
jfree(struct jval *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jfree(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

static const struct jval *
jget(const struct jval *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->type != J_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}
