/* cmd/ctxswitch/bench.c - --bench: what one switch costs (lmbench lat_ctx). */
#include <err.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctxswitch.h"

#define BENCH_SECS	0.15	/* each repetition ping-pongs this long */

struct pingpong {
	int		 ab[2], ba[2];	/* pipes a->b, b->a */
	_Atomic int	 word;		/* futex: 1 = b's turn, 0 = a's, 2 = stop */
	int		 cpu_b;
	bool		 futex;
	int		 wait_op, wake_op;	/* private only within one process */
};

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static long
futex(_Atomic int *w, int op, int val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* The far side: answer every byte (or futex turn) until told to stop. */
static void *
responder(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	pin(pp->cpu_b);
	if (pp->futex) {
		for (;;) {
			while (pp->word == 0)
				futex(&pp->word, pp->wait_op, 0);
			if (pp->word == 2)
				break;
			pp->word = 0;
			futex(&pp->word, pp->wake_op, 1);
		}
		return NULL;
	}
	while (read(pp->ab[0], &c, 1) == 1 && c != 'q')
		if (write(pp->ba[1], &c, 1) != 1)
			break;
	return NULL;
}

static void
one_trip(struct pingpong *pp)
{
	char c = 'x';

	if (pp->futex) {
		pp->word = 1;
		futex(&pp->word, pp->wake_op, 1);
		while (pp->word == 1)
			futex(&pp->word, pp->wait_op, 1);
	} else if (write(pp->ab[1], &c, 1) != 1 || read(pp->ba[0], &c, 1) != 1) {
		err(TRI_EXIT_FAIL, "bench pipe");
	}
}

/* Microseconds per round trip, ping-ponging for BENCH_SECS. */
static double
trips(struct pingpong *pp)
{
	double t0 = tri_cli_now(), t;
	long n = 0;

	do {
		one_trip(pp);
		n++;
	} while ((n & 63) || (t = tri_cli_now()) - t0 < BENCH_SECS);
	return (t - t0) * 1e6 / (double)n;
}

static void
stop_responder(struct pingpong *pp)
{
	if (pp->futex) {
		pp->word = 2;
		futex(&pp->word, pp->wake_op, 1);
	} else if (write(pp->ab[1], "q", 1) != 1) {
		err(TRI_EXIT_FAIL, "bench pipe");
	}
}

/*
 * One round-trip time, between processes or threads.  The state lives in
 * a shared anonymous mapping so that two processes see one futex word.
 */
static double
round_trip(bool threads, bool use_futex, int cpu_a, int cpu_b)
{
	struct pingpong *pp;
	pthread_t th;
	pid_t pid = 0;
	double us;

	pp = mmap(NULL, sizeof(*pp), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pp == MAP_FAILED)
		err(TRI_EXIT_FAIL, "mmap");
	memset(pp, 0, sizeof(*pp));
	pp->cpu_b = cpu_b;
	pp->futex = use_futex;
	pp->wait_op = threads ? FUTEX_WAIT_PRIVATE : FUTEX_WAIT;
	pp->wake_op = threads ? FUTEX_WAKE_PRIVATE : FUTEX_WAKE;
	if (pipe(pp->ab) < 0 || pipe(pp->ba) < 0)
		err(TRI_EXIT_FAIL, "pipe");
	pin(cpu_a);
	if (threads) {
		if (pthread_create(&th, NULL, responder, pp) != 0)
			errx(TRI_EXIT_FAIL, "pthread_create failed");
	} else if ((pid = fork()) == 0) {
		responder(pp);
		_exit(0);
	} else if (pid < 0) {
		err(TRI_EXIT_FAIL, "fork");
	}
	one_trip(pp);		/* both sides are up */
	us = trips(pp);
	stop_responder(pp);
	if (threads)
		pthread_join(th, NULL);
	else
		waitpid(pid, NULL, 0);
	close(pp->ab[0]);
	close(pp->ab[1]);
	close(pp->ba[0]);
	close(pp->ba[1]);
	munmap(pp, sizeof(*pp));
	return us;
}

/* The same operations without a switch: lmbench's overhead. */
static double
no_switch(bool use_futex, bool shared)
{
	_Atomic int w = 0;
	int wake = shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE;
	int wait = shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE;
	double t0 = tri_cli_now();
	int p[2], i, n = 20000;
	char c = 'x';

	if (!use_futex && pipe(p) < 0)
		err(TRI_EXIT_FAIL, "pipe");
	for (i = 0; i < n; i++) {
		if (use_futex) {
			futex(&w, wake, 1);
			futex(&w, wait, 1);	/* EAGAIN */
		} else if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1) {
			err(TRI_EXIT_FAIL, "bench pipe");
		}
	}
	if (!use_futex) {
		close(p[0]);
		close(p[1]);
	}
	return (tri_cli_now() - t0) * 1e6 / n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct bench_case {
	const char	*name;
	bool		 threads, futex, cross;
	double		 median, min, max;	/* per switch, pipe/futex ops taken out */
	double		 gross;		/* median half round trip, ops included:
					 * what perf bench sched pipe reports */
};

static void
bench_case(struct bench_case *bc, int reps)
{
	double v[64], g[64], over, trip;
	int r, cpu_b = bc->cross ? 1 : 0;

	for (r = 0; r < reps; r++) {
		over = no_switch(bc->futex, !bc->threads);
		/* A round trip is two switches and the ops of both sides. */
		trip = round_trip(bc->threads, bc->futex, 0, cpu_b);
		g[r] = trip / 2;
		v[r] = (trip - 2 * over) / 2;
		if (v[r] < 0)
			v[r] = 0;
	}
	qsort(v, (size_t)reps, sizeof(v[0]), cmp_double);
	qsort(g, (size_t)reps, sizeof(g[0]), cmp_double);
	bc->median = reps % 2 ? v[reps / 2] : (v[reps / 2 - 1] + v[reps / 2]) / 2;
	bc->gross = reps % 2 ? g[reps / 2] : (g[reps / 2 - 1] + g[reps / 2]) / 2;
	bc->min = v[0];
	bc->max = v[reps - 1];
}

/* The switch rate of pid over one interval, priced at cost us each. */
static void
bench_price(const struct ctl *ctl, pid_t pid, double cost, struct tri_json *j)
{
	struct cs_proc cp;
	struct timespec ts;
	double rate, ms;

	if (cs_proc_open(&cp, pid, false) < 0 || cs_proc_sample(&cp) < 0)
		errx(TRI_EXIT_FAIL, "pid %d: %s", (int)pid,
		    tri_cli_target_error(ESRCH));
	ts.tv_sec = (time_t)ctl->sample.interval;
	ts.tv_nsec = (long)((ctl->sample.interval - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	if (cs_proc_sample(&cp) < 0)
		errx(TRI_EXIT_FAIL, "pid %d: exited while measured", (int)pid);
	rate = (double)(cp.dvol + cp.dinvol) / cp.dt;
	ms = rate * cost / 1000;
	if (ctl->json) {
		tri_json_obj_begin(j);
		tri_json_kint(j, "pid", pid);
		tri_json_kstr(j, "comm", cp.comm);
		tri_json_kdouble(j, "switches_per_second", rate);
		tri_json_kdouble(j, "cost_seconds", cost / 1e6);
		tri_json_kdouble(j, "cpu_percent", ms / 10);
		tri_json_obj_end(j);
	} else {
		printf("cost pid %d: %.1f switches/s x %.2f us = %.2f ms of CPU"
		    " per second (%.2f%% of one CPU), direct cost only: ",
		    (int)pid, rate, cost, ms, ms / 10);
		tri_out_fescape(stdout, cp.comm, strlen(cp.comm));
		putchar('\n');
	}
	cs_proc_free(&cp);
}

static void
bench_print(const struct ctl *ctl, struct bench_case *bc, size_t n, int reps,
    struct tri_json *j)
{
	size_t i;

	if (ctl->json) {
		tri_json_key(j, "bench");
		tri_json_arr_begin(j);
	} else if (ctl->header) {
		printf("%-14s %-5s %9s %9s %9s %11s %4s\n", "TEST", "CPUS",
		    "MEDIAN_us", "MIN_us", "MAX_us", "HALFTRIP_us", "REPS");
	}
	for (i = 0; i < n; i++) {
		if (!ctl->json) {
			printf("%-14s %-5s %9.2f %9.2f %9.2f %11.2f %4d\n",
			    bc[i].name, bc[i].cross ? "cross" : "same",
			    bc[i].median, bc[i].min, bc[i].max, bc[i].gross,
			    reps);
			continue;
		}
		tri_json_obj_begin(j);
		tri_json_kstr(j, "test", bc[i].name);
		tri_json_kstr(j, "cpus", bc[i].cross ? "cross" : "same");
		/* the vocabulary's unit is the second (man 7 triage) */
		tri_json_kdouble(j, "median_seconds", bc[i].median / 1e6);
		tri_json_kdouble(j, "min_seconds", bc[i].min / 1e6);
		tri_json_kdouble(j, "max_seconds", bc[i].max / 1e6);
		tri_json_kdouble(j, "half_trip_seconds", bc[i].gross / 1e6);
		tri_json_kint(j, "reps", reps);
		tri_json_obj_end(j);
	}
	if (ctl->json)
		tri_json_arr_end(j);
}

int
cs_bench(const struct ctl *ctl)
{
	struct bench_case bc[] = {
		{ .name = "process-pipe" },
		{ .name = "process-futex", .futex = true },
		{ .name = "thread-pipe", .threads = true },
		{ .name = "thread-futex", .threads = true, .futex = true },
		{ .name = "process-pipe", .cross = true },
		{ .name = "process-futex", .futex = true, .cross = true },
		{ .name = "thread-pipe", .threads = true, .cross = true },
		{ .name = "thread-futex", .threads = true, .futex = true, .cross = true },
	};
	size_t i, n = sizeof(bc) / sizeof(bc[0]);
	int reps = ctl->sample_set && ctl->sample.count ?
	    (int)ctl->sample.count : 5;
	struct tri_json j;
	cpu_set_t saved;

	if (reps > 64)
		errx(TRI_EXIT_FAIL, "--bench: at most 64 repetitions");
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		n = 4;		/* no second CPU to cross to */
	sched_getaffinity(0, sizeof(saved), &saved);
	for (i = 0; i < n; i++)
		bench_case(&bc[i], reps);
	sched_setaffinity(0, sizeof(saved), &saved);
	tri_json_init(&j, stdout, false);
	if (ctl->json) {
		tri_json_obj_begin(&j);
		tri_json_schema(&j, "ctxswitch");
	}
	bench_print(ctl, bc, n, reps, &j);
	if (ctl->json && ctl->targets.n) {
		tri_json_key(&j, "cost");
		tri_json_arr_begin(&j);
	}
	for (i = 0; i < ctl->targets.n; i++)
		bench_price(ctl, ctl->targets.pids[i], bc[0].median, &j);
	if (ctl->json && ctl->targets.n)
		tri_json_arr_end(&j);
	if (ctl->json) {
		tri_json_obj_end(&j);
		tri_json_end(&j);
	}
	return TRI_EXIT_OK;
}
