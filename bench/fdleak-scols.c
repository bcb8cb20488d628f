/* bench/fdleak-scols.c - why fdleak writes its table itself: 95,000 rows
 * of 8 columns through libsmartcols against a hand writer.  Build with
 * cc -O2 bench/fdleak-scols.c $(pkg-config --cflags --libs smartcols)
 * (Debian libsmartcols-dev); run "./a.out scols" and "./a.out hand". */
#include <libsmartcols/libsmartcols.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#define N 95000
int main(int argc, char **argv)
{
	char b[64];
	int i, k;
	if (argc > 1 && strcmp(argv[1], "scols") == 0) {
		struct libscols_table *t = scols_new_table();
		const char *names[8] = { "PID", "FD", "TYPE", "MODE", "FLAGS", "POS", "SIZE", "TARGET" };
		for (k = 0; k < 8; k++)
			scols_table_new_column(t, names[k], 0, k == 7 ? SCOLS_FL_NOEXTREMES : (k == 0 || k == 1 || k == 5 || k == 6 ? SCOLS_FL_RIGHT : 0));
		for (i = 0; i < N; i++) {
			struct libscols_line *l = scols_table_new_line(t, NULL);
			snprintf(b, sizeof(b), "%d", 1000 + i / 19000); scols_line_set_data(l, 0, b);
			snprintf(b, sizeof(b), "%d", i % 19000); scols_line_set_data(l, 1, b);
			scols_line_set_data(l, 2, "SOCK"); scols_line_set_data(l, 3, "rw");
			scols_line_set_data(l, 4, "-"); scols_line_set_data(l, 5, "0");
			scols_line_set_data(l, 6, "-");
			snprintf(b, sizeof(b), "TCP 127.0.0.1:%d -> 127.0.0.1:80 ESTABLISHED", i);
			scols_line_set_data(l, 7, b);
		}
		scols_print_table(t);
		scols_unref_table(t);
	} else {
		int w[8] = { 4, 5, 4, 4, 5, 3, 4, 0 };
		printf("%*s %*s %-*s %-*s %-*s %*s %*s %s\n", w[0], "PID", w[1], "FD", w[2], "TYPE", w[3], "MODE", w[4], "FLAGS", w[5], "POS", w[6], "SIZE", "TARGET");
		for (i = 0; i < N; i++) {
			char line[256], *p = line;
			p += sprintf(p, "%*d %*d ", w[0], 1000 + i / 19000, w[1], i % 19000);
			memcpy(p, "SOCK rw   -       0    - ", 26); p += 26;
			p += sprintf(p, "TCP 127.0.0.1:%d -> 127.0.0.1:80 ESTABLISHED\n", i);
			fwrite(line, 1, (size_t)(p - line), stdout);
		}
	}
	return 0;
}
