/*
 * capture: usage events (issue 6). Each worker formats an event per
 * request into a 64 KB buffer (portal/usagefmt.c) and appends the buffer
 * to its file when it is nearly full, every second from a timer, and at
 * worker shutdown, so a clean stop loses nothing. Files are named
 * usage-YYYYMMDD-PID.tsv (UTC day, one writer each) and never rewritten.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "capture.h"
#include "crypto.h"
#include "usagefmt.h"
#include "web.h"


#define CAPTURE_BUF	(64 * 1024)

static char	 dir[1024];
static int	 enabled = -1;
static int	 fd = -1;
static int	 fd_day;
static char	 buf[CAPTURE_BUF];
static size_t	 used;

static void	capture_flush(void);
static void	capture_tick(void *, u_int64_t);

int64_t
capture_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

void
capture_worker_init(void)
{
	const char	*v;

	v = getenv("G2B_USAGE");
	enabled = !(v != NULL && (!strcmp(v, "off") || !strcmp(v, "0")));
	/* The parent made the directory (portal/init.c). */
	snprintf(dir, sizeof(dir), "%s", g2b_conf.usage_dir);
	if (enabled)
		kore_timer_add(capture_tick, 1000, NULL, 0);
}

void
capture_worker_teardown(void)
{
	capture_flush();
	if (fd != -1)
		close(fd);
	fd = -1;
}

static void
capture_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	capture_flush();
}

/* Append the buffer to today's file (UTC); a failure is logged once. */
static void
capture_flush(void)
{
	static int	 warned;
	struct tm	 tm;
	time_t		 t;
	char		 path[1200];
	int		 day;
	ssize_t		 n;
	size_t		 off;

	if (used == 0)
		return;
	t = time(NULL);
	gmtime_r(&t, &tm);
	day = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
	if (fd != -1 && day != fd_day) {
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		snprintf(path, sizeof(path), "%s/usage-%08d-%d.tsv", dir, day,
		    (int)getpid());
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0640);
		if (fd == -1) {
			if (!warned++)
				kore_log(LOG_ERR, "usage capture: %s: %s", path,
				    errno_s);
			used = 0;
			return;
		}
		fd_day = day;
	}
	for (off = 0; off < used; off += (size_t)n) {
		n = write(fd, buf + off, used - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			if (!warned++)
				kore_log(LOG_ERR, "usage capture: write: %s",
				    errno_s);
			break;
		}
	}
	used = 0;
}

/* A 16-hex-digit key of a secret token: linkable, not reversible. */
static void
visitor_key(const char *token, char out[17])
{
	unsigned char	h[SHA256_DIGEST_LENGTH];

	if (token == NULL || *token == '\0') {
		out[0] = '-';
		out[1] = '\0';
		return;
	}
	SHA256((const unsigned char *)token, strlen(token), h);
	hex_encode(h, 8, out);
	out[16] = '\0';
}

static const char *
role_name(int role)
{
	switch (role) {
	case ROLE_SUPPLIER:
		return ("supplier");
	case ROLE_AGENCY:
		return ("agency");
	case ROLE_OFFICER:
		return ("officer");
	case ROLE_STAFF:
		return ("staff");
	case ROLE_AGENT:
		return ("agent");
	}
	return ("anon");
}

static const char *
method_name(int m)
{
	switch (m) {
	case HTTP_METHOD_GET:
		return ("GET");
	case HTTP_METHOD_POST:
		return ("POST");
	case HTTP_METHOD_HEAD:
		return ("HEAD");
	case HTTP_METHOD_PUT:
		return ("PUT");
	case HTTP_METHOD_DELETE:
		return ("DELETE");
	case HTTP_METHOD_OPTIONS:
		return ("OPTIONS");
	}
	return ("OTHER");
}

void
capture_request(struct http_request *req, const struct g2b_ctx *ctx,
    const char *route, size_t bytes)
{
	struct usage_event	 e;
	char			 key[17], ip[64];
	struct connection	*c = req->owner;

	if (enabled != 1)
		return;
	memset(&e, 0, sizeof(e));
	e.time_us = capture_now_us();
	if (ctx != NULL) {
		e.dur_us = ctx->t0_us > 0 ? e.time_us - ctx->t0_us : 0;
		e.ip = ctx->ip;
		visitor_key(ctx->logged_in ? ctx->sid : ctx->visitor, key);
		if (ctx->logged_in) {
			e.user = ctx->user.id;
			e.org = ctx->user.org_id;
		}
		e.role = role_name(ctx->logged_in ? ctx->user.role : 0);
	} else {
		e.dur_us = (int64_t)(kore_time_ms() - req->start) * 1000;
		ip[0] = '\0';
		if (c != NULL && c->family == AF_INET)
			inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, ip,
			    sizeof(ip));
		else if (c != NULL && c->family == AF_INET6)
			inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr, ip,
			    sizeof(ip));
		e.ip = ip;
		key[0] = '-';
		key[1] = '\0';
		e.role = "anon";
	}
	e.visitor = key;
	e.method = method_name(req->method);
	e.route = route;
	e.path = req->path;
	e.status = req->status;
	e.bytes = bytes;
	e.referer = req->referer;
	e.agent = req->agent;
	if (CAPTURE_BUF - used < USAGE_LINE_MAX)
		capture_flush();
	used += usage_format(buf + used, CAPTURE_BUF - used < USAGE_LINE_MAX ?
	    CAPTURE_BUF - used : USAGE_LINE_MAX, &e);
}
