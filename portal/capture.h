/*
 * capture: one usage event per request, appended by each worker to its
 * own file under G2B_USAGE_DIR (default var/usage) in batches: no database
 * work and no write() on the request path. The usage importer
 * (build/g2b-logs) reads the files incrementally. G2B_USAGE=off turns
 * capture off (the benchmark's baseline).
 */
#ifndef G2B_CAPTURE_H
#define G2B_CAPTURE_H

#include <kore/kore.h>
#include <kore/http.h>

struct g2b_ctx;

/* Record a finished request; ctx is NULL for requests outside g2b_run. */
void	capture_request(struct http_request *, const struct g2b_ctx *,
	    const char *, size_t);
/* Worker start and clean stop (portal/init.c). */
void	capture_worker_init(void);
void	capture_worker_teardown(void);
/* Microseconds since the epoch. */
int64_t	capture_now_us(void);

#endif
