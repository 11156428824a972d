/*
 * svgchart: small server-rendered SVG charts for the staff usage pages
 * (issue 6). Kore-free. Every chart is an <svg role="img"> with a <title>,
 * one <title> per bar, point or cell (the value on hover), and is followed
 * by a <table> with the same numbers for screen readers and copying. All
 * text is HTML-escaped; the result is safe to insert unescaped ({{&...}}).
 * The SVG scales to its container (viewBox, width 100%); the chart and its
 * table are wrapped in <div class="chart" role="group">, the table in
 * <div class="scroll">. No style attributes (the portal's CSP).
 */
#ifndef G2B_SVGCHART_H
#define G2B_SVGCHART_H

#include <stddef.h>

#include "strbuf.h"

struct svg_chart {
	const char		*title;		/* caption of chart and table */
	const char		*xhead;		/* table header of the labels */
	const char		*yhead;		/* table header of the values */
	const char *const	*labels;	/* n labels */
	const double		*values;	/* n values (>= 0) */
	size_t			 n;
	const char *const	*links;		/* NULL, or n URLs (or NULL) */
};

/* Vertical bars (n small: days, statuses...). */
void	svg_bar(struct strbuf *, const struct svg_chart *);
/* Horizontal bars (ranked lists: pages, referrers). */
void	svg_hbar(struct strbuf *, const struct svg_chart *);
/* A line over n points (a time series). */
void	svg_line(struct strbuf *, const struct svg_chart *);

/*
 * A heatmap of nr rows by nc columns; values[r * nc + c]. Darker is more.
 */
struct svg_heat {
	const char		*title;
	const char		*corner;	/* table header of the row labels */
	const char *const	*rows;
	size_t			 nr;
	const char *const	*cols;
	size_t			 nc;
	const double		*values;
};
void	svg_heatmap(struct strbuf *, const struct svg_heat *);

/* A number as the charts print it: integers plainly, else 1 decimal. */
void	svg_num(struct strbuf *, double);

#endif
