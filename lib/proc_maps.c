/* lib/proc_maps.c - readers of /proc/PID/maps, smaps and smaps_rollup. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

/*
 * The parser is hand-written rather than sscanf-based: a process with
 * 50,000 mappings has 1.3 million smaps lines, and the point of memmap is
 * to cost little more than the kernel's own generation of that text.
 */

/*
 * One read(2) of the seq_file.  64 KiB, not more: every byte of the
 * buffer is written by the kernel, so its size is peak RSS, and a 1 MiB
 * buffer was a third of pmap's whole footprint (issue 15); a line is at
 * most a path (PATH_MAX) and some.
 */
#define CHUNK	(64 * 1024)

static const char *const known[TRI_SM_NKNOWN] = {
	"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
	"Pss_Anon", "Pss_File", "Pss_Shmem", "Shared_Clean", "Shared_Dirty",
	"Private_Clean", "Private_Dirty", "Referenced", "Anonymous", "KSM",
	"LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped",
	"Shared_Hugetlb", "Private_Hugetlb", "Swap", "SwapPss", "Locked",
	"THPeligible", "ProtectionKey",
};

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

/* Empty the records, keeping the buffers, the field names and the
 * record still open. */
static void
maps_clear(struct tri_maps *m)
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
tri_maps_field_name(const struct tri_maps *m, int f)
{
	if (f < 0 || f >= TRI_SM_MAX)
		return NULL;
	if (f < TRI_SM_NKNOWN)
		return known[f];
	if (f - TRI_SM_NKNOWN < m->nextra)
		return m->extra[f - TRI_SM_NKNOWN];
	return NULL;
}

int
tri_maps_field_index(const struct tri_maps *m, const char *name, size_t len)
{
	int i;

	/* By length first: a name with a NUL byte in it must not match a
	 * shorter known name and read past its end (found by fuzz_maps). */
	for (i = 0; i < TRI_SM_NKNOWN; i++)
		if (strlen(known[i]) == len && memcmp(known[i], name, len) == 0)
			return i;
	for (i = 0; i < m->nextra; i++)
		if (strnlen(m->extra[i], sizeof(m->extra[i])) == len &&
		    memcmp(m->extra[i], name, len) == 0)
			return TRI_SM_NKNOWN + i;
	return -1;
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

static const char *
hex(const char *s, const char *end, unsigned long long *v)
{
	unsigned long long x = 0;
	const char *b = s;
	int d;

	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		x = x << 4 | (unsigned long long)d;
	}
	*v = x;
	return s == b ? NULL : s;
}

static const char *
dec(const char *s, const char *end, unsigned long long *v)
{
	unsigned long long x = 0;
	const char *b;

	while (s < end && *s == ' ')
		s++;
	for (b = s; s < end && *s >= '0' && *s <= '9'; s++)
		x = x * 10 + (unsigned long long)(*s - '0');
	*v = x;
	return s == b ? NULL : s;
}

static const char *
expect(const char *s, const char *end, char c)
{
	return s && s < end && *s == c ? s + 1 : NULL;
}

/*
 * The kernel writes a newline in a mapped path as the octal escape
 * "\\012" (seq_file_path with "\\n"), and nothing else: turn such
 * escapes back into the byte, in place, so the path is escaped once, at
 * output.  A path that holds a literal backslash, 0, 1, 2 reads as a
 * newline: the kernel does not escape the backslash, so nothing tells
 * them apart.  Returns the new length.
 */
static size_t
unescape(char *s, size_t len)
{
	size_t i, o;

	for (i = o = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && memcmp(s + i + 1, "012",
		    3) == 0) {
			s[o++] = '\n';
			i += 3;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return o;
}

/* Keep len bytes at off of the open record's text (path, VmFlags). */
static int
text_put(struct tri_maps *m, size_t off, const char *s, size_t len)
{
	if (grow(&m->text, &m->textcap, off + len + 1, 1, 4096) < 0)
		return -1;
	memcpy(m->text + off, s, len);
	m->text[off + len] = '\0';
	return 0;
}

int
tri_maps_end(struct tri_maps *m)
{
	struct tri_vma *v = &m->cur;

	if (!m->open)
		return 0;
	m->open = false;
	if (m->text == NULL)		/* neither a path nor VmFlags */
		return tri_maps_append(m, v, NULL, 0, NULL, 0);
	return tri_maps_append(m, v, m->text + v->path, v->path_len,
	    m->text + v->vmflags, v->vmflags_len);
}

/* "start-end perms offset major:minor inode   path" */
static int
parse_header(struct tri_maps *m, const char *s, const char *end)
{
	unsigned long long a, b, off, maj, min, ino;
	struct tri_vma *v = &m->cur;
	const char *p;

	p = expect(hex(s, end, &a), end, '-');
	p = p ? expect(hex(p, end, &b), end, ' ') : NULL;
	if (p == NULL || end - p < 5 || p[4] != ' ')
		return -1;
	s = p + 5;
	s = expect(hex(s, end, &off), end, ' ');
	s = s ? expect(hex(s, end, &maj), end, ':') : NULL;
	s = s ? expect(hex(s, end, &min), end, ' ') : NULL;
	s = s ? dec(s, end, &ino) : NULL;
	if (s == NULL || (s < end && *s != ' '))
		return -1;
	if (tri_maps_end(m) < 0)
		return -2;
	memset(v, 0, sizeof(*v));
	m->open = true;
	v->start = a;
	v->end = b;
	memcpy(v->perms, p, 4);
	v->offset = off;
	v->dev_major = (unsigned)maj;
	v->dev_minor = (unsigned)min;
	v->inode = ino;
	while (s < end && *s == ' ')
		s++;
	v->path_len = (uint32_t)(end - s);
	if (v->path_len && text_put(m, 0, s, (size_t)(end - s)) < 0)
		return -2;
	if (v->path_len && memchr(s, '\\', v->path_len) != NULL)
		v->path_len = (uint32_t)unescape(m->text, v->path_len);
	return 0;
}

static int
field_slot(struct tri_maps *m, const char *name, size_t len)
{
	int f;

	if ((f = tri_maps_field_index(m, name, len)) >= 0)
		return f;
	if (m->nextra == TRI_SM_MAX - TRI_SM_NKNOWN ||
	    len >= sizeof(m->extra[0]))
		return -1;		/* no room: ignore the field */
	memcpy(m->extra[m->nextra], name, len);
	m->extra[m->nextra][len] = '\0';
	return TRI_SM_NKNOWN + m->nextra++;
}

/* The rank of f in the first-seen order, adding it when new. */
static int
note_order(struct tri_maps *m, int f, bool kb)
{
	int i;

	for (i = 0; i < m->norder; i++)
		if (m->order[i] == f)
			return i;
	if (kb)
		m->kb_mask |= 1ULL << f;
	m->olen[m->norder] = (unsigned char)strlen(tri_maps_field_name(m, f));
	m->order[m->norder] = f;
	return m->norder++;
}

/*
 * "Name:   123 kB" or "VmFlags: rd wr".  The field order is the same in
 * every record, so the field at the current rank is tried first and the
 * name lookup is the rare path.
 */
static int
parse_field(struct tri_maps *m, const char *s, const char *colon,
    const char *end)
{
	struct tri_vma *v = &m->cur;
	unsigned long long x;
	const char *p, *nm;
	size_t len = (size_t)(colon - s);
	int f = -1;

	if (len == 7 && memcmp(s, "VmFlags", 7) == 0) {
		for (p = colon + 1; p < end && *p == ' '; p++)
			;
		while (end > p && end[-1] == ' ')
			end--;
		v->vmflags = v->path_len + 1;
		v->vmflags_len = (uint32_t)(end - p);
		return text_put(m, v->vmflags, p, (size_t)(end - p));
	}
	if ((p = dec(colon + 1, end, &x)) == NULL)
		return 0;		/* a non-numeric field: not ours */
	if (m->pos < m->norder && m->olen[m->pos] == len) {
		nm = tri_maps_field_name(m, m->order[m->pos]);
		if (memcmp(nm, s, len) == 0)
			f = m->order[m->pos++];
	}
	if (f < 0) {
		if ((f = field_slot(m, s, len)) < 0)
			return 0;
		m->pos = note_order(m, f, end - p >= 3 &&
		    memcmp(p, " kB", 3) == 0) + 1;
	}
	v->f[f] = x;
	m->smaps = true;
	return 0;
}

/* A field line has "Name:" with no space before the colon; a header line
 * starts with a hex range. */
static int
parse_line(struct tri_maps *m, const char *s, const char *end)
{
	const char *c;

	for (c = s; c < end && *c != ':' && *c != ' ' && *c != '-'; c++)
		;
	if (c < end && *c == ':' && c > s) {
		if (!m->open)
			return -1;
		return parse_field(m, s, c, end) < 0 ? -2 : 0;
	}
	m->pos = 0;
	return parse_header(m, s, end);
}

/*
 * The hot path: the line holds the field expected at this rank of the
 * record ("Rss:      8 kB").  Returns the next line, or NULL when it is
 * another line (or not complete yet) and the general parser must look.
 */
static const char *
expected_field(struct tri_maps *m, const char *s, const char *end)
{
	const char *name, *p, *nl;
	unsigned long long x = 0;
	size_t len;
	int f;

	if (!m->open || m->pos >= m->norder)
		return NULL;
	f = m->order[m->pos];
	len = m->olen[m->pos];
	name = f < TRI_SM_NKNOWN ? known[f] : m->extra[f - TRI_SM_NKNOWN];
	if ((size_t)(end - s) <= len || s[len] != ':' ||
	    memcmp(s, name, len) != 0)
		return NULL;
	for (p = s + len + 1; p < end && *p == ' '; p++)
		;
	if (p == end || *p < '0' || *p > '9')
		return NULL;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		x = x * 10 + (unsigned long long)(*p - '0');
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return NULL;
	m->cur.f[f] = x;
	m->pos++;
	return nl + 1;
}

ssize_t
tri_maps_parse(struct tri_maps *m, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len, *nl;
	int r;

	while (s < end) {
		if ((nl = expected_field(m, s, end)) != NULL) {
			s = nl;
			continue;
		}
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			break;
		if (nl > s && (r = parse_line(m, s, nl)) < 0) {
			errno = r == -1 ? EINVAL : ENOMEM;
			return -1;
		}
		s = nl + 1;
	}
	return s - buf;
}

static ssize_t
read_chunk(int fd, char *buf, size_t size)
{
	ssize_t r;

	do
		r = read(fd, buf, size);
	while (r < 0 && errno == EINTR);
	return r;
}

static int
read_fd(int fd, struct tri_maps *m)
{
	size_t have = 0;
	ssize_t r, used;
	char *buf;

	if ((buf = malloc(CHUNK)) == NULL)
		return -1;
	for (;;) {
		if ((r = read_chunk(fd, buf + have, CHUNK - have)) < 0)
			goto fail;
		if (r == 0)
			break;
		have += (size_t)r;
		if ((used = tri_maps_parse(m, buf, have)) < 0)
			goto fail;
		if (used == 0 && have == CHUNK) {	/* a 64 KiB line */
			errno = EINVAL;
			goto fail;
		}
		memmove(buf, buf + used, have - (size_t)used);
		have -= (size_t)used;
	}
	free(buf);
	if (have) {		/* a last line without newline */
		errno = EINVAL;
		return -1;
	}
	return tri_maps_end(m);
fail:
	free(buf);
	return -1;
}

int
tri_proc_read_maps(const struct tri_proc *p, const char *file,
    struct tri_maps *m)
{
	int fd, r, e;

	tri_maps_free(m);
	if ((fd = openat(p->dirfd, file, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	r = read_fd(fd, m);
	e = errno;
	close(fd);
	if (r < 0 && e == ENOENT)
		e = ESRCH;
	errno = e;
	return r;
}

static bool
same_vma(const struct tri_vma *x, const struct tri_vma *y)
{
	return x->start == y->start && x->end == y->end &&
	    x->inode == y->inode && memcmp(x->perms, y->perms, 4) == 0;
}

/* Compare the records parsed into tmp with m from *k on, then drop them. */
static bool
compare_part(const struct tri_maps *m, struct tri_maps *tmp, size_t *k)
{
	const struct tri_vma *x;
	size_t i;
	bool same = true;

	for (i = 0; i < tmp->n && same; i++, (*k)++)
		same = (x = tri_maps_at(m, *k)) != NULL &&
		    same_vma(x, tri_maps_at(tmp, i));
	maps_clear(tmp);
	return same;
}

#define CMP_CHUNK	(64 * 1024)	/* small: the records are not kept */

static int
compare_fd(int fd, const struct tri_maps *m, struct tri_maps *tmp)
{
	char buf[CMP_CHUNK];
	size_t have = 0, k = 0;
	ssize_t r, used;

	for (;;) {
		if ((r = read_chunk(fd, buf + have, sizeof(buf) - have)) < 0)
			return -1;
		if (r == 0)
			break;
		have += (size_t)r;
		if ((used = tri_maps_parse(tmp, buf, have)) < 0)
			return -1;
		if (used == 0 && have == sizeof(buf)) {
			errno = EINVAL;
			return -1;
		}
		if (!compare_part(m, tmp, &k))
			return 0;
		memmove(buf, buf + used, have - (size_t)used);
		have -= (size_t)used;
	}
	if (tri_maps_end(tmp) < 0)
		return -1;
	if (!compare_part(m, tmp, &k))
		return 0;
	return k == m->n;
}

int
tri_proc_maps_unchanged(const struct tri_proc *p, const struct tri_maps *m)
{
	struct tri_maps tmp;
	int fd, r, e;

	if ((fd = openat(p->dirfd, "maps", O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	tri_maps_init(&tmp);
	r = compare_fd(fd, m, &tmp);
	e = errno;
	tri_maps_free(&tmp);
	close(fd);
	errno = e == ENOENT ? ESRCH : e;
	return r;
}

bool
tri_maps_same_layout(const struct tri_maps *a, const struct tri_maps *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!same_vma(tri_maps_at(a, i), tri_maps_at(b, i)))
			return false;
	return true;
}
