/* lib/proc.h - a process handle and the readers of /proc/PID files. */
#ifndef TRI_PROC_H
#define TRI_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TRI_COMM_MAX	64	/* the kernel's TASK_COMM_LEN is 16; room to spare */
#define TRI_NSPID_MAX	32	/* nesting limit of PID namespaces */

/*
 * A process handle: the pid, a dirfd on /proc/PID and the start time read
 * through it.  Every file is read through the dirfd, so data can never come
 * from a later process that reused the pid: once the process is gone the
 * kernel answers ESRCH on the old dirfd.
 */
struct tri_proc {
	pid_t			 pid;
	int			 dirfd;
	unsigned long long	 starttime;	/* stat field 22, clock ticks */
};

/* /proc/PID/stat, every field up to 52 (exit_code). */
struct tri_stat {
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];	/* raw bytes, NUL-ended */
	char			 state;
	pid_t			 ppid, pgrp, session;
	int			 tty_nr;
	pid_t			 tpgid;
	unsigned int		 flags;
	unsigned long		 minflt, cminflt, majflt, cmajflt;
	unsigned long		 utime, stime;
	long			 cutime, cstime, priority, nice, num_threads;
	long			 itrealvalue;
	unsigned long long	 starttime;
	unsigned long		 vsize;
	long			 rss;
	unsigned long		 rsslim, startcode, endcode, startstack;
	unsigned long		 kstkesp, kstkeip, signal, blocked;
	unsigned long		 sigignore, sigcatch, wchan, nswap, cnswap;
	int			 exit_signal, processor;
	unsigned int		 rt_priority, policy;
	unsigned long long	 delayacct_blkio_ticks;
	unsigned long		 guest_time;
	long			 cguest_time;
	unsigned long		 start_data, end_data, start_brk;
	unsigned long		 arg_start, arg_end, env_start, env_end;
	int			 exit_code;	/* field 52: wait(2) status */
	int			 nfields;	/* how many fields were present */
};

/* /proc/PID/status: the fields the commands use.  -1 where absent. */
struct tri_status {
	char			 name[TRI_COMM_MAX];	/* unescaped */
	char			 state;
	pid_t			 tgid, pid, ppid, tracerpid;
	uid_t			 uid[4];	/* real, effective, saved, fs */
	gid_t			 gid[4];
	int			 fdsize;
	pid_t			 nspid[TRI_NSPID_MAX];
	int			 nspid_n;	/* levels in NSpid; 1 outside containers */
	int			 threads;
	uint64_t		 sigpnd, shdpnd, sigblk, sigign, sigcgt;
	long			 vmpeak_kb, vmsize_kb, vmlck_kb, vmhwm_kb;
	long			 vmrss_kb, vmswap_kb;
	long			 vctx, nvctx;	/* (non)voluntary_ctxt_switches */
};

/*
 * Point the library at another /proc (a fixture tree in tests).  The
 * string is not copied.  NULL restores "/proc".
 */
void	tri_proc_set_root(const char *root);
const char *tri_proc_root(void);

/*
 * Open a handle on PID (0 means the caller).  Returns 0, or -1 with errno:
 * ESRCH when there is no such process, EACCES/EPERM when /proc refuses.
 * Close it with tri_proc_close().
 */
int	tri_proc_open(struct tri_proc *p, pid_t pid);
/* Like tri_proc_open for a thread: /proc/PID/task/TID. */
int	tri_proc_open_task(struct tri_proc *p, pid_t pid, pid_t tid);
void	tri_proc_close(struct tri_proc *p);
/* 0 when the handle still names the same live process, else -1 ESRCH. */
int	tri_proc_check(const struct tri_proc *p);

/*
 * Read a file under the process directory with one read(2) into buf
 * (NUL-terminated; at most size - 1 bytes).  Returns the length, or -1
 * with errno (ESRCH when the process is gone).
 */
ssize_t	tri_proc_read(const struct tri_proc *p, const char *name,
	    char *buf, size_t size);
/*
 * Read a whole file of any size into a malloc'd, NUL-terminated buffer the
 * caller frees.  Returns it and sets *len, or NULL with errno.
 */
char	*tri_proc_read_all(const struct tri_proc *p, const char *name,
	    size_t *len);

/* Parse stat text.  0, or -1 EINVAL when malformed or truncated before state. */
int	tri_proc_parse_stat(const char *buf, size_t len, struct tri_stat *st);
int	tri_proc_read_stat(const struct tri_proc *p, struct tri_stat *st);
/* Parse status text; unknown lines are ignored.  0 or -1 EINVAL. */
int	tri_proc_parse_status(const char *buf, size_t len, struct tri_status *st);
int	tri_proc_read_status(const struct tri_proc *p, struct tri_status *st);

/*
 * The command line as NUL-separated arguments in a malloc'd buffer of *len
 * bytes (0 for a kernel thread or a zombie).  NULL with errno on failure.
 */
char	*tri_proc_read_cmdline(const struct tri_proc *p, size_t *len);

/*
 * The thread ids in task/, sorted, in a malloc'd array of *n.  NULL with
 * errno on failure.
 */
pid_t	*tri_proc_tasks(const struct tri_proc *p, size_t *n);

/*
 * A limit from /proc/PID/limits by its name ("Max open files").  The soft
 * and hard values are set to RLIM_INFINITY for "unlimited".  0, or -1
 * with errno (ENOENT: no such limit line).
 */
int	tri_proc_read_limit(const struct tri_proc *p, const char *name,
	    unsigned long long *soft, unsigned long long *hard);
int	tri_proc_parse_limit(const char *buf, const char *name,
	    unsigned long long *soft, unsigned long long *hard);

/* Whether PID is a kernel thread (PF_KTHREAD in stat flags). */
bool	tri_proc_is_kthread(const struct tri_stat *st);

/* Clock ticks per second and boot time, cached after the first call. */
long	tri_proc_hz(void);
/* Seconds since the process started, from its starttime. */
double	tri_proc_age(unsigned long long starttime);

/*
 * Describe a wait(2) status as "exited 3", "killed by SIGSEGV (core
 * dumped)" into buf.  Returns buf.
 */
char	*tri_proc_describe_status(int status, char *buf, size_t size);

/*
 * Readers added by the commands that first needed them.  Each area's
 * functions live in their own file, lib/proc_AREA.c.
 */

/* == fd/ and fdinfo/ (lib/proc_fd.c) == */

/* == maps, smaps, smaps_rollup (lib/proc_maps.c) == */

/* == schedstat, task/TID/status, wchan, syscall (lib/proc_sched.c) == */

#endif /* TRI_PROC_H */
