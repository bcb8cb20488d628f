/* cmd/triage/machine.c - the whole machine: load, pressure, memory, swap, OOM, pid space. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "triage.h"

/* The machine's counters at one end of the window. */
struct mstate {
	double			 load[3];
	unsigned long		 running, tasks;
	bool			 have_psi[3];
	double			 psi_some[3], psi_full[3];	/* avg10 */
	unsigned long long	 mem_total, mem_avail, swap_total, swap_free;
	unsigned long long	 oom_kill, pswpin, pswpout;
	bool			 have_oom;
	unsigned long long	 pid_max, threads_max;
};

static const char *const psi_res[3] = { "cpu", "memory", "io" };

static unsigned long long
key_value(const char *buf, const char *key)
{
	const char *s = buf;
	size_t k = strlen(key);

	while ((s = strstr(s, key)) != NULL) {
		if ((s == buf || s[-1] == '\n') && (s[k] == ' ' || s[k] == ':'))
			return strtoull(s + k + 1, NULL, 10);
		s += k;
	}
	return 0;
}

static void
read_psi(struct mstate *m, int i)
{
	char path[64], buf[512];
	const char *s;

	snprintf(path, sizeof(path), "%s/pressure/%s", tri_proc_root(),
	    psi_res[i]);
	if (tri_read_small(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return;
	m->have_psi[i] = true;
	if ((s = strstr(buf, "some avg10=")) != NULL)
		m->psi_some[i] = strtod(s + 11, NULL);
	if ((s = strstr(buf, "full avg10=")) != NULL)
		m->psi_full[i] = strtod(s + 11, NULL);
}

static void
mstate_read(struct mstate *m)
{
	static char buf[16384];
	char path[64];
	int i;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/loadavg", tri_proc_root());
	if (tri_read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0)
		sscanf(buf, "%lf %lf %lf %lu/%lu", &m->load[0], &m->load[1],
		    &m->load[2], &m->running, &m->tasks);
	for (i = 0; i < 3; i++)
		read_psi(m, i);
	snprintf(path, sizeof(path), "%s/meminfo", tri_proc_root());
	if (tri_read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0) {
		m->mem_total = key_value(buf, "MemTotal");
		m->mem_avail = key_value(buf, "MemAvailable");
		m->swap_total = key_value(buf, "SwapTotal");
		m->swap_free = key_value(buf, "SwapFree");
	}
	snprintf(path, sizeof(path), "%s/vmstat", tri_proc_root());
	if (tri_read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0) {
		m->have_oom = strstr(buf, "\noom_kill ") != NULL;
		m->oom_kill = key_value(buf, "oom_kill");
		m->pswpin = key_value(buf, "pswpin");
		m->pswpout = key_value(buf, "pswpout");
	}
	tri_proc_sysctl("kernel/pid_max", &m->pid_max, 1);
	tri_proc_sysctl("kernel/threads-max", &m->threads_max, 1);
}

static void
judge_load(struct report *r, const struct mstate *m)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double per = ncpu > 0 ? m->load[0] / (double)ncpu : m->load[0];
	struct finding *f;

	/* load counts D tasks too; a long queue slows, it does not break */
	f = finding_add(r, per >= 2 ? SEV_WARN : SEV_INFO, "load", 0, NULL);
	finding_line(f, "load %.2f on %ld CPUs (%.1f per CPU), %lu runnable "
	    "of %lu tasks", m->load[0], ncpu, per, m->running, m->tasks);
	ev_double(f, "load1", m->load[0]);
	ev_double(f, "load5", m->load[1]);
	ev_double(f, "load15", m->load[2]);
	ev_int(f, "cpus", ncpu);
	ev_uint(f, "runnable", m->running);
	finding_next(f, "ctxswitch -i 1 -n 1");
}

static void
judge_psi(struct report *r, const struct mstate *m)
{
	/* WARN at some, CRIT at full: cpu, memory, io */
	static const double warn[3] = { 50, 10, 20 }, crit[3] = { 0, 10, 50 };
	static const char *const next[3] = { "ctxswitch -i 1 -n 1",
	    "memmap -s -S rss -u root", "proctree -p -s" };
	struct finding *f;
	enum sev sev;
	int i, nf = 0;

	for (i = 0; i < 3; i++) {
		if (!m->have_psi[i])
			continue;
		if (crit[i] > 0 && m->psi_full[i] >= crit[i])
			sev = SEV_CRIT;
		else if (m->psi_some[i] >= warn[i])
			sev = SEV_WARN;
		else
			continue;
		f = finding_add(r, sev, "pressure", 0, NULL);
		nf++;
		finding_line(f, "%s pressure: some task waited %.1f%% of the "
		    "last 10 s, every task %.1f%%", psi_res[i],
		    m->psi_some[i], m->psi_full[i]);
		ev_str(f, "resource", psi_res[i]);
		ev_double(f, "some_avg10_percent", m->psi_some[i]);
		ev_double(f, "full_avg10_percent", m->psi_full[i]);
		finding_next(f, "%s", next[i]);
	}
	/* no /proc/pressure (CONFIG_PSI off): the load line stands alone */
	if (m->have_psi[0] && nf == 0)
		report_passed(r, "pressure");
}

static void
judge_memory(struct report *r, const struct mstate *a, const struct mstate *b,
    double window)
{
	double avail = b->mem_total ? 100.0 * (double)b->mem_avail /
	    (double)b->mem_total : 100;
	double swaps = window > 0 ? (double)(b->pswpin + b->pswpout -
	    a->pswpin - a->pswpout) / window : 0;
	unsigned long long kills = b->oom_kill - a->oom_kill;
	struct finding *f;

	if (avail < 10) {
		f = finding_add(r, avail < 5 ? SEV_CRIT : SEV_WARN, "memory", 0,
		    NULL);
		finding_line(f, "%.1f%% of memory available (%llu of %llu kB)",
		    avail, b->mem_avail, b->mem_total);
		ev_uint(f, "mem_available_kb", b->mem_avail);
		ev_uint(f, "mem_total_kb", b->mem_total);
		ev_double(f, "available_percent", avail);
		finding_next(f, "memmap -s -S rss -u root");
	} else
		report_passed(r, "memory");
	if (swaps >= 100) {
		f = finding_add(r, swaps >= 1000 ? SEV_CRIT : SEV_WARN, "swap",
		    0, NULL);
		finding_line(f, "swapping %.0f pages per second", swaps);
		ev_double(f, "pages_per_second", swaps);
		ev_uint(f, "swap_free_kb", b->swap_free);
		ev_uint(f, "swap_total_kb", b->swap_total);
		finding_next(f, "memmap -s -S swap -u root");
	} else
		report_passed(r, "swap");
	if (kills > 0 || b->oom_kill > 0) {
		f = finding_add(r, kills ? SEV_CRIT : SEV_INFO, "oom", 0, NULL);
		if (kills)
			finding_line(f, "%llu OOM kills during the window",
			    kills);
		else
			finding_line(f, "%llu OOM kills since boot",
			    b->oom_kill);
		ev_uint(f, "oom_kills", b->oom_kill);
		ev_uint(f, "oom_kills_in_window", kills);
		finding_next(f, "memmap -s -S rss -u root");
	} else if (b->have_oom)
		report_passed(r, "oom");
}

static void
judge_pids(struct report *r, const struct mstate *m)
{
	double pp = m->pid_max ? 100.0 * (double)m->tasks /
	    (double)m->pid_max : 0;
	double tp = m->threads_max ? 100.0 * (double)m->tasks /
	    (double)m->threads_max : 0;
	double w = pp > tp ? pp : tp;
	struct finding *f;

	if (w < 80) {
		report_passed(r, "pids");
		return;
	}
	f = finding_add(r, w >= 95 ? SEV_CRIT : SEV_WARN, "pids", 0, NULL);
	finding_line(f, "%lu tasks: %.1f%% of kernel.pid_max %llu, %.1f%% of "
	    "kernel.threads-max %llu", m->tasks, pp, m->pid_max, tp,
	    m->threads_max);
	ev_uint(f, "tasks", m->tasks);
	ev_uint(f, "pid_max", m->pid_max);
	ev_uint(f, "threads_max", m->threads_max);
	ev_double(f, "used_percent", w);
	finding_next(f, "forkguard -l -p 1");
}

/*
 * The whole machine over one window: counters and a scan of every
 * process at both ends, then the findings and the top lists.
 */
int
machine_checks(const struct ctl *ctl, struct report *r)
{
	struct mstate a, b;
	struct scan *sa, *sb;
	struct timespec ts;
	double t0;

	t0 = tri_cli_now();
	mstate_read(&a);
	if ((sa = scan_take()) == NULL)
		err(TRI_EXIT_FAIL, "reading %s", tri_proc_root());
	ts.tv_sec = (time_t)ctl->interval;
	ts.tv_nsec = (long)((ctl->interval - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	mstate_read(&b);
	if ((sb = scan_take()) == NULL)
		err(TRI_EXIT_FAIL, "reading %s", tri_proc_root());
	r->window = tri_cli_now() - t0;
	judge_load(r, &b);
	judge_psi(r, &b);
	judge_memory(r, &a, &b, r->window);
	judge_pids(r, &b);
	machine_top(ctl, r, sa, sb, r->window);	/* machtop.c */
	scan_free(sa);
	scan_free(sb);
	return 0;
}
