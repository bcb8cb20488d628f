/* cmd/fdleak/fdleak.h - what the files of fdleak share. */
#ifndef FDLEAK_H
#define FDLEAK_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"
#include "out.h"
#include "proc.h"
#include "sock.h"

enum mode { M_LIST, M_SUMMARY, M_TOP, M_WATCH, M_RUN, M_CLOSE, M_WHO };

/* -i: lsof's [46][PROTOCOL][@HOST][:PORT[-PORT]]. */
struct inetsel {
	bool		 on;
	int		 family;	/* 0 any, AF_INET, AF_INET6 */
	char		 proto[8];	/* "" any, "TCP", "UDP" */
	char		 host[64];	/* "" any; numeric, no brackets */
	int		 port_lo, port_hi;	/* -1 any */
};

/* -o: the columns of the fd table, and of --top's. */
#define NCOLS_MAX	16
struct cols {
	int		 v[NCOLS_MAX];
	size_t		 n;
};

struct ctl {
	enum mode	 mode;
	struct tri_targets targets;	/* -p */
	struct tri_users users;		/* -u */
	struct tri_sample sample;	/* -i, -n */
	bool		 check;		/* -c: exit 1 on a leak or over --max-pct */
	bool		 follow;	/* -f: run mode follows children */
	bool		 force;		/* --force: allow closing fds 0-2 */
	bool		 json;		/* --json */
	bool		 prom;		/* --prom */
	bool		 header;	/* not --no-header */
	bool		 raw;		/* --raw */
	bool		 peers;		/* --peers: search every process */
	bool		 extra;		/* -x: cwd, rtd, txt, mem rows */
	bool		 count_given;	/* -n was given */
	bool		 deleted;	/* +L1: files whose link count is 0 */
	double		 max_pct;	/* --max-pct */
	int		 close_fd;	/* --close FD */
	int		 top;		/* --top N */
	int		 sort;		/* -S: index in the mode's keys, -1 */
	const char	*sort_arg;
	const char	*cols_arg;	/* -o */
	struct cols	 cols;
	struct inetsel	 inet;		/* -i */
	char		**files;	/* FILE operands */
	size_t		 nfiles;
	char		*dir;		/* +D DIR */
	char		**argv;		/* run mode: the command */
};

/* One open fd, as read from fd/N, fdinfo/N and (for paths) statx. */
struct fdent {
	int			 fd;
	const char		*type;		/* "REG", "SOCK", "eventfd", ... */
	char			*link;		/* raw link text, malloc'd */
	size_t			 linklen;
	unsigned long long	 ino, size;
	bool			 deleted;	/* path unlinked, nlink 0 */
	bool			 pipe;		/* link is pipe:[ino] */
	bool			 info;		/* fi is valid */
	struct tri_fdinfo	 fi;
	const struct tri_sock	*sock;		/* in the process's socktab */
	char			 sproto[24];	/* no table lists it: the
						 * kernel's protocol name */
	const char		*name;		/* "cwd", "rtd", "txt", "mem";
						 * NULL for an fd */
	unsigned long long	 dev;		/* a path's st_dev */
	unsigned int		 nlink;		/* a path's link count */
	char			*peer;		/* pipe/unix peer text, malloc'd */
};

/* The fd table of one process. */
struct fdtab {
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];
	struct fdent		*v;
	size_t			 n;
	struct fdent		*x;		/* -x: cwd, rtd, txt, mem */
	size_t			 nx;
	unsigned long		 count;		/* stat(fd/).st_size */
	unsigned long long	 soft, hard;	/* RLIMIT_NOFILE of the target */
	int			 maxfd;
	uid_t			 uid;		/* effective */
	struct tri_socktab	*socks;		/* shared, owned by the cache */
};

/*
 * Socket tables loaded once per network namespace.  Each is allocated on
 * its own, so the pointers fdtabs keep stay valid as the cache grows, and
 * the lock lets the readers of several targets share it.
 */
struct sockcache {
	struct tri_socktab	**v;
	size_t			  n;
	pthread_mutex_t		  lock;
	/* set: only these sockets are loaded (tri_sock_load_want) */
	unsigned long long	 *want;
	size_t			  nwant;
	bool			  wanted;
};

/* fdtab.c: read and classify a process's fd table. */
extern bool fdtab_need_info;	/* read every fd's fdinfo (default) */
int	fdtab_read(struct fdtab *t, const struct tri_proc *p,
	    struct sockcache *sc);
void	fdtab_free(struct fdtab *t);
/* Name the sockets of t no table lists by their protocol (an unbound
 * UDP6): p is t's process, still open. */
void	fdtab_sockproto(struct fdtab *t, const struct tri_proc *p);
struct tri_socktab *sockcache_get(struct sockcache *sc,
	    const struct tri_proc *p);
void	sockcache_free(struct sockcache *sc);
/* Load only the sockets the n tables hold (a listing's), not every one
 * of their namespaces. */
int	sockcache_want(struct sockcache *sc, const struct fdtab *tabs,
	    size_t n);
int	limits_read(const struct tri_proc *p, unsigned long long *soft,
	    unsigned long long *hard);
double	pct_of(unsigned long count, unsigned long long soft);
/* The realtime clock in seconds since the epoch, for time_unix. */
double	now_unix(void);
/* errno of a target that is a kernel thread (no fd table of its own) */
#define E_KTHREAD	EMEDIUMTYPE
/* "pid 42: " errors in the project's wording. */
void	warn_target(pid_t pid, int err);

/* extra.c: the cwd, rtd, txt and mem rows (lsof's) of t's process. */
int	extra_read(struct fdtab *t, const struct tri_proc *p);

/* table.c: the fd table, with -o columns, --raw and -S. */
int	cols_parse(struct cols *c, const char *arg, bool top);
void	cols_default(struct cols *c, bool who);
/* Whether the table c prints shows a column that needs fdinfo. */
bool	cols_need_info(const struct ctl *c);
/* A row: an fd of a table. */
struct fdrow {
	const struct fdtab	*t;
	const struct fdent	*e;
};
void	table_print(const struct ctl *c, FILE *f, struct fdrow *rows,
	    size_t n);
struct fdrow *rows_of(struct fdtab *tabs, size_t n, size_t *nrows);
extern const char *const sort_keys[];
extern const char *const top_sort_keys[];
enum { TOPCOL_PID, TOPCOL_FDS, TOPCOL_SOFT, TOPCOL_HARD, TOPCOL_PERCENT,
    TOPCOL_COMMAND, TOPCOL_N };

/* select.c: -i, FILE, +D DIR, +L1. */
int	inet_parse(struct inetsel *s, const char *arg);
bool	inet_match(const struct inetsel *s, const struct fdent *e);

/* who.c: the fds of every process that match a selection. */
int	who_run(const struct ctl *c);

/* target.c: the TARGET, MODE and FLAGS texts of an fd. */
void	fdent_target(const struct fdent *e, char *buf, size_t size);
const char *fdent_flags(const struct fdent *e, char *buf, size_t size);
const char *fdent_access(const struct fdent *e);

/* peers.c: the processes at the other end of pipes and unix sockets. */
void	peers_resolve(struct fdtab *tabs, size_t n, bool all);

/* list.c: the listing, one line per fd. */
int	list_run(const struct ctl *c);
void	list_json_fd(struct tri_json *j, const struct fdent *e);

/* summary.c: headroom against RLIMIT_NOFILE. */
int	summary_run(const struct ctl *c);
void	summary_text(FILE *f, const struct fdtab *t, bool types);
void	summary_json(struct tri_json *j, const struct fdtab *t, bool types);
struct tri_prom;
/* --prom: metric family k (0 open fds, 1 soft limit, 2 hard limit, 3 %
 * of the soft limit) of one process; an unlimited limit is left out. */
void	prom_proc(struct tri_prom *pr, int k, pid_t pid, const char *comm,
	    unsigned long count, unsigned long long soft,
	    unsigned long long hard);
/* A limit in JSON: unlimited is null. */
void	json_limit(struct tri_json *j, const char *k, unsigned long long v);

/* top.c: the processes closest to their limit. */
int	top_run(const struct ctl *c);

/* watch.c: sample the fd table and find what grows. */
int	watch_run(const struct ctl *c);

/* run.c: the fds a program still holds when it exits. */
int	run_command(const struct ctl *c);

/* close.c: close one fd inside a live process. */
int	close_run(const struct ctl *c);

#endif /* FDLEAK_H */
