/* tests/helpers/zombies-orphan.c - a background job whose shell died.
 *
 * The first process becomes a subreaper, then forks a "shell" that starts
 * its own session and a job in it, and exits.  The job is adopted by the
 * subreaper with its session and process-group leader gone: an orphan.
 * Prints "ready JOBPID SUBREAPERPID".  SIGTERM to the subreaper kills the
 * job and reaps it, so nothing is left to init.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t job;

static void
on_term(int sig)
{
	if (job > 0)
		kill(job, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(0);
}

int
main(void)
{
	int p[2];
	pid_t shell, j;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGTERM, on_term);
	if (pipe(p) < 0 || (shell = fork()) < 0)
		return 2;
	if (shell == 0) {
		setsid();
		if ((j = fork()) == 0) {
			/* tell its pid only once it has its name */
			prctl(PR_SET_NAME, "orphan-job");
			j = getpid();
			if (write(p[1], &j, sizeof(j)) != sizeof(j))
				_exit(2);
			for (;;)
				pause();
		}
		_exit(j < 0 ? 2 : 0);	/* the shell dies; the job is orphaned */
	}
	close(p[1]);
	if (read(p[0], (pid_t *)&job, sizeof(job)) != sizeof(job))
		return 2;
	/* Once the shell has exited, the job is ours. */
	waitpid(shell, NULL, 0);
	printf("ready %d %d\n", (int)job, (int)getpid());
	fflush(stdout);
	for (;;)
		if (wait(NULL) < 0 && errno == ECHILD)
			pause();
}
