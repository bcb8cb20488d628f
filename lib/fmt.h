/* lib/fmt.h - numbers shown the way a person reads them: durations. */
#ifndef TRI_FMT_H
#define TRI_FMT_H

#include <stddef.h>

/*
 * A duration in seconds, short and of bounded width: "4.2s" under 100 s,
 * "12m05s" under 6,000 s, "3h07m" under two days, then "9d04h".  "-" for
 * a negative value (unknown).  Cut at size, always NUL-ended when size >
 * 0; returns buf.
 */
char	*tri_fmt_duration(double secs, char *buf, size_t size);

#endif /* TRI_FMT_H */
