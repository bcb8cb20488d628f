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
void	tri_proc_close(struct tri_proc *p);
/* 0 when the handle still names the same live process, else -1 ESRCH. */
int	tri_proc_check(const struct tri_proc *p);

/*
 * Read the small file name under dirfd (AT_FDCWD: name is a path) into
 * buf, NUL-terminated, in one read: its length, or -1 with errno.
 */
ssize_t	tri_read_small(int dirfd, const char *name, char *buf, size_t size);
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

/*
 * The text parsers below that take (buf, len) also need buf[len] to be a
 * NUL, as every reader here leaves it: numbers are read with strtol.
 */

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

/* Every pid in /proc, sorted, in a malloc'd array of *n.  NULL with errno. */
pid_t	*tri_proc_pids(size_t *n);
/*
 * Call fn for every pid in /proc, in pid order; a non-zero return stops
 * the walk and is returned.  -1 with errno when /proc cannot be read.
 */
typedef int tri_proc_fn(pid_t pid, void *arg);
int	tri_proc_walk(tri_proc_fn *fn, void *arg);

/*
 * A limit from /proc/PID/limits by its name ("Max open files").  The soft
 * and hard values are set to RLIM_INFINITY for "unlimited".  0, or -1
 * with errno (ENOENT: no such limit line).
 */
int	tri_proc_read_limit(const struct tri_proc *p, const char *name,
	    unsigned long long *soft, unsigned long long *hard);
int	tri_proc_parse_limit(const char *buf, const char *name,
	    unsigned long long *soft, unsigned long long *hard);

/*
 * Read up to n blank-separated numbers from a sysctl file under the /proc
 * root ("sys/kernel/pid_max", "sys/fs/file-nr").  Returns how many were
 * read (0 .. n), or -1 with errno when the file cannot be read.
 */
int	tri_proc_sysctl(const char *name, unsigned long long *v, int n);

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

struct statx;

/*
 * Open fd/ (info false) or fdinfo/ (info true) of p as a directory fd for
 * the per-fd readers below.  The caller closes it.  -1 with errno (ESRCH
 * gone, EACCES refused).
 */
int	tri_proc_fd_opendir(const struct tri_proc *p, bool info);
/*
 * The fd numbers in the fd/ directory fddir, sorted, in a malloc'd array
 * of *n the caller frees.  NULL with errno.
 */
int	*tri_proc_fd_list(int fddir, size_t *n);
/*
 * How many fds p has open: st_size of fd/, which the kernel sets to the
 * count, so no directory is read.  0, or -1 with errno.
 */
int	tri_proc_fd_count(const struct tri_proc *p, unsigned long *n);
/*
 * The target of fd's magic link (readlinkat, never a path lookup):
 * "/path", "socket:[123]", "pipe:[45]", "anon_inode:[eventfd]".  NUL-ended
 * in buf; returns the length (truncated to size - 1) or -1 with errno.
 */
ssize_t	tri_proc_fd_link(int fddir, int fd, char *buf, size_t size);
/*
 * statx of the file fd points to, through its magic link with
 * AT_STATX_DONT_SYNC: the kernel follows the link to the open file
 * without resolving its path, so a dead NFS or FUSE mount cannot hang us.
 * 0 or -1 with errno.
 */
int	tri_proc_fd_statx(int fddir, int fd, struct statx *stx);

#define TRI_FDINFO_TFD_MAX	8	/* epoll targets kept */

/* fdinfo/N: the common lines and the anon-inode specifics. */
struct tri_fdinfo {
	unsigned long long	 pos;
	unsigned int		 flags;		/* O_* incl. O_CLOEXEC */
	int			 mnt_id;	/* -1 when absent */
	unsigned long long	 ino;		/* 0 when absent */
	bool			 has_eventfd;
	unsigned long long	 eventfd_count;
	int			 ntfd;		/* epoll: watched fds (all) */
	int			 tfd[TRI_FDINFO_TFD_MAX];
	bool			 has_sigmask;	/* signalfd */
	uint64_t		 sigmask;
	int			 nwd;		/* inotify: watches */
	unsigned long long	 wd_ino;	/* inotify: inode of the first */
	pid_t			 pidfd_pid;	/* pidfd: Pid: (-1 exited), 0 absent */
	bool			 has_timer;	/* timerfd */
	int			 clockid;
	unsigned long long	 it_value_ns, it_interval_ns;
};

/* Parse fdinfo text; unknown lines are ignored.  0, or -1 EINVAL. */
int	tri_proc_parse_fdinfo(const char *buf, size_t len,
	    struct tri_fdinfo *fi);
/* Read and parse fdinfo/N from the fdinfo/ dirfd.  0 or -1 with errno. */
int	tri_proc_read_fdinfo(int infodir, int fd, struct tri_fdinfo *fi);

/* == maps, smaps, smaps_rollup (lib/proc_maps.c) == */

/*
 * smaps fields.  The ones the kernel prints today have fixed slots; a
 * field a newer kernel adds gets a slot from TRI_SM_NKNOWN on, named in
 * tri_maps.extra.  Values are as printed: kB for all but THPeligible and
 * ProtectionKey.
 */
enum tri_sm_field {
	TRI_SM_SIZE, TRI_SM_KERNELPAGESIZE, TRI_SM_MMUPAGESIZE, TRI_SM_RSS,
	TRI_SM_PSS, TRI_SM_PSS_DIRTY, TRI_SM_PSS_ANON, TRI_SM_PSS_FILE,
	TRI_SM_PSS_SHMEM, TRI_SM_SHARED_CLEAN, TRI_SM_SHARED_DIRTY,
	TRI_SM_PRIVATE_CLEAN, TRI_SM_PRIVATE_DIRTY, TRI_SM_REFERENCED,
	TRI_SM_ANONYMOUS, TRI_SM_KSM, TRI_SM_LAZYFREE, TRI_SM_ANONHUGEPAGES,
	TRI_SM_SHMEMPMDMAPPED, TRI_SM_FILEPMDMAPPED, TRI_SM_SHARED_HUGETLB,
	TRI_SM_PRIVATE_HUGETLB, TRI_SM_SWAP, TRI_SM_SWAPPSS, TRI_SM_LOCKED,
	TRI_SM_THPELIGIBLE, TRI_SM_PROTECTIONKEY,
	TRI_SM_NKNOWN
};
#define TRI_SM_MAX	40

/* One mapping, decoded.  Strings live in the owning tri_maps' pool. */
struct tri_vma {
	unsigned long		 start, end;
	unsigned long long	 offset;
	unsigned long		 inode;
	unsigned int		 dev_major, dev_minor;
	char			 perms[5];	/* "rw-p", NUL-ended */
	uint32_t		 path;		/* pool offset; path_len 0: none */
	uint32_t		 path_len;
	uint32_t		 vmflags;	/* pool offset of VmFlags text */
	uint32_t		 vmflags_len;
	unsigned long long	 f[TRI_SM_MAX];	/* smaps fields, 0 for maps */
};

/* The few records tri_maps_at decoded last (lib/proc_maps.c). */
#define TRI_MAPS_RING	4
struct tri_maps_hot {
	struct {
		size_t		 i, next;	/* record, offset of the next */
		unsigned long	 stamp;		/* last returned; 0: empty */
		struct tri_vma	 v;
	} slot[TRI_MAPS_RING];
	unsigned long	 clock;
};

/* Where every 16th record begins, for random access. */
struct tri_maps_mark {
	size_t		 off;
	unsigned long	 last_end;
};

/*
 * The mappings of a process as read from maps, smaps or smaps_rollup
 * (rollup: one record holding the totals).  order[] lists the smaps
 * fields in the order the kernel printed them.
 *
 * A record is kept packed (variable-length integers, the address as a
 * step from the previous mapping's end, paths and VmFlags interned once
 * in the pool, a run of values equal to a recent record's as a
 * reference to it): about 7 bytes for a one-page anonymous mapping,
 * where the decoded struct tri_vma is 384.  Only the fields in keep are
 * stored per record (all by default); sum[] has every field's total
 * over the records all the same.  Read records with tri_maps_at.
 */
struct tri_maps {
	unsigned char	*enc;			/* the packed records */
	size_t		 enclen, enccap;
	struct tri_maps_mark *mark;		/* one per 16 records */
	size_t		 n, markcap;
	char		*pool;			/* interned strings */
	size_t		 poollen, poolcap;
	uint32_t	*hash;			/* pool offsets, open addressing */
	size_t		 hashcap, nhash;
	uint64_t	 keep;			/* bit f: keep field f per record */
	unsigned long long sum[TRI_SM_MAX];	/* each field over the records */
	bool		 smaps;			/* fields were read */
	int		 order[TRI_SM_MAX];
	unsigned char	 olen[TRI_SM_MAX];	/* strlen of each order[] name */
	int		 norder;
	char		 extra[TRI_SM_MAX - TRI_SM_NKNOWN][32];
	int		 nextra;
	unsigned long long kb_mask;		/* fields whose unit is kB */
	int		 pos;			/* parser: next field's rank */
	/* the parser's open record and its strings, until it is packed */
	struct tri_vma	 cur;
	bool		 open;
	char		*text;			/* path, then VmFlags */
	size_t		 textcap;
	unsigned long	 last_end;		/* packer: previous record's end */
	size_t		 recent[4];		/* packer: recent value runs */
	uint16_t	 recentlen[4];
	unsigned int	 nrecent;
	struct tri_maps_hot *hot;		/* tri_maps_at's decoded records */
};

/* Empty, keeping every field (lib/proc_maps_pack.c: the store). */
void	tri_maps_init(struct tri_maps *m);
/* Drop the records, keeping the buffers, the field names and the record
 * the parser has open. */
void	tri_maps_clear(struct tri_maps *m);
/* Free everything and leave m empty (reusable); keep stays as it was. */
void	tri_maps_free(struct tri_maps *m);
/*
 * Empty m and give it like's field names and order, kb_mask, smaps and
 * keep, so that records decoded from like can be added to it.
 */
void	tri_maps_init_as(struct tri_maps *m, const struct tri_maps *like);
/*
 * Parse the complete lines of maps/smaps/smaps_rollup text in buf,
 * appending to m; a partial last line is left.  Returns the bytes
 * consumed, or -1 with errno (EINVAL: malformed line, ENOMEM).  The last
 * record is added by the next header line or by tri_maps_end.
 */
ssize_t	tri_maps_parse(struct tri_maps *m, const char *buf, size_t len);
/* The input is over: add the record still open.  0, or -1 ENOMEM. */
int	tri_maps_end(struct tri_maps *m);
/*
 * Add v (its fields of m's order; path and flags given as bytes, not as
 * pool offsets) to m.  0, or -1 ENOMEM.
 */
int	tri_maps_append(struct tri_maps *m, const struct tri_vma *v,
	    const char *path, size_t path_len, const char *flags,
	    size_t flags_len);
/*
 * Record i, decoded (fields not in keep are 0), or NULL when i >= n.  The
 * record is m's to keep: valid until TRI_MAPS_RING - 1 more calls on m,
 * or until m changes.  Walking i up is cheap; any i costs at most 15
 * records' decoding.
 */
const struct tri_vma *tri_maps_at(const struct tri_maps *m, size_t i);
/*
 * Read "maps", "smaps" or "smaps_rollup" of p into m (emptied first), in
 * large chunks parsed as they come.  0, or -1 with errno (ESRCH gone,
 * EACCES/EPERM refused, EINVAL malformed).
 */
int	tri_proc_read_maps(const struct tri_proc *p, const char *file,
	    struct tri_maps *m);
/*
 * Read p's mappings with RSS alone (lib/proc_mapq.c): PROCMAP_QUERY
 * (Linux 6.11+; the maps text where the ioctl is missing or
 * TRI_NO_PROCMAP_QUERY is set, for tests) and pagemap's present bits,
 * counted as smaps counts Rss (not the zero pages, not hugetlb).  m's
 * only field is TRI_SM_RSS, kB.  0, or -1 with errno: ENOTSUP when
 * pagemap cannot tell the RSS smaps would give (PFNs hidden and a page
 * that may be the zero page; a mapping past 64 MiB of pagemap in all),
 * ESRCH gone, EACCES/EPERM refused; the caller then reads smaps.
 */
int	tri_proc_read_maps_rss(const struct tri_proc *p, struct tri_maps *m);
/*
 * Read p's maps again and compare it with m as it goes, without keeping
 * it: 1 when the layout is the same, 0 when it changed, -1 with errno.
 */
int	tri_proc_maps_unchanged(const struct tri_proc *p,
	    const struct tri_maps *m);
/* Whether two reads describe the same layout (ranges, perms, inodes). */
bool	tri_maps_same_layout(const struct tri_maps *a, const struct tri_maps *b);
/* The NUL-terminated path (or "") and VmFlags text (or "") of v. */
const char *tri_maps_path(const struct tri_maps *m, const struct tri_vma *v);
const char *tri_maps_vmflags(const struct tri_maps *m, const struct tri_vma *v);
/* The kernel's name of field f ("Rss", "Private_Dirty"), or NULL. */
const char *tri_maps_field_name(const struct tri_maps *m, int f);
/* Index of the field named name (known or extra), or -1. */
int	tri_maps_field_index(const struct tri_maps *m, const char *name,
	    size_t len);

/* == schedstat, task/TID/status, wchan, syscall (lib/proc_sched.c) == */

/*
 * Read task/TID/NAME with one read(2) through the process's dirfd, without
 * a handle per thread.  Returns the length, or -1 with errno (ESRCH when
 * the thread or the process is gone).
 */
ssize_t	tri_proc_read_task(const struct tri_proc *p, pid_t tid,
	    const char *name, char *buf, size_t size);
/* task/TID/stat, parsed.  0, or -1 with errno (ESRCH: the thread is gone). */
int	tri_proc_read_task_stat(const struct tri_proc *p, pid_t tid,
	    struct tri_stat *st);

/* schedstat: the scheduler's own accounting of a task (CONFIG_SCHED_INFO). */
struct tri_schedstat {
	unsigned long long	 run_ns;	/* time spent on a CPU */
	unsigned long long	 wait_ns;	/* time runnable, waiting on a run queue */
	unsigned long long	 slices;	/* times it was given a CPU */
};

/* Parse schedstat text.  0, or -1 EINVAL. */
int	tri_proc_parse_schedstat(const char *buf, struct tri_schedstat *ss);
/*
 * Read the schedstat of thread tid, or of the whole process for tid 0.
 * 0, or -1 with errno (ESRCH gone, ENOENT kernel without schedstat).
 */
int	tri_proc_read_schedstat(const struct tri_proc *p, pid_t tid,
	    struct tri_schedstat *ss);

/* The context-switch counters and name of a task, from its status. */
struct tri_ctxt {
	unsigned long long	 vol;		/* voluntary_ctxt_switches */
	unsigned long long	 invol;		/* nonvoluntary_ctxt_switches */
	char			 name[TRI_COMM_MAX];	/* raw bytes, NUL-ended */
};

/*
 * Parse only Name and the two ctxt lines of a status text (cheaper than
 * tri_proc_parse_status for thousands of threads).  0, or -1 EINVAL when
 * the counters are missing.
 */
int	tri_proc_parse_ctxt(const char *buf, size_t len, struct tri_ctxt *c);
/* Read them for thread tid, or for the main thread's status with tid 0. */
int	tri_proc_read_ctxt(const struct tri_proc *p, pid_t tid,
	    struct tri_ctxt *c);

/*
 * A numeric "key : value" line of a sched file (e.g. "se.nr_migrations").
 * The integer part is taken.  0, or -1 ENOENT when the key is absent.
 */
int	tri_proc_parse_sched_key(const char *buf, const char *key,
	    unsigned long long *v);
/*
 * Everything a switch-rate sample needs from one sched file, which costs
 * less than reading status and sched both: the name from its header line
 * "NAME (TID, #threads: N)", nr_voluntary_switches,
 * nr_involuntary_switches (the same counters status shows) and
 * se.nr_migrations.  tid is the thread the file belongs to.  buf[len]
 * must be a NUL, as the readers leave it.  0, or -1 EINVAL when a field
 * is missing.
 */
int	tri_proc_parse_sched_ctxt(const char *buf, size_t len, pid_t tid,
	    struct tri_ctxt *c, unsigned long long *migrations);
/* Read and parse task/TID/sched.  0, or -1 with errno (ESRCH: gone;
 * ENOENT: a kernel without CONFIG_SCHED_DEBUG). */
int	tri_proc_read_sched_ctxt(const struct tri_proc *p, pid_t tid,
	    struct tri_ctxt *c, unsigned long long *migrations);

/*
 * The wait channel of thread tid (tid 0: the main thread): the kernel
 * function it sleeps in, "" when it is not sleeping.  Returns 0, or -1
 * with errno.
 */
int	tri_proc_read_wchan(const struct tri_proc *p, pid_t tid, char *buf,
	    size_t size);

/* What /proc/PID/task/TID/syscall says a thread is doing. */
#define TRI_SYSCALL_NONE	(-1L)	/* blocked, but not in a system call */
#define TRI_SYSCALL_RUNNING	(-2L)	/* on a CPU */
struct tri_syscall {
	long		 nr;		/* a number, or TRI_SYSCALL_* */
	unsigned long	 args[6];
	unsigned long	 sp, pc;
};

/* Parse syscall text.  0, or -1 EINVAL. */
int	tri_proc_parse_syscall(const char *buf, struct tri_syscall *sc);
/*
 * Read it for thread tid (tid 0: the main thread).  Needs ptrace access
 * to the target: -1 EACCES/EPERM otherwise.
 */
int	tri_proc_read_syscall(const struct tri_proc *p, pid_t tid,
	    struct tri_syscall *sc);
/*
 * The name of x86-64 system call nr (libseccomp) copied into buf, or
 * "syscall_NNN" for a number it does not know.  Returns buf.
 */
char	*tri_proc_syscall_name(long nr, char *buf, size_t size);

/* System-wide counters of /proc/stat. */
struct tri_sysstat {
	unsigned long long	 ctxt;		/* context switches since boot */
	unsigned long long	 processes;	/* forks since boot */
	unsigned long long	 running;	/* procs_running: runnable tasks now */
	unsigned long long	 blocked;	/* procs_blocked: in D on I/O now */
};

/* Parse /proc/stat text; 0, or -1 EINVAL when a counter is missing. */
int	tri_proc_parse_sysstat(const char *buf, struct tri_sysstat *s);
/* Read tri_proc_root()/stat.  0, or -1 with errno. */
int	tri_proc_read_sysstat(struct tri_sysstat *s);

#endif /* TRI_PROC_H */
