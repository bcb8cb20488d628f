/* cmd/fdleak/table.c - the fd table: -o COLUMNS, --raw, -S KEY. */
#include <err.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysmacros.h>

#include "fdleak.h"

/*
 * The table is written by hand, not with libsmartcols: a listing is up
 * to 5 x 19,000 rows (bench/fdleak.sh), and libsmartcols keeps every
 * cell as its own allocated string before printing.  Measured with
 * bench/fdleak-scols.c (95,000 rows of 8 columns, libsmartcols 2.38):
 * 0.37 s CPU and 67 MB peak RSS, against 0.01 s and 1.5 MB written by
 * hand; fdleak's whole listing of those fds costs 0.84 s CPU.  This
 * writer keeps no cell: it measures the columns in one pass and writes
 * in a second.
 */
enum col {
	C_PID, C_COMMAND, C_USER, C_FD, C_TYPE, C_MODE, C_FLAGS, C_POS,
	C_SIZE, C_NLINK, C_DEVICE, C_INODE, C_TARGET, C_N
};

static const struct {
	const char	*name;
	bool		 right;
} coldefs[C_N] = {
	[C_PID] = { "PID", true }, [C_COMMAND] = { "COMMAND", false },
	[C_USER] = { "USER", false }, [C_FD] = { "FD", true },
	[C_TYPE] = { "TYPE", false }, [C_MODE] = { "MODE", false },
	[C_FLAGS] = { "FLAGS", false }, [C_POS] = { "POS", true },
	[C_SIZE] = { "SIZE", true }, [C_NLINK] = { "NLINK", true },
	[C_DEVICE] = { "DEVICE", false }, [C_INODE] = { "INODE", true },
	[C_TARGET] = { "TARGET", false },
};

static const char *const topcols[TOPCOL_N] = {
	"PID", "FDS", "SOFT", "HARD", "PERCENT", "COMMAND",
};

const char *const sort_keys[] = { "pid", "fd", "type", "size", "command",
    NULL };
const char *const top_sort_keys[] = { "count", "percent", "pid", NULL };

void
cols_default(struct cols *c, bool who)
{
	static const int list[] = { C_PID, C_FD, C_TYPE, C_MODE, C_FLAGS,
	    C_POS, C_SIZE, C_TARGET };
	static const int whocols[] = { C_PID, C_COMMAND, C_USER, C_FD, C_TYPE,
	    C_MODE, C_SIZE, C_NLINK, C_TARGET };
	const int *v = who ? whocols : list;
	size_t i, n = who ? sizeof(whocols) / sizeof(whocols[0]) :
	    sizeof(list) / sizeof(list[0]);

	for (i = 0; i < n; i++)
		c->v[i] = v[i];
	c->n = n;
}

bool
cols_need_info(const struct ctl *c)
{
	struct cols dc;
	const struct cols *cs = &c->cols;
	size_t k;

	if (c->json)
		return true;
	if (cs->n == 0) {
		cols_default(&dc, c->mode == M_WHO);
		cs = &dc;
	}
	for (k = 0; k < cs->n; k++)
		if (cs->v[k] == C_MODE || cs->v[k] == C_FLAGS ||
		    cs->v[k] == C_POS)
			return true;
	return false;
}

/* "PID,FD,TARGET" (case does not matter); "+SIZE" adds to the default. */
int
cols_parse(struct cols *c, const char *arg, bool top)
{
	const char *p = arg, *e;
	size_t n, k, max = top ? TOPCOL_N : C_N;
	int found;

	c->n = 0;
	if (strcmp(arg, "help") == 0) {		/* the names, and exit */
		static const char *const what[C_N] = {
			"process id", "process name", "its effective user",
			"descriptor number (or cwd, rtd, txt, mem with -x)",
			"REG, DIR, CHR, FIFO, SOCK, anon inode kind...",
			"r, w or rw", "open flags beyond the mode (fdinfo)",
			"file offset (fdinfo)", "file size in bytes",
			"links of the file (0: deleted)", "major:minor",
			"inode number", "path, socket endpoints or pipe peer",
		}, *const top_what[TOPCOL_N] = {
			"process id", "fds open", "soft RLIMIT_NOFILE",
			"hard RLIMIT_NOFILE", "FDS as a share of SOFT",
			"process name",
		};

		for (k = 0; k < max; k++)
			printf("%-8s %s\n", top ? topcols[k] : coldefs[k].name,
			    top ? top_what[k] : what[k]);
		exit(TRI_EXIT_OK);
	}
	if (*p == '+') {
		if (top) {
			for (k = 0; k < TOPCOL_N; k++)
				c->v[c->n++] = (int)k;
		} else
			cols_default(c, false);
		p++;
	}
	for (; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		found = -1;
		for (k = 0; k < max; k++)
			if (strlen(top ? topcols[k] : coldefs[k].name) == n &&
			    strncasecmp(p, top ? topcols[k] : coldefs[k].name,
			    n) == 0)
				found = (int)k;
		if (found < 0 || c->n == NCOLS_MAX) {
			char *esc = tri_out_escape_dup(p, n);

			warnx("-o: %s: not a column (one of: %s; -o help)",
			    esc ? esc : "?", top ? "PID, FDS, SOFT, HARD, PERCENT, COMMAND" :
			    "PID, COMMAND, USER, FD, TYPE, MODE, FLAGS, POS, "
			    "SIZE, NLINK, DEVICE, INODE, TARGET");
			free(esc);
			return -1;
		}
		c->v[c->n++] = found;
	}
	if (c->n == 0) {
		warnx("-o: no column named");
		return -1;
	}
	return 0;
}

struct fdrow *
rows_of(struct fdtab *tabs, size_t n, size_t *nrows)
{
	struct fdrow *r;
	size_t i, k, m = 0, total = 0;

	for (i = 0; i < n; i++)
		total += tabs[i].n + tabs[i].nx;
	if ((r = malloc((total ? total : 1) * sizeof(*r))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < n; i++) {
		for (k = 0; k < tabs[i].nx; k++)
			r[m++] = (struct fdrow){ &tabs[i], &tabs[i].x[k] };
		for (k = 0; k < tabs[i].n; k++)
			r[m++] = (struct fdrow){ &tabs[i], &tabs[i].v[k] };
	}
	*nrows = m;
	return r;
}

static int sort_key;

static int
cmp_row(const void *a, const void *b)
{
	const struct fdrow *x = a, *y = b;
	int r = 0;

	switch (sort_key) {
	case 2: r = strcmp(x->e->type, y->e->type); break;
	case 3: r = (x->e->size < y->e->size) - (x->e->size > y->e->size);
		break;
	case 4: r = strcmp(x->t->comm, y->t->comm); break;
	}
	if (r == 0 && sort_key != 1)
		r = (x->t->pid > y->t->pid) - (x->t->pid < y->t->pid);
	if (r == 0)
		r = (x->e->fd > y->e->fd) - (x->e->fd < y->e->fd);
	if (r == 0 && sort_key == 1)
		r = (x->t->pid > y->t->pid) - (x->t->pid < y->t->pid);
	return r;
}

static bool
has_size(const struct fdent *e)
{
	return e->link[0] == '/' && (strcmp(e->type, "REG") == 0 ||
	    strcmp(e->type, "DIR") == 0 || strcmp(e->type, "memfd") == 0) &&
	    !(e->name && strcmp(e->name, "mem") == 0);
}

/* The user name of uid, cached for the last one asked. */
static const char *
user_name(uid_t uid, char *buf, size_t size)
{
	static uid_t last = (uid_t)-1;
	static char name[64];
	struct passwd *pw;

	if (uid != last) {
		if ((pw = getpwuid(uid)) != NULL)
			snprintf(name, sizeof(name), "%s", pw->pw_name);
		else
			snprintf(name, sizeof(name), "%u", (unsigned)uid);
		last = uid;
	}
	snprintf(buf, size, "%s", name);
	return buf;
}

static bool
is_path_ent(const struct fdent *e)
{
	return e->link[0] == '/' && !e->pipe && e->sock == NULL &&
	    !e->sproto[0];
}

/* --raw: each space of an escaped cell as \x20 (cut to size). */
static size_t
raw_fix(const struct ctl *c, char *buf, size_t n, size_t size)
{
	size_t i, sp = 0, k;

	if (n >= size)
		n = size - 1;
	if (!c->raw)
		return n;
	for (i = 0; i < n; i++)
		sp += buf[i] == ' ';
	if (sp == 0)
		return n;
	while (n + 3 * sp >= size)	/* drop the tail that will not fit */
		sp -= buf[--n] == ' ';
	buf[n + 3 * sp] = '\0';
	for (i = n, k = n + 3 * sp; i-- > 0;) {
		if (buf[i] == ' ') {
			k -= 4;
			memcpy(buf + k, "\\x20", 4);
		} else
			buf[--k] = buf[i];
	}
	return n + 3 * sp;
}

/*
 * The text of one cell, escaped, into buf (room for 4 times the longest
 * path, plus some).  --raw writes a space as \x20, as lsblk does, so
 * that the columns split at single spaces.
 */
static size_t
cell(const struct ctl *c, const struct fdrow *r, int col, char *buf,
    size_t size)
{
	char tmp[PATH_MAX + 2048], *p = buf;
	const struct fdent *e = r->e;
	const char *s = NULL;
	size_t n;

	switch (col) {
	case C_PID: return (size_t)(tri_out_put_uint(p,
	    (unsigned long long)r->t->pid) - p);
	case C_FD:
		if (e->name)
			s = e->name;
		else
			return (size_t)(tri_out_put_uint(p,
			    (unsigned long long)e->fd) - p);
		break;
	case C_POS:
		if (e->name)
			s = "-";
		else
			return (size_t)(tri_out_put_uint(p, e->fi.pos) - p);
		break;
	case C_SIZE:
		if (!has_size(e))
			s = "-";
		else
			return (size_t)(tri_out_put_uint(p, e->size) - p);
		break;
	case C_NLINK:
		if (!is_path_ent(e))
			s = "-";
		else
			return (size_t)(tri_out_put_uint(p, e->nlink) - p);
		break;
	case C_INODE:
		return (size_t)(tri_out_put_uint(p, e->ino) - p);
	case C_DEVICE:
		if (!is_path_ent(e))
			s = "-";
		else
			return (size_t)snprintf(p, size, "%u:%u", major(e->dev),
			    minor(e->dev));
		break;
	case C_TYPE: s = e->type; break;
	case C_MODE: s = fdent_access(e); break;
	case C_FLAGS: s = fdent_flags(e, tmp, sizeof(tmp)); break;
	case C_USER: s = user_name(r->t->uid, tmp, sizeof(tmp)); break;
	case C_COMMAND:
		return raw_fix(c, buf, tri_out_escape(buf, size, r->t->comm,
		    strlen(r->t->comm)), size);
	case C_TARGET:
		fdent_target(e, tmp, sizeof(tmp));
		return raw_fix(c, buf, tri_out_escape(buf, size, tmp,
		    strlen(tmp)), size);
	}
	n = strlen(s);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return n;
}

#define CELL_MAX	(4 * (PATH_MAX + 2048) + 64)

/* Display width of a cell: columns of UTF-8 text, bytes otherwise. */
static size_t
cell_width(int col, const char *buf, size_t n)
{
	if (col == C_COMMAND || col == C_TARGET || col == C_USER)
		return tri_out_width(buf);
	return n;
}

void
table_print(const struct ctl *c, FILE *f, struct fdrow *rows, size_t n)
{
	struct cols dc;
	const struct cols *cs = &c->cols;
	size_t w[NCOLS_MAX], i, k, len, cw, pad;
	char *buf, *line, *p;
	int col;

	if (cs->n == 0) {
		cols_default(&dc, c->mode == M_WHO);
		cs = &dc;
	}
	if (c->sort >= 0) {
		sort_key = c->sort;
		qsort(rows, n, sizeof(*rows), cmp_row);
	}
	if ((buf = malloc(CELL_MAX)) == NULL ||
	    (line = malloc(NCOLS_MAX * 2 * CELL_MAX)) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (k = 0; k < cs->n; k++)
		w[k] = strlen(coldefs[cs->v[k]].name);
	/* widths: every column but the last, unless --raw */
	for (i = 0; !c->raw && i < n; i++)
		for (k = 0; k + 1 < cs->n; k++) {
			len = cell(c, &rows[i], cs->v[k], buf, CELL_MAX);
			if ((cw = cell_width(cs->v[k], buf, len)) > w[k])
				w[k] = cw;
		}
	if (c->header && (n > 0 || c->mode != M_WHO))
		for (k = 0; k < cs->n; k++) {
			col = cs->v[k];
			len = strlen(coldefs[col].name);
			pad = c->raw || w[k] < len ? 0 : w[k] - len;
			if (coldefs[col].right)
				fprintf(f, "%*s%s", (int)pad, "",
				    coldefs[col].name);
			else if (k + 1 < cs->n)
				fprintf(f, "%s%*s", coldefs[col].name,
				    (int)pad, "");
			else
				fputs(coldefs[col].name, f);
			putc(k + 1 < cs->n ? ' ' : '\n', f);
		}
	for (i = 0; i < n; i++) {
		p = line;
		for (k = 0; k < cs->n; k++) {
			col = cs->v[k];
			len = cell(c, &rows[i], col, buf, CELL_MAX);
			cw = cell_width(col, buf, len);
			pad = c->raw || w[k] < cw ? 0 : w[k] - cw;
			if (pad > CELL_MAX)
				pad = 0;
			if (coldefs[col].right) {
				memset(p, ' ', pad);
				p += pad;
			}
			memcpy(p, buf, len);
			p += len;
			if (!coldefs[col].right && k + 1 < cs->n) {
				memset(p, ' ', pad);
				p += pad;
			}
			*p++ = k + 1 < cs->n ? ' ' : '\n';
		}
		fwrite(line, 1, (size_t)(p - line), f);
	}
	free(line);
	free(buf);
}
