/*
 * dwlink: the warehouse on its own database (G2B_DW_DB).
 *
 * When the warehouse DSN names another database than the live one (on the
 * same server or another), the dw schema lives there and the load reads
 * the live tables through postgres_fdw: dw_link creates the foreign
 * servers and imports the live schemas (portal, bidding, usage) under the
 * same names into the warehouse database, so the load's SQL runs
 * unchanged; dw_migrate applies the dw/sql migrations to the warehouse database.
 * Kore-free (libpq only): used by build/g2b-etl and by the server.
 */
#ifndef G2B_DWLINK_H
#define G2B_DWLINK_H

#include <stddef.h>

#include <libpq-fe.h>

/* 1 same database (same server, same backend visible), 0 not, -1 error. */
int	dw_same_database(PGconn *, PGconn *);
/*
 * Link the warehouse database dw to the live database: postgres_fdw
 * servers g2b_live (data) and g2b_live_stat (the horizon's activity
 * read, its own connection), the live schemas imported as foreign
 * tables, dw_live.activity and dw_live.link. Idempotent; rebuilt on each
 * call so live migrations since the last call are picked up. Creates
 * the change-marker indexes the load reads by on the live database
 * (through live). 0 or -1 with err set.
 */
int	dw_link(PGconn *live, PGconn *dw, const char *linkdsn, char *err,
	    size_t errlen);
/* Apply <root>/dw/sql/NNN_*.sql not yet applied to dw. 0 or -1. */
int	dw_migrate(PGconn *dw, const char *root, char *err, size_t errlen);
/*
 * Everything for a warehouse DSN: connects to both, and when they are
 * different databases links and migrates. *separate set to 1 if they
 * are. linkdsn (may be NULL: livedsn) is the live database as the
 * warehouse server reaches it. 0 or -1 with err set.
 */
int	dw_setup(const char *root, const char *livedsn, const char *linkdsn,
	    const char *dwdsn, int *separate, char *err, size_t errlen);

#endif
