/* cmd/forkguard/fence.c - the cgroup fence: make it, contain what is in it, remove it. */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "forkguard.h"

#define PROCS_CAP	65536	/* processes looked at for the lineage */
#define EMPTY_TIMEOUT	5.0	/* seconds to wait for an empty fence */
#define REKILL_AFTER	0.05	/* kill again when not empty by then */
#define LINEAGE_BUDGET	0.02	/* seconds the frozen bomb waits to be read */

static void
nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* Why the fence could not be made, for the one warning line. */
static void
fence_warn(const char *what, int e, bool fatal)
{
	const char *hint = "";

	if (e == EACCES || e == EPERM || e == EROFS)
		hint = tri_caps_have(CAP_DAC_OVERRIDE) ? " (the cgroup "
		    "directory refuses even root: a read-only or foreign "
		    "cgroup mount)" : " (needs write access to the cgroup: "
		    "CAP_DAC_OVERRIDE, run as root, or a delegated cgroup)";
	else if (e == ENOENT)
		hint = " (no writable pids controller, or no freezer for the "
		    "chosen --fence)";
	else if (e == EBUSY)
		hint = " (cgroup v2: +pids in cgroup.subtree_control is refused "
		    "while our cgroup holds processes; run from a cgroup of its "
		    "own, e.g. systemd-run --scope -p Delegate=yes)";
	if (fatal)
		errx(TRI_EXIT_FAIL, "%s: %s%s", what, strerror(e), hint);
	warnx("no cgroup fence: %s: %s%s", what, strerror(e), hint);
}

int
fence_open(const struct ctl *ctl, struct tri_cgroup_fence *f)
{
	static const enum tri_fence_mode mode[] = {
		[FP_AUTO] = TRI_FENCE_AUTO, [FP_V1] = TRI_FENCE_V1,
		[FP_V2] = TRI_FENCE_V2, [FP_NONE] = TRI_FENCE_AUTO,
	};
	bool fatal = ctl->fence != FP_AUTO;
	char name[64];
	int e;

	snprintf(name, sizeof(name), "forkguard-%d", (int)getpid());
	if (tri_cgroup_fence_create(f, name, mode[ctl->fence]) < 0) {
		fence_warn("creating a cgroup", errno, fatal);
		return -1;
	}
	if (tri_cgroup_fence_set_max(f, ctl->max_procs) < 0) {
		e = errno;
		tri_cgroup_fence_remove(f);
		fence_warn("setting pids.max", e, fatal);
		return -1;
	}
	return 0;
}

/* Remove the fence once the kernel has let go of the last task. */
void
fence_close(struct tri_cgroup_fence *f, struct child *c)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (tri_cgroup_fence_remove(f) == 0 || errno != EBUSY)
			return;
		reap(c);
		nap_us(1000);
	}
	warn("removing %s", f->pids);
}

static bool
is_empty(const struct tri_cgroup_fence *f)
{
	struct tri_cgroup_pids p;

	return tri_cgroup_fence_read(f, &p) == 0 && p.current == 0;
}

/* Kill what is left of our own processes outside the fence. */
static unsigned long
kill_escaped(struct child *c)
{
	pid_t esc[256];
	size_t n, i;

	n = descendants(getpid(), esc, 256);
	for (i = 0; i < n && i < 256; i++)
		kill(esc[i], SIGKILL);
	reap(c);
	return (unsigned long)n;
}

/* SIGKILL everything, thaw, and reap until the fence is empty. */
static void
kill_until_empty(struct tri_cgroup_fence *f, struct child *c, double t0,
    double (*now)(void), struct contained *con)
{
	double last = now();
	size_t k;

	if (tri_cgroup_fence_kill(f, &con->killed) < 0)
		con->failure = "the kill failed";
	if (con->frozen)
		tri_cgroup_fence_freeze(f, false, 0);
	while (!(con->empty = is_empty(f))) {
		reap(c);
		if (now() - t0 > EMPTY_TIMEOUT) {
			con->failure = "tasks were still there after 5 s";
			return;
		}
		/* Not frozen (no freezer): a few may have forked since. */
		if (now() - last > REKILL_AFTER) {
			tri_cgroup_fence_kill(f, &k);
			con->killed += k;
			last = now();
		}
		nap_us(200);
	}
	reap(c);
	con->empty_ms = (now() - t0) * 1000;
}

int
contain(struct tri_cgroup_fence *f, struct child *c, double t_detect,
    double (*now)(void), struct lineage *lin, struct contained *con,
    bool kill_it)
{
	pid_t *procs;
	size_t n = 0;

	memset(con, 0, sizeof(*con));
	con->frozen = tri_cgroup_fence_freeze(f, true, 1.0) == 0;
	con->frozen_ms = (now() - t_detect) * 1000;
	/* While frozen nobody forks or exits: a consistent lineage. */
	if ((procs = malloc(PROCS_CAP * sizeof(*procs))) != NULL &&
	    tri_cgroup_fence_procs(f, procs, PROCS_CAP, &n) == 0)
		lineage_of(procs, n < PROCS_CAP ? n : PROCS_CAP,
		    LINEAGE_BUDGET, lin);
	free(procs);
	if (!kill_it)
		return 0;
	kill_until_empty(f, c, t_detect, now, con);
	if (f->v2_kill)
		con->killed = n;	/* cgroup.kill names no count */
	lin->escaped = kill_escaped(c);
	return con->empty ? 0 : -1;
}
