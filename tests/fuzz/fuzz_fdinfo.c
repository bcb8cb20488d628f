/* tests/fuzz/fuzz_fdinfo.c - libFuzzer target: the fdinfo parser (pos, flags, eventfd, inotify, pidfd, timerfd lines). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tri_fdinfo fi;
	char *buf;

	/* a NUL after the text, as every reader leaves it (lib/proc.h) */
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	tri_proc_parse_fdinfo(buf, size, &fi);
	free(buf);
	return 0;
}
