/* lib/prom.h - the Prometheus text exposition format, for node_exporter's textfile collector. */
#ifndef TRI_PROM_H
#define TRI_PROM_H

#include <stdio.h>

/*
 * A writer for one scrape.  Metric names are triage_<command>_<what>
 * with the unit last (_bytes, _seconds, _per_second, _total); labels
 * carry pid, comm, parent and the like (man 7 triage).  Every metric
 * family gets its # HELP and # TYPE once, before its first sample.
 */
struct tri_prom {
	FILE	*f;
	char	 family[128];	/* the family whose header was written last */
};

void	tri_prom_init(struct tri_prom *p, FILE *f);
/*
 * Write "# HELP name help" and "# TYPE name type" (type "gauge" or
 * "counter"), unless name is the family written last.
 */
void	tri_prom_family(struct tri_prom *p, const char *name, const char *type,
	    const char *help);
/*
 * One sample: name{k1="v1",...} value.  labels is a NULL-terminated list
 * of key, value pairs (NULL for none).  A value from a process is written
 * in the text escape of lib/out.h, with backslash and quote escaped as
 * the format wants, so no control byte and no invalid UTF-8 gets out.
 * Integral values print as integers, others at full precision; NaN and
 * infinities as Prometheus spells them.
 */
void	tri_prom_sample(struct tri_prom *p, const char *name,
	    const char *const *labels, double v);

#endif /* TRI_PROM_H */
