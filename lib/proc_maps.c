/* lib/proc_maps.c - readers of /proc/PID/maps, smaps and smaps_rollup. */
/* (The records they parse are kept packed: lib/proc_maps_pack.c.) */
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
	size_t cap = m->textcap ? m->textcap : 4096;
	char *nt;

	if (off + len + 1 > m->textcap) {
		while (cap < off + len + 1)
			cap *= 2;
		if ((nt = realloc(m->text, cap)) == NULL)
			return -1;
		m->text = nt;
		m->textcap = cap;
	}
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
	tri_maps_clear(tmp);
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
