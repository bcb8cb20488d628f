/* tests/unit/test_ptrace.c - the signal guard, holding and injecting into a child. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "ptrace.h"
#include "unit.h"

/* An ending signal waits for the last unguard, which takes it. */
static void
guard_takes_signal(void)
{
	sigset_t now;

	CHECK(tri_ptrace_interrupted() == 0);
	tri_ptrace_guard();
	tri_ptrace_guard();
	raise(SIGTERM);		/* would end the test without the guard */
	raise(SIGINT);
	CHECK(tri_ptrace_interrupted() == SIGINT ||
	    tri_ptrace_interrupted() == SIGTERM);
	tri_ptrace_unguard();		/* still nested: nothing taken yet */
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGINT) == 1);
	CHECK(tri_ptrace_unguard() != 0);
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGINT) == 0);
	CHECK(sigismember(&now, SIGTERM) == 0);
	/* both were taken: nothing pending that would end us now */
	sigpending(&now);
	CHECK(sigismember(&now, SIGINT) == 0 && sigismember(&now, SIGTERM) == 0);
	CHECK(tri_ptrace_interrupted() != 0);
}

static bool
in_read(pid_t pid)
{
	struct tri_syscall sc;
	struct tri_proc p;
	bool r;

	if (tri_proc_open(&p, pid) < 0)
		return false;
	r = tri_proc_read_syscall(&p, 0, &sc) == 0 && sc.nr == SYS_read;
	tri_proc_close(&p);
	return r;
}

/* A child blocked in read() gets getpid() injected and reads on after. */
static void
inject_into_blocked_child(void)
{
	struct tri_ptrace_hold h;
	unsigned long args[6] = { 0 };
	int p[2], q[2], status;
	long ret = 0;
	pid_t c;
	char b;

	CHECK(pipe(p) == 0 && pipe(q) == 0);
	if ((c = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[1]);
		/* the read must return the byte written later, not our call's
		 * result: then it answers on q */
		if (read(p[0], &b, 1) == 1 && b == 'x')
			_exit(write(q[1], "y", 1) == 1 ? 0 : 3);
		_exit(4);
	}
	close(p[0]);
	/* wait until the child sleeps in its read */
	for (int i = 0; i < 2000 && !in_read(c); i++)
		usleep(1000);
	CHECK(tri_ptrace_pick_thread(c) == c);
	CHECK(tri_ptrace_hold(&h, c, 0) == 0);
	CHECK(tri_ptrace_inject(&h, SYS_getpid, args, &ret) == 0);
	CHECK(ret == c);
	CHECK(h.restart);
	CHECK(tri_ptrace_inject(&h, SYS_getppid, args, &ret) == 0);
	CHECK(ret == getpid());
	CHECK(tri_ptrace_release(&h) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(read(q[0], &b, 1) == 1 && b == 'y');
	CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0);
}

int
main(void)
{
	RUN(inject_into_blocked_child);
	RUN(guard_takes_signal);
	return UNIT_END();
}
