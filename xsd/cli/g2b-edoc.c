/*
 * g2b-edoc: the portal's e-document checks from the command line
 * (portal/edoc.h), for partners testing their documents and for the
 * benchmark.
 *
 *   g2b-edoc [--xsd DIR] validate [--stats] FILE...
 *	Safe parse and schema validation of each file in one process (the
 *	schema is loaded once). Prints "FILE: valid TYPE" or "FILE:
 *	invalid" and one line per problem: "FILE:LINE:COLUMN: CODE:
 *	MESSAGE". Exit 0 if every file is valid, 1 if any is not. --stats
 *	prints the time the checks took (reading and checking, without
 *	start-up; wall and CPU) to stderr.
 *   g2b-edoc [--xsd DIR] sign --key KEY.pem --cert CERT.pem IN OUT
 *	Check IN, sign it (enveloped XMLDSig), check the result, write OUT.
 *   g2b-edoc [--xsd DIR] verify --cert CERT.pem FILE
 *	The portal's inbound check: valid and signed by CERT's key.
 *   g2b-edoc [--xsd DIR] respond [--cert CERT.pem] FILE
 *	Print the acknowledgement or error document the portal would answer
 *	FILE with (unsigned; without --cert the signature is not checked).
 *
 * DIR defaults to $G2B_XSD_DIR, else "xsd". Exit status 2 on usage or
 * set-up errors.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "edoc.h"

static void	usage(void) __attribute__((noreturn));
static int	read_file(const char *, char **, size_t *);
static int	write_file(const char *, const char *, size_t);
static void	print_result(const char *, const struct edoc_result *);
static int	cmd_validate(int, char **);
static int	cmd_sign(int, char **);
static int	cmd_verify(int, char **);
static int	cmd_respond(int, char **);

static struct edoc_result	result;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: g2b-edoc [--xsd DIR] validate [--stats] FILE...\n"
	    "       g2b-edoc [--xsd DIR] sign --key KEY.pem --cert CERT.pem "
	    "IN OUT\n"
	    "       g2b-edoc [--xsd DIR] verify --cert CERT.pem FILE\n"
	    "       g2b-edoc [--xsd DIR] respond [--cert CERT.pem] FILE\n");
	exit(2);
}

/*
 * Whole file into *buf (NUL-terminated), sized by fstat; a file over
 * EDOC_SIZE_MAX is read up to one byte more, so that the check says it
 * is too large without reading it all.
 */
static int
read_file(const char *path, char **buf, size_t *len)
{
	struct stat	 st;
	char		*b;
	size_t		 want, n;
	ssize_t		 r;
	int		 fd;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return (-1);
	if (fstat(fd, &st) == -1) {
		close(fd);
		return (-1);
	}
	want = st.st_size > EDOC_SIZE_MAX ? EDOC_SIZE_MAX + 1 :
	    (size_t)st.st_size;
	if ((b = malloc(want + 1)) == NULL) {
		close(fd);
		return (-1);
	}
	for (n = 0; n < want; n += (size_t)r) {
		if ((r = read(fd, b + n, want - n)) == -1) {
			if (errno == EINTR) {
				r = 0;
				continue;
			}
			close(fd);
			free(b);
			return (-1);
		}
		if (r == 0)
			break;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return (0);
}

static int
write_file(const char *path, const char *buf, size_t len)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL)
		return (-1);
	if (fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return (-1);
	}
	return (fclose(f) == 0 ? 0 : -1);
}

static void
print_result(const char *file, const struct edoc_result *res)
{
	size_t	i;

	if (res->code == EDOC_OK) {
		printf("%s: valid %s\n", file, edoc_type_root(res->type));
		return;
	}
	printf("%s: invalid\n", file);
	for (i = 0; i < res->nproblems; i++) {
		printf("%s:%d:%d: %s: %s\n", file, res->problems[i].line,
		    res->problems[i].column,
		    edoc_code_name(res->problems[i].code),
		    res->problems[i].message);
	}
	if (res->truncated > 0)
		printf("%s: %zu more problems\n", file, res->truncated);
}

static int
cmd_validate(int argc, char **argv)
{
	struct timespec	 t0, t1, c0, c1;
	char		*buf;
	size_t		 len;
	int		 i, bad = 0, stats = 0;

	if (argc >= 1 && strcmp(argv[0], "--stats") == 0) {
		stats = 1;
		argc--;
		argv++;
	}
	if (argc < 1)
		usage();
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	for (i = 0; i < argc; i++) {
		edoc_result_init(&result);
		if (read_file(argv[i], &buf, &len) == -1) {
			fprintf(stderr, "g2b-edoc: %s: %s\n", argv[i],
			    strerror(errno));
			bad = 1;
			continue;
		}
		if (edoc_check(buf, len, EDOC_ANY, &result, NULL) == -1)
			bad = 1;
		print_result(argv[i], &result);
		free(buf);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	if (stats)
		fprintf(stderr, "g2b-edoc: checked %d files in %.3f ms "
		    "(cpu %.3f ms)\n", argc,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
		    (double)(c1.tv_sec - c0.tv_sec) * 1e3 +
		    (double)(c1.tv_nsec - c0.tv_nsec) / 1e6);
	return (bad);
}

static int
cmd_sign(int argc, char **argv)
{
	const char	*keyf = NULL, *certf = NULL;
	char		*key = NULL, *cert = NULL, *in = NULL, *out = NULL;
	size_t		 len, outlen;
	xmlDocPtr	 doc = NULL;
	int		 rc = 1;

	while (argc >= 2 && strncmp(argv[0], "--", 2) == 0) {
		if (strcmp(argv[0], "--key") == 0)
			keyf = argv[1];
		else if (strcmp(argv[0], "--cert") == 0)
			certf = argv[1];
		else
			usage();
		argc -= 2;
		argv += 2;
	}
	if (keyf == NULL || certf == NULL || argc != 2)
		usage();
	if (read_file(keyf, &key, &len) == -1 ||
	    read_file(certf, &cert, &len) == -1 ||
	    read_file(argv[0], &in, &len) == -1) {
		fprintf(stderr, "g2b-edoc: cannot read an input: %s\n",
		    strerror(errno));
		rc = 2;
		goto out;
	}
	edoc_result_init(&result);
	if (edoc_check(in, len, EDOC_ANY, &result, &doc) == -1) {
		print_result(argv[0], &result);
		goto out;
	}
	if (edoc_outbound(doc, key, cert, &out, &outlen, &result) == -1) {
		print_result(argv[0], &result);
		goto out;
	}
	if (write_file(argv[1], out, outlen) == -1) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", argv[1],
		    strerror(errno));
		rc = 2;
		goto out;
	}
	printf("%s: signed %s\n", argv[1], edoc_type_root(result.type));
	rc = 0;
out:
	xmlFreeDoc(doc);
	free(out);
	free(in);
	free(cert);
	if (key != NULL) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	return (rc);
}

static int
cmd_verify(int argc, char **argv)
{
	char	*cert = NULL, *in = NULL;
	size_t	 len;
	int	 rc;

	if (argc != 3 || strcmp(argv[0], "--cert") != 0)
		usage();
	if (read_file(argv[1], &cert, &len) == -1 ||
	    read_file(argv[2], &in, &len) == -1) {
		fprintf(stderr, "g2b-edoc: cannot read an input: %s\n",
		    strerror(errno));
		free(cert);
		return (2);
	}
	rc = edoc_inbound(in, len, EDOC_ANY, cert, &result, NULL) == 0 ?
	    0 : 1;
	if (rc == 0)
		printf("%s: valid %s, signature verified\n", argv[2],
		    edoc_type_root(result.type));
	else
		print_result(argv[2], &result);
	free(cert);
	free(in);
	return (rc);
}

static int
cmd_respond(int argc, char **argv)
{
	char		*cert = NULL, *in = NULL, *out = NULL;
	size_t		 len, outlen;
	xmlDocPtr	 resp = NULL;
	int		 rc = 2;

	if (argc == 3 && strcmp(argv[0], "--cert") == 0) {
		if (read_file(argv[1], &cert, &len) == -1) {
			fprintf(stderr, "g2b-edoc: %s: %s\n", argv[1],
			    strerror(errno));
			return (2);
		}
		argc -= 2;
		argv += 2;
	}
	if (argc != 1)
		usage();
	if (read_file(argv[0], &in, &len) == -1) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", argv[0],
		    strerror(errno));
		goto out;
	}
	if (cert != NULL)
		(void)edoc_inbound(in, len, EDOC_ANY, cert, &result, NULL);
	else {
		edoc_result_init(&result);
		(void)edoc_check(in, len, EDOC_ANY, &result, NULL);
	}
	if (edoc_response(&result, in, len, NULL, NULL, &resp) == -1 ||
	    edoc_serialize(resp, &out, &outlen) == -1) {
		fprintf(stderr, "g2b-edoc: cannot build the response\n");
		goto out;
	}
	fwrite(out, 1, outlen, stdout);
	rc = result.code == EDOC_OK ? 0 : 1;
out:
	xmlFreeDoc(resp);
	free(out);
	free(in);
	free(cert);
	return (rc);
}

int
main(int argc, char **argv)
{
	const char	*dir = getenv("G2B_XSD_DIR");
	int		 rc;

	argc--;
	argv++;
	if (argc >= 2 && strcmp(argv[0], "--xsd") == 0) {
		dir = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1)
		usage();
	if (edoc_init(dir) == -1) {
		fprintf(stderr, "g2b-edoc: cannot load the schemas from %s\n",
		    dir != NULL ? dir : "xsd");
		return (2);
	}
	if (strcmp(argv[0], "validate") == 0)
		rc = cmd_validate(argc - 1, argv + 1);
	else if (strcmp(argv[0], "sign") == 0)
		rc = cmd_sign(argc - 1, argv + 1);
	else if (strcmp(argv[0], "verify") == 0)
		rc = cmd_verify(argc - 1, argv + 1);
	else if (strcmp(argv[0], "respond") == 0)
		rc = cmd_respond(argc - 1, argv + 1);
	else
		usage();
	edoc_cleanup();
	return (rc);
}
