/*
 * Sessions, funnels and counters over access-log requests: see usage.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "logparse.h"
#include "usage.h"
#include "usagefmt.h"

static const char *const utype_names[US_UT_COUNT] = {
	"visitor", "member", "supplier", "agency", "staff", "bot"
};

const char *
us_utype_name(int t)
{
	return (t >= 0 && t < US_UT_COUNT ? utype_names[t] : "visitor");
}

static int
prefix(const char *s, size_t n, const char *w)
{
	size_t	wn = strlen(w);

	return (n >= wn && memcmp(s, w, wn) == 0);
}

static int
suffix(const char *s, size_t n, const char *w)
{
	size_t	wn = strlen(w);

	return (n >= wn && memcmp(s + n - wn, w, wn) == 0);
}

/*
 * The user type a request shows (by the portal's routes): only signed-in
 * users of that kind reach these pages, so a successful request there
 * tells who the session belongs to.
 */
int
us_utype_of(const char *route, size_t n, const char *method, int status)
{
	int	post = method != NULL && strcmp(method, "POST") == 0;

	if (status >= 400)
		return (US_UT_VISITOR);
	if (prefix(route, n, "/admin"))
		return (US_UT_STAFF);
	if (prefix(route, n, "/agency/") || prefix(route, n, "/notices/new") ||
	    (prefix(route, n, "/notices/:id/") && (suffix(route, n, "/edit") ||
	    suffix(route, n, "/publish") || suffix(route, n, "/amend") ||
	    suffix(route, n, "/cancel") || suffix(route, n, "/open") ||
	    suffix(route, n, "/review") || suffix(route, n, "/renotice"))))
		return (US_UT_AGENCY);
	if (prefix(route, n, "/certificate") || prefix(route, n, "/bids") ||
	    (prefix(route, n, "/notices/:id/") && (suffix(route, n, "/bid") ||
	    suffix(route, n, "/withdraw"))))
		return (US_UT_SUPPLIER);
	if ((post && n == 6 && memcmp(route, "/login", 6) == 0 &&
	    status == 303) || prefix(route, n, "/account") ||
	    prefix(route, n, "/notifications") || prefix(route, n, "/logout"))
		return (US_UT_MEMBER);
	return (US_UT_VISITOR);
}

int
us_utype_of_role(const char *role, int logged_in)
{
	if (role == NULL)
		return (logged_in ? US_UT_MEMBER : US_UT_VISITOR);
	if (strcmp(role, "supplier") == 0)
		return (US_UT_SUPPLIER);
	if (strcmp(role, "agency") == 0 || strcmp(role, "officer") == 0)
		return (US_UT_AGENCY);
	if (strcmp(role, "staff") == 0 || strcmp(role, "agent") == 0)
		return (US_UT_STAFF);
	return (logged_in ? US_UT_MEMBER : US_UT_VISITOR);
}

/* A decimal integer filling s; "-" is 0 when dash_ok. */
static int
int_field(const char *s, int dash_ok, int64_t *out)
{
	int64_t	v = 0;
	int	neg = 0;

	if (dash_ok && strcmp(s, "-") == 0) {
		*out = 0;
		return (0);
	}
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s == '\0')
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
			return (-1);
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return (0);
}

static const char *
dash_empty(const char *s)
{
	return (strcmp(s, "-") == 0 ? "" : s);
}

int
us_u1_parse(char *line, struct us_u1 *e)
{
	char	*f[USAGE_FIELDS];
	int64_t	 st;

	memset(e, 0, sizeof(*e));
	if (usage_split(line, f) == -1)
		return (-1);
	if (int_field(f[1], 0, &e->time_us) == -1 || e->time_us <= 0 ||
	    int_field(f[4], 1, &e->user_id) == -1 || e->user_id < 0 ||
	    int_field(f[5], 1, &e->org_id) == -1 || e->org_id < 0 ||
	    int_field(f[10], 0, &st) == -1 || st < 100 || st > 599 ||
	    int_field(f[11], 1, &e->bytes) == -1 || e->bytes < 0 ||
	    int_field(f[12], 1, &e->dur_us) == -1)
		return (-1);
	if (e->dur_us < 0)
		e->dur_us = 0;	/* a clock step during the request */
	e->status = (int)st;
	e->ip = dash_empty(f[2]);
	e->vkey = dash_empty(f[3]);
	e->role = f[6];
	e->method = f[7];
	e->name = dash_empty(f[8]);
	e->path = f[9];
	e->referer = dash_empty(f[13]);
	e->agent = dash_empty(f[14]);
	if (e->path[0] != '/' || e->method[0] == '-')
		return (-1);
	e->utype = us_utype_of_role(e->role, e->user_id > 0);
	return (0);
}

/* ---------------------------------------------------------------- steps */

int
us_step_parse(const char *spec, struct us_step *st)
{
	const char	*sp, *r;
	size_t		 n;

	memset(st, 0, sizeof(*st));
	while (*spec == ' ')
		spec++;
	if ((sp = strchr(spec, ' ')) != NULL) {
		n = (size_t)(sp - spec);
		if (n == 0 || n >= sizeof(st->method))
			return (-1);
		if (!(n == 1 && spec[0] == '*')) {
			for (r = spec; r < sp; r++)
				if (*r < 'A' || *r > 'Z')
					return (-1);
			memcpy(st->method, spec, n);
		}
		r = sp;
		while (*r == ' ')
			r++;
	} else {
		strcpy(st->method, "GET");
		r = spec;
	}
	n = strlen(r);
	while (n > 0 && r[n - 1] == ' ')
		n--;
	if (n == 0 || r[0] != '/' || n >= sizeof(st->route))
		return (-1);
	if (r[n - 1] == '*') {
		st->prefix = 1;
		n--;
	}
	memcpy(st->route, r, n);
	st->route[n] = '\0';
	return (0);
}

int
us_step_match(const struct us_step *st, const char *method, size_t mn,
    const char *route, int status)
{
	size_t	n;

	if (status >= 400)
		return (0);
	if (st->method[0] != '\0' && (strlen(st->method) != mn ||
	    memcmp(st->method, method, mn) != 0))
		return (0);
	n = strlen(st->route);
	if (st->prefix)
		return (strncmp(route, st->route, n) == 0);
	return (strcmp(route, st->route) == 0);
}

/* ---------------------------------------------------------------- tracker */

int
us_init(struct us_tracker *t, size_t max_open)
{
	memset(t, 0, sizeof(*t));
	t->idle = US_IDLE;
	t->slack = US_SLACK;
	t->max_open = max_open > 0 ? max_open : 1;
	t->nbucket = 1024;
	while (t->nbucket < max_open && t->nbucket < ((size_t)1 << 24))
		t->nbucket <<= 1;
	if ((t->bucket = calloc(t->nbucket, sizeof(*t->bucket))) == NULL)
		return (-1);
	t->now = INT64_MIN;
	return (0);
}

void
us_free(struct us_tracker *t)
{
	struct us_session	*s, *n;
	size_t			 i;

	for (i = 0; i < t->nbucket && t->bucket != NULL; i++)
		for (s = t->bucket[i]; s != NULL; s = n) {
			n = s->hnext;
			free(s);
		}
	for (s = t->free; s != NULL; s = n) {
		n = s->hnext;
		free(s);
	}
	free(t->bucket);
	t->bucket = NULL;
	t->free = NULL;
	t->open = 0;
	t->oldest = t->newest = NULL;
}

void
us_set_salt(struct us_tracker *t, const void *salt, size_t n)
{
	if (n > sizeof(t->salt))
		n = sizeof(t->salt);
	memcpy(t->salt, salt, n);
	t->saltlen = n;
}

int
us_add_funnel(struct us_tracker *t, const struct us_funnel *f)
{
	if (t->nfunnel >= US_MAX_FUNNELS || f->nsteps < 1 ||
	    f->nsteps > US_MAX_STEPS)
		return (-1);
	t->funnel[t->nfunnel++] = *f;
	return (0);
}

void
us_visitor_key(const struct us_tracker *t, const char *ip, size_t ipn,
    const char *agent, size_t an, char *out, size_t size)
{
	unsigned char	 md[EVP_MAX_MD_SIZE], buf[512];
	unsigned int	 mdlen;
	size_t		 n, i;
	static const char hex[] = "0123456789abcdef";

	/* ip NUL agent, cut to the buffer (agents are rarely longer) */
	n = 0;
	if (ipn > 64)
		ipn = 64;
	memcpy(buf, ip, ipn);
	n = ipn;
	buf[n++] = '\0';
	if (an > sizeof(buf) - n)
		an = sizeof(buf) - n;
	memcpy(buf + n, agent, an);
	n += an;
	mdlen = 0;
	if (HMAC(EVP_sha256(), t->salt, (int)t->saltlen, buf, n, md,
	    &mdlen) == NULL)
		mdlen = 0;
	if (size < 3)
		return;
	out[0] = 'v';
	out[1] = ':';
	for (i = 0; i < 16 && i < mdlen && 2 + 2 * i + 2 < size; i++) {
		out[2 + 2 * i] = hex[md[i] >> 4];
		out[3 + 2 * i] = hex[md[i] & 15];
	}
	out[2 + 2 * i] = '\0';
}

static void
lru_unlink(struct us_tracker *t, struct us_session *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		t->oldest = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	else
		t->newest = s->prev;
	s->prev = s->next = NULL;
}

static void
lru_append(struct us_tracker *t, struct us_session *s)
{
	s->next = NULL;
	s->prev = t->newest;
	if (t->newest != NULL)
		t->newest->next = s;
	else
		t->oldest = s;
	t->newest = s;
}

/* Put s (unlinked) in its place by last activity, searching back from
 * the newest: a time-ordered log makes that the tail, a little disorder a
 * few steps. */
static void
lru_place(struct us_tracker *t, struct us_session *s)
{
	struct us_session	*o;

	for (o = t->newest; o != NULL && o->last > s->last; o = o->prev)
		;
	if (o == t->newest) {
		lru_append(t, s);
		return;
	}
	s->prev = o;
	if (o != NULL) {
		s->next = o->next;
		o->next = s;
	} else {
		s->next = t->oldest;
		t->oldest = s;
	}
	s->next->prev = s;
}

static struct us_session *
lookup(struct us_tracker *t, uint64_t key, struct us_session ***where)
{
	struct us_session	**pp, *s;

	pp = &t->bucket[key & (t->nbucket - 1)];
	for (s = *pp; s != NULL; pp = &s->hnext, s = s->hnext)
		if (s->key == key)
			break;
	*where = pp;
	return (s);
}

static void
close_session(struct us_tracker *t, struct us_session *s)
{
	struct us_session	**pp;

	if (lookup(t, s->key, &pp) == s)
		*pp = s->hnext;
	lru_unlink(t, s);
	t->open--;
	if (t->on_close != NULL)
		t->on_close(t->arg, s);
	s->hnext = t->free;
	t->free = s;
}

void
us_expire(struct us_tracker *t, int64_t at)
{
	int64_t		lim;

	lim = at == INT64_MAX ? INT64_MAX : at - t->idle - t->slack;
	while (t->oldest != NULL && (at == INT64_MAX ||
	    t->oldest->last < lim))
		close_session(t, t->oldest);
}

static struct us_session *
new_session(struct us_tracker *t, uint64_t key)
{
	struct us_session	*s, **pp;

	while (t->open >= t->max_open && t->oldest != NULL) {
		close_session(t, t->oldest);
		t->forced++;
	}
	if ((s = t->free) != NULL)
		t->free = s->hnext;
	else if ((s = malloc(sizeof(*s))) == NULL)
		return (NULL);
	memset(s, 0, sizeof(*s));
	s->key = key;
	pp = &t->bucket[key & (t->nbucket - 1)];
	s->hnext = *pp;
	*pp = s;
	lru_append(t, s);
	t->open++;
	return (s);
}

static void
copy_cut(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A page view: a GET or HEAD of a page (not /api/), not a redirect. */
static int
page_view(const struct us_hit *h)
{
	if (!((h->method_n == 3 && memcmp(h->method, "GET", 3) == 0) ||
	    (h->method_n == 4 && memcmp(h->method, "HEAD", 4) == 0)))
		return (0);
	if (h->status >= 300 && h->status < 400)
		return (0);
	if (strncmp(h->route, "/api/", 5) == 0)
		return (0);
	return (1);
}

void
us_hit(struct us_tracker *t, const struct us_hit *h)
{
	struct us_session	*s, **pp;
	uint64_t		 key;
	size_t			 rn;
	char			 m[12], uid[24];
	int			 i, ut, st, un;

	/* Expire by this line's time rather than the newest seen: after a
	 * newer file, an older one still closes its own sessions, and a line
	 * from a wrong clock far ahead closes nothing. */
	if (h->ts > t->now)
		t->now = h->ts;
	us_expire(t, h->ts);
	/* Who: the logged-in user (u1 id or the log's user), else the
	 * portal's visitor key (u1), else address and agent. */
	un = 0;
	if (h->user_id > 0) {
		un = snprintf(uid, sizeof(uid), "%lld", (long long)h->user_id);
		key = lp_hash(uid, (size_t)un, 0x75696400ULL);
	} else if (h->user_n > 0)
		key = lp_hash(h->user, h->user_n, 0x75736572ULL);
	else if (h->vkey_n > 0)
		key = lp_hash(h->vkey, h->vkey_n, 0x766b6579ULL);
	else
		key = lp_hash(h->agent, h->agent_n,
		    lp_hash(h->ip, h->ip_n, 0x6970ULL));
	s = lookup(t, key, &pp);
	if (s != NULL && h->ts - s->last >= t->idle) {
		close_session(t, s);
		s = NULL;
	}
	rn = strlen(h->route);
	if (s == NULL) {
		if ((s = new_session(t, key)) == NULL)
			return;
		s->start = s->last = h->ts;
		s->bot = (uint8_t)(h->bot != 0);
		s->utype = h->bot ? US_UT_BOT : US_UT_VISITOR;
		if (h->user_id > 0) {
			memcpy(s->visitor, "u:", 2);
			copy_cut(s->visitor + 2, sizeof(s->visitor) - 2, uid,
			    (size_t)un);
		} else if (h->user_n > 0) {
			memcpy(s->visitor, "u:", 2);
			copy_cut(s->visitor + 2, sizeof(s->visitor) - 2,
			    h->user, h->user_n);
		} else if (h->vkey_n > 0) {
			/* keyed again: the portal's key is a bare hash */
			us_visitor_key(t, "k", 1, h->vkey, h->vkey_n,
			    s->visitor, sizeof(s->visitor));
			s->visitor[0] = 'k';
		} else
			us_visitor_key(t, h->ip, h->ip_n, h->agent,
			    h->agent_n, s->visitor, sizeof(s->visitor));
		copy_cut(s->ip, sizeof(s->ip), h->ip, h->ip_n);
		copy_cut(s->entry, sizeof(s->entry), h->route, rn);
		strcpy(s->region, "unknown");
		if (h->user_id > 0) {
			/* known to on_open (the organisation's region) */
			s->user_id = h->user_id;
			s->org_id = h->org_id;
		}
		if (t->on_open != NULL)
			t->on_open(t->arg, s);
	} else if (h->ts >= s->last) {
		s->last = h->ts;
		if (s != t->newest) {
			lru_unlink(t, s);
			lru_place(t, s);
		}
	} else if (h->ts < s->start) {
		s->start = h->ts;	/* a line a little out of order */
	}
	s->hits++;
	if (page_view(h)) {
		if (s->depth == 0)
			copy_cut(s->entry, sizeof(s->entry), h->route, rn);
		s->depth++;
		copy_cut(s->exit, sizeof(s->exit), h->route, rn);
	} else if (s->exit[0] == '\0')
		copy_cut(s->exit, sizeof(s->exit), h->route, rn);
	copy_cut(m, sizeof(m), h->method, h->method_n);
	if (h->user_id > 0) {
		s->user_id = h->user_id;
		s->org_id = h->org_id;
		if (h->role != NULL)
			copy_cut(s->role, sizeof(s->role), h->role,
			    strlen(h->role));
	}
	if (!s->bot && h->role != NULL) {
		/* u1: the role says who it is, nothing is guessed */
		if (h->utype > s->utype && h->utype < US_UT_BOT)
			s->utype = (uint8_t)h->utype;
	} else if (!s->bot) {
		if (h->user_n > 0 && s->utype < US_UT_MEMBER)
			s->utype = US_UT_MEMBER;
		ut = us_utype_of(h->route, rn, m, h->status);
		if (ut > s->utype)
			s->utype = (uint8_t)ut;
	}
	for (i = 0; i < t->nfunnel; i++) {
		st = s->progress[i];
		if (st < t->funnel[i].nsteps &&
		    us_step_match(&t->funnel[i].step[st], h->method,
		    h->method_n, h->route, h->status))
			s->progress[i]++;
	}
}

int
us_restore(struct us_tracker *t, const struct us_session *src)
{
	struct us_session	*s, **pp, *o;

	if ((o = lookup(t, src->key, &pp)) != NULL)
		close_session(t, o);
	if ((s = new_session(t, src->key)) == NULL)
		return (-1);
	/* The data, not the links new_session made. */
	memcpy(s, src, offsetof(struct us_session, hnext));
	/* Keep the list ordered by last activity (restored sessions come
	 * sorted; a late one goes to its place). */
	lru_unlink(t, s);
	lru_place(t, s);
	if (s->last > t->now)
		t->now = s->last;
	return (0);
}

void
us_foreach_open(struct us_tracker *t,
    void (*fn)(void *, const struct us_session *), void *arg)
{
	struct us_session	*s;

	for (s = t->oldest; s != NULL; s = s->next)
		fn(arg, s);
}

/* ---------------------------------------------------------------- maps */

#define SLOT(m, i)	((m)->slots + (i) * (8 + (m)->keylen + 8 * (m)->nval))

int
us_map_init(struct us_map *m, size_t keylen, size_t nval, size_t limit)
{
	memset(m, 0, sizeof(*m));
	m->keylen = (keylen + 7) & ~(size_t)7;
	m->nval = nval;
	m->limit = limit;
	m->cap = 16;
	while (m->cap < limit + limit / 2 + 1)
		m->cap <<= 1;
	m->slots = calloc(m->cap, 8 + m->keylen + 8 * nval);
	return (m->slots == NULL ? -1 : 0);
}

void
us_map_free(struct us_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->count = 0;
}

void
us_map_clear(struct us_map *m)
{
	if (m->count > 0)
		memset(m->slots, 0, m->cap * (8 + m->keylen + 8 * m->nval));
	m->count = 0;
}

int64_t *
us_map_get(struct us_map *m, const void *key)
{
	size_t		 i;
	unsigned char	*s;

	i = (size_t)lp_hash(key, m->keylen, 0x6d6170ULL) & (m->cap - 1);
	for (;;) {
		s = SLOT(m, i);
		if (s[0] == 0)
			break;
		if (memcmp(s + 8, key, m->keylen) == 0)
			return ((int64_t *)(void *)(s + 8 + m->keylen));
		i = (i + 1) & (m->cap - 1);
	}
	if (m->count >= m->limit)
		return (NULL);
	s[0] = 1;
	memcpy(s + 8, key, m->keylen);
	m->count++;
	return ((int64_t *)(void *)(s + 8 + m->keylen));
}

int
us_map_next(const struct us_map *m, size_t *i, const void **key,
    const int64_t **vals)
{
	unsigned char	*s;

	for (; *i < m->cap; (*i)++) {
		s = SLOT(m, *i);
		if (s[0] != 0) {
			*key = s + 8;
			*vals = (const int64_t *)(const void *)(s + 8 +
			    m->keylen);
			(*i)++;
			return (1);
		}
	}
	return (0);
}

int
us_funnel_count(struct us_map *m, const struct us_tracker *t,
    const struct us_session *s)
{
	struct us_funnel_key	 k;
	int64_t			*v;
	int			 i, j;

	for (i = 0; i < t->nfunnel; i++) {
		memset(&k, 0, sizeof(k));
		k.funnel = t->funnel[i].id;
		k.hour = s->start - ((s->start % 3600) + 3600) % 3600;
		k.utype = s->utype;
		memcpy(k.region, s->region,
		    strnlen(s->region, sizeof(k.region) - 1));
		if ((v = us_map_get(m, &k)) == NULL)
			return (-1);
		v[0]++;
		for (j = 0; j < s->progress[i] && j < US_MAX_STEPS; j++)
			v[1 + j]++;
	}
	return (0);
}

/* ---------------------------------------------------------------- times */

const int64_t us_rt_bounds_us[US_RT_BUCKETS - 1] = {
	10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
	5000000
};

int
us_rt_bucket(int64_t us)
{
	int	i;

	for (i = 0; i < US_RT_BUCKETS - 1; i++)
		if (us <= us_rt_bounds_us[i])
			return (i);
	return (US_RT_BUCKETS - 1);
}
