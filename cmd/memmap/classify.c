/* cmd/memmap/classify.c - name each mapping: text, heap, thread stack... */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "exe.h"
#include "memmap.h"

#define ARENA_SIZE	(64UL << 20)	/* glibc HEAP_MAX_SIZE on 64-bit */
#define GO_ARENA_LO	0xc000000000UL	/* Go's first arena hint on amd64 */
#define GO_ARENA_HI	0x10000000000UL	/* where its second range begins */
#define SYSCALL_TRIES	6		/* reads of a thread that runs (0.75 ms) */

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

/* The files of the executable mappings: ELF objects. */
struct objects {
	struct obj {
		unsigned long	 inode;
		unsigned int	 major, minor;
	}			*v;
	size_t			 n;
};

static void
objects_find(const struct tri_maps *m, struct objects *o)
{
	const struct tri_vma *v;
	size_t i;

	o->n = 0;
	o->v = malloc((m->n ? m->n : 1) * sizeof(*o->v));
	for (i = 0; o->v && i < m->n; i++) {
		v = tri_maps_at(m, i);
		if (v->perms[2] != 'x' || v->inode == 0 || (o->n > 0 &&
		    o->v[o->n - 1].inode == v->inode &&
		    o->v[o->n - 1].major == v->dev_major &&
		    o->v[o->n - 1].minor == v->dev_minor))
			continue;
		o->v[o->n].inode = v->inode;
		o->v[o->n].major = v->dev_major;
		o->v[o->n++].minor = v->dev_minor;
	}
}

static bool
is_object(const struct objects *o, const struct tri_vma *v)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i].inode == v->inode &&
		    o->v[i].major == v->dev_major &&
		    o->v[i].minor == v->dev_minor)
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
		const struct tri_vma *v = tri_maps_at(m, i);

		if (info[i].kind != K_ANON || v->path_len ||
		    tri_maps_at(m, i - 1)->end != v->start)
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

	const struct tri_vma *v;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		v = tri_maps_at(m, mid);
		if (addr < v->start)
			hi = mid;
		else if (addr >= v->end)
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
		    tri_maps_at(m, (size_t)i - 1)->end ==
		    tri_maps_at(m, (size_t)i)->start &&
		    tri_maps_at(m, (size_t)i - 1)->path_len == 0)
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
		const struct tri_vma *g = tri_maps_at(m, i - 1);
		const struct tri_vma *v = tri_maps_at(m, i);

		if (info[i].kind != K_ANON || memcmp(v->perms, "rw-p", 4) != 0 ||
		    info[i - 1].kind != K_GUARD || g->path_len ||
		    g->end != v->start || info[i - 1].tid >= 0)
			continue;
		if (n++ == in->nlost)
			return;		/* more candidates than threads */
		last = i;
	}
	for (i = 1; n > 0 && i < m->n; i++) {
		const struct tri_vma *g = tri_maps_at(m, i - 1);
		const struct tri_vma *v = tri_maps_at(m, i);

		if (info[i].kind != K_ANON || memcmp(v->perms, "rw-p", 4) ||
		    info[i - 1].kind != K_GUARD || g->path_len ||
		    g->end != v->start || info[i - 1].tid >= 0)
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
		const struct tri_vma *v, *w;

		if (info[i].kind != K_ANON)
			continue;
		v = tri_maps_at(m, i);
		if (v->path_len || v->start % ARENA_SIZE != 0)
			continue;
		if (v->end - v->start == ARENA_SIZE) {
			info[i].kind = K_ARENA;
		} else if (i + 1 < m->n && info[i + 1].kind == K_GUARD &&
		    (w = tri_maps_at(m, i + 1)) != NULL &&
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
		const struct tri_vma *v = tri_maps_at(m, i);

		if (v->path_len || v->start < GO_ARENA_LO ||
		    v->start >= GO_ARENA_HI)
			continue;
		if (info[i].kind == K_ANON)
			info[i].kind = K_GO_ARENA;
		else if (info[i].kind == K_GUARD && info[i].tid < 0)
			info[i].note = N_GO_RESERVE;
	}
}

void
classify_maps(const struct tri_maps *m, const struct classify_in *in,
    struct mapinfo *info)
{
	struct objects o;
	size_t i;

	objects_find(m, &o);
	for (i = 0; i < m->n; i++) {
		info[i].kind = base_kind(m, tri_maps_at(m, i), in, &o);
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

/* A thread's stack pointer: from syscall, else stat's kstkesp. */
static int
thread_sp(const struct tri_proc *p, pid_t tid, unsigned long *sp)
{
	struct tri_syscall sc;
	struct tri_stat st;
	int i;

	/*
	 * "running" has no stack pointer.  It also means runnable: a thread
	 * preempted in user mode on a loaded machine stays "running" until
	 * it gets a CPU back, so the reads are spaced out (50, 100, 150 us
	 * ...) to let it run and block again, as ctxswitch's samples do.
	 */
	for (i = 0; i < SYSCALL_TRIES; i++) {
		if (i > 0)
			nanosleep(&(struct timespec){ 0, 50000L * i }, NULL);
		if (tri_proc_read_syscall(p, tid, &sc) < 0)
			break;
		if (sc.sp != 0) {
			*sp = sc.sp;
			return 0;
		}
	}
	if (tri_proc_read_task_stat(p, tid, &st) < 0 || st.kstkesp == 0)
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

	const struct tri_vma *v;

	for (i = 0; i < m->n; i++) {
		if (info[i].kind != K_DELETED)
			continue;
		v = tri_maps_at(m, i);
		snprintf(name, sizeof(name), "map_files/%lx-%lx", v->start,
		    v->end);
		if (fstatat(p->dirfd, name, &st, 0) == 0 && st.st_nlink > 0)
			info[i].kind = K_FILE;
	}
}

int
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
