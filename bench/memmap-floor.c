/* bench/memmap-floor.c - the kernel reads memmap needs, and nothing else.
 *
 * memmap-floor MODE PID, MODE one of:
 *   smaps     read /proc/PID/smaps into one buffer sized once (memmap -p, -X)
 *   maps      the same for maps (memmap --maps-only; the settle check)
 *   rollup    smaps_rollup (the totals alone)
 *   query     PROCMAP_QUERY over every VMA (Linux 6.11+): ranges, flags,
 *             names, without the maps text
 *   pagemap   query, then pagemap's present bits of every page: RSS alone,
 *             one pread per run of touching mappings (at most 8192
 *             pages), as memmap -o address,rss reads them
 * Prints the number of mappings (and resident pages) so the work is not
 * optimised away.  Exit 2 on error.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct procmap_query {			/* linux/fs.h, 6.11 */
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset;
	uint64_t inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define PROCMAP_QUERY	_IOWR('f', 17, struct procmap_query)
#define COVERING_OR_NEXT	0x10

static int
slurp(const char *pid, const char *file)
{
	static char *buf;
	static size_t cap = 64 << 20;	/* sized once */
	char path[64];
	size_t have = 0, lines = 0, i;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	if (buf == NULL && (buf = malloc(cap)) == NULL)
		return -1;
	while ((r = read(fd, buf + have, cap - have)) > 0)
		have += (size_t)r;
	close(fd);
	for (i = 0; i < have; i++)
		lines += buf[i] == '\n';
	printf("%zu lines\n", lines);
	return 0;
}

/* pagemap of the mappings a..b-1 (they touch): one pread, the present bits */
static int
run(int pfd, const uint64_t *st, const uint64_t *en, size_t a, size_t b,
    uint64_t *pm, uint64_t *present)
{
	uint64_t np = (en[b - 1] - st[a]) / 4096, i;

	if (pread(pfd, pm, np * 8, (off_t)(st[a] / 4096 * 8)) !=
	    (ssize_t)(np * 8))
		return 0;
	for (i = 0; i < np; i++)
		*present += pm[i] >> 63;
	return 0;
}

static int
query(const char *pid, bool pages)
{
	struct procmap_query q;
	char path[64], name[4096];
	uint64_t addr = 0, *pm, n = 0, present = 0, *st, *en, np;
	size_t cap = 1 << 20, a, i;
	int fd, pfd = -1;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/pagemap", pid);
	if (pages && (pfd = open(path, O_RDONLY)) < 0)
		return -1;
	/* sized once: the layout, and 64 KiB of pagemap (memmap's window) */
	st = malloc(cap * 8);
	en = malloc(cap * 8);
	pm = malloc(8192 * 8);
	if (st == NULL || en == NULL || pm == NULL)
		return -1;
	for (; n < cap; n++) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = COVERING_OR_NEXT;
		q.query_addr = addr;
		q.vma_name_addr = (uintptr_t)name;
		q.vma_name_size = sizeof(name);
		if (ioctl(fd, PROCMAP_QUERY, &q) < 0)
			break;
		st[n] = q.vma_start;
		en[n] = addr = q.vma_end;
	}
	if (errno != ENOENT)
		return -1;
	/* runs of touching mappings up to 8192 pages, one pread each, as
	 * memmap reads them (a larger mapping: in 8192-page pieces) */
	for (a = 0; pages && a < n; a = i) {
		np = (en[a] - st[a]) / 4096;
		for (i = a + 1; i < n && st[i] == en[i - 1] &&
		    np + (en[i] - st[i]) / 4096 <= 8192; i++)
			np += (en[i] - st[i]) / 4096;
		if (np > 8192) {
			uint64_t s0 = st[a], e0 = en[a], c;

			for (; s0 < e0; s0 += c * 4096) {
				c = (e0 - s0) / 4096 < 8192 ? (e0 - s0) / 4096 :
				    8192;
				st[a] = s0;
				en[a] = s0 + c * 4096;
				run(pfd, st, en, a, a + 1, pm, &present);
			}
		} else {
			run(pfd, st, en, a, i, pm, &present);
		}
	}
	printf("%llu mappings, %llu resident pages\n", (unsigned long long)n,
	    (unsigned long long)present);
	return 0;
}

int
main(int argc, char **argv)
{
	int r;

	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "smaps") == 0)
		r = slurp(argv[2], "smaps");
	else if (strcmp(argv[1], "maps") == 0)
		r = slurp(argv[2], "maps");
	else if (strcmp(argv[1], "rollup") == 0)
		r = slurp(argv[2], "smaps_rollup");
	else if (strcmp(argv[1], "query") == 0)
		r = query(argv[2], false);
	else if (strcmp(argv[1], "pagemap") == 0)
		r = query(argv[2], true);
	else
		return 2;
	if (r < 0) {
		perror(argv[1]);
		return 2;
	}
	return 0;
}
