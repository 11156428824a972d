/*
 * svgchart: bar, line and heatmap charts as SVG with accessible tables;
 * see svgchart.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "svgchart.h"

/* Sized for a panel of about 400 px, where 11-px text stays 11 px. */
#define W	400
#define H	200
#define PADL	40
#define PADR	8
#define PADT	12
#define PADB	28
#define HEAT_W	720

static void
esc(struct strbuf *b, const char *s)
{
	if (s == NULL)
		s = "";
	strbuf_append_html(b, s, strlen(s));
}

void
svg_num(struct strbuf *b, double v)
{
	if (!isfinite(v))
		v = 0;
	if (fabs(v - floor(v + 0.5)) < 1e-9 && fabs(v) < 1e15)
		strbuf_appendf(b, "%.0f", v);
	else
		strbuf_appendf(b, "%.1f", v);
}

static double
maxof(const double *v, size_t n)
{
	double	m = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		if (isfinite(v[i]) && v[i] > m)
			m = v[i];
	return (m);
}

/* A round upper bound of the axis: 1, 2 or 5 times a power of ten. */
static double
nice(double m)
{
	double	p;

	if (m <= 4)
		return (4);	/* whole-number ticks for small counts */
	p = pow(10, floor(log10(m)));
	if (m <= p)
		return (p);
	if (m <= 2 * p)
		return (2 * p);
	if (m <= 5 * p)
		return (5 * p);
	return (10 * p);
}

static double
val(const struct svg_chart *c, size_t i)
{
	return (isfinite(c->values[i]) && c->values[i] > 0 ? c->values[i] :
	    0);
}

static void
open_svg(struct strbuf *b, const char *title, int w, int h)
{
	/* presentation attributes, no style: the CSP allows no inline
	 * style */
	strbuf_appendf(b, "<div class=\"chart\" role=\"group\"><svg xmlns=\""
	    "http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "width=\"100%%\" role=\"img\" preserveAspectRatio=\"xMidYMid "
	    "meet\" font-family=\"sans-serif\" font-size=\"11\"><title>", w, h);
	esc(b, title);
	strbuf_appendstr(b, "</title>");
}

static void
close_svg(struct strbuf *b)
{
	strbuf_appendstr(b, "</svg>");
}

/* The table of a chart, with its caption; closes the wrapper. */
static void
table(struct strbuf *b, const struct svg_chart *c)
{
	size_t	i;

	strbuf_appendstr(b, "<div class=\"scroll\"><table class=\"chart-data\">"
	    "<caption>");
	esc(b, c->title);
	strbuf_appendstr(b, "</caption><thead><tr><th scope=\"col\">");
	esc(b, c->xhead);
	strbuf_appendstr(b, "</th><th scope=\"col\" class=\"num\">");
	esc(b, c->yhead);
	strbuf_appendstr(b, "</th></tr></thead><tbody>");
	for (i = 0; i < c->n; i++) {
		strbuf_appendstr(b, "<tr><th scope=\"row\">");
		if (c->links != NULL && c->links[i] != NULL) {
			strbuf_appendstr(b, "<a href=\"");
			esc(b, c->links[i]);
			strbuf_appendstr(b, "\">");
			esc(b, c->labels[i]);
			strbuf_appendstr(b, "</a>");
		} else
			esc(b, c->labels[i]);
		strbuf_appendstr(b, "</th><td class=\"num\">");
		svg_num(b, val(c, i));
		strbuf_appendstr(b, "</td></tr>");
	}
	strbuf_appendstr(b, "</tbody></table></div></div>");
}

/* "label: value" inside a <title>. */
static void
tip(struct strbuf *b, const struct svg_chart *c, size_t i)
{
	strbuf_appendstr(b, "<title>");
	esc(b, c->labels[i]);
	strbuf_appendstr(b, ": ");
	svg_num(b, val(c, i));
	strbuf_appendstr(b, "</title>");
}

static void
axis(struct strbuf *b, double top, int w)
{
	int	k;

	for (k = 0; k <= 4; k++) {
		double y = PADT + (H - PADT - PADB) * (1 - k / 4.0);

		strbuf_appendf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\" fill=\"#555\">", PADL, w - PADR, y, y,
		    PADL - 4, y + 4);
		svg_num(b, top * k / 4);
		strbuf_appendstr(b, "</text>");
	}
}

/* An x label: a date YYYY-MM-DD as MM-DD (the table has it whole). */
static void
xlabel(struct strbuf *b, const char *s)
{
	if (s != NULL && strlen(s) == 10 && s[4] == '-' && s[7] == '-')
		s += 5;
	esc(b, s);
}

/* Every k-th x label, so they do not overlap. */
static size_t
label_step(size_t n, int room)
{
	size_t	k = 1;

	while (n / k > (size_t)(room / 64))
		k++;
	return (k);
}

void
svg_bar(struct strbuf *b, const struct svg_chart *c)
{
	double	top, bw, x, h;
	size_t	i, step;

	top = nice(maxof(c->values, c->n));
	open_svg(b, c->title, W, H);
	axis(b, top, W);
	bw = c->n > 0 ? (double)(W - PADL - PADR) / (double)c->n : 0;
	step = label_step(c->n, W - PADL - PADR);
	for (i = 0; i < c->n; i++) {
		x = PADL + bw * (double)i;
		h = (H - PADT - PADB) * val(c, i) / top;
		strbuf_appendf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#2f6db5\">", x + bw * 0.1,
		    H - PADB - h, bw * 0.8, h);
		tip(b, c, i);
		strbuf_appendstr(b, "</rect>");
		if (i % step == 0) {
			strbuf_appendf(b, "<text x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" fill=\"#333\">",
			    x + bw / 2, H - PADB + 14);
			xlabel(b, c->labels[i]);
			strbuf_appendstr(b, "</text>");
		}
	}
	close_svg(b);
	table(b, c);
}

void
svg_line(struct strbuf *b, const struct svg_chart *c)
{
	double	top, dx, x, y;
	size_t	i, step;

	top = nice(maxof(c->values, c->n));
	open_svg(b, c->title, W, H);
	axis(b, top, W);
	dx = c->n > 1 ? (double)(W - PADL - PADR - 8) / (double)(c->n - 1) :
	    0;
	step = label_step(c->n, W - PADL - PADR);
	if (c->n > 0) {
		strbuf_appendstr(b, "<polyline fill=\"none\" stroke=\"#2f6db5\" "
		    "stroke-width=\"2\" points=\"");
		for (i = 0; i < c->n; i++) {
			x = PADL + 4 + dx * (double)i;
			y = H - PADB - (H - PADT - PADB) * val(c, i) / top;
			strbuf_appendf(b, "%s%.1f,%.1f", i ? " " : "", x, y);
		}
		strbuf_appendstr(b, "\"/>");
	}
	for (i = 0; i < c->n; i++) {
		x = PADL + 4 + dx * (double)i;
		y = H - PADB - (H - PADT - PADB) * val(c, i) / top;
		strbuf_appendf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
		    "fill=\"#2f6db5\">", x, y);
		tip(b, c, i);
		strbuf_appendstr(b, "</circle>");
		if (i % step == 0) {
			strbuf_appendf(b, "<text x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" fill=\"#333\">", x,
			    H - PADB + 14);
			xlabel(b, c->labels[i]);
			strbuf_appendstr(b, "</text>");
		}
	}
	close_svg(b);
	table(b, c);
}

void
svg_hbar(struct strbuf *b, const struct svg_chart *c)
{
	double	top, w;
	size_t	i;
	int	h, row = 22, lw = 130;

	top = nice(maxof(c->values, c->n));
	h = PADT + row * (int)c->n + 8;
	open_svg(b, c->title, W, h);
	for (i = 0; i < c->n; i++) {
		int y = PADT + row * (int)i;

		w = (W - lw - PADR - 60) * val(c, i) / top;
		strbuf_appendf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		    "fill=\"#333\">", lw - 6, y + 15);
		/* long labels are cut in the picture; the table has them */
		if (strlen(c->labels[i]) > 20) {
			char	cut[40];
			size_t	k = 18;

			while (k > 0 && ((unsigned char)c->labels[i][k] &
			    0xc0) == 0x80)
				k--;	/* not inside a UTF-8 sequence */
			snprintf(cut, sizeof(cut), "%.*s…", (int)k,
			    c->labels[i]);
			esc(b, cut);
		} else
			esc(b, c->labels[i]);
		strbuf_appendf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
		    "height=\"16\" fill=\"#2f6db5\">", lw, y + 3, w);
		tip(b, c, i);
		strbuf_appendf(b, "</rect><text x=\"%.1f\" y=\"%d\" "
		    "fill=\"#333\">", lw + w + 4, y + 15);
		svg_num(b, val(c, i));
		strbuf_appendstr(b, "</text>");
	}
	close_svg(b);
	table(b, c);
}

void
svg_heatmap(struct strbuf *b, const struct svg_heat *hm)
{
	double	 m, v;
	size_t	 r, c;
	int	 cw, ch = 20, lw = 40, w, h, shade;

	m = maxof(hm->values, hm->nr * hm->nc);
	for (r = 0; r < hm->nr; r++)	/* room for the row labels */
		if ((int)strlen(hm->rows[r]) * 7 + 8 > lw)
			lw = (int)strlen(hm->rows[r]) * 7 + 8;
	if (lw > 220)
		lw = 220;
	cw = hm->nc > 0 ? (HEAT_W - lw - PADR) / (int)hm->nc : 0;
	w = HEAT_W;
	h = PADT + ch * (int)hm->nr + 20;
	open_svg(b, hm->title, w, h);
	for (c = 0; c < hm->nc; c++)
		if (hm->nc <= 12 || c % 3 == 0) {
			strbuf_appendf(b, "<text x=\"%d\" y=\"%d\" fill=\"#333\">",
			    lw + cw * (int)c, h - 6);
			esc(b, hm->cols[c]);
			strbuf_appendstr(b, "</text>");
		}
	for (r = 0; r < hm->nr; r++) {
		strbuf_appendf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		    "fill=\"#333\">", lw - 4, PADT + ch * (int)r + 14);
		esc(b, hm->rows[r]);
		strbuf_appendstr(b, "</text>");
		for (c = 0; c < hm->nc; c++) {
			v = hm->values[r * hm->nc + c];
			if (!isfinite(v) || v < 0)
				v = 0;
			shade = m > 0 ? (int)(230 - 190 * v / m) : 240;
			if (v == 0)
				shade = 245;
			strbuf_appendf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			    "height=\"%d\" fill=\"rgb(%d,%d,255)\"><title>",
			    lw + cw * (int)c, PADT + ch * (int)r, cw - 1,
			    ch - 1, shade, shade);
			esc(b, hm->rows[r]);
			strbuf_appendstr(b, " ");
			esc(b, hm->cols[c]);
			strbuf_appendstr(b, ": ");
			svg_num(b, v);
			strbuf_appendstr(b, "</title></rect>");
		}
	}
	close_svg(b);
	strbuf_appendstr(b, "<div class=\"scroll\"><table class=\"chart-data\">"
	    "<caption>");
	esc(b, hm->title);
	strbuf_appendstr(b, "</caption><thead><tr><th scope=\"col\">");
	esc(b, hm->corner);
	strbuf_appendstr(b, "</th>");
	for (c = 0; c < hm->nc; c++) {
		strbuf_appendstr(b, "<th scope=\"col\" class=\"num\">");
		esc(b, hm->cols[c]);
		strbuf_appendstr(b, "</th>");
	}
	strbuf_appendstr(b, "</tr></thead><tbody>");
	for (r = 0; r < hm->nr; r++) {
		strbuf_appendstr(b, "<tr><th scope=\"row\">");
		esc(b, hm->rows[r]);
		strbuf_appendstr(b, "</th>");
		for (c = 0; c < hm->nc; c++) {
			strbuf_appendstr(b, "<td class=\"num\">");
			svg_num(b, hm->values[r * hm->nc + c]);
			strbuf_appendstr(b, "</td>");
		}
		strbuf_appendstr(b, "</tr>");
	}
	strbuf_appendstr(b, "</tbody></table></div></div>");
}
