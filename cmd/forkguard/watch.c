/* cmd/forkguard/watch.c - watch mode (placeholder while being written). */
#include "forkguard.h"

int
watch_mode(const struct ctl *ctl)
{
	return TRI_EXIT_FAIL;
}
