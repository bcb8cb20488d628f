/* tests/unit/test_maps.c - the maps, smaps and smaps_rollup parsers on fixture text. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "unit.h"

static const char smaps_text[] =
"55d0c0a00000-55d0c0a02000 r--p 00000000 fe:00 247498                     /usr/bin/head\n"
"Size:                  8 kB\n"
"KernelPageSize:        4 kB\n"
"MMUPageSize:           4 kB\n"
"Rss:                   8 kB\n"
"Pss:                   6 kB\n"
"Pss_Dirty:             0 kB\n"
"Shared_Clean:          4 kB\n"
"Shared_Dirty:          0 kB\n"
"Private_Clean:         4 kB\n"
"Private_Dirty:         0 kB\n"
"Referenced:            8 kB\n"
"Anonymous:             0 kB\n"
"KSM:                   0 kB\n"
"LazyFree:              0 kB\n"
"AnonHugePages:         0 kB\n"
"ShmemPmdMapped:        0 kB\n"
"FilePmdMapped:         0 kB\n"
"Shared_Hugetlb:        0 kB\n"
"Private_Hugetlb:       0 kB\n"
"Swap:                  0 kB\n"
"SwapPss:               0 kB\n"
"Locked:                0 kB\n"
"THPeligible:           0\n"
"ProtectionKey:         0\n"
"VmFlags: rd mr mw me \n"
"7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
"Size:               1024 kB\n"
"KernelPageSize:        4 kB\n"
"MMUPageSize:           4 kB\n"
"Rss:                 400 kB\n"
"Pss:                 400 kB\n"
"Pss_Dirty:           400 kB\n"
"Shared_Clean:          0 kB\n"
"Shared_Dirty:          0 kB\n"
"Private_Clean:         0 kB\n"
"Private_Dirty:       400 kB\n"
"Referenced:          400 kB\n"
"Anonymous:           400 kB\n"
"KSM:                   0 kB\n"
"LazyFree:              0 kB\n"
"AnonHugePages:         0 kB\n"
"ShmemPmdMapped:        0 kB\n"
"FilePmdMapped:         0 kB\n"
"Shared_Hugetlb:        0 kB\n"
"Private_Hugetlb:       0 kB\n"
"Swap:                 12 kB\n"
"SwapPss:              12 kB\n"
"Locked:                0 kB\n"
"THPeligible:           1\n"
"ProtectionKey:         0\n"
"VmFlags: rd wr mr mw me ac \n"
"7f0000200000-7f0000208000 rw-s 00000000 00:01 1234                       /tmp/a b (deleted)\n"
"Size:                 32 kB\n"
"Rss:                  32 kB\n"
"NewFieldOf2030:        7 kB\n"
"Swap:                  0 kB\n"
"VmFlags: rd wr sh mr mw me ms \n";

static void
parse_all(struct tri_maps *m, const char *text)
{
	tri_maps_init(m);
	CHECK(tri_maps_parse(m, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(tri_maps_end(m) == 0);
}

static void
smaps_records(void)
{
	struct tri_maps m;
	const struct tri_vma *v;

	parse_all(&m, smaps_text);
	CHECK(m.n == 3);
	CHECK(m.smaps);
	v = tri_maps_at(&m, 0);
	CHECK(v->start == 0x55d0c0a00000UL && v->end == 0x55d0c0a02000UL);
	CHECK_STR(v->perms, "r--p");
	CHECK(v->dev_major == 0xfe && v->dev_minor == 0 && v->inode == 247498);
	CHECK_STR(tri_maps_path(&m, v), "/usr/bin/head");
	CHECK(v->f[TRI_SM_RSS] == 8 && v->f[TRI_SM_PSS] == 6);
	CHECK(v->f[TRI_SM_SHARED_CLEAN] == 4 && v->f[TRI_SM_PRIVATE_CLEAN] == 4);
	CHECK_STR(tri_maps_vmflags(&m, v), "rd mr mw me");
	v = tri_maps_at(&m, 1);
	CHECK(v->path_len == 0);
	CHECK_STR(tri_maps_path(&m, v), "");
	CHECK(v->f[TRI_SM_PRIVATE_DIRTY] == 400 && v->f[TRI_SM_SWAP] == 12);
	CHECK(v->f[TRI_SM_THPELIGIBLE] == 1);
	v = tri_maps_at(&m, 2);
	CHECK_STR(tri_maps_path(&m, v), "/tmp/a b (deleted)");
	CHECK(v->f[TRI_SM_RSS] == 32);
	CHECK(v->f[TRI_SM_PSS] == 0);	/* absent in this record */
	tri_maps_free(&m);
}

static void
smaps_field_order_and_units(void)
{
	struct tri_maps m;
	int f;

	parse_all(&m, smaps_text);
	CHECK(m.order[0] == TRI_SM_SIZE);
	CHECK(m.order[3] == TRI_SM_RSS);
	CHECK(m.order[22] == TRI_SM_THPELIGIBLE);	/* no Pss_Anon.. here */
	CHECK(m.kb_mask & (1ULL << TRI_SM_RSS));
	CHECK(!(m.kb_mask & (1ULL << TRI_SM_THPELIGIBLE)));
	/* a field this code does not know gets a slot and a name */
	f = tri_maps_field_index(&m, "NewFieldOf2030", 14);
	CHECK(f == TRI_SM_NKNOWN);
	CHECK_STR(tri_maps_field_name(&m, f), "NewFieldOf2030");
	CHECK(tri_maps_at(&m, 2)->f[f] == 7);
	CHECK(m.kb_mask & (1ULL << f));
	CHECK(tri_maps_field_index(&m, "Nope", 4) == -1);
	CHECK(tri_maps_field_index(&m, "Rs", 2) == -1);
	CHECK(tri_maps_field_name(&m, TRI_SM_MAX) == NULL);
	tri_maps_free(&m);
}

/* Fed in pieces of every size, the parser gives the same records. */
static void
smaps_chunked(void)
{
	struct tri_maps whole, part;
	size_t len = strlen(smaps_text), step, have, off, i;
	ssize_t used;
	char buf[8192];
	bool same;

	parse_all(&whole, smaps_text);
	for (step = 1; step < 200; step += 7) {
		tri_maps_init(&part);
		have = off = 0;
		while (off < len) {
			size_t n = off + step > len ? len - off : step;

			memcpy(buf + have, smaps_text + off, n);
			off += n;
			have += n;
			if ((used = tri_maps_parse(&part, buf, have)) < 0)
				break;
			memmove(buf, buf + used, have - (size_t)used);
			have -= (size_t)used;
		}
		CHECK(have == 0);
		CHECK(tri_maps_end(&part) == 0);
		same = part.n == whole.n;
		for (i = 0; same && i < part.n; i++) {
			const struct tri_vma *a = tri_maps_at(&part, i);
			const struct tri_vma *b = tri_maps_at(&whole, i);

			same = memcmp(a->f, b->f, sizeof(a->f)) == 0 &&
			    strcmp(tri_maps_path(&part, a),
			    tri_maps_path(&whole, b)) == 0 &&
			    strcmp(tri_maps_vmflags(&part, a),
			    tri_maps_vmflags(&whole, b)) == 0;
		}
		CHECK(same);
		tri_maps_free(&part);
	}
	tri_maps_free(&whole);
}

static void
maps_lines(void)
{
	static const char text[] =
	    "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n"
	    "e03c000-e05d000 rw-p 00000000 00:00 0                                  [heap]\n"
	    "7ffd5e5e1000-7ffd5e602000 rw-p 00000000 00:00 0                          [stack]\n"
	    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
	    "7f00-8f00 r--p 00000000 00:00 0 \n";
	struct tri_maps m;

	parse_all(&m, text);
	CHECK(m.n == 5);
	CHECK(!m.smaps);
	CHECK(tri_maps_at(&m, 0)->start == 0x400000 &&
	    tri_maps_at(&m, 0)->end == 0x452000);
	CHECK(tri_maps_at(&m, 0)->dev_major == 8 &&
	    tri_maps_at(&m, 0)->dev_minor == 2);
	CHECK_STR(tri_maps_path(&m, tri_maps_at(&m, 1)), "[heap]");
	CHECK_STR(tri_maps_path(&m, tri_maps_at(&m, 3)), "[vsyscall]");
	CHECK(tri_maps_at(&m, 3)->end == 0xffffffffff601000UL);
	CHECK(tri_maps_at(&m, 4)->path_len == 0);
	CHECK(tri_maps_at(&m, 0)->f[TRI_SM_RSS] == 0);
	tri_maps_free(&m);
}

static void
maps_partial_line_left(void)
{
	static const char text[] =
	    "00400000-00452000 r-xp 00000000 08:02 173521 /bin/x\n"
	    "00452000-00460000 rw-p 00000000 08:";
	struct tri_maps m;

	tri_maps_init(&m);
	CHECK(tri_maps_parse(&m, text, strlen(text)) ==
	    (ssize_t)(strchr(text, '\n') - text + 1));
	CHECK(tri_maps_end(&m) == 0);	/* the record open till now */
	CHECK(m.n == 1);
	tri_maps_free(&m);
}

static void
maps_malformed(void)
{
	static const char *const bad[] = {
		"zzzz-0452000 r-xp 00000000 08:02 1 /x\n",
		"00400000 r-xp 00000000 08:02 1 /x\n",
		"00400000-00452000 r-x 00000000 08:02 1 /x\n",
		"00400000-00452000 r-xp 00000000 0802 1 /x\n",
		"00400000-00452000 r-xp 00000000 08:02 1x /x\n",
		"Rss: 4 kB\n",		/* a field before any mapping */
	};
	struct tri_maps m;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tri_maps_init(&m);
		errno = 0;
		CHECK(tri_maps_parse(&m, bad[i], strlen(bad[i])) == -1);
		CHECK(errno == EINVAL);
		tri_maps_free(&m);
	}
}

static void
rollup(void)
{
	static const char text[] =
	    "563c18d54000-7ffdace5b000 ---p 00000000 00:00 0                          [rollup]\n"
	    "Rss:                1612 kB\n"
	    "Pss:                 392 kB\n"
	    "Pss_Dirty:           112 kB\n"
	    "Pss_Anon:            112 kB\n"
	    "Pss_File:            280 kB\n"
	    "Pss_Shmem:             0 kB\n"
	    "Shared_Clean:       1404 kB\n"
	    "Private_Clean:        96 kB\n"
	    "Private_Dirty:       112 kB\n"
	    "Swap:                  3 kB\n"
	    "Locked:                0 kB\n";
	struct tri_maps m;

	parse_all(&m, text);
	CHECK(m.n == 1);
	CHECK_STR(tri_maps_path(&m, tri_maps_at(&m, 0)), "[rollup]");
	CHECK(tri_maps_at(&m, 0)->f[TRI_SM_RSS] == 1612 &&
	    tri_maps_at(&m, 0)->f[TRI_SM_PSS] == 392);
	CHECK(tri_maps_at(&m, 0)->f[TRI_SM_PSS_FILE] == 280);
	CHECK(tri_maps_at(&m, 0)->f[TRI_SM_PRIVATE_DIRTY] == 112 &&
	    tri_maps_at(&m, 0)->f[TRI_SM_SWAP] == 3);
	tri_maps_free(&m);
}

static void
layout(void)
{
	static const char a[] =
	    "1000-2000 rw-p 00000000 00:00 0\n3000-4000 r--p 00000000 08:01 5 /f\n";
	static const char b[] =
	    "1000-2000 rw-p 00000000 00:00 0\n3000-5000 r--p 00000000 08:01 5 /f\n";
	static const char c[] =
	    "1000-2000 rw-p 00000000 00:00 0\n3000-4000 r--s 00000000 08:01 5 /f\n";
	struct tri_maps x, y;

	parse_all(&x, a);
	parse_all(&y, a);
	CHECK(tri_maps_same_layout(&x, &y));
	tri_maps_free(&y);
	parse_all(&y, b);
	CHECK(!tri_maps_same_layout(&x, &y));
	tri_maps_free(&y);
	parse_all(&y, c);
	CHECK(!tri_maps_same_layout(&x, &y));
	tri_maps_free(&y);
	parse_all(&y, "1000-2000 rw-p 00000000 00:00 0\n");
	CHECK(!tri_maps_same_layout(&x, &y));
	tri_maps_free(&y);
	tri_maps_free(&x);
}

/*
 * The readers on a real process: a child that waits (not ourselves: our
 * own reads allocate, which changes our layout between two reads).
 */
static void
copy_but(const struct tri_maps *m, struct tri_maps *out, size_t k, bool drop)
{
	struct tri_vma v;
	size_t i;

	tri_maps_init_as(out, m);
	for (i = 0; i < m->n; i++) {
		v = *tri_maps_at(m, i);
		if (i == k && drop)
			continue;
		if (i == k)
			v.end += 4096;
		CHECK(tri_maps_append(out, &v, tri_maps_path(m, &v),
		    v.path_len, tri_maps_vmflags(m, &v), v.vmflags_len) == 0);
	}
}

static void
read_child(void)
{
	struct tri_proc p;
	struct tri_maps m, r, moved;
	int fds[2];
	char c;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	if ((pid = fork()) == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) < 0)
			;
		_exit(0);
	}
	close(fds[0]);
	CHECK(tri_proc_open(&p, pid) == 0);
	tri_maps_init(&m);
	tri_maps_init(&r);
	CHECK(tri_proc_read_maps(&p, "smaps", &m) == 0);
	CHECK(m.n > 5 && m.smaps);
	CHECK(tri_proc_read_maps(&p, "smaps_rollup", &r) == 0);
	CHECK(r.n == 1 && tri_maps_at(&r, 0)->f[TRI_SM_RSS] > 0);
	CHECK(tri_proc_maps_unchanged(&p, &m) == 1);
	copy_but(&m, &moved, 1, false);		/* mapping 1 a page longer */
	CHECK(tri_proc_maps_unchanged(&p, &moved) == 0);
	tri_maps_free(&moved);
	copy_but(&m, &moved, m.n - 1, true);	/* the last one missing */
	CHECK(tri_proc_maps_unchanged(&p, &moved) == 0);
	tri_maps_free(&moved);
	tri_maps_free(&m);
	tri_maps_free(&r);
	tri_proc_close(&p);
	close(fds[1]);
	waitpid(pid, NULL, 0);
}

static void
read_gone(void)
{
	struct tri_proc p;
	struct tri_maps m;
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(0);
	CHECK(tri_proc_open(&p, pid) == 0);
	waitpid(pid, NULL, 0);
	tri_maps_init(&m);
	errno = 0;
	CHECK(tri_proc_read_maps(&p, "smaps", &m) == -1);
	CHECK(errno == ESRCH);
	CHECK(tri_proc_maps_unchanged(&p, &m) == -1 && errno == ESRCH);
	tri_proc_close(&p);
}

/* The kernel's "\012" in a path is a newline; nothing else is unescaped. */
static void
maps_newline_escape(void)
{
	static const char text[] =
	"7f0000000000-7f0000001000 rw-s 00000000 00:01 42   /memfd:new\\012line (deleted)\n"
	"7f0000001000-7f0000002000 r--p 00000000 fe:00 43   /tmp/a\\101\\01\\\n";
	struct tri_maps m;

	tri_maps_init(&m);
	CHECK(tri_maps_parse(&m, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1));
	CHECK(tri_maps_end(&m) == 0);
	CHECK(m.n == 2);
	CHECK_STR(tri_maps_path(&m, tri_maps_at(&m, 0)), "/memfd:new\nline (deleted)");
	CHECK(tri_maps_at(&m, 0)->path_len == strlen("/memfd:new\nline (deleted)"));
	CHECK_STR(tri_maps_path(&m, tri_maps_at(&m, 1)), "/tmp/a\\101\\01\\");
	tri_maps_free(&m);
}

/*
 * The packed store gives back what was added, in any order of access:
 * steps back (malformed input), unaligned and huge sizes, odd perms,
 * runs of equal values (stored as references) and unequal ones.
 */
static void
packed_round_trip(void)
{
	static const char *const perms[] = { "rw-p", "---p", "r-xs", "r?x*" };
	struct tri_maps m;
	struct tri_vma v;
	const struct tri_vma *g;
	unsigned long long rss = 0;
	size_t i, n = 1000;
	bool same = true;
	char path[32];

	tri_maps_init(&m);
	m.norder = 3;
	m.order[0] = TRI_SM_SIZE;
	m.order[1] = TRI_SM_RSS;
	m.order[2] = TRI_SM_SWAP;
	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof(v));
		v.start = i == 500 ? 0x1000 : 0x10000000UL + i * 0x100000UL;
		v.end = v.start + (i % 7 == 0 ? 123 : i == 3 ? 1UL << 46 :
		    4096 * (i % 5 + 1));
		memcpy(v.perms, perms[i % 4], 5);
		v.offset = i % 3 ? 0 : 1ULL << 40;
		v.inode = i % 2 ? 0 : 1000000000UL + i;
		v.dev_major = (unsigned)(i % 2 ? 0 : 259);
		v.dev_minor = (unsigned)(i % 2 ? 0 : 3);
		v.f[TRI_SM_SIZE] = (v.end - v.start) / 1024;
		v.f[TRI_SM_RSS] = i % 10 < 8 ? 4 : i * 1000;
		rss += v.f[TRI_SM_RSS];
		snprintf(path, sizeof(path), "/lib/x%zu.so", i % 3);
		CHECK(tri_maps_append(&m, &v, path, i % 2 ? 0 : strlen(path),
		    "rd wr", i % 4 ? 5 : 0) == 0);
	}
	CHECK(m.n == n && m.sum[TRI_SM_RSS] == rss);
	CHECK(m.enclen < n * 24);	/* packed, not 384 bytes a record */
	for (i = n; i-- > 0 && same;) {	/* backwards: no reuse of a step */
		size_t j = i * 7 % n;

		g = tri_maps_at(&m, j);
		snprintf(path, sizeof(path), "/lib/x%zu.so", j % 3);
		same = g->start == (j == 500 ? 0x1000 : 0x10000000UL +
		    j * 0x100000UL) && strcmp(g->perms, perms[j % 4]) == 0 &&
		    g->end - g->start == (j % 7 == 0 ? 123 : j == 3 ?
		    1UL << 46 : 4096 * (j % 5 + 1)) &&
		    g->offset == (j % 3 ? 0 : 1ULL << 40) &&
		    g->inode == (j % 2 ? 0 : 1000000000UL + j) &&
		    g->dev_major == (j % 2 ? 0U : 259U) &&
		    g->f[TRI_SM_RSS] == (j % 10 < 8 ? 4 : j * 1000) &&
		    g->f[TRI_SM_SWAP] == 0 &&
		    strcmp(tri_maps_path(&m, g), j % 2 ? "" : path) == 0 &&
		    strcmp(tri_maps_vmflags(&m, g), j % 4 ? "rd wr" : "") == 0;
	}
	CHECK(same);
	/* the same path is kept once */
	CHECK(tri_maps_at(&m, 0)->path == tri_maps_at(&m, 6)->path);
	tri_maps_free(&m);
}

/* Fields outside keep read 0 per record, and are summed all the same. */
static void
packed_keep(void)
{
	struct tri_maps m;
	const struct tri_vma *v;

	tri_maps_init(&m);
	m.keep = 1ULL << TRI_SM_RSS;
	CHECK(tri_maps_parse(&m, smaps_text, strlen(smaps_text)) ==
	    (ssize_t)strlen(smaps_text));
	CHECK(tri_maps_end(&m) == 0);
	v = tri_maps_at(&m, 1);
	CHECK(v->f[TRI_SM_RSS] == 400 && v->f[TRI_SM_PRIVATE_DIRTY] == 0);
	CHECK(m.sum[TRI_SM_PRIVATE_DIRTY] == 400 && m.sum[TRI_SM_RSS] == 440);
	CHECK(m.sum[TRI_SM_SWAP] == 12);
	tri_maps_free(&m);
	CHECK(m.keep == 1ULL << TRI_SM_RSS);	/* free keeps keep */
}

int
main(void)
{
	RUN(packed_round_trip);
	RUN(packed_keep);
	RUN(smaps_records);
	RUN(smaps_field_order_and_units);
	RUN(smaps_chunked);
	RUN(maps_lines);
	RUN(maps_partial_line_left);
	RUN(maps_newline_escape);
	RUN(maps_malformed);
	RUN(rollup);
	RUN(layout);
	RUN(read_child);
	RUN(read_gone);
	return UNIT_END();
}
