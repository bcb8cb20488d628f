/* tests/helpers/subreaper.c - run a command as a child subreaper.
 *
 * Usage: subreaper COMMAND [ARGS...]
 *
 * Test helpers are killed at teardown; their own children then pass to the
 * nearest subreaper.  Without one they go to PID 1, which on some machines
 * (containers, sandboxes) never reaps, and the zombies pile up across the
 * suite.  This wrapper adopts them, reaps them as they die, and when the
 * command ends kills and names any process still left behind, so a test
 * that leaks a process shows up.  It exits with the command's status.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

static pid_t child;

static void
forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* Kill every process we adopted that is still alive; returns how many. */
static int
kill_leftovers(void)
{
	struct tri_proc p;
	struct tri_stat st;
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL) {
		pid_t pid = (pid_t)atoi(d->d_name);

		if (pid <= 0 || tri_proc_open(&p, pid) < 0)
			continue;
		if (tri_proc_read_stat(&p, &st) == 0 && st.ppid == getpid() &&
		    st.state != 'Z') {
			fprintf(stderr, "subreaper: killed leftover pid %d (%s)\n",
			    (int)pid, st.comm);
			kill(pid, SIGKILL);
			n++;
		}
		tri_proc_close(&p);
	}
	closedir(dir);
	return n;
}

int
main(int argc, char **argv)
{
	int status, rc = 127;
	pid_t p;

	if (argc < 2) {
		fprintf(stderr, "usage: subreaper COMMAND [ARGS...]\n");
		return 2;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGTERM, forward);
	signal(SIGINT, forward);
	signal(SIGHUP, forward);
	if ((child = fork()) == 0) {
		signal(SIGTERM, SIG_DFL);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	for (;;) {
		p = wait(&status);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			break;
		if (p == child) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status);
			child = 0;
			/* Processes the command left behind: kill, then reap. */
			kill_leftovers();
		}
	}
	return rc;
}
