/* cmd/triage/prom.c - the findings for node_exporter's textfile collector. */
#include <stdio.h>

#include "prom.h"
#include "triage.h"

/*
 * triage_triage_findings{severity} counts, and one
 * triage_triage_finding{check,pid,comm,severity} sample per finding
 * whose value is its severity (2 CRIT, 1 WARN, 0 INFO), so an alert is
 * "triage_triage_finding >= 1".
 */
void
prom_report(const struct ctl *ctl, const struct report *r)
{
	static const char *const sevs[] = { "CRIT", "WARN", "INFO" };
	struct tri_prom p;
	char pid[16];
	size_t i;
	int s, n;

	tri_prom_init(&p, stdout);
	tri_prom_family(&p, "triage_triage_findings", "gauge",
	    "findings of the last run, by severity");
	for (s = 0; s < 3; s++) {
		const char *labels[] = { "severity", sevs[s], NULL };

		for (n = 0, i = 0; i < r->n; i++)
			n += (int)r->f[i].sev == s;
		tri_prom_sample(&p, "triage_triage_findings", labels, n);
	}
	tri_prom_family(&p, "triage_triage_finding", "gauge",
	    "one finding: 2 CRIT, 1 WARN, 0 INFO");
	for (i = 0; i < r->n; i++) {
		const struct finding *f = &r->f[i];
		const char *labels[] = { "check", f->check, "pid", pid,
		    "comm", f->comm, "severity", sev_name(f->sev), NULL };

		snprintf(pid, sizeof(pid), "%d", (int)f->pid);
		tri_prom_sample(&p, "triage_triage_finding", labels,
		    2 - (int)f->sev);
	}
	tri_prom_family(&p, "triage_triage_window_seconds", "gauge",
	    "the sampling window of the last run");
	tri_prom_sample(&p, "triage_triage_window_seconds", NULL, r->window);
	(void)ctl;
}
