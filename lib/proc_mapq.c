/* lib/proc_mapq.c - mappings and their RSS without smaps: PROCMAP_QUERY and pagemap. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proc.h"

/*
 * Where only RSS is wanted, smaps makes the kernel format 27 fields of
 * every mapping for one of them: on 50,000 one-page mappings reading it
 * is about 0.16 s, PROCMAP_QUERY over the mappings with pagemap's bits
 * of every page 0.05 s (issue 15).  Rss in smaps counts the present
 * pages that have a struct page (vm_normal_page): the shared zero page,
 * the huge zero page and PFN mappings are present in pagemap but not in
 * Rss, hugetlb pages are in Private/Shared_Hugetlb, not in Rss.  This
 * reader counts what smaps counts, or says it cannot (ENOTSUP) so that
 * the caller reads smaps.
 */

/* linux/fs.h of 6.11 (Debian 12's headers are older) */
struct tri_procmap_query {
	uint64_t	 size, query_flags, query_addr;
	uint64_t	 vma_start, vma_end, vma_flags, vma_page_size;
	uint64_t	 vma_offset, inode;
	uint32_t	 dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t	 vma_name_addr, build_id_addr;
};
#define Q_IOCTL		_IOWR('f', 17, struct tri_procmap_query)
#define Q_READABLE	0x01
#define Q_WRITABLE	0x02
#define Q_EXECUTABLE	0x04
#define Q_SHARED	0x08
#define Q_COVERING_OR_NEXT 0x10

#define PM_PRESENT	(1ULL << 63)
#define PM_FILE		(1ULL << 61)
#define PM_EXCLUSIVE	(1ULL << 56)
#define PM_PFN		((1ULL << 55) - 1)

#define PM_ENTRIES	8192		/* 64 KiB of pagemap per pread */
#define PM_MAX_PAGES	(8ULL << 20)	/* 64 MiB of pagemap: smaps is cheaper */
#define GATE_START	0xffffffffff600000UL

/* What pagemap says of the zero pages, learnt from our own. */
struct zero {
	bool		 known;
	bool		 hidden;	/* PFNs read as 0: no CAP_SYS_ADMIN */
	uint64_t	 pfn;		/* the zero page */
	uint64_t	 huge;		/* the huge zero page's first pfn, 0 none */
};

struct rd {
	int		 pm;		/* pagemap */
	long		 page;
	uint64_t	*buf;		/* PM_ENTRIES, allocated once */
	unsigned long long pages;	/* read so far */
	unsigned long long wstart, wn;	/* buf: wn entries from page wstart */
	struct zero	*z;
};

static uint64_t
self_pfn(int fd, const volatile char *addr, long page)
{
	uint64_t e = 0;
	char c = *addr;		/* a read fault maps the zero page */

	(void)c;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / (unsigned long)page *
	    8)) != 8 || !(e & PM_PRESENT))
		return 0;
	return e & PM_PFN;
}

/* The zero page's pfn, and the huge zero page's where THP gives one. */
static void
zero_learn(struct zero *z, long page)
{
	size_t hsz = 2UL << 20;
	char *p, *h;
	int fd;

	z->known = true;
	if ((fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) < 0) {
		z->hidden = true;
		return;
	}
	p = mmap(NULL, 2 * hsz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		/* the last page is outside h's 2 MiB, and not a THP */
		madvise(p, 2 * hsz, MADV_NOHUGEPAGE);
		z->pfn = self_pfn(fd, p + 2 * hsz - page, page);
		h = (char *)(((uintptr_t)p + hsz - 1) & ~(hsz - 1));
		if (madvise(h, hsz, MADV_HUGEPAGE) == 0 &&
		    (z->huge = self_pfn(fd, h, page)) == z->pfn)
			z->huge = 0;
		z->huge &= ~(uint64_t)(hsz / (size_t)page - 1);
		munmap(p, 2 * hsz);
	}
	z->hidden = z->pfn == 0;
	close(fd);
}

/* One pagemap entry: 1 when smaps counts the page in Rss, 0 when not,
 * -1 when it cannot be told (PFNs hidden: the zero page looks like an
 * anonymous page shared after fork). */
static int
entry_rss(const struct zero *z, uint64_t e, long page)
{
	uint64_t pfn = e & PM_PFN;

	if (!(e & PM_PRESENT))
		return 0;
	if (z->hidden)
		return e & (PM_FILE | PM_EXCLUSIVE) ? 1 : -1;
	if (pfn == z->pfn || (z->huge && pfn >= z->huge &&
	    pfn < z->huge + (2UL << 20) / (unsigned long)page))
		return 0;
	return 1;
}

/* The resident kB of start..end, as smaps' Rss; -1 with errno. */
static int
range_rss(struct rd *r, unsigned long start, unsigned long end,
    unsigned long long *kb)
{
	unsigned long long n = (end - start) / (unsigned long)r->page, k, i;
	unsigned long long resident = 0;
	off_t off = (off_t)(start / (unsigned long)r->page * 8);
	ssize_t got;
	int c;

	if ((r->pages += n) > PM_MAX_PAGES) {
		errno = ENOTSUP;
		return -1;
	}
	for (; n > 0; n -= k, off += (off_t)(k * 8)) {
		k = n < PM_ENTRIES ? n : PM_ENTRIES;
		if ((got = pread(r->pm, r->buf, k * 8, off)) < 0)
			return -1;
		if ((size_t)got != k * 8) {
			errno = ENOTSUP;	/* past the task's size */
			return -1;
		}
		for (i = 0; i < k; i++) {
			if ((c = entry_rss(r->z, r->buf[i], r->page)) < 0) {
				errno = ENOTSUP;
				return -1;
			}
			resident += (unsigned)c;
		}
	}
	*kb = resident * (unsigned long)r->page / 1024;
	return 0;
}

/* The gate area ([vsyscall]) as our own maps shows it: PROCMAP_QUERY
 * walks the VMA tree, which does not hold it. */
static bool
gate(struct tri_vma *g, const char **name)
{
	static int have = -1;
	static struct tri_vma gv;
	static char gname[32];
	struct tri_proc self;
	struct tri_maps m;
	const struct tri_vma *v;

	if (have < 0) {
		have = 0;
		tri_maps_init(&m);
		if (tri_proc_open(&self, getpid()) == 0) {
			if (tri_proc_read_maps(&self, "maps", &m) == 0 &&
			    m.n > 0 && (v = tri_maps_at(&m, m.n - 1)) &&
			    v->start >= GATE_START &&
			    v->path_len < sizeof(gname)) {
				gv = *v;
				memcpy(gname, tri_maps_path(&m, v), v->path_len);
				have = 1;
			}
			tri_proc_close(&self);
		}
		tri_maps_free(&m);
	}
	*g = gv;
	*name = gname;
	return have == 1;
}

static void
perms(char *p, uint64_t fl)
{
	p[0] = fl & Q_READABLE ? 'r' : '-';
	p[1] = fl & Q_WRITABLE ? 'w' : '-';
	p[2] = fl & Q_EXECUTABLE ? 'x' : '-';
	p[3] = fl & Q_SHARED ? 's' : 'p';
	p[4] = '\0';
}

/*
 * The layout into t, with PROCMAP_QUERY: each mapping's page size (kB,
 * in t's one field) says hugetlb.  -1 with errno (ENOTTY/EINVAL: no
 * ioctl).
 */
static int
walk_query(int fd, struct tri_maps *t)
{
	struct tri_procmap_query q;
	struct tri_vma v, g;
	static char name[4096];
	const char *gn;
	uint64_t addr = 0;
	size_t len;

	t->order[0] = TRI_SM_KERNELPAGESIZE;
	t->norder = 1;
	for (;;) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = Q_COVERING_OR_NEXT;
		q.query_addr = addr;
		q.vma_name_addr = (uintptr_t)name;
		q.vma_name_size = sizeof(name);
		if (ioctl(fd, Q_IOCTL, &q) < 0)
			break;
		memset(&v, 0, sizeof(v));
		v.start = q.vma_start;
		v.end = q.vma_end;
		v.offset = q.vma_offset;
		v.inode = q.inode;
		v.dev_major = q.dev_major;
		v.dev_minor = q.dev_minor;
		v.f[TRI_SM_KERNELPAGESIZE] = q.vma_page_size / 1024;
		perms(v.perms, q.vma_flags);
		len = q.vma_name_size ? q.vma_name_size - 1 : 0;
		if (tri_maps_append(t, &v, name, len, NULL, 0) < 0)
			return -1;
		addr = q.vma_end;
	}
	if (errno != ENOENT)
		return -1;
	/* a 64-bit process (its stack is above 4 GiB) has the gate area */
	if (t->n && t->last_end > 0x100000000UL && gate(&g, &gn))
		return tri_maps_append(t, &g, gn, strlen(gn), NULL, 0);
	return 0;
}

/*
 * Fill the window with pagemap from the page of v on, over v and the
 * mappings right after it (i + 1...) while they touch and fit: 50,000
 * one-page mappings side by side are 7 preads, not 50,000.
 */
static int
refill(struct rd *r, const struct tri_maps *t, size_t i,
    const struct tri_vma *v)
{
	unsigned long pg = (unsigned long)r->page, last = v->end;
	unsigned long long n = (v->end - v->start) / pg, k;
	const struct tri_vma *w;
	ssize_t got;

	for (i++; i < t->n && (w = tri_maps_at(t, i)) != NULL &&
	    w->start == last && w->start < GATE_START; i++) {
		k = (w->end - w->start) / pg;
		if (n + k > PM_ENTRIES)
			break;
		n += k;
		last = w->end;
	}
	if ((r->pages += n) > PM_MAX_PAGES) {
		errno = ENOTSUP;
		return -1;
	}
	got = pread(r->pm, r->buf, n * 8, (off_t)(v->start / pg * 8));
	if (got < 0)
		return -1;
	if ((size_t)got != n * 8) {
		errno = ENOTSUP;	/* past the task's size */
		return -1;
	}
	r->wstart = v->start / pg;
	r->wn = n;
	return 0;
}

/* The RSS of record i (v, a copy) of t, kB, as smaps counts it. */
static int
vma_rss(struct rd *r, const struct tri_maps *t, size_t i,
    const struct tri_vma *v, unsigned long long *kb)
{
	unsigned long pg = (unsigned long)r->page;
	unsigned long long s = v->start / pg, n = (v->end - v->start) / pg;
	unsigned long long kps = v->f[TRI_SM_KERNELPAGESIZE], j, res = 0;
	int c;

	*kb = 0;
	if ((kps && kps * 1024 != pg) || v->start >= GATE_START)
		return 0;	/* hugetlb, the gate area: not in Rss */
	if (n > PM_ENTRIES) {
		r->wn = 0;
		return range_rss(r, v->start, v->end, kb);
	}
	if ((s < r->wstart || s + n > r->wstart + r->wn) &&
	    refill(r, t, i, v) < 0)
		return -1;
	for (j = s - r->wstart; j < s - r->wstart + n; j++) {
		if ((c = entry_rss(r->z, r->buf[j], r->page)) < 0) {
			errno = ENOTSUP;
			return -1;
		}
		res += (unsigned)c;
	}
	*kb = res * pg / 1024;
	return 0;
}

/* The records of t into m, each with its RSS. */
static int
rss_pass(struct rd *r, const struct tri_maps *t, struct tri_maps *m)
{
	struct tri_vma v;
	size_t i;

	for (i = 0; i < t->n; i++) {
		v = *tri_maps_at(t, i);
		if (vma_rss(r, t, i, &v, &v.f[TRI_SM_RSS]) < 0)
			return -1;
		if (tri_maps_append(m, &v, tri_maps_path(t, &v), v.path_len,
		    NULL, 0) < 0)
			return -1;
	}
	return 0;
}

/* The layout into t: PROCMAP_QUERY, else (a kernel before 6.11, or
 * TRI_NO_PROCMAP_QUERY set) the maps text. */
static int
read_layout(const struct tri_proc *p, struct tri_maps *t)
{
	const char *no = getenv("TRI_NO_PROCMAP_QUERY");
	int fd, rc;

	if (no && *no && strcmp(no, "0") != 0)
		return tri_proc_read_maps(p, "maps", t);
	if ((fd = openat(p->dirfd, "maps", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = walk_query(fd, t);
	close(fd);
	if (rc < 0 && (errno == ENOTTY || errno == EINVAL) && t->n == 0)
		return tri_proc_read_maps(p, "maps", t);
	return rc;
}

static int
read_rss(struct rd *r, const struct tri_proc *p, struct tri_maps *m)
{
	struct tri_maps t;
	int rc, e;

	tri_maps_init(&t);
	rc = read_layout(p, &t);
	if (rc == 0)
		rc = rss_pass(r, &t, m);
	e = errno;
	tri_maps_free(&t);
	errno = e;
	return rc;
}

int
tri_proc_read_maps_rss(const struct tri_proc *p, struct tri_maps *m)
{
	static struct zero z;
	struct rd r;
	uint64_t keep = m->keep;
	int rc, e;

	tri_maps_free(m);
	m->keep = keep;
	m->order[0] = TRI_SM_RSS;
	m->olen[0] = 3;
	m->norder = 1;
	m->kb_mask = 1ULL << TRI_SM_RSS;
	m->smaps = true;
	memset(&r, 0, sizeof(r));
	r.page = sysconf(_SC_PAGESIZE);
	if (!z.known)
		zero_learn(&z, r.page);
	r.z = &z;
	if ((r.pm = openat(p->dirfd, "pagemap", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((r.buf = malloc(PM_ENTRIES * 8)) == NULL) {
		close(r.pm);
		return -1;
	}
	rc = read_rss(&r, p, m);
	e = errno;
	free(r.buf);
	close(r.pm);
	if (rc < 0) {
		tri_maps_free(m);
		m->keep = keep;
	}
	errno = e == ENOENT ? ESRCH : e;
	return rc;
}
