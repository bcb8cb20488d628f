/* cmd/ctxswitch/watch.c - the interval loops of the -p and system views. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* SIGINT/SIGTERM end the sampling early; the summary still prints. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static bool
more(const struct ctl *ctl, unsigned long done, double *next)
{
	if (interrupted || (ctl->sample.count && done >= ctl->sample.count))
		return false;
	return tri_cli_wait_tick(&ctl->sample, next) && !interrupted;
}

int
cs_watch_targets(const struct ctl *ctl)
{
	struct cs_proc *v;
	unsigned long done = 0;
	double next = 0;
	size_t i, alive;

	catch_signals();
	v = cs_open_targets(ctl);
	cs_print_header(ctl);
	fflush(stdout);
	while (more(ctl, done, &next)) {
		for (i = alive = 0; i < ctl->targets.n; i++) {
			if (cs_proc_sample(&v[i]) < 0)
				continue;
			cs_print_proc(ctl, &v[i]);
			alive++;
		}
		fflush(stdout);
		done++;
		if (alive == 0)
			break;
	}
	for (i = 0; i < ctl->targets.n; i++) {
		cs_print_lifetime(ctl, &v[i]);
		if (!v[i].gone)
			cs_why(ctl, &v[i]);
		cs_proc_free(&v[i]);
	}
	free(v);
	return TRI_EXIT_OK;
}

int
cs_watch_system(const struct ctl *ctl)
{
	struct cs_system s;
	unsigned long done = 0;
	double next = 0;

	catch_signals();
	memset(&s, 0, sizeof(s));
	if (cs_system_sample(&s) < 0)
		err(TRI_EXIT_FAIL, "%s/stat", tri_proc_root());
	while (more(ctl, done, &next)) {
		if (cs_system_sample(&s) < 0)
			err(TRI_EXIT_FAIL, "%s/stat", tri_proc_root());
		cs_print_system(ctl, &s);
		fflush(stdout);
		done++;
	}
	cs_system_free(&s);
	return TRI_EXIT_OK;
}
