/*
 * usagefmt: the line format of the portal's own usage events (issue 6),
 * Kore-free so the writer (portal/capture.c) and the importer share it.
 *
 * One event a line, tab-separated, first field the format tag "u1":
 *   u1 TIME_US IP VISITOR USER ORG ROLE METHOD ROUTE PATH STATUS BYTES
 *      DUR_US REFERER AGENT
 * TIME_US is microseconds since the Unix epoch (UTC); VISITOR is a
 * 16-hex-digit key of the session or visitor (a hash, never a token);
 * USER and ORG are ids or "-"; ROLE is the role name or "anon"; ROUTE is
 * the route name ("static" for files). In every field a tab, newline,
 * backslash or other control byte is written as \xNN, so a line never
 * breaks and any value reads back exactly; an empty value is "-".
 */
#ifndef G2B_USAGEFMT_H
#define G2B_USAGEFMT_H

#include <stddef.h>
#include <stdint.h>

#define USAGE_FIELDS	15
#define USAGE_LINE_MAX	8192	/* longer values are cut to fit */

struct usage_event {
	int64_t		 time_us;
	const char	*ip;
	const char	*visitor;
	const char	*user;		/* NULL: not logged in */
	const char	*org;
	const char	*role;
	const char	*method;
	const char	*route;
	const char	*path;
	int		 status;
	uint64_t	 bytes;
	int64_t		 dur_us;
	const char	*referer;	/* NULL: none */
	const char	*agent;
};

/* Write one line (with its newline) into out; returns its length. */
size_t	usage_format(char *, size_t, const struct usage_event *);

/*
 * Split a line (without its newline) in place into USAGE_FIELDS fields,
 * each unescaped. Returns 0, or -1 if the line is not
 * a well-formed u1 line.
 */
int	usage_split(char *, char *[USAGE_FIELDS]);

#endif
