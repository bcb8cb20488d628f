/* lib/zparent.h - a parent that leaves zombies: its facts, and the verdict. */
#ifndef TRI_ZPARENT_H
#define TRI_ZPARENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"

/*
 * What is known about a parent that holds zombies, and why it does not
 * reap them.  The caller sets pid and start (and state, comm, nzomb and
 * gone as it knows them, e.g. from a process table snapshot);
 * tri_zparent_diagnose() reads the rest from /proc and gives the verdict.
 * The verdict is one function for every command that needs it (zombies,
 * triage): never write it twice.
 */
struct tri_zparent {
	pid_t			 pid;
	unsigned long long	 start;		/* stat field 22: identity */
	char			 comm[TRI_COMM_MAX];
	char			*cmdline;	/* NUL-separated, malloc'd */
	size_t			 cmdline_len;
	char			 state;
	bool			 have_status;
	struct tri_status	 st;
	char			 wchan[64];
	char			 syscall[40];	/* name, "running", "" unknown */
	long			 sysnr;		/* -1 unknown */
	bool			 go;
	char			 go_version[32];
	bool			 container_init;	/* PID 1 of a namespace */
	int			 nzomb;		/* its zombies: the caller counts */
	char			 verdict[160];
	char			 fix[200];
	bool			 cg_limited;	/* a pids.max is set above it */
	uint64_t		 pids_max, pids_cur;
	char			 cg_at[256];	/* the cgroup of that pids.max */
	bool			 gone;		/* exited (or pid reused) */
};

/*
 * Read the facts about par->pid (which must still have start time
 * par->start, else it counts as gone) from /proc: status, command line,
 * wait channel and system call, Go runtime, pids.max; then set the
 * verdict.  Nothing is changed in the process.  Returns 0; a parent that
 * is gone gets the verdict that says so.  cmdline is malloc'd: free with
 * tri_zparent_free().
 */
int	tri_zparent_diagnose(struct tri_zparent *par);

/*
 * The verdict and fix from the facts alone (no /proc read): the first
 * cause that explains the zombies, most certain first.
 */
void	tri_zparent_verdict(struct tri_zparent *par);

/* Free what diagnose allocated; par can be diagnosed again after. */
void	tri_zparent_free(struct tri_zparent *par);

#endif /* TRI_ZPARENT_H */
