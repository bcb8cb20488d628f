/* cmd/forkguard/fallback.c - no cgroup: RLIMIT_NPROC and our own descendants. */
#include <err.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forkguard.h"
#include "forklimits.h"

#define LIST_CAP	65536
#define STOP_PASSES	50

uint64_t
fallback_nproc(const struct ctl *ctl)
{
	uint64_t tasks = 0;

	/* Per user: the limit must leave room for what the user runs. */
	if (tri_forklimits_uid_tasks(getuid(), &tasks) < 0)
		tasks = 0;
	return tasks + ctl->max_procs;
}

void
fallback_warn(const char *why)
{
	warnx("running without a cgroup fence (%s): RLIMIT_NPROC is set to "
	    "the user's tasks plus --max-procs and forkguard watches its own "
	    "descendants; it cannot limit this command alone (the limit "
	    "counts every process of the user)%s, and it stops a bomb one "
	    "process at a time, not at once", why, getuid() == 0 ?
	    ", root ignores RLIMIT_NPROC" : "");
}

uint64_t
fallback_count(pid_t self)
{
	return descendants(self, NULL, 0);
}

static void
nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

static void
signal_all(const pid_t *p, size_t n, int sig)
{
	size_t i;

	for (i = 0; i < n; i++)
		kill(p[i], sig);
}

void
fallback_contain(pid_t self, struct child *c, double t_detect,
    double (*now)(void), struct lineage *lin, struct contained *con)
{
	pid_t *a;
	size_t n = 0, prev = (size_t)-1;
	int pass;

	memset(con, 0, sizeof(*con));
	if ((a = malloc(LIST_CAP * sizeof(*a))) == NULL) {
		con->failure = "out of memory";
		return;
	}
	/* The process group in one call (the kernel signals it as a
	 * whole), then SIGSTOP until a pass finds no process it had not
	 * stopped: those that left the group. */
	if (c->pid > 0)
		kill(-c->pid, SIGSTOP);
	for (pass = 0; pass < STOP_PASSES; pass++) {
		n = descendants(self, a, LIST_CAP);
		if (n > LIST_CAP)
			n = LIST_CAP;
		signal_all(a, n, SIGSTOP);
		if (n == prev)
			break;
		prev = n;
	}
	con->frozen = pass < STOP_PASSES;
	con->frozen_ms = (now() - t_detect) * 1000;
	lineage_of(a, n, 0.02, lin);
	while ((n = descendants(self, a, LIST_CAP)) > 0) {
		signal_all(a, n < LIST_CAP ? n : LIST_CAP, SIGKILL);
		if (con->killed == 0)
			con->killed = n;
		reap(c);
		if (now() - t_detect > 5.0) {
			con->failure = "processes were still there after 5 s";
			break;
		}
		nap_us(500);
	}
	reap(c);
	con->empty = n == 0;
	con->empty_ms = (now() - t_detect) * 1000;
	free(a);
}
