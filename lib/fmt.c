/* lib/fmt.c - numbers shown the way a person reads them: durations. */
#include <stdio.h>

#include "fmt.h"

char *
tri_fmt_duration(double secs, char *buf, size_t size)
{
	if (secs < 0)
		snprintf(buf, size, "-");
	else if (secs < 100)
		snprintf(buf, size, "%.1fs", secs);
	else if (secs < 6000)
		snprintf(buf, size, "%ldm%02lds", (long)secs / 60,
		    (long)secs % 60);
	else if (secs < 172800)
		snprintf(buf, size, "%ldh%02ldm", (long)secs / 3600,
		    (long)secs % 3600 / 60);
	else
		snprintf(buf, size, "%ldd%02ldh", (long)secs / 86400,
		    (long)secs % 86400 / 3600);
	return buf;
}
