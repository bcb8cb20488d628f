/* lib/proc_maps_pack.c - the packed store of parsed mappings (tri_maps). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

/*
 * 50,000 mappings held as struct tri_vma are 19 MB, six times pmap's
 * whole footprint (issue 15).  Packed, a record is the bytes that differ
 * from the common case: a one-page anonymous mapping is 7.
 */

void
tri_maps_init(struct tri_maps *m)
{
	memset(m, 0, sizeof(*m));
	m->keep = UINT64_MAX;
}

void
tri_maps_free(struct tri_maps *m)
{
	uint64_t keep = m->keep;

	free(m->enc);
	free(m->mark);
	free(m->pool);
	free(m->hash);
	free(m->text);
	free(m->hot);
	tri_maps_init(m);
	m->keep = keep;
}

void
tri_maps_init_as(struct tri_maps *m, const struct tri_maps *like)
{
	tri_maps_init(m);
	m->keep = like->keep;
	m->smaps = like->smaps;
	memcpy(m->order, like->order, sizeof(m->order));
	memcpy(m->olen, like->olen, sizeof(m->olen));
	m->norder = like->norder;
	memcpy(m->extra, like->extra, sizeof(m->extra));
	m->nextra = like->nextra;
	m->kb_mask = like->kb_mask;
}

void
tri_maps_clear(struct tri_maps *m)
{
	m->enclen = 0;
	m->n = 0;
	m->poollen = 0;
	if (m->hash)
		memset(m->hash, 0, m->hashcap * sizeof(*m->hash));
	m->nhash = 0;
	m->last_end = 0;
	m->nrecent = 0;
	memset(m->sum, 0, sizeof(m->sum));
	if (m->hot)
		memset(m->hot, 0, sizeof(*m->hot));
}

const char *
tri_maps_path(const struct tri_maps *m, const struct tri_vma *v)
{
	return v->path_len ? m->pool + v->path : "";
}

const char *
tri_maps_vmflags(const struct tri_maps *m, const struct tri_vma *v)
{
	return v->vmflags_len ? m->pool + v->vmflags : "";
}

static int
grow(void *pp, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t c = *cap ? *cap : first;
	void *np;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if ((np = realloc(*(void **)pp, c * size)) == NULL)
		return -1;
	*(void **)pp = np;
	*cap = c;
	return 0;
}

static uint32_t
str_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t
pool_len(const struct tri_maps *m, uint32_t off)
{
	uint32_t len;

	memcpy(&len, m->pool + off - 4, 4);
	return len;
}

static int
hash_grow(struct tri_maps *m)
{
	size_t cap = m->hashcap ? m->hashcap * 2 : 256, i, h;
	uint32_t *nh, off;

	if ((nh = calloc(cap, sizeof(*nh))) == NULL)
		return -1;
	for (i = 0; i < m->hashcap; i++) {
		if ((off = m->hash[i]) == 0)
			continue;
		h = str_hash(m->pool + off, pool_len(m, off)) & (cap - 1);
		while (nh[h])
			h = (h + 1) & (cap - 1);
		nh[h] = off;
	}
	free(m->hash);
	m->hash = nh;
	m->hashcap = cap;
	return 0;
}

/*
 * The pool offset of s (len bytes, NUL-ended in the pool, its length in
 * the 4 bytes before it), added once: a process's 50,000 mappings name a
 * few dozen files and VmFlags sets.
 */
static int
intern(struct tri_maps *m, const char *s, size_t len, uint32_t *off)
{
	size_t h, need = m->poollen + 4 + len + 1;
	uint32_t o, l = (uint32_t)len;

	if (need > UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	if (2 * (m->nhash + 1) > m->hashcap && hash_grow(m) < 0)
		return -1;
	h = str_hash(s, len) & (m->hashcap - 1);
	for (; (o = m->hash[h]) != 0; h = (h + 1) & (m->hashcap - 1))
		if (pool_len(m, o) == len && memcmp(m->pool + o, s, len) == 0) {
			*off = o;
			return 0;
		}
	if (grow(&m->pool, &m->poolcap, need, 1, 4096) < 0)
		return -1;
	memcpy(m->pool + m->poollen, &l, 4);
	memcpy(m->pool + m->poollen + 4, s, len);
	m->pool[m->poollen + 4 + len] = '\0';
	*off = m->hash[h] = (uint32_t)(m->poollen + 4);
	m->nhash++;
	m->poollen = need;
	return 0;
}

/* == the packed records == */

static unsigned char *
put_u(unsigned char *p, unsigned long long x)
{
	while (x >= 0x80) {
		*p++ = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	*p++ = (unsigned char)x;
	return p;
}

static const unsigned char *
get_u(const unsigned char *p, unsigned long long *x)
{
	unsigned long long v = 0;
	unsigned int sh = 0;

	while (*p & 0x80) {
		if (sh < 64)
			v |= (unsigned long long)(*p & 0x7f) << sh;
		sh += 7;
		p++;
	}
	if (sh < 64)
		v |= (unsigned long long)*p << sh;
	*x = v;
	return p + 1;
}

/* zigzag: a step that may go backwards (only in malformed input) */
static unsigned long long
zz(unsigned long long d)
{
	return d >> 63 ? ~(d << 1) : d << 1;
}

static unsigned long long
unzz(unsigned long long z)
{
	return z & 1 ? ~(z >> 1) : z >> 1;
}

enum {
	R_PERMS = 0x0f,		/* r, w, x, s bits */
	R_RAWPERMS = 0x10,	/* perms not of [r-][w-][x-][ps]: 4 bytes follow */
	R_PAGES = 0x20,		/* the size in 4 KiB pages */
	R_FILE = 0x40,		/* offset, major, minor, inode follow (else 0) */
	R_PATH = 0x80,		/* path and VmFlags pool offsets follow (else none) */
};

static unsigned int
perm_bits(const char *p)
{
	if ((p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
	    (p[2] != 'x' && p[2] != '-') || (p[3] != 's' && p[3] != 'p'))
		return R_RAWPERMS;
	return (p[0] == 'r') | (p[1] == 'w') << 1 | (p[2] == 'x') << 2 |
	    (p[3] == 's') << 3;
}

/* The longest a record can pack to: a header and every field. */
#define REC_MAX	(16 + 4 + 7 * 10 + (TRI_SM_MAX + 2) * 10)

/*
 * The values of v in m's order, packed at p: a tag 0, the count, then
 * each kept field.  When the same bytes were packed for one of the last
 * few records, the tag is instead the distance back to them: a map of
 * one-page mappings repeats a handful of value runs.
 */
static unsigned char *
put_values(struct tri_maps *m, const struct tri_vma *v, unsigned char *p)
{
	unsigned char run[(TRI_SM_MAX + 1) * 10], *q = run;
	size_t here = (size_t)(p - m->enc), len;
	unsigned int k;
	int j;

	q = put_u(q, (unsigned long long)m->norder);
	for (j = 0; j < m->norder; j++)
		if (m->keep >> m->order[j] & 1)
			q = put_u(q, v->f[m->order[j]]);
	len = (size_t)(q - run);
	for (k = 0; k < m->nrecent; k++)
		if (m->recentlen[k] == len &&
		    memcmp(m->enc + m->recent[k] + 1, run, len) == 0)
			return put_u(p, here - m->recent[k]);
	memmove(m->recent + 1, m->recent, 3 * sizeof(m->recent[0]));
	memmove(m->recentlen + 1, m->recentlen, 3 * sizeof(m->recentlen[0]));
	m->recent[0] = here;
	m->recentlen[0] = (uint16_t)len;
	if (m->nrecent < 4)
		m->nrecent++;
	*p++ = 0;
	memcpy(p, run, len);
	return p + len;
}

int
tri_maps_append(struct tri_maps *m, const struct tri_vma *v,
    const char *path, size_t path_len, const char *flags, size_t flags_len)
{
	unsigned long size = v->end - v->start;
	unsigned int bits = perm_bits(v->perms);
	uint32_t po = 0, fo = 0;
	unsigned char *p;
	int j;

	if ((path_len && intern(m, path, path_len, &po) < 0) ||
	    (flags_len && intern(m, flags, flags_len, &fo) < 0))
		return -1;
	if (grow(&m->enc, &m->enccap, m->enclen + REC_MAX, 1, 1 << 16) < 0)
		return -1;
	if (m->n % 16 == 0) {
		if (grow(&m->mark, &m->markcap, m->n / 16 + 1,
		    sizeof(*m->mark), 64) < 0)
			return -1;
		m->mark[m->n / 16].off = m->enclen;
		m->mark[m->n / 16].last_end = m->last_end;
	}
	if (m->hot == NULL && (m->hot = calloc(1, sizeof(*m->hot))) == NULL)
		return -1;
	p = m->enc + m->enclen;
	/* an anonymous mapping packs to 6 or 7 bytes: no file fields, a
	 * VmFlags offset, the values as a reference */
	bits |= (size % 4096 == 0 ? R_PAGES : 0) | (path_len ? R_PATH : 0) |
	    (v->offset || v->dev_major || v->dev_minor || v->inode ? R_FILE :
	    0);
	*p++ = (unsigned char)bits;
	if (bits & R_RAWPERMS) {
		memcpy(p, v->perms, 4);
		p += 4;
	}
	p = put_u(p, zz(v->start - m->last_end));
	p = put_u(p, bits & R_PAGES ? size / 4096 : size);
	if (bits & R_FILE) {
		p = put_u(p, v->offset);
		p = put_u(p, v->dev_major);
		p = put_u(p, v->dev_minor);
		p = put_u(p, v->inode);
	}
	if (path_len)
		p = put_u(p, po);
	p = put_u(p, fo);	/* 0: none (an offset is at least 4) */
	p = put_values(m, v, p);
	m->enclen = (size_t)(p - m->enc);
	m->last_end = v->end;
	for (j = 0; j < m->norder; j++)
		m->sum[m->order[j]] += v->f[m->order[j]];
	m->n++;
	return 0;
}

/* The values at p (a run, or a reference back to one) into v. */
static const unsigned char *
get_values(const struct tri_maps *m, const unsigned char *p,
    struct tri_vma *v)
{
	const unsigned char *q;
	unsigned long long x, nv;
	int j, f;

	q = get_u(p, &x);
	if (x != 0)
		p = m->enc + ((size_t)(p - m->enc) - x) + 1;
	else
		p = q;
	p = get_u(p, &nv);
	for (j = 0; j < m->norder; j++) {
		f = m->order[j];
		if (!(m->keep >> f & 1))
			continue;
		if ((unsigned long long)j < nv)
			p = get_u(p, &v->f[f]);
		else
			v->f[f] = 0;
	}
	return x != 0 ? q : p;
}

/* Decode the record at off (after a record that ended at last_end). */
static size_t
decode(const struct tri_maps *m, size_t off, unsigned long last_end,
    struct tri_vma *v)
{
	const unsigned char *p = m->enc + off;
	unsigned long long x;
	unsigned int bits = *p++;

	if (bits & R_RAWPERMS) {
		memcpy(v->perms, p, 4);
		p += 4;
	} else {
		v->perms[0] = bits & 1 ? 'r' : '-';
		v->perms[1] = bits & 2 ? 'w' : '-';
		v->perms[2] = bits & 4 ? 'x' : '-';
		v->perms[3] = bits & 8 ? 's' : 'p';
	}
	v->perms[4] = '\0';
	p = get_u(p, &x);
	v->start = last_end + (unsigned long)unzz(x);
	p = get_u(p, &x);
	v->end = v->start + (unsigned long)(bits & R_PAGES ? x * 4096 : x);
	v->offset = 0;
	v->dev_major = v->dev_minor = 0;
	v->inode = 0;
	if (bits & R_FILE) {
		p = get_u(p, &v->offset);
		p = get_u(p, &x);
		v->dev_major = (unsigned int)x;
		p = get_u(p, &x);
		v->dev_minor = (unsigned int)x;
		p = get_u(p, &x);
		v->inode = (unsigned long)x;
	}
	v->path = v->path_len = v->vmflags = v->vmflags_len = 0;
	if (bits & R_PATH) {
		p = get_u(p, &x);
		v->path = (uint32_t)x;
		v->path_len = pool_len(m, v->path);
	}
	p = get_u(p, &x);
	if (x != 0) {
		v->vmflags = (uint32_t)x;
		v->vmflags_len = pool_len(m, v->vmflags);
	}
	p = get_values(m, p, v);
	return (size_t)(p - m->enc);
}

/*
 * The ring is least-recently-returned first out, so a record returned
 * stays valid for TRI_MAPS_RING - 1 more calls whatever they ask.
 */
const struct tri_vma *
tri_maps_at(const struct tri_maps *m, size_t i)
{
	struct tri_maps_hot *h = m->hot;
	size_t k, off, from;
	unsigned long last_end;
	unsigned int s, near = TRI_MAPS_RING, old = 0;

	if (i >= m->n || h == NULL)
		return NULL;
	for (s = 0; s < TRI_MAPS_RING; s++) {
		if (h->slot[s].stamp && h->slot[s].i == i) {
			h->slot[s].stamp = ++h->clock;
			return &h->slot[s].v;
		}
		if (h->slot[s].stamp && h->slot[s].i + 1 == i)
			near = s;
		if (h->slot[s].stamp < h->slot[old].stamp)
			old = s;
	}
	if (near < TRI_MAPS_RING) {
		off = h->slot[near].next;
		last_end = h->slot[near].v.end;
		from = i;
	} else {
		off = m->mark[i / 16].off;
		last_end = m->mark[i / 16].last_end;
		from = i / 16 * 16;
	}
	for (k = from; k <= i; k++) {
		off = decode(m, off, last_end, &h->slot[old].v);
		last_end = h->slot[old].v.end;
	}
	h->slot[old].i = i;
	h->slot[old].next = off;
	h->slot[old].stamp = ++h->clock;
	return &h->slot[old].v;
}
