/* lib/tui.h - a small ncurses live view: a title, a sorted table, keys. */
#ifndef TRI_TUI_H
#define TRI_TUI_H

#include <stdbool.h>
#include <stddef.h>

/* A column: its header, width (the last column takes the rest), sort key. */
struct tri_tui_col {
	const char	*name;
	int		 width;
	bool		 right;		/* right-aligned (numbers) */
	int		 key;		/* key that sorts on it, or 0 */
};

struct tri_tui {
	const struct tri_tui_col *cols;
	int			 ncols;
	int			 sort;		/* column sorted on, descending */
	bool			 reverse;	/* ascending instead */
	bool			 paused;
	char			 title[256];	/* first line, made by the command */
	char			**cells;	/* escaped, row-major */
	double			*keys;		/* sort values, row-major */
	size_t			 nrows, cap;
	bool			 active;
};

/* What tri_tui_key returns besides an unhandled key. */
enum {
	TRI_TUI_TIMEOUT = -1,	/* the time ran out: sample again */
	TRI_TUI_QUIT = -2,	/* q, or SIGINT/SIGTERM/SIGHUP */
	TRI_TUI_HANDLED = -3,	/* a sort/pause/resize key, already redrawn */
};

/*
 * Take over the terminal: ncurses on the alternate screen, no echo, no
 * cursor.  SIGINT, SIGTERM and SIGHUP are caught so the terminal is
 * restored before the command ends; ncurses itself handles SIGTSTP (the
 * screen is restored while stopped) and SIGWINCH (the view adapts).
 * Returns 0, or -1 with errno ENOTTY when stdin/stdout is not a terminal.
 */
int	tri_tui_start(struct tri_tui *t, const struct tri_tui_col *cols,
	    int ncols, int sort);
/* Give the terminal back (idempotent; also run at exit). */
void	tri_tui_stop(struct tri_tui *t);
/* The signal that asked to quit, or 0. */
int	tri_tui_signal(void);

/* Forget the rows; add rows of ncols cells (escaped here) and sort values. */
void	tri_tui_clear(struct tri_tui *t);
int	tri_tui_row(struct tri_tui *t, const char *const *cells,
	    const double *keys);
/* Sort the rows and draw everything that fits. */
void	tri_tui_draw(struct tri_tui *t);

/*
 * Wait up to timeout seconds for a key.  Column keys sort (again:
 * reverse), '<' and '>' move the sort column, 'r' reverses, 'p' or space
 * pauses, 'q' quits; those are handled here.  Returns another key for the
 * command, or a TRI_TUI_* value.
 */
int	tri_tui_key(struct tri_tui *t, double timeout);

/* Free the rows. */
void	tri_tui_free(struct tri_tui *t);

#endif /* TRI_TUI_H */
