/*
 * dwdb: the warehouse connection of the server (G2B_DW_DB, default the
 * live database G2B_DB).
 */
#ifndef G2B_DWDB_H
#define G2B_DWDB_H

#include "web.h"

/* 1 if the warehouse is a database of its own (decided at worker start). */
extern int	dwdb_separate;
/* The warehouse DSN (the live one when not separate). */
extern char	*dwdb_dsn;

/*
 * Every worker, at start: decide where the warehouse is. (The parent
 * process linked a separate warehouse database to the live one and
 * applied the dw migrations there before forking: dw_setup, dw/dwlink.c.)
 */
void	dwdb_worker_init(void);
/*
 * g2b_query on the warehouse: the pooled live connections when the
 * warehouse is the live database, else one libpq query on a task thread
 * with that thread's warehouse connection. The result, ctx->db_error and
 * ctx->sqlstate come to next as from g2b_query.
 */
int	dw_query(struct g2b_ctx *, g2b_step, const char *, int,
	    const char *const *);

#endif
