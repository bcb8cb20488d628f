/* tests/fuzz/fuzz_cgroup.c - libFuzzer target: /proc/PID/cgroup and the cgroup files (limits, key lines, pids.*), through a /proc root and a cgroup folder of the fuzzer's own. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];

static void
put(const char *dir, const char *name, const uint8_t *data, size_t size)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return;
	if (write(fd, data, size) < 0)
		(void)0;
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tri_cgroup_pids pids;
	char dir[96], cg[128], buf[4096];
	char at[256];
	uint64_t v;

	if (root[0] == '\0') {
		snprintf(root, sizeof(root), "/tmp/fuzz-cgroup.%d", (int)getpid());
		mkdir(root, 0700);
		snprintf(dir, sizeof(dir), "%s/1", root);
		mkdir(dir, 0700);
		tri_proc_set_root(root);
	}
	snprintf(dir, sizeof(dir), "%s/1", root);
	put(dir, "cgroup", data, size);
	tri_cgroup_path(1, NULL, cg, sizeof(cg));
	tri_cgroup_path(1, "pids", cg, sizeof(cg));
	tri_cgroup_path(1, "memory", cg, sizeof(cg));
	/* the same bytes as each cgroup file the commands read */
	put(dir, "memory.max", data, size);
	put(dir, "cpu.stat", data, size);
	put(dir, "pids.events", data, size);
	put(dir, "pids.max", data, size);
	put(dir, "pids.current", data, size);
	put(dir, "pids.peak", data, size);
	tri_cgroup_read(dir, "cpu.stat", buf, sizeof(buf));
	tri_cgroup_read_u64(dir, "pids.current", &v);
	tri_cgroup_read_key(dir, "cpu.stat", "nr_throttled", &v);
	tri_cgroup_read_key(dir, "pids.events", "max", &v);
	tri_cgroup_limit(dir, "memory.max", &v, at, sizeof(at));
	tri_cgroup_pids_read(dir, &pids);
	return 0;
}
