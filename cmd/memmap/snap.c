/* cmd/memmap/snap.c - one consistent read of a process's mappings. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "memmap.h"

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

const char *
kind_name(enum kind k)
{
	return kind_names[k];
}

enum group
kind_group(enum kind k)
{
	return kind_groups[k];
}

const char *
group_name(enum group g)
{
	return group_names[g];
}

/* Unique set size: the pages only this process maps. */
unsigned long long
vma_uss(const struct tri_vma *v)
{
	return v->f[TRI_SM_PRIVATE_CLEAN] + v->f[TRI_SM_PRIVATE_DIRTY] +
	    v->f[TRI_SM_PRIVATE_HUGETLB];
}

/* Dirty as pmap -x counts it: shared and private dirty pages. */
unsigned long long
vma_dirty(const struct tri_vma *v)
{
	return v->f[TRI_SM_SHARED_DIRTY] + v->f[TRI_SM_PRIVATE_DIRTY];
}

unsigned long long
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

/* Add mapping v, of kind k, to t. */
void
totals_add(struct totals *t, const struct tri_vma *v, enum kind k)
{
	t->n++;
	t->size += (v->end - v->start) / 1024;
	t->rss += v->f[TRI_SM_RSS];
	t->pss += v->f[TRI_SM_PSS];
	t->uss += vma_uss(v);
	t->dirty += vma_dirty(v);
	t->swap += v->f[TRI_SM_SWAP];
	t->locked += v->f[TRI_SM_LOCKED];
	if (k == K_STACK || k == K_THREAD_STACK)
		t->stacks++;
}

void
snap_totals(const struct snap *s, const size_t *idx, size_t n,
    struct totals *t)
{
	size_t k, i;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < n; k++) {
		i = idx ? idx[k] : k;
		totals_add(t, tri_maps_at(&s->maps, i), s->info[i].kind);
	}
}

/* The fields a record keeps for what ctl shows (the rest are summed). */
uint64_t
keep_fields(const struct ctl *ctl)
{
	static const int base[] = { TRI_SM_RSS, TRI_SM_PSS,
	    TRI_SM_SHARED_DIRTY, TRI_SM_PRIVATE_DIRTY, TRI_SM_PRIVATE_CLEAN,
	    TRI_SM_PRIVATE_HUGETLB, TRI_SM_SWAP, TRI_SM_LOCKED };
	uint64_t keep = 0;
	size_t i;

	if (ctl->extended)
		return UINT64_MAX;
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		keep |= 1ULL << base[i];
	return keep | columns_fields(ctl);	/* view.c: -o's fields */
}

/* A SysV shared memory segment: its inode number is the shmid. */
bool
is_sysv(const struct snap *s, const struct tri_vma *v)
{
	return v->path_len >= 5 &&
	    strncmp(tri_maps_path(&s->maps, v), "/SYSV", 5) == 0;
}

/* The MAPPING column: the escaped path, or what memmap found it to be. */
const char *
vma_label(const struct snap *s, size_t i, char *buf, size_t size)
{
	const struct mapinfo *mi = &s->info[i];
	const struct tri_vma *v = tri_maps_at(&s->maps, i), *w;

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
	else if (mi->kind == K_SHM && is_sysv(s, v))
		snprintf(buf, size, "[shmid=0x%lx]", v->inode);	/* as pmap */
	else if (mi->kind == K_ARENA)
		return "[arena]";
	else if (mi->kind == K_GO_ARENA)
		return "[go arena]";
	else if ((mi->kind == K_BSS || mi->kind == K_LIB_BSS) && i > 0 &&
	    (w = tri_maps_at(&s->maps, i - 1)) != NULL)
		tri_out_escape(buf, size, tri_maps_path(&s->maps, w),
		    w->path_len);
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
 * Whether what ctl shows is all in maps and pagemap (address, size,
 * RSS, mode, offset, device, inode, kind, mapping): -o with those
 * columns, as a table; -s -o with pid, comm, group, count, kbytes and
 * rss.  The default -p shows Dirty, -s PSS and swap, --json PSS: those
 * read smaps.
 */
static bool
rss_only(const struct ctl *ctl)
{
	if (ctl->extended || ctl->maps_only || ctl->json || ctl->prom ||
	    ctl->watch || ctl->diff || (ctl->sort != SORT_NONE &&
	    ctl->sort != SORT_RSS && ctl->sort != SORT_SIZE))
		return false;
	if (ctl->summary)
		return summary_rss_only(ctl->columns);	/* summary.c */
	return columns_rss_only(ctl);	/* view.c */
}

/*
 * The RSS-only read, else smaps: pagemap can be refused or unable to
 * tell what smaps would count (lib/proc_mapq.c), and a refusal is then
 * smaps' to report.  Never RSS 0 for want of pagemap.
 */
static int
read_once(const struct ctl *ctl, const struct tri_proc *p, struct snap *s)
{
	if (s->rss_only) {
		s->what = "pagemap";
		if (tri_proc_read_maps_rss(p, &s->maps) == 0)
			return 0;
		if (errno == ESRCH)
			return -1;
		s->rss_only = false;
	}
	s->what = ctl->maps_only ? "maps" : "smaps";
	return tri_proc_read_maps(p, s->what, &s->maps);
}

/*
 * The kernel drops the mmap lock between chunks of a read, so one read
 * may mix two states.  A second, cheap read of maps that shows the same
 * layout means nothing moved in between; else read again, a few times.
 */
static int
read_settled(const struct ctl *ctl, const struct tri_proc *p, struct snap *s)
{
	int r = 0;

	s->maps.keep = keep_fields(ctl);
	s->rss_only = rss_only(ctl);
	for (s->tries = 1; s->tries <= READ_TRIES; s->tries++) {
		if ((r = read_once(ctl, p, s)) < 0)
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
		v = tri_maps_at(&r, 0);
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

/*
 * -A LOW,HIGH: keep the mappings that overlap it, as pmap -A does (start
 * <= HIGH and end > LOW), after they were classified with their
 * neighbours (and the limits judged on the whole process); the totals are
 * those of the range.  A bss keeps the path of the file before it.
 */
static int
keep_range(const struct ctl *ctl, struct snap *s)
{
	struct tri_maps out;
	const struct tri_vma *v, *w;
	const char *path;
	size_t i, k, plen;

	tri_maps_init_as(&out, &s->maps);
	for (i = k = 0; i < s->maps.n; i++) {
		v = tri_maps_at(&s->maps, i);
		if (v->start > ctl->hi || v->end <= ctl->lo)
			continue;
		path = tri_maps_path(&s->maps, v);
		plen = v->path_len;
		if ((s->info[i].kind == K_BSS || s->info[i].kind == K_LIB_BSS) &&
		    plen == 0 && i > 0) {
			w = tri_maps_at(&s->maps, i - 1);
			path = tri_maps_path(&s->maps, w);
			plen = w->path_len;
		}
		if (tri_maps_append(&out, v, path, plen,
		    tri_maps_vmflags(&s->maps, v), v->vmflags_len) < 0) {
			tri_maps_free(&out);
			return -1;
		}
		s->info[k++] = s->info[i];
	}
	tri_maps_free(&s->maps);
	s->maps = out;
	snap_totals(s, NULL, s->maps.n, &s->total);
	s->have_rollup = false;
	return 0;
}

/* Seconds since the epoch at which the process started (stat field 22). */
static double
start_unix(unsigned long long ticks)
{
	static double boot;
	static long hz;
	struct timespec rt, bt;

	if (hz == 0) {
		hz = sysconf(_SC_CLK_TCK);
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_BOOTTIME, &bt);
		boot = (double)(rt.tv_sec - bt.tv_sec) +
		    (double)(rt.tv_nsec - bt.tv_nsec) / 1e9;
	}
	return boot + (double)ticks / (double)(hz > 0 ? hz : 100);
}

/*
 * The processes of the -u users, with -p: those of -p.  A malloc'd array
 * of *n pids, or NULL with errno.
 */
pid_t *
users_pids(const struct ctl *ctl, size_t *n)
{
	struct tri_proc p;
	struct tri_status st;
	pid_t *all, *own;
	size_t nall, i, k;

	if (ctl->targets.n) {
		all = ctl->targets.pids;
		nall = ctl->targets.n;
	} else if ((all = tri_proc_pids(&nall)) == NULL) {
		return NULL;
	}
	if ((own = malloc((nall ? nall : 1) * sizeof(*own))) == NULL)
		goto out;
	for (i = k = 0; i < nall; i++) {
		if (tri_proc_open(&p, all[i]) < 0)
			continue;
		if (tri_proc_read_status(&p, &st) == 0 &&
		    tri_users_match(&ctl->users, st.uid[1]))
			own[k++] = all[i];
		tri_proc_close(&p);
	}
	*n = k;
out:
	if (!ctl->targets.n)
		free(all);
	return own;
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
	if (ctl->have_range && keep_range(ctl, s) < 0)
		return -1;
	s->what = "stat";
	return tri_proc_check(p);
}

/*
 * Read pid.  Returns 0; -1 with errno and s->what naming the file that
 * failed; or -2 for a kernel thread (no user memory).
 */
int
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
	s->start_unix = start_unix(p.starttime);
	if (tri_proc_is_kthread(&st)) {
		tri_proc_close(&p);
		return -2;
	}
	if ((s->cmdline = tri_proc_read_cmdline(&p, &s->cmdline_len)) == NULL)
		s->cmdline_len = 0;
	r = snap_read(ctl, &p, s);
	e = errno;
	tri_proc_close(&p);
	errno = e;
	return r;
}

void
snap_free(struct snap *s)
{
	tri_maps_free(&s->maps);
	free(s->info);
	s->info = NULL;
	free(s->cmdline);
	s->cmdline = NULL;
}

/* Say why pid could not be read, in one line. */
void
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

void
report_unsettled(const struct snap *s)
{
	if (!s->settled)
		warnx("pid %d: the address space changed during each of %d "
		    "reads; the map may mix states", (int)s->pid, s->tries);
}
