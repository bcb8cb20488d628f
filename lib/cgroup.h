/* lib/cgroup.h - find a process's cgroup and read its controllers, v1 and v2. */
#ifndef TRI_CGROUP_H
#define TRI_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TRI_CGROUP_MAX	UINT64_MAX	/* the value "max" (no limit) */

/*
 * The sysfs directory of pid's cgroup for a controller ("pids", "memory",
 * "cpu", "freezer"...): the v1 hierarchy that has it mounted, else the
 * v2 (unified) hierarchy when the controller is enabled there.  A NULL or
 * empty controller asks for the v2 directory itself.  *v2 (may be NULL) is
 * set to 1 for a v2 directory, 0 for v1.  Returns 0, or -1 with errno:
 * ESRCH no such process, ENOENT the controller is not mounted anywhere.
 */
int	tri_cgroup_dir(pid_t pid, const char *controller, char *buf,
	    size_t size, int *v2);

/* The cgroup path of pid as /proc/PID/cgroup names it for controller
 * ("/user.slice/x.scope"); same errors as tri_cgroup_dir. */
int	tri_cgroup_path(pid_t pid, const char *controller, char *buf,
	    size_t size);

/*
 * Read dir/file into buf (NUL-terminated, trailing newline removed).
 * Returns the length or -1 with errno.
 */
ssize_t	tri_cgroup_read(const char *dir, const char *file, char *buf,
	    size_t size);
/* Read a number; "max" gives TRI_CGROUP_MAX.  0 or -1 with errno. */
int	tri_cgroup_read_u64(const char *dir, const char *file, uint64_t *v);
/* Read "key value" lines (cpu.stat, memory.stat); 0 or -1 ENOENT. */
int	tri_cgroup_read_key(const char *dir, const char *file, const char *key,
	    uint64_t *v);

/*
 * Walk up from dir (inclusive) to the hierarchy root and report the
 * tightest limit in file (e.g. "pids.max", "memory.max"): sets *limit
 * and copies the directory that holds it to at (may be NULL).  Returns 0
 * with *limit = TRI_CGROUP_MAX when nothing limits, or -1 with errno.
 */
int	tri_cgroup_limit(const char *dir, const char *file, uint64_t *limit,
	    char *at, size_t atsize);

/* == fences: a child cgroup to run and contain a command (lib/cgroup_fence.c) == */

/* The pids controller's numbers of one cgroup. */
struct tri_cgroup_pids {
	uint64_t	 current;	/* pids.current */
	uint64_t	 max;		/* pids.max; TRI_CGROUP_MAX for "max" */
	bool		 has_peak;	/* pids.peak exists (v2, newer kernels) */
	uint64_t	 peak;
	bool		 has_events;	/* pids.events exists */
	uint64_t	 events_max;	/* forks refused at this pids.max */
};

/*
 * Read pids.current, pids.max, pids.peak and pids.events of dir (v1 or
 * v2).  0, or -1 with errno when pids.current cannot be read.
 */
int	tri_cgroup_pids_read(const char *dir, struct tri_cgroup_pids *p);

/* Which hierarchies a fence may use. */
enum tri_fence_mode {
	TRI_FENCE_AUTO,		/* pids where it is; freeze and kill on v2
				   when there, else the v1 freezer */
	TRI_FENCE_V1,		/* v1 pids and v1 freezer only */
	TRI_FENCE_V2,		/* a v2 child for freeze and kill (pids on v2
				   when enabled there, else from v1) */
};

/*
 * A new child cgroup of the caller's own, in the pids hierarchy and in
 * the hierarchies that can freeze and kill it.  Empty strings for the
 * parts that are not there.
 */
struct tri_cgroup_fence {
	char	 pids[PATH_MAX];	/* the pids controller's directory */
	bool	 pids_v2;		/* ... is a v2 cgroup */
	char	 freezer[PATH_MAX];	/* a v1 freezer directory, or "" */
	char	 v2[PATH_MAX];		/* a v2 directory (cgroup.freeze,
					   cgroup.kill), or "" */
	bool	 v2_kill;		/* the v2 directory has cgroup.kill */
};

/*
 * Create the fence named name (one path component) under the caller's
 * cgroups.  Returns 0, or -1 with errno, having removed what it made:
 * ENOENT no pids controller (or, for TRI_FENCE_V2, no v2 freeze; for
 * TRI_FENCE_V1, no v1 freezer), EACCES/EPERM/EROFS not allowed, EEXIST,
 * EBUSY (v2) pids cannot be enabled below the caller's cgroup because
 * it holds processes (cgroup.subtree_control's no-internal-process rule).
 */
int	tri_cgroup_fence_create(struct tri_cgroup_fence *f, const char *name,
	    enum tri_fence_mode mode);
/* Set the fence's pids.max (TRI_CGROUP_MAX: "max").  0 or -1 with errno. */
int	tri_cgroup_fence_set_max(const struct tri_cgroup_fence *f,
	    uint64_t max);
/*
 * Move pid (0: the caller) into every part of the fence.  Only open,
 * write and close: safe in a child between fork and exec.  0 or -1.
 */
int	tri_cgroup_fence_enter(const struct tri_cgroup_fence *f, pid_t pid);
/* The fence's pids numbers (tri_cgroup_pids_read of its pids part). */
int	tri_cgroup_fence_read(const struct tri_cgroup_fence *f,
	    struct tri_cgroup_pids *p);
/*
 * The processes (thread-group ids) in the fence into pids[0..cap); sets
 * *n to how many there are (may exceed cap).  0 or -1 with errno.
 */
int	tri_cgroup_fence_procs(const struct tri_cgroup_fence *f, pid_t *pids,
	    size_t cap, size_t *n);
/*
 * Freeze (frozen true) or thaw the whole fence at once: cgroup.freeze on
 * v2, freezer.state on v1.  Freezing waits, at most timeout seconds,
 * until every task is frozen.  0, or -1 with errno: ENOTSUP nothing can
 * freeze, ETIMEDOUT still freezing.
 */
int	tri_cgroup_fence_freeze(const struct tri_cgroup_fence *f, bool frozen,
	    double timeout);
/*
 * SIGKILL every task: cgroup.kill on v2, else a signal to every process
 * listed, again until a pass finds none it has not signalled (call it
 * while frozen, so nothing new appears).  Sets *signalled (may be NULL)
 * to the number of processes signalled (0 with cgroup.kill).  0 or -1.
 */
int	tri_cgroup_fence_kill(const struct tri_cgroup_fence *f,
	    size_t *signalled);
/*
 * Remove the fence's directories (each must be empty).  0, or -1 with
 * errno of the first that failed (EBUSY: tasks still in it).
 */
int	tri_cgroup_fence_remove(const struct tri_cgroup_fence *f);
/* "v1 pids + v2 freeze/kill" and the like: a static string. */
const char *tri_cgroup_fence_kind(const struct tri_cgroup_fence *f);

#endif /* TRI_CGROUP_H */
