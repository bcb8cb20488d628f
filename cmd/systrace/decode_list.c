/* cmd/systrace/decode_list.c - lists of numbers: CPU sets and gid lists, as strace shows them. */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "systrace.h"

/*
 * The CPUs of a set of size bytes (sched_setaffinity's length, or what
 * sched_getaffinity returned): [0 1].  One page at most is read, as the
 * CPUs past 32,768 are no machine's.
 */
void
dw_cpuset(struct dw *w, unsigned long addr, size_t size)
{
	unsigned long bits[512] = { 0 };
	size_t i, nbits;

	if (size > sizeof(bits))
		size = sizeof(bits);
	if (peek(w->t->tid, addr, bits, size) < 0) {
		dw_hex(w, addr);
		return;
	}
	nbits = size * CHAR_BIT;
	dw_arr_sp(w);
	for (i = 0; i < nbits; i++)
		if (bits[i / (sizeof(long) * CHAR_BIT)] >> (i % (sizeof(long) *
		    CHAR_BIT)) & 1)
			dw_uint(w, i);
	dw_end(w);
}

/* n gids (setgroups's count, what getgroups returned): [0 4 27]. */
void
dw_gids(struct dw *w, unsigned long addr, long n)
{
	unsigned gids[256];
	long i, max = sysconf(_SC_NGROUPS_MAX);

	if (n < 0 || n > max) {
		dw_ptr(w, addr);
		return;
	}
	if (addr == 0) {
		dw_null(w);
		return;
	}
	dw_arr(w);
	for (i = 0; i < n; i++) {
		if (i % 256 == 0 && peek(w->t->tid, addr + (unsigned long)i *
		    sizeof(unsigned), gids, (size_t)(n - i < 256 ? n - i : 256) *
		    sizeof(unsigned)) < 0) {
			dw_more(w);
			break;
		}
		if (gids[i % 256] == UINT_MAX)
			dw_int(w, -1);
		else
			dw_uint(w, gids[i % 256]);
	}
	dw_end(w);
}
