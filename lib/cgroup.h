/* lib/cgroup.h - find a process's cgroup and read its controllers, v1 and v2. */
#ifndef TRI_CGROUP_H
#define TRI_CGROUP_H

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

#endif /* TRI_CGROUP_H */
