/* cmd/proctree/proctree.h - what the files of proctree share. */
#ifndef PROCTREE_H
#define PROCTREE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "out.h"
#include "ptable.h"

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
	char		 sym;		/* 'A', 'U' or 0: from the locale */
	pid_t		 highlight;	/* -H */
	const char	*match;		/* -m */
	regex_t		 re;
	enum tri_color_mode color;
	char		**operands;
	int		 noperands;
};

/* A node of the tree as shown: a process or one of its threads. */
struct vnode {
	const struct tri_pnode	 *proc;	/* the process, or the thread's */
	const struct tri_pthread *thr;	/* set for a thread */
	pid_t			  id;	/* pid or tid */
	char			 *name;	/* escaped; "{name}" for a thread */
	const char		 *key;	/* raw name, for sorting */
	const char		 *mark;	/* "<defunct>", "<D>"... or NULL */
	const char		 *mark_sgr;
	bool			  hl;	/* -H: the process or an ancestor */
	bool			  nsb;	/* --ns: enters a new PID namespace */
	pid_t			  nspid;
	char			 *cgroup; /* escaped, at a namespace boundary */
	struct vnode		**kids;
	int			  nkids;
};

/* What the snapshot and the selection hold. */
struct tree {
	struct tri_ptable	 t;
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

/* select.c: the snapshot, its roots and what of it is shown */
void	tree_snap(struct tree *, unsigned flags);
void	tree_free(struct tree *);
void	operand_roots(const struct tree *, const char *op, struct roots *);
void	default_roots(const struct tree *, struct roots *);
/* -m: mark matches with their ancestors and descendants; the hit count. */
int	select_matches(const struct ctl *, struct tree *);
/* -s: show the path down from the top ancestor; returns that ancestor. */
int	climb(struct tree *, int root);

/* view.c: the tree of what is shown, with names, marks and order */
void	*xcalloc(size_t n, size_t size);
char	*xescape(const char *s, size_t len);
/* The escaped user name (or number) of uid, cached; not to be freed. */
const char *user_name(uid_t uid);
/* The view of each shown root into views; returns how many. */
int	make_views(const struct ctl *, struct tree *, const struct roots *,
	    struct vnode **views);
void	free_view(struct vnode *);

/* text.c: the tree drawn as pstree draws it */
void	print_text(const struct ctl *, struct vnode **views, int n);

/* json.c: the tree as JSON */
void	print_json(const struct ctl *, struct vnode **views, int n);

#endif /* PROCTREE_H */
