/*
 * Web access-log lines (Common and Combined Log Format, as written by Kore,
 * nginx and Apache) parsed in one pass without copying: every text field is
 * a slice of the caller's line. Kore-free; used by build/g2b-logs.
 *
 *   host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "METHOD target PROTO"
 *       status bytes ["referer" "user-agent" [request-time]]
 *
 * host is an IPv4 or IPv6 address (or a host name); "-" stands for an
 * absent ident, user, bytes, referer or agent. Inside quoted fields \" and
 * \\ are escapes. An optional last field is the request time: with a dot,
 * seconds (nginx $request_time, "0.012"); without, microseconds (Apache
 * %D). Anything else after the agent makes the line bad.
 */
#ifndef G2B_LOGPARSE_H
#define G2B_LOGPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Why a line was rejected (0 is a good line). */
enum lp_error {
	LP_OK = 0,
	LP_E_EMPTY,		/* blank line */
	LP_E_HOST,		/* no client address */
	LP_E_IDENT,		/* ident or user field missing */
	LP_E_TIME,		/* no [time], or not a valid date and time */
	LP_E_REQUEST,		/* request line missing or not METHOD TARGET */
	LP_E_STATUS,		/* status not 3 digits 100-599 */
	LP_E_BYTES,		/* size not a number or "-" */
	LP_E_REFERER,		/* referer not a quoted field */
	LP_E_AGENT,		/* user agent not a quoted field */
	LP_E_TRAILING,		/* unexpected text after the last field */
	LP_E_TOOLONG,		/* longer than the importer's line limit */
	LP_E_BINARY,		/* control bytes (NUL...) in the line */
	LP_E_U1,		/* not a well-formed u1 usage event */
	LP_E_COUNT
};

struct lp_str {
	const char	*p;
	uint32_t	 n;
};

struct lp_line {
	struct lp_str	 host;
	struct lp_str	 user;		/* "" when "-" */
	struct lp_str	 method;
	struct lp_str	 target;	/* as sent: path, query */
	struct lp_str	 path;		/* target without ?query or #frag */
	struct lp_str	 proto;		/* "" for HTTP/0.9 style requests */
	struct lp_str	 referer;	/* "" when absent or "-" (raw escapes) */
	struct lp_str	 agent;		/* "" when absent or "-" (raw escapes) */
	int64_t		 ts;		/* seconds since the epoch, UTC */
	int64_t		 bytes;		/* -1 for "-" */
	int64_t		 resp_us;	/* -1 when the line has no time */
	int		 status;
	int		 combined;	/* referer and agent fields present */
	int		 ipv6;
	int		 escapes;	/* some quoted field has \" or \\ */
};

/*
 * Converting [dd/Mon/yyyy:HH:MM:SS +zzzz] to epoch seconds: the result for
 * the minute is cached, so a log's consecutive lines cost a compare and an
 * add. Zero-initialise before use.
 */
struct lp_timecache {
	char		 key[24];	/* "dd/Mon/yyyy:HH:MM +zzzz" */
	int64_t		 minute;	/* epoch of key's minute */
	int		 valid;
};

int		 lp_parse(struct lp_timecache *, const char *, size_t,
		    struct lp_line *);
const char	*lp_error_name(int);
int64_t		 lp_days_from_civil(int, int, int);
int		 lp_parse_time(struct lp_timecache *, const char *, size_t,
		    int64_t *);

/* Copy a quoted field's text to dst without its escapes; NUL-terminated,
 * truncated to dstsize - 1. Returns the length written. */
size_t		 lp_unescape(char *, size_t, struct lp_str);

/* User agents. */
enum lp_browser {
	LP_BR_OTHER = 0, LP_BR_CHROME, LP_BR_EDGE, LP_BR_FIREFOX, LP_BR_SAFARI,
	LP_BR_SAMSUNG, LP_BR_WHALE, LP_BR_OPERA, LP_BR_IE, LP_BR_HEADLESS,
	LP_BR_BOT, LP_BR_CURL, LP_BR_WGET, LP_BR_NODE, LP_BR_PYTHON, LP_BR_GO,
	LP_BR_JAVA, LP_BR_LOADTEST, LP_BR_G2BCLI, LP_BR_NONE, LP_BR_COUNT
};
enum lp_os {
	LP_OS_OTHER = 0, LP_OS_WINDOWS, LP_OS_MACOS, LP_OS_IOS, LP_OS_ANDROID,
	LP_OS_LINUX, LP_OS_CHROMEOS, LP_OS_BOT, LP_OS_NONE, LP_OS_COUNT
};

struct lp_agent {
	uint8_t		 browser;	/* enum lp_browser */
	uint8_t		 os;		/* enum lp_os */
	uint8_t		 bot;		/* crawler, script or tool */
};

void		 lp_classify_agent(const char *, size_t, struct lp_agent *);
const char	*lp_browser_name(int);
const char	*lp_os_name(int);

/* Same as lp_classify_agent, through a small direct-mapped cache keyed by
 * the agent's hash: a log has few distinct agents. */
struct lp_agentcache {
	struct {
		uint64_t		h;
		uint32_t		n;
		uint8_t			used;
		struct lp_agent		a;
	}	slot[4096];
};
void		 lp_classify_cached(struct lp_agentcache *, const char *,
		    size_t, struct lp_agent *);

/*
 * Route of a path for per-route statistics: all-digit segments become
 * ":id", long hexadecimal or UUID-like segments ":key", an empty path "/".
 * Query and fragment are not part of the path given. Writes at most
 * dstsize - 1 bytes and a NUL; returns the length.
 */
size_t		 lp_route(char *, size_t, const char *, size_t);

/* Static asset (by extension or /static/ prefix) and health-check paths:
 * counted as hits, not page views. */
int		 lp_is_static(const char *, size_t);

/* A fast 64-bit hash (not cryptographic). */
uint64_t	 lp_hash(const void *, size_t, uint64_t);

#endif
