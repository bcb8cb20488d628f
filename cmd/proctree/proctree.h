/* cmd/proctree/proctree.h - what the files of proctree share. */
#ifndef PROCTREE_H
#define PROCTREE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli.h"
#include "out.h"
#include "ptable.h"

/* Namespace types, in pstree's order (its -S lists them so). */
enum { NS_CGROUP, NS_IPC, NS_MNT, NS_NET, NS_PID, NS_USER, NS_UTS, NS_TIME,
	NS_N };

/* What snap_read reads beyond stat. */
enum {
	SNAP_CMDLINE	= 1 << 0,	/* cmdline: -a, -m, --json -a */
	SNAP_THREADS	= 1 << 1,	/* task/ where num_threads > 1 */
	SNAP_NS		= 1 << 2,	/* ns/ inodes: -S, -N, --ns */
};

struct ctl {
	bool		 args;		/* -a: command line arguments */
	bool		 compact;	/* off with -c and -p */
	bool		 pgids;		/* -g */
	bool		 by_pid;	/* -n */
	bool		 pids;		/* -p */
	bool		 parents;	/* -s */
	bool		 thread_names;	/* -t */
	bool		 hide_threads;	/* -T */
	bool		 uid_changes;	/* -u */
	bool		 no_cut;	/* -l */
	bool		 json;		/* --json */
	bool		 ns;		/* --ns */
	bool		 ns_changes;	/* -S */
	int		 ns_sort;	/* -N TYPE: an NS_* index, or -1 */
	bool		 scontext;	/* -Z */
	bool		 color_age;	/* -C age */
	char		 sym;		/* 'A', 'U' or 0: from the locale */
	pid_t		 highlight;	/* -H */
	struct tri_users users;		/* --user */
	const char	*match;		/* -m */
	regex_t		 re;
	enum tri_color_mode color;
	char		**operands;
	int		 noperands;
};

/* What few nodes need: only with --ns, -S, -N or -Z (memory, issue 15). */
struct vextra {
	bool			  nsb;	/* --ns: enters a new PID namespace */
	pid_t			  nspid;
	char			 *cgroup; /* raw, at a PID namespace boundary */
	const unsigned long	 *nsv;	/* with -S, -N: the NS_N inodes */
	const unsigned long	 *pnsv;	/* and the parent's (NULL at a root) */
	char			 *label; /* -Z: the security context, raw */
};

/* A state mark: "<defunct>" and its colour. */
struct mark {
	const char	*text, *sgr;
};

/* A node of the tree as shown: a process or one of its threads. */
struct vnode {
	const struct tri_pnode	 *proc;	/* the process, or the thread's */
	const struct tri_pthread *thr;	/* set for a thread */
	char			 *name;	/* escaped; "{name}" for a thread;
					   proc->comm where that needs none */
	char			 *key;	/* raw name as pstree sorts it:
					   "{name}" for a thread */
	const struct mark	 *mark;	/* or NULL */
	struct vextra		 *x;	/* never NULL: a shared zeroed one
					   where nothing is extra */
	struct vnode		**kids;
	int			  nkids;
	pid_t			  id;	/* pid or tid */
	bool			  hl;	/* -H: the process or an ancestor */
};

/* What the snapshot and the selection hold. */
struct tree {
	struct tri_ptable	 t;
	unsigned long		(*ns)[NS_N];	/* with SNAP_NS: per node */
	signed char		*show;		/* per node: shown */
	int			*only;		/* -s: the one child to show, or -1 */
	int			*orphans;	/* parent gone: shown under pid 1 */
	int			 norphans;
};

/* The roots to draw, as indexes into the table, each once. */
struct roots {
	int	*idx;
	int	 n;
};

/* snap.c: the table read from /proc; 0, or -1 with errno */
int	snap_read(struct tree *, unsigned flags);
/* (finding, walking and freeing the table: lib/ptable.h, tri_ptable_*) */

/* select.c: the snapshot, its roots and what of it is shown */
void	tree_snap(struct tree *, unsigned flags);
void	tree_free(struct tree *);

void	operand_roots(const struct tree *, const char *op, struct roots *);
void	default_roots(const struct tree *, struct roots *);
/* -m: mark matches with their ancestors and descendants; the hit count. */
int	select_matches(const struct ctl *, struct tree *);
/* --user: the processes of those users, with ancestors and descendants. */
int	select_users(const struct ctl *, struct tree *);
/* The parent as the tree shows it (orphans under pid 1), or -1. */
int	tree_parent(const struct tree *, int i);
/* -s: show the path down from the top ancestor; returns that ancestor. */
int	climb(struct tree *, int root);


/* view.c: the tree of what is shown, with names, marks and order */
void	*xcalloc(size_t n, size_t size);
char	*xescape(const char *s, size_t len);
/* The escaped user name (or number) of uid, cached; not to be freed. */
const char *user_name(uid_t uid);
void	user_names_free(void);
/* Bytes as text: escaped, malloc'd. */
char	*xescape_str(const char *s);
/* The view of each shown root into views; returns how many. */
int	make_views(const struct ctl *, struct tree *, const struct roots *,
	    struct vnode **views);
void	free_view(struct vnode *);
/* With -S, -N or --ns: one line on stderr when the namespaces of some
 * processes shown could not be read. */
void	ns_note(void);

/* nsgroup.c: -N, the views regrouped by namespace as pstree -N does */
extern const char *const ns_names[NS_N];	/* "cgroup" ... "time" */
struct nsgroup {
	unsigned long	  inode;
	struct vnode	**roots;	/* subtrees that enter it */
	int		  n, cap;
};
/* Detach each process that enters a namespace of ctl->ns_sort from its
 * parent; returns the groups in pstree's order, their count in *n. */
struct nsgroup *ns_group(const struct ctl *, struct vnode **views, int nviews,
	    int *n);
void	ns_group_free(struct nsgroup *, int n);

/* text.c: the tree drawn as pstree draws it */
struct nsgroup;
void	print_text(const struct ctl *, struct vnode **views, int n,
	    const struct nsgroup *, int ngroups);

/* json.c: the tree as JSON */
void	print_json(const struct ctl *, struct vnode **views, int n,
	    const struct nsgroup *, int ngroups);

#endif /* PROCTREE_H */
