/* tests/unit/test_lib_misc.c - cgroup lookup and Go executable detection. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup.h"
#include "exe.h"
#include "proc.h"
#include "unit.h"

/* The layout of Go's build info header, in our own data: what real Go
 * binaries carry in their ".go.buildinfo" section. */
__attribute__((section(".go.buildinfo"), used, aligned(16)))
static const unsigned char fake_buildinfo[48] =
    "\xff Go buildinf:\x08\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\x09go1.19.99";

static const char *self_path;

static void
go_detected_in_section(void)
{
	char v[32];
	bool go = false;
	struct tri_proc p;

	CHECK(tri_exe_is_go_path(self_path, &go, v, sizeof(v)) == 0);
	CHECK(go);
	CHECK_STR(v, "go1.19.99");
	/* Through /proc/PID/exe, which under valgrind is valgrind itself
	 * (it preloads vgpreload_*.so): then the answer must be "not Go". */
	go = false;
	CHECK(tri_proc_open(&p, 0) == 0);
	CHECK(tri_exe_is_go(&p, &go, v, sizeof(v)) == 0);
	CHECK(go == !(getenv("LD_PRELOAD") &&
	    strstr(getenv("LD_PRELOAD"), "vgpreload")));
	tri_proc_close(&p);
}

static void
c_program_is_not_go(void)
{
	bool go = true;

	CHECK(tri_exe_is_go_path("/bin/sh", &go, NULL, 0) == 0);
	CHECK(!go);
	CHECK(tri_exe_is_go_path("/etc/passwd", &go, NULL, 0) == -1);
	CHECK(errno == ENOEXEC);
	CHECK(tri_exe_is_go_path("/nonexistent", &go, NULL, 0) == -1);
}

static void
cgroup_of_self(void)
{
	char dir[4096], path[4096];
	uint64_t lim;
	int v2 = -1;

	/* This machine has v1 pids and a v2 tree without pids; code that
	 * runs elsewhere finds whichever exists. */
	if (tri_cgroup_dir(getpid(), "pids", dir, sizeof(dir), &v2) == 0) {
		CHECK(v2 == 0 || v2 == 1);
		CHECK(access(dir, F_OK) == 0);
		CHECK(tri_cgroup_limit(dir, "pids.max", &lim, NULL, 0) == 0);
	} else {
		CHECK(errno == ENOENT);
	}
	CHECK(tri_cgroup_dir(getpid(), NULL, dir, sizeof(dir), &v2) == 0);
	CHECK(v2 == 1);
	CHECK(access(dir, F_OK) == 0);
	CHECK(tri_cgroup_path(getpid(), "", path, sizeof(path)) == 0);
	CHECK(path[0] == '/');
	CHECK(tri_cgroup_dir(4194304, "pids", dir, sizeof(dir), NULL) == -1);
	CHECK(errno == ESRCH);
	CHECK(tri_cgroup_dir(getpid(), "no-such-controller", dir, sizeof(dir),
	    NULL) == -1 && errno == ENOENT);
}

int
main(int argc, char **argv)
{
	self_path = argv[0];
	RUN(go_detected_in_section);
	RUN(c_program_is_not_go);
	RUN(cgroup_of_self);
	return UNIT_END();
}
