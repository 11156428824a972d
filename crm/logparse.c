/*
 * Access-log line parser, user-agent classes and routes: see logparse.h.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "logparse.h"

static const char *const error_names[LP_E_COUNT] = {
	"ok", "empty", "host", "ident", "time", "request", "status", "bytes",
	"referer", "agent", "trailing", "toolong", "binary", "u1"
};

const char *
lp_error_name(int e)
{
	if (e < 0 || e >= LP_E_COUNT)
		return ("unknown");
	return (error_names[e]);
}

/* ---------------------------------------------------------------- time */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
int64_t
lp_days_from_civil(int y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static int
month_of(const char *m)
{
	/* Three letters, first capital as Apache/nginx/Kore write them;
	 * compared without case for other writers. */
	uint32_t	k;

	k = ((uint32_t)(m[0] | 0x20) << 16) | ((uint32_t)(m[1] | 0x20) << 8) |
	    (uint32_t)(m[2] | 0x20);
	switch (k) {
	case ('j' << 16) | ('a' << 8) | 'n': return (1);
	case ('f' << 16) | ('e' << 8) | 'b': return (2);
	case ('m' << 16) | ('a' << 8) | 'r': return (3);
	case ('a' << 16) | ('p' << 8) | 'r': return (4);
	case ('m' << 16) | ('a' << 8) | 'y': return (5);
	case ('j' << 16) | ('u' << 8) | 'n': return (6);
	case ('j' << 16) | ('u' << 8) | 'l': return (7);
	case ('a' << 16) | ('u' << 8) | 'g': return (8);
	case ('s' << 16) | ('e' << 8) | 'p': return (9);
	case ('o' << 16) | ('c' << 8) | 't': return (10);
	case ('n' << 16) | ('o' << 8) | 'v': return (11);
	case ('d' << 16) | ('e' << 8) | 'c': return (12);
	}
	return (0);
}

static inline int
dig2(const char *p, int *v)
{
	if ((unsigned)(p[0] - '0') > 9 || (unsigned)(p[1] - '0') > 9)
		return (-1);
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return (0);
}

#define TIMELEN	26	/* dd/Mon/yyyy:HH:MM:SS +zzzz */

/*
 * p points after '[' and has at least n bytes; the text must be exactly
 * "dd/Mon/yyyy:HH:MM:SS +zzzz" followed by ']'. The minute (with the zone)
 * is cached: only the seconds differ between most consecutive lines.
 */
int
lp_parse_time(struct lp_timecache *tc, const char *p, size_t n, int64_t *ts)
{
	int		 d, mo, y, hh, mm, ss, zh, zm, y2, leap;
	int64_t		 off;
	static const int mdays[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (n < TIMELEN + 1 || p[TIMELEN] != ']')
		return (-1);
	if (dig2(p + 18, &ss) == -1 || p[17] != ':' || ss > 60)
		return (-1);
	if (tc != NULL && tc->valid && memcmp(tc->key, p, 17) == 0 &&
	    memcmp(tc->key + 17, p + 20, 6) == 0) {
		*ts = tc->minute + ss;
		return (0);
	}
	if (dig2(p, &d) == -1 || p[2] != '/' || p[6] != '/' ||
	    (mo = month_of(p + 3)) == 0 || dig2(p + 7, &y) == -1 ||
	    dig2(p + 9, &y2) == -1 || p[11] != ':' ||
	    dig2(p + 12, &hh) == -1 || p[14] != ':' ||
	    dig2(p + 15, &mm) == -1 || p[20] != ' ' ||
	    (p[21] != '+' && p[21] != '-') || dig2(p + 22, &zh) == -1 ||
	    dig2(p + 24, &zm) == -1)
		return (-1);
	y = y * 100 + y2;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d < 1 || d > mdays[mo] || (mo == 2 && d == 29 && !leap) ||
	    hh > 23 || mm > 59 || zh > 23 || zm > 59 || y < 1970)
		return (-1);
	off = (int64_t)(zh * 60 + zm) * 60;
	if (p[21] == '-')
		off = -off;
	/* Local time minus the offset is UTC. */
	if (tc != NULL) {
		memcpy(tc->key, p, 17);
		memcpy(tc->key + 17, p + 20, 6);
		tc->minute = lp_days_from_civil(y, mo, d) * 86400 +
		    hh * 3600 + mm * 60 - off;
		tc->valid = 1;
		*ts = tc->minute + ss;
	} else {
		*ts = lp_days_from_civil(y, mo, d) * 86400 + hh * 3600 +
		    mm * 60 + ss - off;
	}
	return (0);
}

/* ---------------------------------------------------------------- lines */

/*
 * p points at an opening quote. Return the closing quote (one not escaped
 * by an odd run of backslashes) or NULL; *esc is set when a backslash
 * escape was seen.
 */
static const char *
quoted_end(const char *p, const char *e, int *esc)
{
	const char	*q, *b;

	p++;
	for (;;) {
		q = memchr(p, '"', (size_t)(e - p));
		if (q == NULL)
			return (NULL);
		if (q[-1] != '\\')
			return (q);
		b = q - 1;
		while (b >= p && *b == '\\')
			b--;
		*esc = 1;
		if (((q - 1) - b) % 2 == 0)
			return (q);
		p = q + 1;
	}
}

static inline int
host_char(unsigned char c)
{
	return (isalnum(c) || c == '.' || c == ':' || c == '-' || c == '_' ||
	    c == '%' || c == '[' || c == ']');
}

static inline void
set(struct lp_str *s, const char *a, const char *b)
{
	s->p = a;
	s->n = (uint32_t)(b - a);
}

int
lp_parse(struct lp_timecache *tc, const char *s, size_t n, struct lp_line *l)
{
	const char	*p, *e, *q, *r, *sp;
	int64_t		 v, frac, scale;
	int		 dots, i;

	memset(l, 0, sizeof(*l));
	l->bytes = -1;
	l->resp_us = -1;
	p = s;
	e = s + n;
	while (e > p && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p == e)
		return (LP_E_EMPTY);
	if (memchr(p, '\0', (size_t)(e - p)) != NULL)
		return (LP_E_BINARY);

	/* host */
	if ((q = memchr(p, ' ', (size_t)(e - p))) == NULL || q == p)
		return (LP_E_HOST);
	for (r = p; r < q; r++) {
		if (!host_char((unsigned char)*r))
			return (LP_E_HOST);
		if (*r == ':')
			l->ipv6 = 1;
	}
	set(&l->host, p, q);
	p = q + 1;

	/* ident (ignored), then user */
	if ((q = memchr(p, ' ', (size_t)(e - p))) == NULL || q == p)
		return (LP_E_IDENT);
	p = q + 1;
	if ((q = memchr(p, ' ', (size_t)(e - p))) == NULL || q == p)
		return (LP_E_IDENT);
	if (!(q - p == 1 && *p == '-'))
		set(&l->user, p, q);
	p = q + 1;

	/* [time] */
	if (p >= e || *p != '[')
		return (LP_E_TIME);
	p++;
	if (lp_parse_time(tc, p, (size_t)(e - p), &l->ts) == -1)
		return (LP_E_TIME);
	p += TIMELEN + 1;

	/* "request" */
	if (e - p < 2 || p[0] != ' ' || p[1] != '"')
		return (LP_E_REQUEST);
	p++;
	if ((q = quoted_end(p, e, &l->escapes)) == NULL)
		return (LP_E_REQUEST);
	p++;
	/* METHOD: capital letters (WebDAV and friends included) */
	for (r = p; r < q && *r >= 'A' && *r <= 'Z'; r++)
		;
	if (r == p || r - p > 20 || r >= q || *r != ' ')
		return (LP_E_REQUEST);
	set(&l->method, p, r);
	r++;
	if (r >= q || *r == ' ')
		return (LP_E_REQUEST);
	sp = memchr(r, ' ', (size_t)(q - r));
	if (sp == NULL) {
		set(&l->target, r, q);		/* HTTP/0.9 style */
		set(&l->proto, q, q);
	} else {
		set(&l->target, r, sp);
		set(&l->proto, sp + 1, q);
		if (l->proto.n == 0 || memchr(l->proto.p, ' ', l->proto.n))
			return (LP_E_REQUEST);
	}
	l->path = l->target;
	for (i = 0; i < (int)l->target.n; i++) {
		if (l->target.p[i] == '?' || l->target.p[i] == '#') {
			l->path.n = (uint32_t)i;
			break;
		}
	}
	p = q + 1;

	/* status */
	if (e - p < 4 || p[0] != ' ' || (unsigned)(p[1] - '1') > 4 ||
	    (unsigned)(p[2] - '0') > 9 || (unsigned)(p[3] - '0') > 9)
		return (LP_E_STATUS);
	l->status = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	p += 4;
	if (p < e && *p != ' ')
		return (LP_E_STATUS);

	/* bytes */
	if (p >= e || p + 1 >= e)
		return (LP_E_BYTES);
	p++;
	if (*p == '-') {
		p++;
	} else {
		v = 0;
		for (r = p; r < e && (unsigned)(*r - '0') <= 9 && r - p < 18;
		    r++)
			v = v * 10 + (*r - '0');
		if (r == p)
			return (LP_E_BYTES);
		l->bytes = v;
		p = r;
	}
	if (p == e)
		return (LP_OK);		/* Common Log Format */
	if (*p != ' ')
		return (LP_E_BYTES);
	while (p < e && *p == ' ')
		p++;
	if (p == e)
		return (LP_OK);

	/* "referer" "agent" */
	if (*p != '"' || (q = quoted_end(p, e, &l->escapes)) == NULL)
		return (LP_E_REFERER);
	if (!(q - p == 2 && p[1] == '-'))
		set(&l->referer, p + 1, q);
	p = q + 1;
	if (e - p < 2 || p[0] != ' ' || p[1] != '"' ||
	    (q = quoted_end(p + 1, e, &l->escapes)) == NULL)
		return (LP_E_AGENT);
	if (!(q - p == 3 && p[2] == '-'))
		set(&l->agent, p + 2, q);
	l->combined = 1;
	p = q + 1;

	/* optional request time, then only blanks */
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p == e)
		return (LP_OK);
	if (*p == '"')		/* nginx writes quoted numbers sometimes */
		p++;
	v = 0;
	frac = 0;
	scale = 1;
	dots = 0;
	for (r = p; r < e && r - p < 20; r++) {
		if ((unsigned)(*r - '0') <= 9) {
			if (dots) {
				if (scale < 1000000) {
					frac = frac * 10 + (*r - '0');
					scale *= 10;
				}
			} else
				v = v * 10 + (*r - '0');
		} else if (*r == '.' && !dots)
			dots = 1;
		else
			break;
	}
	if (r == p)
		return (LP_E_TRAILING);
	if (r < e && *r == '"')
		r++;
	while (r < e && (*r == ' ' || *r == '\t'))
		r++;
	if (r != e)
		return (LP_E_TRAILING);
	if (dots)
		l->resp_us = v * 1000000 + frac * (1000000 / scale);
	else
		l->resp_us = v;
	return (LP_OK);
}

size_t
lp_unescape(char *dst, size_t size, struct lp_str s)
{
	size_t		i, o;

	if (size == 0)
		return (0);
	for (i = 0, o = 0; i < s.n && o + 1 < size; i++) {
		if (s.p[i] == '\\' && i + 1 < s.n &&
		    (s.p[i + 1] == '"' || s.p[i + 1] == '\\'))
			i++;
		dst[o++] = s.p[i];
	}
	dst[o] = '\0';
	return (o);
}

/* ---------------------------------------------------------------- agents */

static const char *const browser_names[LP_BR_COUNT] = {
	"Other", "Chrome", "Edge", "Firefox", "Safari", "Samsung Internet",
	"Whale", "Opera", "Internet Explorer", "Headless Chrome", "Crawler",
	"curl", "Wget", "Node.js", "Python", "Go", "Java", "Load tester",
	"g2b-cli", "(none)"
};
static const char *const os_names[LP_OS_COUNT] = {
	"Other", "Windows", "macOS", "iOS", "Android", "Linux", "ChromeOS",
	"Crawler", "(none)"
};

const char *
lp_browser_name(int b)
{
	return (b >= 0 && b < LP_BR_COUNT ? browser_names[b] : "Other");
}

const char *
lp_os_name(int o)
{
	return (o >= 0 && o < LP_OS_COUNT ? os_names[o] : "Other");
}

static int
has(const char *s, size_t n, const char *w)
{
	return (memmem(s, n, w, strlen(w)) != NULL);
}

/* Case-insensitive search for a lower-case word. */
static int
hasi(const char *s, size_t n, const char *w)
{
	size_t		wn, i, j;

	wn = strlen(w);
	if (wn > n)
		return (0);
	for (i = 0; i + wn <= n; i++) {
		for (j = 0; j < wn; j++)
			if (tolower((unsigned char)s[i + j]) != w[j])
				break;
		if (j == wn)
			return (1);
	}
	return (0);
}

static int
starts(const char *s, size_t n, const char *w)
{
	size_t	wn = strlen(w);

	return (n >= wn && strncasecmp(s, w, wn) == 0);
}

void
lp_classify_agent(const char *s, size_t n, struct lp_agent *a)
{
	int	 b = -1;

	a->bot = 0;
	a->browser = LP_BR_OTHER;
	a->os = LP_OS_OTHER;
	if (n == 0 || (n == 1 && s[0] == '-')) {
		a->browser = LP_BR_NONE;
		a->os = LP_OS_NONE;
		return;
	}

	/* Tools and robots first: many copy a browser's string. */
	if (has(s, n, "HeadlessChrome") || has(s, n, "PhantomJS") ||
	    has(s, n, "Lighthouse"))
		b = LP_BR_HEADLESS;
	else if (starts(s, n, "curl/") || starts(s, n, "curl"))
		b = LP_BR_CURL;
	else if (starts(s, n, "Wget"))
		b = LP_BR_WGET;
	else if (starts(s, n, "g2b-cli"))
		b = LP_BR_G2BCLI;
	else if ((n == 4 && memcmp(s, "node", 4) == 0) ||
	    starts(s, n, "node-fetch") || starts(s, n, "undici") ||
	    starts(s, n, "axios") || starts(s, n, "node/"))
		b = LP_BR_NODE;
	else if (starts(s, n, "python") || has(s, n, "aiohttp") ||
	    has(s, n, "Scrapy"))
		b = LP_BR_PYTHON;
	else if (starts(s, n, "Go-http-client"))
		b = LP_BR_GO;
	else if (starts(s, n, "Java/") || starts(s, n, "okhttp") ||
	    starts(s, n, "Apache-HttpClient"))
		b = LP_BR_JAVA;
	else if (starts(s, n, "hey/") || starts(s, n, "ApacheBench") ||
	    starts(s, n, "wrk") || starts(s, n, "k6/") ||
	    has(s, n, "JMeter") || has(s, n, "Gatling") ||
	    starts(s, n, "Siege") || starts(s, n, "oha/"))
		b = LP_BR_LOADTEST;
	else if (hasi(s, n, "bot") || hasi(s, n, "crawl") ||
	    hasi(s, n, "spider") || has(s, n, "Slurp") ||
	    has(s, n, "Yeti/") || has(s, n, "Daum") ||
	    has(s, n, "facebookexternalhit") || hasi(s, n, "monitor") ||
	    has(s, n, "Mediapartners") || has(s, n, "feedfetcher"))
		b = LP_BR_BOT;
	if (b != -1) {
		a->browser = (uint8_t)b;
		a->bot = 1;
		a->os = LP_OS_BOT;
		return;
	}

	/* Browsers, most specific token first. */
	if (has(s, n, "Whale/"))
		a->browser = LP_BR_WHALE;
	else if (has(s, n, "SamsungBrowser/"))
		a->browser = LP_BR_SAMSUNG;
	else if (has(s, n, "Edg/") || has(s, n, "Edge/") ||
	    has(s, n, "EdgA/") || has(s, n, "EdgiOS/"))
		a->browser = LP_BR_EDGE;
	else if (has(s, n, "OPR/") || has(s, n, "Opera"))
		a->browser = LP_BR_OPERA;
	else if (has(s, n, "Firefox/") || has(s, n, "FxiOS/"))
		a->browser = LP_BR_FIREFOX;
	else if (has(s, n, "Chrome/") || has(s, n, "CriOS/") ||
	    has(s, n, "Chromium/"))
		a->browser = LP_BR_CHROME;
	else if (has(s, n, "MSIE ") || has(s, n, "Trident/"))
		a->browser = LP_BR_IE;
	else if (has(s, n, "Safari/") || (has(s, n, "AppleWebKit/") &&
	    (has(s, n, "iPhone") || has(s, n, "iPad"))))
		a->browser = LP_BR_SAFARI;

	if (has(s, n, "Windows"))
		a->os = LP_OS_WINDOWS;
	else if (has(s, n, "Android"))
		a->os = LP_OS_ANDROID;
	else if (has(s, n, "iPhone") || has(s, n, "iPad") ||
	    has(s, n, "iPod"))
		a->os = LP_OS_IOS;
	else if (has(s, n, "CrOS"))
		a->os = LP_OS_CHROMEOS;
	else if (has(s, n, "Macintosh") || has(s, n, "Mac OS X"))
		a->os = LP_OS_MACOS;
	else if (has(s, n, "Linux") || has(s, n, "X11"))
		a->os = LP_OS_LINUX;
}

void
lp_classify_cached(struct lp_agentcache *c, const char *s, size_t n,
    struct lp_agent *a)
{
	uint64_t	h;
	size_t		i;

	h = lp_hash(s, n, 0x9e3779b97f4a7c15ULL);
	i = (size_t)(h & 4095);
	if (c->slot[i].used && c->slot[i].h == h &&
	    c->slot[i].n == (uint32_t)n) {
		*a = c->slot[i].a;
		return;
	}
	lp_classify_agent(s, n, a);
	c->slot[i].h = h;
	c->slot[i].n = (uint32_t)n;
	c->slot[i].used = 1;
	c->slot[i].a = *a;
}

/* ---------------------------------------------------------------- routes */

static int
id_segment(const char *s, size_t n)
{
	size_t	i, hex, dash;

	if (n == 0)
		return (0);
	for (i = 0; i < n && (unsigned)(s[i] - '0') <= 9; i++)
		;
	if (i == n)
		return (1);
	if (n < 16)
		return (0);
	for (i = 0, hex = 0, dash = 0; i < n; i++) {
		if (isxdigit((unsigned char)s[i]))
			hex++;
		else if (s[i] == '-')
			dash++;
		else
			return (0);
	}
	return (dash <= 4 ? 2 : 0);
}

size_t
lp_route(char *dst, size_t size, const char *p, size_t n)
{
	size_t		 o, i, j;
	int		 k;
	const char	*rep;

	if (size == 0)
		return (0);
	o = 0;
	if (n == 0 || p[0] != '/') {
		/* "*" (OPTIONS), absolute URIs of proxies, garbage: one
		 * route each kind, so they cannot flood the table. */
		rep = (n == 1 && p[0] == '*') ? "*" :
		    (n > 7 && (strncasecmp(p, "http://", 7) == 0 ||
		    strncasecmp(p, "https://", 8) == 0)) ? "(absolute)" :
		    "(invalid)";
		o = strlen(rep);
		if (o >= size)
			o = size - 1;
		memcpy(dst, rep, o);
		dst[o] = '\0';
		return (o);
	}
	i = 0;
	while (i < n && o + 1 < size) {
		/* p[i] == '/' */
		dst[o++] = '/';
		i++;
		for (j = i; j < n && p[j] != '/'; j++)
			;
		k = id_segment(p + i, j - i);
		if (k != 0) {
			rep = k == 1 ? ":id" : ":key";
			for (; *rep != '\0' && o + 1 < size; rep++)
				dst[o++] = *rep;
		} else {
			for (; i < j && o + 1 < size; i++)
				dst[o++] = p[i];
		}
		i = j;
	}
	dst[o] = '\0';
	return (o);
}

int
lp_is_static(const char *p, size_t n)
{
	static const char *const ext[] = { ".css", ".js", ".png", ".jpg",
	    ".jpeg", ".gif", ".svg", ".ico", ".woff", ".woff2", ".ttf",
	    ".map", ".webp", ".avif", ".mjs", ".eot", NULL };
	const char	*dot;
	size_t		 i, k;

	if (n >= 8 && memcmp(p, "/static/", 8) == 0)
		return (1);
	for (i = n; i > 0 && p[i - 1] != '.' && p[i - 1] != '/'; i--)
		;
	if (i == 0 || p[i - 1] != '.')
		return (0);
	dot = p + i - 1;
	k = n - (i - 1);
	for (i = 0; ext[i] != NULL; i++)
		if (strlen(ext[i]) == k && strncasecmp(dot, ext[i], k) == 0)
			return (1);
	return (0);
}

/* ---------------------------------------------------------------- hash */

static inline uint64_t
mix(uint64_t a, uint64_t b)
{
	__uint128_t	r = (__uint128_t)a * b;

	return ((uint64_t)r ^ (uint64_t)(r >> 64));
}

uint64_t
lp_hash(const void *v, size_t n, uint64_t seed)
{
	const unsigned char	*p = v;
	uint64_t		 h, w;
	const uint64_t		 k1 = 0xa0761d6478bd642fULL,
				 k2 = 0xe7037ed1a0b428dbULL;

	h = seed ^ mix(n ^ k1, k2);
	while (n >= 8) {
		memcpy(&w, p, 8);
		h = mix(h ^ w ^ k1, k2 ^ 0x8ebc6af09c88c6e3ULL);
		p += 8;
		n -= 8;
	}
	w = 0;
	if (n > 0)
		memcpy(&w, p, n);
	h = mix(h ^ w ^ k2, k1 ^ (uint64_t)n);
	return (mix(h, 0x589965cc75374cc3ULL) ^ h);
}
