/* tests/unit/test_zparent.c - the verdict on a parent that leaves zombies. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "sig.h"
#include "zparent.h"
#include "unit.h"

/* The verdict of a parent with the given facts, all else unknown. */
static const char *
judge(struct tri_zparent *par)
{
	par->sysnr = par->sysnr ? par->sysnr : -1;
	tri_zparent_verdict(par);
	return par->verdict;
}

#define STARTS(s, prefix)	CHECK(strncmp((s), (prefix), strlen(prefix)) == 0)

static void
verdict_order(void)
{
	struct tri_zparent par;
	uint64_t chld = TRI_SIG_BIT(SIGCHLD);

	memset(&par, 0, sizeof(par));
	STARTS(judge(&par), "never calls wait()");
	STARTS(par.fix, "waitpid() each child");
	par.have_status = true;
	par.st.sigcgt = chld;
	STARTS(judge(&par), "catches SIGCHLD but its handler does not wait()");
	par.st.sigblk = chld;
	STARTS(judge(&par), "blocks SIGCHLD");
	par.sysnr = 61;				/* wait4 */
	STARTS(judge(&par), "is in wait() for another child");
	par.st.sigign = chld;
	STARTS(judge(&par), "ignores SIGCHLD now");
	STARTS(par.fix, "reap them once: zombies --reap");
	par.go = true;		/* a Go runtime catches SIGCHLD: Go first */
	STARTS(judge(&par), "is a Go program");
	par.container_init = true;
	STARTS(judge(&par), "is PID 1 of a container");
	par.st.tracerpid = 77;
	STARTS(judge(&par), "is held by a tracer");
	par.state = 'T';
	STARTS(judge(&par), "is stopped (state T)");
	par.gone = true;
	STARTS(judge(&par), "exited: its zombies pass to init");
}

static void
verdict_other_signals(void)
{
	struct tri_zparent par;

	/* only the SIGCHLD bits count */
	memset(&par, 0, sizeof(par));
	par.have_status = true;
	par.st.sigblk = par.st.sigcgt = ~TRI_SIG_BIT(SIGCHLD);
	STARTS(judge(&par), "never calls wait()");
	/* without a status, masks are not trusted */
	memset(&par, 0, sizeof(par));
	par.st.sigcgt = TRI_SIG_BIT(SIGCHLD);
	STARTS(judge(&par), "never calls wait()");
}

static void
diagnose_self(void)
{
	struct tri_zparent par;
	struct tri_proc p;

	memset(&par, 0, sizeof(par));
	CHECK(tri_proc_open(&p, 0) == 0);
	par.pid = getpid();
	par.start = p.starttime;
	tri_proc_close(&p);
	CHECK(tri_zparent_diagnose(&par) == 0);
	CHECK(!par.gone);
	CHECK(par.have_status);
	CHECK(par.state == 'R');
	CHECK(par.cmdline != NULL && par.cmdline_len > 0);
	/* in any argument: under valgrind the first is valgrind's own */
	CHECK(memmem(par.cmdline, par.cmdline_len, "test_zparent", 12) != NULL);
	STARTS(par.verdict, "never calls wait()");
	tri_zparent_free(&par);
	CHECK(par.cmdline == NULL);
	/* a start time that is not its own: another process, so gone */
	par.start++;
	CHECK(tri_zparent_diagnose(&par) == 0);
	CHECK(par.gone);
	STARTS(par.verdict, "exited");
	tri_zparent_free(&par);
}

/* A child that blocks (or ignores) SIGCHLD, read through /proc. */
static void
diagnose_child(bool ignore, const char *want)
{
	struct tri_zparent par;
	struct tri_proc p;
	int fds[2], st;
	char c;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	if ((pid = fork()) == 0) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		if (ignore)
			signal(SIGCHLD, SIG_IGN);
		else
			sigprocmask(SIG_BLOCK, &set, NULL);
		(void)!write(fds[1], "r", 1);
		for (;;)
			pause();
	}
	CHECK(pid > 0 && read(fds[0], &c, 1) == 1);
	memset(&par, 0, sizeof(par));
	CHECK(tri_proc_open(&p, pid) == 0);
	par.pid = pid;
	par.start = p.starttime;
	tri_proc_close(&p);
	CHECK(tri_zparent_diagnose(&par) == 0);
	CHECK(!par.gone && par.have_status);
	STARTS(par.verdict, want);
	tri_zparent_free(&par);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(fds[0]);
	close(fds[1]);
}

static void
diagnose_blocked(void)
{
	diagnose_child(false, "blocks SIGCHLD");
}

static void
diagnose_ignored(void)
{
	diagnose_child(true, "ignores SIGCHLD now");
}

int
main(void)
{
	RUN(verdict_order);
	RUN(verdict_other_signals);
	RUN(diagnose_self);
	RUN(diagnose_blocked);
	RUN(diagnose_ignored);
	return UNIT_END();
}
