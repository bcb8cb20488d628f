/* cmd/forkguard/wkill.c - watch mode: report a bomb's lineage, quarantine and kill it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "watch.h"

#define MOVE_PASSES	50
#define EMPTY_WAIT	3.0
#define MOVE_BUDGET	1.0

/* The lineage as it was found, before anything was done to it. */
struct found {
	size_t		 live;
	pid_t		 pids[LINEAGE_PIDS];
	size_t		 npids;
	char		 comm[TRI_COMM_MAX];	/* of its first member */
	char		 acomm[TRI_COMM_MAX];	/* of the ancestor */
	double		 rate;
};

struct outcome {
	const char	*action;	/* "report", "dry-run", "kill" */
	size_t		 moved;
	size_t		 killed;
	bool		 frozen;
	double		 stopped_ms;	/* from detection to all stopped */
	bool		 empty;
	double		 ms;		/* from detection to empty */
	const char	*failure;
};

static void
nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* The name of pid into buf ("" when gone). */
static void
comm_of(pid_t pid, char *buf, size_t size)
{
	struct tri_stat st;
	struct tri_proc p;

	buf[0] = '\0';
	if (tri_proc_open(&p, pid) < 0)
		return;
	if (tri_proc_read_stat(&p, &st) == 0)
		snprintf(buf, size, "%s", st.comm);
	tri_proc_close(&p);
}

/* Learn of processes born meanwhile: connector events, else a scan. */
static void
refresh(struct watch *w)
{
	if (w->nlfd >= 0)
		track_drain(w, tri_cli_now());
	else
		scan_proc(w, tri_cli_now(), false);
}

/* Members that are not yet dead (a zombie waits for its parent). */
static size_t
living(struct watch *w, int lin)
{
	size_t n = lin_members(w, lin), i, k = 0;
	struct tri_stat st;
	struct tri_proc p;

	for (i = 0; i < n; i++) {
		if (tri_proc_open(&p, w->members[i]) < 0)
			continue;
		if (tri_proc_read_stat(&p, &st) == 0 && st.state != 'Z' &&
		    st.state != 'X')
			w->members[k++] = w->members[i];
		tri_proc_close(&p);
	}
	return k;
}

/*
 * SIGSTOP every member, again until a pass finds none new (children born
 * meanwhile arrive as fork events): then nothing of the lineage forks.
 * Returns how many were stopped.
 */
static size_t
stop_all(struct watch *w, int lin)
{
	size_t n = 0, prev = (size_t)-1, i;
	int pass;

	for (pass = 0; pass < MOVE_PASSES && n != prev; pass++) {
		prev = n;
		refresh(w);
		n = lin_members(w, lin);
		for (i = 0; i < n; i++)
			kill(w->members[i], SIGSTOP);
	}
	return n;
}

/*
 * Move the stopped members into the quarantine (pids.max 0: they can
 * never fork again, even if someone sends SIGCONT).  Each move takes the
 * kernel's cgroup locks (milliseconds on kernels without favordynmods),
 * so moving stops after MOVE_BUDGET seconds; the rest is killed directly.
 */
static size_t
move_all(struct watch *w, size_t n, double t0)
{
	size_t i, moved = 0;

	for (i = 0; i < n && tri_cli_now() - t0 < MOVE_BUDGET; i++)
		if (tri_cgroup_fence_enter(&w->q, w->members[i]) == 0)
			moved++;
	return moved;
}

static bool
q_empty(const struct watch *w)
{
	struct tri_cgroup_pids p;

	return tri_cgroup_fence_read(&w->q, &p) == 0 && p.current == 0;
}

/* Stop, quarantine, freeze, kill, thaw; wait for the quarantine to empty. */
static void
contain_lineage(struct watch *w, int lin, double t0, struct outcome *o)
{
	size_t n, i, k = 0;

	n = stop_all(w, lin);
	o->stopped_ms = (tri_cli_now() - t0) * 1000;
	if (w->have_q) {
		o->moved = move_all(w, n, t0);
		o->frozen = tri_cgroup_fence_freeze(&w->q, true, 1.0) == 0;
		if (tri_cgroup_fence_kill(&w->q, &k) < 0)
			o->failure = "the quarantine's kill failed";
	}
	for (i = 0; i < n; i++)		/* those not moved, and again */
		kill(w->members[i], SIGKILL);
	o->killed = n;
	if (o->frozen)
		tri_cgroup_fence_freeze(&w->q, false, 0);
	/* Until nothing of the lineage lives, in or out of the quarantine. */
	while (tri_cli_now() - t0 < EMPTY_WAIT) {
		refresh(w);
		if ((k = living(w, lin)) == 0 && (!w->have_q || q_empty(w))) {
			o->empty = true;
			break;
		}
		for (i = 0; i < k; i++)
			kill(w->members[i], SIGKILL);
		nap_us(1000);
	}
	if (!o->empty && !o->failure)
		o->failure = "not empty after 3 s (zombies whose parent "
		    "does not reap them?)";
}

static void
text(const struct wlin *l, const struct found *f, const struct outcome *o)
{
	time_t now = time(NULL);
	struct tm tm;
	char ts[16];
	size_t i;

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	printf("%s bomb: %zu processes of ", ts, f->live);
	tri_out_fescape(stdout, l->exe, strlen(l->exe));
	fputs(" (", stdout);
	tri_out_fescape(stdout, f->comm, strlen(f->comm));
	printf(") below pid %d (", (int)l->anc);
	tri_out_fescape(stdout, f->acomm, strlen(f->acomm));
	printf("), %.0f forks/s; pids", f->rate);
	for (i = 0; i < f->npids; i++)
		printf(" %d", (int)f->pids[i]);
	printf("%s\n", f->live > f->npids ? " ..." : "");
	if (strcmp(o->action, "kill") == 0)
		printf("%s   all %zu stopped in %.1f ms; %zu moved to the "
		    "quarantine, %s; %zu killed; %s in %.1f ms\n", ts,
		    o->killed, o->stopped_ms, o->moved, o->frozen ? "frozen" :
		    "not frozen", o->killed, o->empty ? "empty" : "NOT empty",
		    o->ms);
	else if (strcmp(o->action, "dry-run") == 0)
		printf("%s   --dry-run: would move these %zu processes to a "
		    "quarantine with pids.max 0, freeze and kill them\n", ts,
		    f->live);
	if (o->failure)
		printf("%s   %s\n", ts, o->failure);
}

static void
json(const struct wlin *l, const struct found *f, const struct outcome *o)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "type", "bomb");
	tri_json_kdouble(&j, "time", (double)time(NULL));
	tri_json_key(&j, "lineage");
	tri_json_obj_begin(&j);
	tri_json_kint(&j, "ancestor", l->anc);
	tri_json_kstr(&j, "ancestor_comm", f->acomm);
	tri_json_kstr(&j, "exe", l->exe);
	tri_json_kstr(&j, "comm", f->comm);
	tri_json_kuint(&j, "processes", f->live);
	tri_json_kdouble(&j, "forks_per_s", f->rate);
	tri_json_key(&j, "pids");
	tri_json_arr_begin(&j);
	for (i = 0; i < f->npids; i++)
		tri_json_int(&j, f->pids[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_kstr(&j, "action", o->action);
	tri_json_kuint(&j, "moved", o->moved);
	tri_json_kuint(&j, "killed", o->killed);
	tri_json_kdouble_or_null(&j, "stopped_ms", strcmp(o->action,
	    "kill") == 0, o->stopped_ms);
	tri_json_kbool(&j, "frozen", o->frozen);
	tri_json_kbool(&j, "empty", o->empty);
	tri_json_kdouble_or_null(&j, "contained_ms", strcmp(o->action,
	    "kill") == 0, o->ms);
	tri_json_key(&j, "failure");
	if (o->failure)
		tri_json_str(&j, o->failure);
	else
		tri_json_null(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

void
bomb_found(struct watch *w, int lin, double rate, double now)
{
	struct wlin *l = &w->lins[lin];
	struct outcome o;
	struct found f;
	size_t i;

	memset(&o, 0, sizeof(o));
	memset(&f, 0, sizeof(f));
	l->reported = true;
	w->bombs++;
	f.rate = rate;
	f.live = lin_members(w, lin);
	for (i = 0; i < f.live && i < LINEAGE_PIDS; i++)
		f.pids[f.npids++] = w->members[i];
	if (f.live)
		comm_of(w->members[0], f.comm, sizeof(f.comm));
	comm_of(l->anc, f.acomm, sizeof(f.acomm));
	o.action = !w->ctl->kill ? "report" : w->ctl->dry_run ? "dry-run" :
	    "kill";
	if (strcmp(o.action, "kill") == 0) {
		contain_lineage(w, lin, now, &o);
		o.ms = (tri_cli_now() - now) * 1000;
	}
	if (w->ctl->json)
		json(l, &f, &o);
	else
		text(l, &f, &o);
	fflush(stdout);
}
