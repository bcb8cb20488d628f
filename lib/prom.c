/* lib/prom.c - the Prometheus text exposition format, for node_exporter's textfile collector. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "prom.h"

void
tri_prom_init(struct tri_prom *p, FILE *f)
{
	p->f = f;
	p->family[0] = '\0';
}

void
tri_prom_family(struct tri_prom *p, const char *name, const char *type,
    const char *help)
{
	if (strcmp(p->family, name) == 0)
		return;
	snprintf(p->family, sizeof(p->family), "%s", name);
	fprintf(p->f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: the text escape, then \ and " escaped for the format. */
static void
label_value(FILE *f, const char *v)
{
	char buf[512], *e = buf;
	size_t n = tri_out_escape(buf, sizeof(buf), v, strlen(v)), i;

	if (n >= sizeof(buf)) {
		if ((e = malloc(n + 1)) == NULL) {
			fputs("?", f);
			return;
		}
		tri_out_escape(e, n + 1, v, strlen(v));
	}
	for (i = 0; i < n; i++) {
		if (e[i] == '\\' || e[i] == '"')
			putc('\\', f);
		putc(e[i], f);
	}
	if (e != buf)
		free(e);
}

static void
value(FILE *f, double v)
{
	char t[32];

	if (isnan(v))
		fputs("NaN", f);
	else if (isinf(v))
		fputs(v > 0 ? "+Inf" : "-Inf", f);
	else if (v == floor(v) && fabs(v) < 1e18)
		fprintf(f, "%.0f", v);
	else {
		snprintf(t, sizeof(t), "%.15g", v);
		if (strtod(t, NULL) != v)
			snprintf(t, sizeof(t), "%.17g", v);
		fputs(t, f);
	}
}

void
tri_prom_sample(struct tri_prom *p, const char *name,
    const char *const *labels, double v)
{
	size_t i;

	fputs(name, p->f);
	if (labels != NULL && labels[0] != NULL) {
		putc('{', p->f);
		for (i = 0; labels[i] != NULL && labels[i + 1] != NULL; i += 2) {
			fprintf(p->f, "%s%s=\"", i ? "," : "", labels[i]);
			label_value(p->f, labels[i + 1]);
			putc('"', p->f);
		}
		putc('}', p->f);
	}
	putc(' ', p->f);
	value(p->f, v);
	putc('\n', p->f);
}
