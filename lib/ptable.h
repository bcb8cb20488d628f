/* lib/ptable.h - a snapshot of the process table, built with libproc2. */
#ifndef TRI_PTABLE_H
#define TRI_PTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What to read beyond /proc/PID/stat (each costs a file per process). */
enum {
	TRI_PT_CMDLINE	= 1 << 0,	/* cmdline */
	TRI_PT_THREADS	= 1 << 1,	/* every thread, with its name and state
					   (task/ read only where nlwp > 1) */
	TRI_PT_NS	= 1 << 2,	/* PID namespace inode */
	TRI_PT_UID	= 1 << 3,	/* effective uid */
	TRI_PT_STAT	= 1 << 4,	/* read /proc/PID/stat directly, not
					   through libproc2 (alone, or with
					   TRI_PT_THREADS; lib/ptable.c) */
};

struct tri_pthread {
	pid_t		 tid;
	char		 state;
	const char	*comm;		/* raw bytes */
};

struct tri_pnode {
	pid_t		 pid, ppid, pgrp, sid;
	uid_t		 euid;		/* with TRI_PT_UID, else 0 */
	char		 state;		/* stat state letter */
	bool		 zombie;	/* Z with no live thread: a real zombie */
	bool		 kthread;	/* a kernel thread (PF_KTHREAD) */
	int		 nlwp;
	unsigned long long start;	/* start time, clock ticks since boot */
	unsigned long	 pidns;		/* with TRI_PT_NS: ns/pid inode, else 0 */
	const char	*comm;		/* raw bytes, NUL-ended */
	const char	*cmdline;	/* with TRI_PT_CMDLINE: NUL-separated args */
	size_t		 cmdline_len;	/* 0 for kernel threads and zombies */
	int		 parent;	/* index in nodes, or -1 for a root */
	int		*children;	/* indexes in nodes, by pid */
	int		 nchildren;
	struct tri_pthread *threads;	/* with TRI_PT_THREADS: the non-leader threads */
	int		 nthreads;
};

struct tri_ptable {
	struct tri_pnode	*nodes;		/* sorted by pid */
	size_t			 n;
	unsigned		 flags;
	int			*kids;		/* storage of the children lists */
	struct tri_pthread	*threads;	/* storage of the thread lists */
	size_t			 nthreads;
};

/*
 * Take a snapshot of every process.  Processes that exit during the read
 * are left out; a child whose parent is missing, or whose "parent" started
 * after it (the pid was reused), is re-read for its current parent and
 * otherwise becomes a root.  Returns 0, or -1 with errno.  Free with
 * tri_ptable_free().
 */
int	tri_ptable_snap(struct tri_ptable *t, unsigned flags);
void	tri_ptable_free(struct tri_ptable *t);

/* qsort/bsearch order of tri_pnode by pid (lib/ptable_index.c). */
int	tri_ptable_cmp_pid(const void *a, const void *b);
/* The node of pid, or NULL. */
struct tri_pnode *tri_ptable_find(const struct tri_ptable *t, pid_t pid);
/* Index of a node in t->nodes. */
int	tri_ptable_index(const struct tri_ptable *t, const struct tri_pnode *n);

/*
 * Walk the subtree under root (root included) depth first, children in
 * pid order.  fn gets each node and its depth; a non-zero return stops the
 * walk and is returned.
 */
typedef int tri_ptable_fn(const struct tri_ptable *t,
    const struct tri_pnode *n, int depth, void *arg);
int	tri_ptable_walk(const struct tri_ptable *t, const struct tri_pnode *root,
	    tri_ptable_fn *fn, void *arg);

/* Whether a is b or an ancestor of b. */
bool	tri_ptable_is_ancestor(const struct tri_ptable *t,
	    const struct tri_pnode *a, const struct tri_pnode *b);

#endif /* TRI_PTABLE_H */
