/* tests/unit/test_ptable.c - the libproc2 snapshot against known live state. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptable.h"
#include "unit.h"

static pid_t sleeper, zombie;
/* the sleeper's command line: sh blocked in read, "x\ny" as its $0 */
#define SLEEPER_ARGS	"sh\0-c\0read x\0x\ny"
static pthread_mutex_t hold = PTHREAD_MUTEX_INITIALIZER;

static void *
worker(void *arg)
{
	prctl(PR_SET_NAME, "ut-worker");
	pthread_mutex_lock(&hold);	/* until main unlocks at the end */
	pthread_mutex_unlock(&hold);
	return NULL;
}

struct walked {
	int	 n, child_depth;
};

static int
count(const struct tri_ptable *t, const struct tri_pnode *n, int depth,
    void *arg)
{
	struct walked *w = arg;

	w->n++;
	if (n->pid == sleeper)
		w->child_depth = depth;
	return 0;
}

static void
self_children_threads(void)
{
	const struct tri_pnode *me, *s, *z, *par;
	struct walked w = { 0, -1 };
	struct tri_ptable t;
	char name[17] = "";

	prctl(PR_GET_NAME, name);	/* under valgrind, not test_ptable */
	CHECK(tri_ptable_snap(&t, TRI_PT_CMDLINE | TRI_PT_THREADS |
	    TRI_PT_UID) == 0);
	me = tri_ptable_find(&t, getpid());
	s = tri_ptable_find(&t, sleeper);
	z = tri_ptable_find(&t, zombie);
	CHECK(me && s && z);
	if (!me || !s || !z) {
		tri_ptable_free(&t);
		return;
	}
	CHECK(me->ppid == getppid());
	CHECK_STR(me->comm, name);
	CHECK(me->cmdline_len > 0 && memmem(me->cmdline, me->cmdline_len,
	    "test_ptable", 11) != NULL);
	CHECK(me->euid == geteuid());
	CHECK(me->nlwp == 2 && me->nthreads == 1);
	CHECK(me->nthreads == 1 && strcmp(me->threads[0].comm, "ut-worker")
	    == 0);
	CHECK(!me->zombie && !s->zombie && z->zombie && z->state == 'Z');
	CHECK(z->cmdline_len == 0);	/* a zombie has no command line */
	/* the sleeper's last argument is "x\ny": one argument, not two */
	CHECK(s->cmdline_len == sizeof(SLEEPER_ARGS) - 1 &&
	    memcmp(s->cmdline, SLEEPER_ARGS, sizeof(SLEEPER_ARGS) - 1) == 0);
	par = s->parent >= 0 ? &t.nodes[s->parent] : NULL;
	CHECK(par == me);
	CHECK(me->nchildren >= 2);
	CHECK(tri_ptable_is_ancestor(&t, me, s));
	CHECK(!tri_ptable_is_ancestor(&t, s, me));
	CHECK(tri_ptable_walk(&t, me, count, &w) == 0);
	CHECK(w.n >= 3 && w.child_depth == 1);
	CHECK(tri_ptable_find(&t, 4194304) == NULL);
	tri_ptable_free(&t);
}

static void
stat_only_is_enough(void)
{
	const struct tri_pnode *me;
	struct tri_ptable t;

	CHECK(tri_ptable_snap(&t, 0) == 0);
	me = tri_ptable_find(&t, getpid());
	CHECK(me && me->cmdline == NULL && me->threads == NULL);
	CHECK(me && me->nlwp == 2);
	tri_ptable_free(&t);
}

/* Whether a library whose path holds name is mapped in this process. */
static bool
mapped(const char *name)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, name) != NULL)
			found = true;
	if (f != NULL)
		fclose(f);
	return found;
}

/* lib/sdlazy.c's stand-in, the one libproc2.a calls. */
int	sd_pid_get_slice(pid_t, char **);

/*
 * libproc2 is linked static and libsystemd loads only when libproc2 calls
 * one of its sd_* functions, for a PIDS_SD_* item (lib/sdlazy.c): a
 * snapshot leaves it out, and the stand-in gives libsystemd's own answer.
 */
static void
systemd_loads_on_first_use(void)
{
	int (*real)(pid_t, char **) = NULL;
	char *got = NULL, *want = NULL;
	struct tri_ptable t;
	void *lib;
	int r;

	CHECK(tri_ptable_snap(&t, TRI_PT_CMDLINE) == 0);
	tri_ptable_free(&t);
	CHECK(!mapped("libsystemd"));
	r = sd_pid_get_slice(1, &got);
	CHECK(mapped("libsystemd"));
	lib = dlopen("libsystemd.so.0", RTLD_LAZY | RTLD_NOLOAD);
	CHECK(lib != NULL);
	if (lib != NULL)
		*(void **)&real = dlsym(lib, "sd_pid_get_slice");
	CHECK(real != NULL && real != sd_pid_get_slice);
	if (real != NULL) {
		CHECK(real(1, &want) == r);
		CHECK(r < 0 || (got && want && strcmp(got, want) == 0));
	}
	free(got);
	free(want);
	if (lib != NULL)
		dlclose(lib);
}

int
main(void)
{
	pthread_t th;
	int rc, sync[2], in[2];
	char c;

	pthread_mutex_lock(&hold);
	pthread_create(&th, NULL, worker, NULL);
	/* sync closes at the sleeper's exec; nothing is written to in */
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe(in) < 0)
		return 1;
	if ((sleeper = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		execl("/bin/sh", "sh", "-c", "read x", "x\ny", (char *)NULL);
		_exit(127);
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 0)
		return 1;
	if ((zombie = fork()) == 0)
		_exit(7);
	/* the zombie is there once waitid sees it exit, without reaping */
	{
		siginfo_t si;

		waitid(P_PID, (id_t)zombie, &si, WEXITED | WNOWAIT);
	}
	RUN(self_children_threads);
	RUN(stat_only_is_enough);
	RUN(systemd_loads_on_first_use);
	rc = UNIT_END();
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	waitpid(zombie, NULL, 0);
	pthread_mutex_unlock(&hold);
	pthread_join(th, NULL);
	return rc;
}
