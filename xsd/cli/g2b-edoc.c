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
 *	An OASIS UBL ContractNotice is checked as the portal maps it
 *	(portal/ubl.h) and signed as it is.
 *   g2b-edoc [--xsd DIR] tender [--name COMPANY] [--id ID] BID OUT
 *	Write the Tender document of a bid made offline by `g2b
 *	prepare-bid` (BID: one of its lines, the form fields the browser
 *	posts): the document's fields from the canonical bid text, the
 *	sealed envelope as is, and TenderSignature (canonical text, the
 *	user's signature, the certificate). COMPANY defaults to the
 *	certificate's O, ID to TND-<bizno>-<nonce>. Checked like a
 *	document the portal receives; sign it with the system key, then
 *	send it.
 *   g2b-edoc [--xsd DIR] verify --cert CERT.pem FILE
 *	The portal's inbound check: valid (or a UBL ContractNotice the
 *	portal maps) and signed by CERT's key.
 *   g2b-edoc [--xsd DIR] respond [--cert CERT.pem] FILE
 *	Print the acknowledgement or error document the portal would answer
 *	FILE with (unsigned; without --cert the signature is not checked).
 *
 *   g2b-edoc [--xsd DIR] send --server URL --ca CA.pem FILE [ANSWER]
 *	Post FILE (already signed: see sign) to the portal's inbound
 *	endpoint with the organisation's API token (from $G2B_TOKEN or
 *	--token-file F, never the command line), check that the answer is
 *	valid and signed by a certificate of the portal CA in CA.pem (GET
 *	URL/ca.pem once and keep it), write it to ANSWER (default stdout)
 *	and print its code. Exit 0 if Accepted, 1 if Rejected.
 *   g2b-edoc [--xsd DIR] fetch --server URL --ca CA.pem PATH OUT
 *	GET URL/PATH (e.g. /api/edoc/notices/42; with the token if one is
 *	given), check the document the same way, write it to OUT.
 *
 * DIR defaults to $G2B_XSD_DIR, else "xsd". Exit status 2 on usage or
 * set-up errors, 3 when the portal cannot be reached or its answer
 * cannot be trusted.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "bidfmt.h"
#include "ca.h"
#include "edoc.h"
#include "seal.h"
#include "ubl.h"

static void	usage(void) __attribute__((noreturn));
static int	read_file(const char *, char **, size_t *);
static int	write_file(const char *, const char *, size_t);
static void	print_result(const char *, const struct edoc_result *);
static int	cmd_validate(int, char **);
static int	cmd_sign(int, char **);
static int	cmd_verify(int, char **);
static int	cmd_respond(int, char **);
static int	cmd_send(int, char **);
static int	cmd_fetch(int, char **);

static struct edoc_result	result;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: g2b-edoc [--xsd DIR] validate [--stats] FILE...\n"
	    "       g2b-edoc [--xsd DIR] sign --key KEY.pem --cert CERT.pem "
	    "IN OUT\n"
	    "       g2b-edoc [--xsd DIR] tender [--name COMPANY] [--id ID] "
	    "BID OUT\n"
	    "       g2b-edoc [--xsd DIR] verify --cert CERT.pem FILE\n"
	    "       g2b-edoc [--xsd DIR] respond [--cert CERT.pem] FILE\n"
	    "       g2b-edoc [--xsd DIR] send --server URL --ca CA.pem "
	    "[--token-file F] FILE [ANSWER]\n"
	    "       g2b-edoc [--xsd DIR] fetch --server URL --ca CA.pem "
	    "[--token-file F] PATH OUT\n");
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

/*
 * A document outside the e-document namespace: a UBL ContractNotice the
 * portal maps? 1 if not one (print edoc's result), 0 with the UBL tree in
 * *ublp, or -1 after printing the mapping's problems.
 */
static int
ubl_check(const char *file, const char *in, size_t len, xmlDocPtr *ublp)
{
	struct ubl_result	*ur;
	xmlDocPtr		 notice = NULL;
	size_t			 i;
	int			 r;

	*ublp = NULL;
	if (result.code != EDOC_E_NAMESPACE ||
	    (ur = malloc(sizeof(*ur))) == NULL)
		return (1);
	r = ubl_inbound(in, len, ur, ublp, &notice);
	xmlFreeDoc(notice);
	if (r == -1) {
		printf("%s: invalid ContractNotice\n", file);
		for (i = 0; i < ur->nproblems; i++)
			printf("%s:%d: %s: %s\n", file, ur->problems[i].line,
			    ur->problems[i].code, ur->problems[i].message);
		if (ur->truncated > 0)
			printf("%s: %zu more problems\n", file, ur->truncated);
		xmlFreeDoc(*ublp);
		*ublp = NULL;
	}
	free(ur);
	return (r);
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
		xmlFreeDoc(doc);
		doc = NULL;
		switch (ubl_check(argv[0], in, len, &doc)) {
		case 1:
			print_result(argv[0], &result);
			/* FALLTHROUGH */
		case -1:
			goto out;
		}
		edoc_result_init(&result);
		if (edoc_sign(doc, key, cert, &result) == -1 ||
		    edoc_serialize(doc, &out, &outlen) == -1) {
			print_result(argv[0], &result);
			goto out;
		}
		if (write_file(argv[1], out, outlen) == -1) {
			fprintf(stderr, "g2b-edoc: %s: %s\n", argv[1],
			    strerror(errno));
			rc = 2;
			goto out;
		}
		printf("%s: signed ContractNotice\n", argv[1]);
		rc = 0;
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

/* Decode application/x-www-form-urlencoded text in place. */
static int
form_decode(char *s)
{
	char	*w = s, h[3];

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*w++ = ' ';
		else if (*s == '%') {
			if (!isxdigit((unsigned char)s[1]) ||
			    !isxdigit((unsigned char)s[2]))
				return (-1);
			h[0] = s[1];
			h[1] = s[2];
			h[2] = '\0';
			*w++ = (char)strtol(h, NULL, 16);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
	return (0);
}

static xmlNodePtr
add(xmlNodePtr parent, const char *name, const char *text)
{
	return (xmlNewTextChild(parent, parent->ns, (const xmlChar *)name,
	    (const xmlChar *)text));
}

static int
cmd_tender(int argc, char **argv)
{
	struct bidfmt_bid	 bid;
	const char		*name = NULL, *id = NULL;
	char			*in = NULL, *f[4] = { NULL, NULL, NULL, NULL };
	char			*p, *save, *eq, *out = NULL, *b64 = NULL;
	char			 company[256], person[256], docid[EDOC_ID_MAX + 1];
	char			 ord[16], now[32];
	static const char	*names[4] = { "canonical", "sealed", "signature",
				    "certificate" };
	unsigned char		*der = NULL;
	size_t			 len, outlen;
	xmlDocPtr		 doc = NULL;
	xmlNodePtr		 root, n;
	X509			*x = NULL;
	BIO			*bio = NULL;
	time_t			 t;
	int			 i, derlen, rc = 1;

	while (argc >= 2 && strncmp(argv[0], "--", 2) == 0) {
		if (strcmp(argv[0], "--name") == 0)
			name = argv[1];
		else if (strcmp(argv[0], "--id") == 0)
			id = argv[1];
		else
			usage();
		argc -= 2;
		argv += 2;
	}
	if (argc != 2)
		usage();
	if (read_file(argv[0], &in, &len) == -1) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", argv[0], strerror(errno));
		return (2);
	}
	in[strcspn(in, "\r\n")] = '\0';
	for (p = strtok_r(in, "&", &save); p != NULL;
	    p = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq++ = '\0';
		for (i = 0; i < 4; i++)
			if (strcmp(p, names[i]) == 0 && form_decode(eq) == 0)
				f[i] = eq;
	}
	for (i = 0; i < 4; i++) {
		if (f[i] == NULL) {
			fprintf(stderr, "g2b-edoc: %s: no %s field (a line of "
			    "g2b prepare-bid)\n", argv[0], names[i]);
			goto out;
		}
	}
	if (bidfmt_bid_parse(f[0], strlen(f[0]), &bid) == -1) {
		fprintf(stderr, "g2b-edoc: %s: the canonical bid text is "
		    "malformed\n", argv[0]);
		goto out;
	}
	if (ca_cert_subject(f[3], company, sizeof(company), NULL, 0, person,
	    sizeof(person)) == -1 || (bio = seal_pem_bio(f[3])) == NULL ||
	    (x = PEM_read_bio_X509(bio, NULL, seal_no_pass_cb, NULL)) == NULL ||
	    (derlen = i2d_X509(x, &der)) <= 0 ||
	    seal_b64_encode(der, (size_t)derlen, &b64) == -1) {
		fprintf(stderr, "g2b-edoc: %s: the certificate is not a "
		    "supplier certificate of the portal CA\n", argv[0]);
		goto out;
	}
	if (id == NULL) {
		snprintf(docid, sizeof(docid), "TND-%s-%.16s", bid.bizno,
		    bid.nonce);
		id = docid;
	}
	t = time(NULL);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	snprintf(ord, sizeof(ord), "%d", bid.order);

	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"Tender");
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL));
	xmlDocSetRootElement(doc, root);
	add(root, "CustomizationID", EDOC_CUSTOMIZATION);
	add(root, "ID", id);
	add(root, "IssueDateTime", now);
	add(root, "ContractFolderID", bid.notice_no);
	add(root, "NoticeOrder", ord);
	n = add(root, "TendererParty", NULL);
	add(n, "BusinessRegistrationNumber", bid.bizno);
	add(n, "Name", name != NULL ? name : company);
	add(root, "SubmitterName", person);
	add(root, "CertificateSerial", bid.cert_serial);
	n = add(root, "SealedTender", NULL);
	add(n, "EncryptionMethod", "RSA-OAEP-SHA256+AES-256-GCM");
	add(n, "CipherValue", f[1]);
	add(n, "CipherValueHash", bid.sealed_sha256);
	n = add(root, "Declarations", NULL);
	add(n, "IntegrityPledge", "true");
	add(n, "NoCollusion", "true");
	add(root, "Nonce", bid.nonce);
	n = add(root, "TenderSignature", NULL);
	free(out);
	if (seal_b64_encode((const unsigned char *)f[0], strlen(f[0]),
	    &out) == -1)
		goto out;
	add(n, "CanonicalTender", out);
	add(n, "SignatureMethod", "ECDSA-P256-SHA256");
	add(n, "SignatureValue", f[2]);
	add(n, "SignerCertificate", b64);
	free(out);
	out = NULL;
	if (edoc_outbound(doc, NULL, NULL, &out, &outlen, &result) == -1) {
		print_result(argv[1], &result);
		goto out;
	}
	if (write_file(argv[1], out, outlen) == -1) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", argv[1], strerror(errno));
		rc = 2;
		goto out;
	}
	printf("%s: Tender %s for notice %s order %s, bid-sha256 ", argv[1], id,
	    bid.notice_no, ord);
	bidfmt_sha256_hex(f[0], strlen(f[0]), docid);
	printf("%s\n", docid);
	rc = 0;
out:
	xmlFreeDoc(doc);
	X509_free(x);
	BIO_free(bio);
	OPENSSL_free(der);
	free(b64);
	free(out);
	free(in);
	return (rc);
}

static int
cmd_verify(int argc, char **argv)
{
	char		*cert = NULL, *in = NULL;
	size_t		 len;
	xmlDocPtr	 ubl;
	int		 rc;

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
	else {
		switch (ubl_check(argv[2], in, len, &ubl)) {
		case 1:
			print_result(argv[2], &result);
			break;
		case 0:
			edoc_result_init(&result);
			if (edoc_verify(ubl, cert, &result) == 0) {
				printf("%s: ContractNotice the portal maps, "
				    "signature verified\n", argv[2]);
				rc = 0;
			} else
				print_result(argv[2], &result);
			xmlFreeDoc(ubl);
			break;
		}
	}
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

/* ------------------------------------------------------ send, fetch */

struct net {
	const char	*server;
	const char	*ca_file;
	char		*token;		/* wiped and freed */
	char		*ca_pem;
};

struct body {
	char	*data;
	size_t	 len;
};

static size_t
collect(void *p, size_t sz, size_t n, void *arg)
{
	struct body	*b = arg;
	size_t		 add = sz * n;
	char		*nb;

	if (b->len + add > EDOC_SIZE_MAX + 1)
		return (0);
	if ((nb = realloc(b->data, b->len + add + 1)) == NULL)
		return (0);
	b->data = nb;
	memcpy(b->data + b->len, p, add);
	b->len += add;
	b->data[b->len] = '\0';
	return (add);
}

/* --server, --ca, --token-file; the rest stays in argv. */
static int
net_options(int *argc, char ***argv, struct net *nt)
{
	const char	*tokfile = NULL, *env;
	size_t		 len;

	memset(nt, 0, sizeof(*nt));
	while (*argc >= 2 && strncmp((*argv)[0], "--", 2) == 0) {
		if (strcmp((*argv)[0], "--server") == 0)
			nt->server = (*argv)[1];
		else if (strcmp((*argv)[0], "--ca") == 0)
			nt->ca_file = (*argv)[1];
		else if (strcmp((*argv)[0], "--token-file") == 0)
			tokfile = (*argv)[1];
		else
			usage();
		*argc -= 2;
		*argv += 2;
	}
	if (nt->server == NULL || nt->ca_file == NULL)
		usage();
	if (read_file(nt->ca_file, &nt->ca_pem, &len) == -1) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", nt->ca_file,
		    strerror(errno));
		return (-1);
	}
	if (tokfile != NULL) {
		if (read_file(tokfile, &nt->token, &len) == -1) {
			fprintf(stderr, "g2b-edoc: %s: %s\n", tokfile,
			    strerror(errno));
			return (-1);
		}
		nt->token[strcspn(nt->token, "\r\n")] = '\0';
	} else if ((env = getenv("G2B_TOKEN")) != NULL && *env != '\0') {
		if ((nt->token = strdup(env)) == NULL)
			return (-1);
	}
	return (0);
}

static void
net_free(struct net *nt)
{
	if (nt->token != NULL) {
		explicit_bzero(nt->token, strlen(nt->token));
		free(nt->token);
	}
	free(nt->ca_pem);
}

/*
 * The certificate in the document's KeyInfo, as PEM, if the portal CA
 * issued it and it is valid now (ca_verify); NULL otherwise.
 */
static char *
signer_cert(const char *buf, size_t len, const char *ca_pem)
{
	xmlDocPtr		 doc;
	xmlXPathContextPtr	 xp = NULL;
	xmlXPathObjectPtr	 r = NULL;
	xmlChar			*b64 = NULL;
	char			*pem = NULL, serial[CA_SERIAL_HEX_MAX + 1];
	size_t			 i, o, n;

	doc = xmlReadMemory(buf, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return (NULL);
	if ((xp = xmlXPathNewContext(doc)) == NULL ||
	    xmlXPathRegisterNs(xp, BAD_CAST "ds", BAD_CAST EDOC_DSIG_NS) ||
	    (r = xmlXPathEvalExpression(BAD_CAST "/*/ds:Signature/ds:KeyInfo"
	    "/ds:X509Data/ds:X509Certificate", xp)) == NULL ||
	    r->nodesetval == NULL || r->nodesetval->nodeNr != 1 ||
	    (b64 = xmlNodeGetContent(r->nodesetval->nodeTab[0])) == NULL)
		goto out;
	n = strlen((char *)b64);
	if ((pem = malloc(n + n / 64 + 80)) == NULL)
		goto out;
	o = (size_t)sprintf(pem, "-----BEGIN CERTIFICATE-----\n");
	for (i = 0; i < n; i++) {
		if (b64[i] == ' ' || b64[i] == '\t' || b64[i] == '\r' ||
		    b64[i] == '\n')
			continue;
		pem[o++] = (char)b64[i];
		if ((o - 28) % 65 == 64)
			pem[o++] = '\n';
	}
	if (pem[o - 1] != '\n')
		pem[o++] = '\n';
	o += (size_t)sprintf(pem + o, "-----END CERTIFICATE-----\n");
	if (ca_verify(ca_pem, pem, time(NULL), NULL, 0, serial) == -1) {
		free(pem);
		pem = NULL;
	}
out:
	xmlFree(b64);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	return (pem);
}

/* GET or POST; the body and HTTP status; -1 if the portal is unreachable. */
static int
http(const struct net *nt, const char *path, const char *post, size_t plen,
    struct body *out, long *status)
{
	CURL			*c;
	struct curl_slist	*h = NULL;
	char			 url[2048], auth[512];
	CURLcode		 rc;

	snprintf(url, sizeof(url), "%s%s", nt->server, path);
	if ((c = curl_easy_init()) == NULL)
		return (-1);
	if (nt->token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    nt->token);
		h = curl_slist_append(h, auth);
		explicit_bzero(auth, sizeof(auth));
	}
	if (post != NULL) {
		h = curl_slist_append(h, "Content-Type: application/xml");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)plen);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", url,
		    curl_easy_strerror(rc));
		return (-1);
	}
	return (0);
}

/*
 * The portal's document in b: valid, and signed by a certificate the
 * portal CA issued. 0, or -1 with the problems printed.
 */
static int
trusted(const struct net *nt, const char *what, const struct body *b)
{
	char	*cert;
	int	 rc;

	if (b->data == NULL || b->len == 0) {
		fprintf(stderr, "g2b-edoc: %s: empty answer\n", what);
		return (-1);
	}
	if ((cert = signer_cert(b->data, b->len, nt->ca_pem)) == NULL) {
		fprintf(stderr, "g2b-edoc: %s: not signed by a certificate of "
		    "the portal CA in %s\n", what, nt->ca_file);
		return (-1);
	}
	rc = edoc_inbound(b->data, b->len, EDOC_ANY, cert, &result, NULL);
	free(cert);
	if (rc == -1) {
		print_result(what, &result);
		return (-1);
	}
	return (0);
}

static int
cmd_send(int argc, char **argv)
{
	struct net	 nt;
	struct body	 ans = { NULL, 0 };
	char		*in = NULL, *codep, code[32];
	size_t		 len;
	long		 status = 0;
	int		 rc = 3;

	if (net_options(&argc, &argv, &nt) == -1)
		return (2);
	if (argc != 1 && argc != 2)
		usage();
	if (nt.token == NULL) {
		fprintf(stderr, "g2b-edoc: send needs the API token in "
		    "$G2B_TOKEN or --token-file\n");
		net_free(&nt);
		return (2);
	}
	if (read_file(argv[0], &in, &len) == -1) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", argv[0], strerror(errno));
		net_free(&nt);
		return (2);
	}
	if (http(&nt, "/api/edoc", in, len, &ans, &status) == -1 ||
	    trusted(&nt, "answer", &ans) == -1)
		goto out;
	if (argc == 2 ? write_file(argv[1], ans.data, ans.len) == -1 :
	    fwrite(ans.data, 1, ans.len, stdout) != ans.len) {
		fprintf(stderr, "g2b-edoc: cannot write the answer\n");
		goto out;
	}
	code[0] = '\0';
	if ((codep = strstr(ans.data, "<ResponseCode>")) != NULL)
		sscanf(codep + 14, "%31[A-Za-z]", code);
	fprintf(stderr, "%s: HTTP %ld %s\n", argv[0], status, code);
	rc = (status == 200 && strcmp(code, "Accepted") == 0) ? 0 : 1;
out:
	free(in);
	free(ans.data);
	net_free(&nt);
	return (rc);
}

static int
cmd_fetch(int argc, char **argv)
{
	struct net	 nt;
	struct body	 doc = { NULL, 0 };
	long		 status = 0;
	int		 rc = 3;

	if (net_options(&argc, &argv, &nt) == -1)
		return (2);
	if (argc != 2 || argv[0][0] != '/')
		usage();
	if (http(&nt, argv[0], NULL, 0, &doc, &status) == -1)
		goto out;
	if (status != 200) {
		fprintf(stderr, "g2b-edoc: %s: HTTP %ld\n", argv[0], status);
		rc = 1;
		goto out;
	}
	if (trusted(&nt, argv[0], &doc) == -1)
		goto out;
	if (write_file(argv[1], doc.data, doc.len) == -1) {
		fprintf(stderr, "g2b-edoc: %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	printf("%s: %s, signed by the portal\n", argv[1],
	    edoc_type_root(result.type));
	rc = 0;
out:
	free(doc.data);
	net_free(&nt);
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
	else if (strcmp(argv[0], "tender") == 0)
		rc = cmd_tender(argc - 1, argv + 1);
	else if (strcmp(argv[0], "respond") == 0)
		rc = cmd_respond(argc - 1, argv + 1);
	else if (strcmp(argv[0], "send") == 0)
		rc = cmd_send(argc - 1, argv + 1);
	else if (strcmp(argv[0], "fetch") == 0)
		rc = cmd_fetch(argc - 1, argv + 1);
	else
		usage();
	edoc_cleanup();
	return (rc);
}
