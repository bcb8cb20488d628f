/* tests/fuzz/fuzz_procstat.c - libFuzzer target: the parsers of stat, status, limits, sched, schedstat, syscall and /proc/stat text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long soft, hard, mig, v;
	struct tri_schedstat ss;
	struct tri_sysstat sys;
	struct tri_syscall sc;
	struct tri_status st;
	struct tri_stat s;
	struct tri_ctxt c;
	char *buf;

	/* a NUL after the text, as every reader leaves it (lib/proc.h) */
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	tri_proc_parse_stat(buf, size, &s);
	tri_proc_parse_status(buf, size, &st);
	tri_proc_parse_ctxt(buf, size, &c);
	tri_proc_parse_sched_ctxt(buf, size, 1, &c, &mig);
	tri_proc_parse_limit(buf, "Max open files", &soft, &hard);
	tri_proc_parse_limit(buf, "Max processes", &soft, &hard);
	tri_proc_parse_sched_key(buf, "se.nr_migrations", &v);
	tri_proc_parse_schedstat(buf, &ss);
	tri_proc_parse_syscall(buf, &sc);
	tri_proc_parse_sysstat(buf, &sys);
	free(buf);
	return 0;
}
