/* tests/unit/test_prom.c - the Prometheus text writer: headers once, escaped labels, values. */
#include <stdio.h>
#include <stdlib.h>

#include "prom.h"
#include "unit.h"

static char *
scrape(void)
{
	static const char *const hostile[] = {
		"pid", "42", "comm", "\033]0;x\a\"q\"\\\xff", NULL,
	};
	static const char *const plain[] = { "pid", "7", "comm", "sh", NULL };
	struct tri_prom p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tri_prom_init(&p, f);
	tri_prom_family(&p, "triage_test_fds", "gauge", "Open fds.");
	tri_prom_sample(&p, "triage_test_fds", hostile, 12);
	tri_prom_family(&p, "triage_test_fds", "gauge", "Open fds.");
	tri_prom_sample(&p, "triage_test_fds", plain, 3);
	tri_prom_family(&p, "triage_test_rate_per_second", "gauge", "A rate.");
	tri_prom_sample(&p, "triage_test_rate_per_second", NULL, 0.1);
	tri_prom_sample(&p, "triage_test_rate_per_second", NULL, 0.0 / 0.0);
	fclose(f);
	return buf;
}

static void
prom_text(void)
{
	char *s = scrape();

	CHECK_STR(s,
	    "# HELP triage_test_fds Open fds.\n"
	    "# TYPE triage_test_fds gauge\n"
	    "triage_test_fds{pid=\"42\",comm=\"\\\\e]0;x\\\\x07\\\"q\\\"\\\\\\\\\\\\xff\"} 12\n"
	    "triage_test_fds{pid=\"7\",comm=\"sh\"} 3\n"
	    "# HELP triage_test_rate_per_second A rate.\n"
	    "# TYPE triage_test_rate_per_second gauge\n"
	    "triage_test_rate_per_second 0.1\n"
	    "triage_test_rate_per_second NaN\n");
	free(s);
}

int
main(void)
{
	RUN(prom_text);
	return UNIT_END();
}
