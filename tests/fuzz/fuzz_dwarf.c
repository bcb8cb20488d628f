/* tests/fuzz/fuzz_dwarf.c - libFuzzer target: structpad's loading path (ELF, DWARF, layouts) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tri_dwarf d;
	size_t i, k, n = 0;
	void *copy;

	/* libelf may keep pointers into the image: give it its own copy */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (tri_dwarf_load_mem(copy, size, &d) == 0) {
		/* touch what the command reads, so bad pointers show */
		for (i = 0; i < d.ntypes; i++) {
			n += strlen(d.types[i].name);
			for (k = 0; k < d.types[i].nmembers; k++)
				n += strlen(d.types[i].members[k].type) +
				    strlen(d.types[i].members[k].name) +
				    strlen(tri_dwarf_dims(&d.types[i].members[k]));
		}
	}
	tri_dwarf_free(&d);
	free(copy);
	return n == (size_t)-1;
}
