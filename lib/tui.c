/* lib/tui.c - a small ncurses live view: a title, a sorted table, keys. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "tui.h"

static volatile sig_atomic_t quit_sig;
static struct tri_tui *active_tui;	/* for the atexit restore */

static void
on_quit(int sig)
{
	quit_sig = sig;
}

int
tri_tui_signal(void)
{
	return quit_sig;
}

static void
restore_at_exit(void)
{
	if (active_tui != NULL)
		tri_tui_stop(active_tui);
}

/* No SA_RESTART: the signal ends getch's wait at once. */
static void
catch_quit(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int
tri_tui_start(struct tri_tui *t, const struct tri_tui_col *cols, int ncols,
    int sort)
{
	static bool registered;

	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
	t->sort = sort;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		errno = ENOTTY;
		return -1;
	}
	setlocale(LC_CTYPE, "");
	catch_quit();
	if (initscr() == NULL) {
		errno = ENOTTY;
		return -1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	t->active = true;
	active_tui = t;
	if (!registered && atexit(restore_at_exit) == 0)
		registered = true;
	return 0;
}

void
tri_tui_stop(struct tri_tui *t)
{
	if (!t->active)
		return;
	curs_set(1);
	endwin();
	t->active = false;
	if (active_tui == t)
		active_tui = NULL;
}

void
tri_tui_clear(struct tri_tui *t)
{
	size_t i;

	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	t->nrows = 0;
}

int
tri_tui_row(struct tri_tui *t, const char *const *cells, const double *keys)
{
	size_t nc = (size_t)t->ncols, i;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **c = realloc(t->cells, cap * nc * sizeof(*c));
		double *k;

		if (c == NULL)
			return -1;
		t->cells = c;
		if ((k = realloc(t->keys, cap * nc * sizeof(*k))) == NULL)
			return -1;
		t->keys = k;
		t->cap = cap;
	}
	for (i = 0; i < nc; i++) {
		char **cell = &t->cells[t->nrows * nc + i];

		if ((*cell = tri_out_escape_dup(cells[i], strlen(cells[i]))) ==
		    NULL) {
			while (i-- > 0)
				free(t->cells[t->nrows * nc + i]);
			return -1;
		}
		t->keys[t->nrows * nc + i] = keys ? keys[i] : 0;
	}
	t->nrows++;
	return 0;
}

/* Sort rows by a permutation, so cells and keys stay together. */
static const struct tri_tui *sorting;

static int
cmp_rows(const void *a, const void *b)
{
	const struct tri_tui *t = sorting;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	double kx = t->keys[x * (size_t)t->ncols + (size_t)t->sort];
	double ky = t->keys[y * (size_t)t->ncols + (size_t)t->sort];
	int c = (kx < ky) - (kx > ky);

	if (t->reverse)
		c = -c;
	return c ? c : (x > y) - (x < y);
}

/* Put at most width columns of an escaped (printable UTF-8) string. */
static void
put_cell(int y, int x, const char *s, int width, bool right)
{
	int w = (int)tri_out_width(s), pad = 0;
	size_t bytes = 0;
	int cols = 0;

	if (width <= 0)
		return;
	if (right && w < width)
		pad = width - w;
	while (s[bytes] != '\0' && cols < width - pad) {
		bytes++;
		while (((unsigned char)s[bytes] & 0xc0) == 0x80)
			bytes++;
		cols++;
	}
	mvaddnstr(y, x + pad, s, (int)bytes);
}

static void
draw_header(const struct tri_tui *t)
{
	int x = 0, i, w;

	attron(A_REVERSE);
	mvhline(1, 0, ' ', COLS);
	for (i = 0; i < t->ncols && x < COLS; i++) {
		char name[64];

		w = i == t->ncols - 1 ? COLS - x : t->cols[i].width;
		snprintf(name, sizeof(name), "%s%s", t->cols[i].name,
		    i == t->sort ? (t->reverse ? "^" : "v") : "");
		if (i == t->sort)
			attron(A_BOLD);
		put_cell(1, x, name, w > COLS - x ? COLS - x : w,
		    t->cols[i].right);
		attroff(A_BOLD);
		x += w + 1;
	}
	attroff(A_REVERSE);
}

void
tri_tui_draw(struct tri_tui *t)
{
	size_t *order, r;
	int y, x, i, w;

	erase();
	put_cell(0, 0, t->title, COLS, false);
	if (t->paused)
		put_cell(0, COLS > 8 ? COLS - 8 : 0, "[paused]", 8, false);
	draw_header(t);
	if ((order = malloc((t->nrows ? t->nrows : 1) * sizeof(*order)))) {
		for (r = 0; r < t->nrows; r++)
			order[r] = r;
		sorting = t;
		qsort(order, t->nrows, sizeof(*order), cmp_rows);
		for (r = 0, y = 2; r < t->nrows && y < LINES; r++, y++)
			for (i = 0, x = 0; i < t->ncols && x < COLS; i++) {
				w = i == t->ncols - 1 ? COLS - x :
				    t->cols[i].width;
				put_cell(y, x, t->cells[order[r] *
				    (size_t)t->ncols + (size_t)i],
				    w > COLS - x ? COLS - x : w,
				    t->cols[i].right);
				x += w + 1;
			}
		free(order);
	}
	refresh();
}

/* Handle a key that belongs to the view; false when it is not one. */
static bool
view_key(struct tri_tui *t, int c)
{
	int i;

	if (c == KEY_RESIZE)
		return true;
	if (c == 'p' || c == ' ') {
		t->paused = !t->paused;
		return true;
	}
	if (c == 'r') {
		t->reverse = !t->reverse;
		return true;
	}
	if (c == '<' || c == '>') {
		t->sort = (t->sort + (c == '<' ? t->ncols - 1 : 1)) % t->ncols;
		return true;
	}
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].key != 0 && t->cols[i].key == c) {
			t->reverse = t->sort == i ? !t->reverse : false;
			t->sort = i;
			return true;
		}
	return false;
}

int
tri_tui_key(struct tri_tui *t, double timeout)
{
	int c, ms = timeout <= 0 ? 0 : (int)(timeout * 1000);

	if (quit_sig)
		return TRI_TUI_QUIT;
	timeout(ms);
	c = getch();
	if (quit_sig || c == 'q' || c == 'Q')
		return TRI_TUI_QUIT;
	if (c == ERR)
		return TRI_TUI_TIMEOUT;
	if (view_key(t, c)) {
		tri_tui_draw(t);
		return TRI_TUI_HANDLED;
	}
	return c;
}

void
tri_tui_free(struct tri_tui *t)
{
	tri_tui_clear(t);
	free(t->cells);
	free(t->keys);
	t->cells = NULL;
	t->keys = NULL;
	t->cap = 0;
}
