/* cmd/ctxswitch/run.c - run mode: a program's switches from start to end. */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctxswitch.h"

static pid_t
spawn(char **argv)
{
	pid_t pid;

	if ((pid = fork()) < 0)
		err(TRI_EXIT_FAIL, "fork");
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvp(argv[0], argv);
		warn("%s", argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	return pid;
}

/* Sample the child's threads until it ends; its pidfd wakes us at once. */
static void
follow(const struct ctl *ctl, pid_t pid, struct cs_proc *cp)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double iv = ctl->sample_set ? ctl->sample.interval : 0.1;
	struct pollfd fds = { pfd, POLLIN, 0 };

	if (cs_proc_open(cp, pid, false) < 0 || cs_proc_sample(cp) < 0)
		return;
	while (pfd >= 0 && poll(&fds, 1, (int)(iv * 1000)) == 0)
		cs_proc_sample(cp);
	if (pfd >= 0)
		close(pfd);
}

static void
run_json(FILE *f, char **argv, const char *how, int status, double secs,
    const struct rusage *ru, const struct cs_proc *cp)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, f, false);
	tri_json_obj_begin(&j);
	cs_json_line(&j, "run");
	tri_json_key(&j, "cmdline");
	tri_json_arr_begin(&j);
	for (i = 0; argv[i] != NULL; i++)
		tri_json_str(&j, argv[i]);
	tri_json_arr_end(&j);
	tri_json_kstr(&j, "status", how);
	tri_json_kint(&j, "wait_status", status);
	tri_json_kdouble(&j, "elapsed_seconds", secs);
	tri_json_kint(&j, "voluntary", ru->ru_nvcsw);
	tri_json_kint(&j, "involuntary", ru->ru_nivcsw);
	tri_json_key(&j, "threads");
	tri_json_arr_begin(&j);
	for (i = 0; i < cp->nthr; i++) {
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "tid", cp->thr[i].tid);
		tri_json_kstr(&j, "comm", cp->thr[i].name);
		tri_json_kuint(&j, "voluntary", cp->thr[i].c.vol);
		tri_json_kuint(&j, "involuntary", cp->thr[i].c.invol);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
run_text(FILE *f, char **argv, const char *how, double secs,
    const struct rusage *ru, const struct cs_proc *cp)
{
	size_t i;

	fprintf(f, "run: %s after %.3f s: voluntary %ld involuntary %ld"
	    " (wait4 rusage, children included): ", how, secs, ru->ru_nvcsw,
	    ru->ru_nivcsw);
	tri_out_fescape(f, argv[0], strlen(argv[0]));
	fputc('\n', f);
	for (i = 0; i < cp->nthr; i++) {
		fprintf(f, "run: tid %d: voluntary %llu involuntary %llu"
		    " (last sample): ", (int)cp->thr[i].tid, cp->thr[i].c.vol,
		    cp->thr[i].c.invol);
		tri_out_fescape(f, cp->thr[i].name, strlen(cp->thr[i].name));
		fputc('\n', f);
	}
}

int
cs_run(const struct ctl *ctl)
{
	FILE *f = stderr;
	struct cs_proc cp;
	struct rusage ru;
	double t0 = tri_cli_now();
	char how[64];
	int status;
	pid_t pid;

	if (ctl->report && (f = tri_cli_fopen_out(ctl->report)) == NULL)
		err(TRI_EXIT_FAIL, "%s", ctl->report);
	/* Like time(1): the program takes ^C; we stay to report. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	pid = spawn(ctl->argv);
	memset(&cp, 0, sizeof(cp));
	cp.h.dirfd = -1;
	follow(ctl, pid, &cp);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			err(TRI_EXIT_FAIL, "wait4");
	tri_proc_describe_status(status, how, sizeof(how));
	if (ctl->json)
		run_json(f, ctl->argv, how, status, tri_cli_now() - t0, &ru, &cp);
	else
		run_text(f, ctl->argv, how, tri_cli_now() - t0, &ru, &cp);
	cs_proc_free(&cp);
	if ((f == stdout || f == stderr ? fflush(f) : fclose(f)) != 0)
		err(TRI_EXIT_FAIL, "%s", ctl->report ? ctl->report : "stderr");
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
