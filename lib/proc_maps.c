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

#define CHUNK	(1024 * 1024)	/* one read(2) of the seq_file */

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
}

void
tri_maps_free(struct tri_maps *m)
{
	free(m->v);
	free(m->pool);
	tri_maps_init(m);
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

/* Copy len bytes into the string pool, NUL-ended; returns the offset. */
static int
pool_add(struct tri_maps *m, const char *s, size_t len, uint32_t *off)
{
	size_t need = m->poollen + len + 1, cap;
	char *np;

	if (need > UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	if (need > m->poolcap) {
		cap = m->poolcap ? m->poolcap : 4096;
		while (cap < need)
			cap *= 2;
		if ((np = realloc(m->pool, cap)) == NULL)
			return -1;
		m->pool = np;
		m->poolcap = cap;
	}
	memcpy(m->pool + m->poollen, s, len);
	m->pool[m->poollen + len] = '\0';
	*off = (uint32_t)m->poollen;
	m->poollen = need;
	return 0;
}

static struct tri_vma *
vma_new(struct tri_maps *m)
{
	struct tri_vma *nv;
	size_t cap;

	if (m->n == m->cap) {
		cap = m->cap ? m->cap * 2 : 256;
		if ((nv = realloc(m->v, cap * sizeof(*nv))) == NULL)
			return NULL;
		m->v = nv;
		m->cap = cap;
	}
	nv = &m->v[m->n++];
	memset(nv, 0, sizeof(*nv));
	return nv;
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

/* "start-end perms offset major:minor inode   path" */
static int
parse_header(struct tri_maps *m, const char *s, const char *end)
{
	unsigned long long a, b, off, maj, min, ino;
	struct tri_vma *v;
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
	if ((v = vma_new(m)) == NULL)
		return -2;
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
	if (v->path_len && pool_add(m, s, (size_t)(end - s), &v->path) < 0)
		return -2;
	if (v->path_len && memchr(s, '\\', v->path_len) != NULL)
		v->path_len = (uint32_t)unescape(m->pool + v->path, v->path_len);
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
	struct tri_vma *v = &m->v[m->n - 1];
	unsigned long long x;
	const char *p, *nm;
	size_t len = (size_t)(colon - s);
	int f = -1;

	if (len == 7 && memcmp(s, "VmFlags", 7) == 0) {
		for (p = colon + 1; p < end && *p == ' '; p++)
			;
		while (end > p && end[-1] == ' ')
			end--;
		v->vmflags_len = (uint32_t)(end - p);
		return v->vmflags_len ? pool_add(m, p, (size_t)(end - p),
		    &v->vmflags) : 0;
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
		if (m->n == 0)
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

	if (m->n == 0 || m->pos >= m->norder)
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
	m->v[m->n - 1].f[f] = x;
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
		if (used == 0 && have == CHUNK) {	/* a 1 MiB line */
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
	return 0;
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
	size_t i;
	bool same = true;

	for (i = 0; i < tmp->n && same; i++, (*k)++)
		same = *k < m->n && same_vma(&m->v[*k], &tmp->v[i]);
	tmp->n = 0;
	tmp->poollen = 0;
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
		if (!same_vma(&a->v[i], &b->v[i]))
			return false;
	return true;
}
