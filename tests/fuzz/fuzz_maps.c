/* tests/fuzz/fuzz_maps.c - libFuzzer target: the maps/smaps/smaps_rollup parser, fed in two chunks as the reader feeds it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct tri_maps m;
	const struct tri_vma *v;
	size_t cut, i, sum = 0;
	ssize_t used;

	if (size == 0)
		return 0;
	/* the first byte says where the reader's first chunk ends */
	cut = (size - 1) * data[0] / 255;
	tri_maps_init(&m);
	used = tri_maps_parse(&m, buf + 1, cut);
	if (used >= 0 && (size_t)used <= cut)
		(void)tri_maps_parse(&m, buf + 1 + used, size - 1 - (size_t)used);
	(void)tri_maps_end(&m);
	/* every path and flag string the parser kept must lie in its pool,
	 * and every packed record decode, forwards and from its mark */
	for (i = 0; i < m.n; i++) {
		v = tri_maps_at(&m, i);
		if (v->path_len > 0)
			sum += m.pool[v->path + v->path_len - 1];
		if (v->vmflags_len > 0)
			sum += m.pool[v->vmflags + v->vmflags_len - 1];
		sum += v->f[TRI_SM_RSS];
	}
	for (i = m.n; i-- > 0;)
		sum += tri_maps_at(&m, i)->start;
	tri_maps_free(&m);
	return sum == (size_t)-1;
}
