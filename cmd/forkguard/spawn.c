/* cmd/forkguard/spawn.c - start the command inside its fence, with no capabilities. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "forkguard.h"

/* What the child tells the parent when it fails before exec. */
enum stage { ST_FENCE = 1, ST_PGRP, ST_NPROC, ST_CAPS, ST_EXEC };

struct failure {
	int	 stage;
	int	 err;
};

static void child_fail(int fd, int stage) __attribute__((noreturn));

static void
child_fail(int fd, int stage)
{
	struct failure f = { stage, errno };

	if (write(fd, &f, sizeof(f)) < 0)
		_exit(126);
	_exit(stage == ST_EXEC && (f.err == ENOENT || f.err == ENOTDIR) ?
	    127 : 126);
}

/* In the child: enter the fence, shed privileges, exec.  Never returns. */
static void child(const struct ctl *, const struct tri_cgroup_fence *,
    uint64_t, int) __attribute__((noreturn));

static void
child(const struct ctl *ctl, const struct tri_cgroup_fence *f, uint64_t nproc,
    int fd)
{
	struct rlimit rl;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (f && tri_cgroup_fence_enter(f, 0) < 0)
		child_fail(fd, ST_FENCE);
	if (!f && setpgid(0, 0) < 0)
		child_fail(fd, ST_PGRP);
	if (!f && nproc && getrlimit(RLIMIT_NPROC, &rl) == 0) {
		/* The soft limit only: raising the hard one needs privilege. */
		rl.rlim_cur = nproc < rl.rlim_max ? nproc : rl.rlim_max;
		if (setrlimit(RLIMIT_NPROC, &rl) < 0)
			child_fail(fd, ST_NPROC);
	}
	if (!ctl->keep_caps && (tri_caps_drop_all() < 0 ||
	    tri_caps_no_new_privs() < 0))
		child_fail(fd, ST_CAPS);
	execvp(ctl->argv[0], ctl->argv);
	child_fail(fd, ST_EXEC);
}

static const char *
stage_name(int stage)
{
	switch (stage) {
	case ST_FENCE:
		return "entering the cgroup";
	case ST_PGRP:
		return "setpgid";
	case ST_NPROC:
		return "setrlimit RLIMIT_NPROC";
	case ST_CAPS:
		return "dropping capabilities";
	}
	return "exec";
}

int
spawn(const struct ctl *ctl, const struct tri_cgroup_fence *f, uint64_t nproc,
    struct child *c)
{
	struct failure fl;
	char *esc;
	int p[2];
	ssize_t r;

	memset(c, 0, sizeof(*c));
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((c->pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (c->pid == 0) {
		close(p[0]);
		child(ctl, f, nproc, p[1]);
	}
	close(p[1]);
	/* EOF: exec succeeded (the pipe closed on exec). */
	while ((r = read(p[0], &fl, sizeof(fl))) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (r == (ssize_t)sizeof(fl)) {
		c->exec_errno = fl.err;
		esc = tri_out_escape_dup(ctl->argv[0], strlen(ctl->argv[0]));
		if (fl.stage == ST_EXEC)
			warnx("%s: %s", esc ? esc : "?", strerror(fl.err));
		else
			warnx("%s: %s", stage_name(fl.stage), strerror(fl.err));
		free(esc);
		if (fl.stage != ST_EXEC)
			return -2;
	}
	return 0;
}

void
reap(struct child *c)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
		if (pid == c->pid) {
			c->reaped = true;
			c->status = st;
		}
}

int
child_exit(const struct child *c)
{
	if (!c->reaped)
		return TRI_EXIT_FAIL;
	if (WIFEXITED(c->status))
		return WEXITSTATUS(c->status);
	if (WIFSIGNALED(c->status))
		return 128 + WTERMSIG(c->status);
	return TRI_EXIT_FAIL;
}
