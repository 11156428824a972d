/*
 * Usage analysis over parsed access-log lines: sessions, funnels and the
 * counters behind the panels, in bounded memory. Kore-free; used by
 * build/g2b-logs and the unit tests.
 *
 * Sessions: a visitor is the logged-in user when the log names one (the
 * user field), else a keyed hash of address and user agent. A visitor's
 * requests 30 minutes (US_IDLE) or more apart belong to different sessions.
 * Static assets and health checks do not touch sessions. Idle sessions are
 * closed as the log's clock advances (the clock is the newest time seen;
 * lines up to US_SLACK seconds late still find their session), the oldest
 * are closed early when more than max_open are open. Each closed session is
 * handed to on_close; the open ones can be listed and restored, so an
 * import stopped between two batches resumes them. Expiry follows each
 * request's own time, so importing an older file after a newer one still
 * closes the older file's sessions.
 *
 * Funnels: ordered steps; a session reaches step k when it made, in order
 * (other requests may come between), a request matching each of steps
 * 1..k. A step is "[METHOD ]ROUTE[*]": METHOD defaults to GET, ROUTE is a
 * route as lp_route writes it (":id" for numbers), a final '*' matches any
 * route with that prefix; only answered requests (status below 400) match.
 */
#ifndef G2B_USAGE_H
#define G2B_USAGE_H

#include <stddef.h>
#include <stdint.h>

#define US_IDLE		1800	/* seconds of inactivity ending a session */
#define US_SLACK	120	/* tolerated disorder of the log, seconds */
#define US_MAX_FUNNELS	16
#define US_MAX_STEPS	16
#define US_ROUTE_MAX	96	/* routes longer than this are cut */
#define US_VISITOR_MAX	72
#define US_REGION_MAX	24

/* Who a session was, from what it did (highest wins). */
enum us_utype {
	US_UT_VISITOR = 0,	/* anonymous */
	US_UT_MEMBER,		/* logged in (login, account pages) */
	US_UT_SUPPLIER,		/* certificate, bids */
	US_UT_AGENCY,		/* drafting, publishing, opening notices */
	US_UT_STAFF,		/* /admin */
	US_UT_BOT,		/* robot, script or tool (from the agent) */
	US_UT_COUNT
};
const char	*us_utype_name(int);
int		 us_utype_of(const char *, size_t, const char *, int);

struct us_step {
	char		method[12];	/* "" matches any method */
	char		route[US_ROUTE_MAX];
	int		prefix;		/* route ended with '*' */
};

struct us_funnel {
	int64_t		 id;
	char		 name[64];
	int		 nsteps;
	struct us_step	 step[US_MAX_STEPS];
};

int	us_step_parse(const char *, struct us_step *);
int	us_step_match(const struct us_step *, const char *, size_t,
	    const char *, int);

/* One request as the session layer sees it. */
struct us_hit {
	int64_t		 ts;
	const char	*user;		/* logged-in user from the log, or "" */
	size_t		 user_n;
	const char	*ip;
	size_t		 ip_n;
	const char	*agent;
	size_t		 agent_n;
	const char	*method;
	size_t		 method_n;
	const char	*route;		/* lp_route's, NUL-terminated */
	int		 status;
	int		 bot;		/* from the agent */
	/* From u1 usage events (zero for access logs): */
	const char	*vkey;		/* the portal's visitor/session key */
	size_t		 vkey_n;
	int		 utype;		/* > 0: known from the role (us_utype) */
	int64_t		 user_id;	/* > 0: logged in */
	int64_t		 org_id;
	const char	*role;		/* role name or NULL */
};

struct us_session {
	uint64_t		 key;
	int64_t			 start;
	int64_t			 last;
	uint32_t		 depth;		/* page views */
	uint32_t		 hits;		/* requests (not assets) */
	uint8_t			 utype;
	uint8_t			 bot;
	uint8_t			 progress[US_MAX_FUNNELS];
	char			 visitor[US_VISITOR_MAX];
	char			 ip[48];
	char			 region[US_REGION_MAX];
	char			 entry[US_ROUTE_MAX];
	char			 exit[US_ROUTE_MAX];
	int64_t			 user_id;	/* u1: the logged-in user, or 0 */
	int64_t			 org_id;
	char			 role[16];	/* u1: role name, or "" */
	/* tracker's links */
	struct us_session	*hnext;
	struct us_session	*prev;
	struct us_session	*next;
};

struct us_tracker {
	int			 idle;
	int			 slack;
	size_t			 max_open;
	size_t			 open;
	size_t			 forced;	/* closed early: too many open */
	int64_t			 now;		/* newest time seen */
	struct us_session	**bucket;
	size_t			 nbucket;
	struct us_session	*oldest;	/* by last activity */
	struct us_session	*newest;
	struct us_session	*free;
	struct us_funnel	 funnel[US_MAX_FUNNELS];
	int			 nfunnel;
	unsigned char		 salt[32];
	size_t			 saltlen;
	void			(*on_open)(void *, struct us_session *);
	void			(*on_close)(void *, const struct us_session *);
	void			*arg;
};

/* max_open bounds memory (about 500 bytes a session). */
int	us_init(struct us_tracker *, size_t);
void	us_free(struct us_tracker *);
void	us_set_salt(struct us_tracker *, const void *, size_t);
int	us_add_funnel(struct us_tracker *, const struct us_funnel *);
void	us_hit(struct us_tracker *, const struct us_hit *);
/* Close every session idle at time t (all of them with INT64_MAX). */
void	us_expire(struct us_tracker *, int64_t);
/* Put back a session saved while open (its funnels' progress by slot). */
int	us_restore(struct us_tracker *, const struct us_session *);
void	us_foreach_open(struct us_tracker *,
	    void (*)(void *, const struct us_session *), void *);
/* "v:" and 32 hex digits of HMAC-SHA256(salt, ip NUL agent). */
void	us_visitor_key(const struct us_tracker *, const char *, size_t,
	    const char *, size_t, char *, size_t);

/*
 * Counters keyed by fixed-size keys: a linear-probing table that refuses
 * (returns NULL) past its capacity, so the caller flushes and clears it.
 */
struct us_map {
	size_t		 keylen;	/* bytes, a multiple of 8 */
	size_t		 nval;		/* int64 counters per key */
	size_t		 cap;		/* slots, a power of two */
	size_t		 limit;		/* entries allowed */
	size_t		 count;
	unsigned char	*slots;		/* [used:8][key][vals] */
};

int		 us_map_init(struct us_map *, size_t, size_t, size_t);
void		 us_map_free(struct us_map *);
void		 us_map_clear(struct us_map *);
int64_t		*us_map_get(struct us_map *, const void *);
/* Iterate: i from 0; returns the next used slot's key and values. */
int		 us_map_next(const struct us_map *, size_t *, const void **,
		    const int64_t **);

/* Funnel results of closed sessions, keyed by funnel, hour of the
 * session's start, user type and region: values are the sessions (v[0])
 * and how many reached each step (v[1..nsteps]). */
struct us_funnel_key {
	int64_t		funnel;
	int64_t		hour;
	int64_t		utype;
	char		region[US_REGION_MAX];
};
#define US_FUNNEL_NVAL	(US_MAX_STEPS + 1)
int	us_funnel_count(struct us_map *, const struct us_tracker *,
	    const struct us_session *);

/*
 * A u1 usage event (portal/usagefmt.h) as the importer uses it. The line
 * is split in place; text fields point into it, "-" read as "". Returns 0,
 * or -1 when the line is not a well-formed u1 line or a number is bad.
 * The user type comes from the role: supplier, agency (agency and
 * officer), staff (staff and agent), member (another role, logged in),
 * visitor (anonymous).
 */
struct us_u1 {
	int64_t		 time_us;
	const char	*ip;
	const char	*vkey;		/* "" when none */
	int64_t		 user_id;	/* 0: anonymous */
	int64_t		 org_id;
	const char	*role;
	int		 utype;
	const char	*method;
	const char	*name;		/* route name, "static" for files */
	const char	*path;
	int		 status;
	int64_t		 bytes;
	int64_t		 dur_us;
	const char	*referer;	/* "" when none */
	const char	*agent;
};
int	us_u1_parse(char *, struct us_u1 *);
int	us_utype_of_role(const char *, int);

/* Response-time histogram bucket of a time in microseconds: upper bounds
 * 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5 s, then slower. */
#define US_RT_BUCKETS	10
int		 us_rt_bucket(int64_t);
extern const int64_t	us_rt_bounds_us[US_RT_BUCKETS - 1];

#endif
