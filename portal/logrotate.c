/*
 * logrotate: rotation of Kore's access log (Combined Log Format) without
 * losing a line. Kore 4.1 opens the log once in the parent and never
 * reopens it, and copy-then-truncate loses what is written in between.
 * Instead a parent timer renames the file (lines already written stay in
 * it: same inode) and points Kore's descriptor at a new file with dup2,
 * between two writes of the single-threaded parent.
 *
 * G2B_ACCESSLOG_ROTATE: "daily" (the default: at the first check after
 * midnight UTC), a size such as "100M" or "1G", or "off". Rotated files
 * are named <log>.<YYYYMMDD-HHMMSS>; the usage importer reads them all.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "web.h"

#define ROTATE_CHECK_MS	10000
/* A worker's "the parent's timers run now" message (see logrotate_init). */
#define MSG_G2B_PARENT_READY	200

static long long	rotate_bytes;	/* 0: daily; -1: off */
static int		rotate_day;
static int		timer_started;

static void	rotate_tick(void *, u_int64_t);
static void	parent_ready(struct kore_msg *, const void *);

static int
utc_day(time_t t)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	return ((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday);
}

/* Parent only: read the setting and start the timer. */
void
logrotate_init(void)
{
	const char	*v;
	char		*end;
	long long	 n;

	v = getenv("G2B_ACCESSLOG_ROTATE");
	if (v != NULL && !strcmp(v, "off")) {
		rotate_bytes = -1;
		return;
	}
	if (v != NULL && *v != '\0' && strcmp(v, "daily") != 0) {
		n = strtoll(v, &end, 10);
		if (n <= 0 || (*end != '\0' && strcmp(end, "K") &&
		    strcmp(end, "M") && strcmp(end, "G")))
			fatal("G2B_ACCESSLOG_ROTATE: daily, off or a size "
			    "like 100M, not %s", v);
		if (*end == 'K')
			n *= 1024;
		else if (*end == 'M')
			n *= 1024 * 1024;
		else if (*end == 'G')
			n *= 1024LL * 1024 * 1024;
		rotate_bytes = n;
	}
	rotate_day = utc_day(time(NULL));
	/*
	 * Kore initialises the parent's timers after this configure hook,
	 * so the timer starts on the first message a worker sends once it
	 * runs (logrotate_worker_ready).
	 */
	kore_msg_register(MSG_G2B_PARENT_READY, parent_ready);
}

static void
parent_ready(struct kore_msg *msg, const void *data)
{
	(void)msg;
	(void)data;
	if (timer_started || rotate_bytes < 0)
		return;
	timer_started = 1;
	kore_timer_add(rotate_tick, ROTATE_CHECK_MS, NULL, 0);
}

/* Worker: tell the parent its timers run (see logrotate_init). */
void
logrotate_worker_ready(void)
{
	kore_msg_send(KORE_MSG_PARENT, MSG_G2B_PARENT_READY, NULL, 0);
}

/* Rotate one log descriptor; its path is read back from /proc. */
static void
rotate_fd(int fd)
{
	struct tm	 tm;
	time_t		 t;
	char		 link[64], path[1024], to[1100], stamp[32];
	ssize_t		 n;
	int		 nfd;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		return;
	path[n] = '\0';
	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(to, sizeof(to), "%s.%s", path, stamp);
	if (rename(path, to) == -1) {
		kore_log(LOG_ERR, "access log rotation: rename %s: %s", path,
		    errno_s);
		return;
	}
	nfd = open(path, O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0644);
	if (nfd == -1) {
		/* Keep writing to the renamed file rather than lose lines. */
		kore_log(LOG_ERR, "access log rotation: open %s: %s", path,
		    errno_s);
		return;
	}
	if (dup2(nfd, fd) == -1)
		kore_log(LOG_ERR, "access log rotation: dup2: %s", errno_s);
	close(nfd);
	kore_log(LOG_NOTICE, "access log rotated to %s", to);
}

static void
rotate_tick(void *arg, u_int64_t now)
{
	struct kore_server	*srv;
	struct kore_domain	*dom;
	struct stat		 st;
	int			 day, due;

	(void)arg;
	(void)now;
	day = utc_day(time(NULL));
	LIST_FOREACH(srv, &kore_servers, list) {
		TAILQ_FOREACH(dom, &srv->domains, list) {
			if (dom->accesslog < 0 || fstat(dom->accesslog, &st))
				continue;
			if (st.st_size == 0)
				continue;
			due = rotate_bytes > 0 ? st.st_size >= rotate_bytes :
			    day != rotate_day;
			if (due)
				rotate_fd(dom->accesslog);
		}
	}
	rotate_day = day;
}
