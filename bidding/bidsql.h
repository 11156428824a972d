/*
 * bidsql: SQL fragments the bidding handlers share, so that each rule is
 * written once (the phase of a notice, a certificate's state, the date
 * formats shown to users and sent to machines).
 */
#ifndef G2B_BIDSQL_H
#define G2B_BIDSQL_H

/* The phase of a published notice c (notice_current), from its dates. */
#define PHASE_SQL \
    "CASE WHEN c.status = 'cancelled' THEN 'cancelled' " \
    "WHEN now() < c.bid_start THEN 'upcoming' " \
    "WHEN now() < c.bid_close THEN 'open' ELSE 'closed' END"

/* The state of certificate c: revoked, expired or valid. */
#define CERT_STATE_SQL \
    "CASE WHEN c.revoked_at IS NOT NULL THEN 'revoked' " \
    "WHEN c.not_after < now() THEN 'expired' ELSE 'valid' END"

/* A time in Korea to the minute, and a day in Korea, for people. */
#define SEOUL(col) \
    "to_char(" col " AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD HH24:MI')"
#define SEOUL_DAY(col) \
    "to_char(" col " AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD')"

/* A time in UTC, ISO 8601, for machines. */
#define ISO(col) \
    "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#endif
