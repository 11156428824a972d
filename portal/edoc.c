/*
 * edoc: standard XML e-documents (see edoc.h). Owns the safe parser, the
 * schema set, XML signatures and the acknowledgement/error document.
 * Kore-free: libxml2, xmlsec1 (OpenSSL) and OpenSSL only.
 *
 * Parsing and validation happen in one pass: the schema validator is
 * plugged into the SAX stream (xmlSchemaSAXPlug) while libxml2 builds the
 * tree, so a schema error is reported at the parser's line and column.
 * Our own SAX hooks refuse any DOCTYPE (before its internal subset is
 * read, so no entity is ever declared) and stop at EDOC_DEPTH_MAX. A
 * schema-valid document then meets the rules XSD 1.0 cannot state
 * (rules(), listed in edoc.h).
 *
 * Signatures: our own strict check of the signature's shape comes first
 * (check_sig_form), then xmlsec verifies with the registered
 * certificate's key set in advance (KeyInfo is never used to find a key),
 * with reference URIs and transforms restricted to what that check
 * allowed.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "ca.h"
#include "edoc.h"

#define PARSE_OPTIONS	(XML_PARSE_NONET | XML_PARSE_BIG_LINES | \
			    XML_PARSE_IGNORE_ENC)

#define ALG_EXC_C14N	"http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_C14N	"http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define ALG_ENVELOPED	"http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define ALG_SHA256	"http://www.w3.org/2001/04/xmlenc#sha256"
#define ALG_ECDSA256	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
#define ALG_RSA256	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"

/* The one check or signing under way in this process. */
struct collector {
	struct edoc_result	*res;
	xmlParserCtxtPtr	 pctxt;
	int			 depth;
	int			 stopped;	/* we stopped the parser */
	int			 fatal;		/* not well-formed */
	int			 root_line;
	int			 root_col;
	xmlStructuredErrorFunc	 old_serror;	/* the caller's handlers */
	void			*old_sctx;
	xmlGenericErrorFunc	 old_error;
	void			*old_ctx;
	char			 xmlsec_reason[200];
};

static const struct {
	const char	*root;
	const char	*schema;
} types[EDOC_NTYPES] = {
	[EDOC_NOTICE] = { "CallForTenders", "notice.xsd" },
	[EDOC_BID] = { "Tender", "bid.xsd" },
	[EDOC_RECEIPT] = { "TenderReceipt", "receipt.xsd" },
	[EDOC_OPENING] = { "TenderOpeningResult", "opening.xsd" },
	[EDOC_AWARD] = { "ContractAwardNotice", "award.xsd" },
	[EDOC_CONTRACT] = { "Contract", "contract.xsd" },
	[EDOC_INSPECTION] = { "InspectionRequest", "inspection.xsd" },
	[EDOC_INVOICE] = { "Invoice", "invoice.xsd" },
	[EDOC_RESPONSE] = { "ApplicationResponse", "response.xsd" },
};

static const char *const code_names[EDOC_NCODES] = {
	[EDOC_OK] = "ok",
	[EDOC_E_SIZE] = "too-large",
	[EDOC_E_MALFORMED] = "malformed",
	[EDOC_E_DOCTYPE] = "doctype",
	[EDOC_E_DEPTH] = "too-deep",
	[EDOC_E_ENCODING] = "encoding",
	[EDOC_E_NAMESPACE] = "namespace",
	[EDOC_E_UNKNOWN] = "unknown-document",
	[EDOC_E_TYPE] = "unexpected-document",
	[EDOC_E_SCHEMA] = "schema",
	[EDOC_E_RULE] = "rule",
	[EDOC_E_SIG_MISSING] = "signature-missing",
	[EDOC_E_SIG_FORM] = "signature-form",
	[EDOC_E_SIG_CERT] = "signature-certificate",
	[EDOC_E_SIG_DIGEST] = "signature-digest",
	[EDOC_E_SIG_INVALID] = "signature-invalid",
	[EDOC_E_KEY] = "key",
	[EDOC_E_INTERNAL] = "internal",
};

static int			 initialised;
static int			 xmlsec_up;
static xmlSchemaPtr		 schema;
static xmlSchemaValidCtxtPtr	 vctxt;
static struct collector		*cur;

/*
 * Keys already read, by the SHA-256 of the PEM text they came from: the
 * senders' registered certificates (verify) and the portal's own key and
 * certificate (sign). Reading a PEM key through OpenSSL 3's decoders and
 * xmlsec costs about half a millisecond, more than the ECDSA operation
 * itself; the same few keys are used for every document. The xmlsec key
 * is lent to each signature context and taken back before the context is
 * destroyed (xmlsec only reads it). Whether a certificate is still good
 * stays the caller's check on every document (see edoc.h).
 */
#define KEYS_VERIFY	32
#define KEYS_SIGN	4

struct cached_key {
	unsigned char	 id[32];	/* SHA-256 of the PEM text(s) */
	X509		*cert;		/* NULL if given its key (verify) */
	unsigned char	*der;		/* verify: the certificate's DER */
	int		 derlen;
	xmlSecKeyPtr	 key;		/* NULL until first loaded */
	int		 kind;		/* key_kind */
	unsigned long	 used;		/* for least-recently-used eviction */
};

static struct cached_key	 verify_keys[KEYS_VERIFY];
static struct cached_key	 sign_keys[KEYS_SIGN];
static unsigned long		 key_clock;

static void	on_error(void *, xmlErrorPtr);
static void	on_generic(void *, const char *, ...);
static void	on_xmlsec(const char *, int, const char *, const char *,
		    const char *, int, const char *);
static void	collect_begin(struct collector *, struct edoc_result *);
static void	collect_end(void);
static void	copy_message(char *, size_t, const char *);
static void	sax_dtd(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *);
static void	sax_start(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *, int, const xmlChar **, int, int,
		    const xmlChar **);
static void	sax_end(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *);
static int	encoding_ok(const unsigned char *, size_t);
static void	read_root(xmlDocPtr, enum edoc_type, int, int,
		    struct edoc_result *);
static int	is_dsig(xmlNodePtr, const char *);
static xmlNodePtr next_elem(xmlNodePtr);
static int	count_signatures(xmlNodePtr);
static int	attr_is(xmlNodePtr, const char *, const char *);
static int	check_sig_form(xmlNodePtr, const unsigned char *, int,
		    struct edoc_result *);
static X509	*cert_parse(const char *);
static xmlSecKeyPtr cert_key(X509 *);
static int	verify_key_load(struct cached_key *, const char *, EVP_PKEY *);
static int	response_build(const struct edoc_result *, const void *, size_t,
		    const char *, const char *, int, xmlDocPtr *);
static int	verify_with(xmlDocPtr, const char *, EVP_PKEY *,
		    struct edoc_result *);
static int	key_kind(EVP_PKEY *);
static void	drop_schema_problems(struct edoc_result *);
static xmlNodePtr add_text(xmlNodePtr, xmlNsPtr, const char *,
		    const char *);
static void	rules(xmlDocPtr, enum edoc_type, struct edoc_result *);
static int	parse_bytes(const void *, size_t, enum edoc_type, int,
		    struct edoc_result *, xmlDocPtr *);
static struct cached_key *key_slot(struct cached_key *, size_t,
		    const char *, const char *, int *);
static void	keys_free(struct cached_key *, size_t);

/* Init and names */

int
edoc_init(const char *xsd_dir)
{
	xmlSchemaParserCtxtPtr	 pctx;
	char			 path[4096];
	int			 n;

	if (initialised)
		return (0);
	xmlInitParser();
	LIBXML_TEST_VERSION

	if (xsd_dir == NULL)
		xsd_dir = "xsd";
	n = snprintf(path, sizeof(path), "%s/edoc.xsd", xsd_dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-1);
	/*
	 * Our own schema files: errors here are a deployment error and go
	 * to libxml2's default handler (stderr).
	 */
	if ((pctx = xmlSchemaNewParserCtxt(path)) == NULL)
		return (-1);
	schema = xmlSchemaParse(pctx);
	xmlSchemaFreeParserCtxt(pctx);
	if (schema == NULL) {
		fprintf(stderr, "edoc: cannot load schema %s\n", path);
		return (-1);
	}
	if ((vctxt = xmlSchemaNewValidCtxt(schema)) == NULL)
		goto fail;
	xmlSchemaSetValidStructuredErrors(vctxt, on_error, NULL);

	if (xmlSecInit() < 0)
		goto fail;
	if (xmlSecCheckVersion() != 1 ||
	    xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0) {
		xmlSecShutdown();
		goto fail;
	}
	xmlSecErrorsSetCallback(on_xmlsec);
	xmlsec_up = 1;
	initialised = 1;
	return (0);

fail:
	fprintf(stderr, "edoc: initialisation failed\n");
	if (vctxt != NULL)
		xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	vctxt = NULL;
	schema = NULL;
	return (-1);
}

void
edoc_cleanup(void)
{
	if (!initialised)
		return;
	keys_free(verify_keys, KEYS_VERIFY);
	keys_free(sign_keys, KEYS_SIGN);
	if (xmlsec_up) {
		xmlSecCryptoShutdown();
		xmlSecCryptoAppShutdown();
		xmlSecShutdown();
		xmlsec_up = 0;
	}
	xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	vctxt = NULL;
	schema = NULL;
	initialised = 0;
	xmlCleanupParser();
}

const char *
edoc_code_name(enum edoc_code code)
{
	if ((int)code < 0 || code >= EDOC_NCODES)
		return ("internal");
	return (code_names[code]);
}

const char *
edoc_type_root(enum edoc_type type)
{
	if ((int)type <= EDOC_ANY || type >= EDOC_NTYPES)
		return (NULL);
	return (types[type].root);
}

const char *
edoc_type_schema(enum edoc_type type)
{
	if ((int)type <= EDOC_ANY || type >= EDOC_NTYPES)
		return (NULL);
	return (types[type].schema);
}

enum edoc_type
edoc_type_from_root(const char *root)
{
	int	i;

	if (root == NULL)
		return (EDOC_ANY);
	for (i = EDOC_ANY + 1; i < EDOC_NTYPES; i++) {
		if (strcmp(types[i].root, root) == 0)
			return ((enum edoc_type)i);
	}
	return (EDOC_ANY);
}

/* Results and errors */

void
edoc_result_init(struct edoc_result *res)
{
	res->code = EDOC_OK;
	res->type = EDOC_ANY;
	res->id[0] = '\0';
	res->nproblems = 0;
	res->truncated = 0;
}

static void
problem_add_msg(struct edoc_result *res, enum edoc_code code, int line,
    int column, const char *msg)
{
	struct edoc_problem	*p;

	if (res->code == EDOC_OK)
		res->code = code;
	if (res->nproblems >= EDOC_PROBLEMS_MAX) {
		res->truncated++;
		return;
	}
	p = &res->problems[res->nproblems++];
	p->code = code;
	p->line = line > 0 ? line : 0;
	p->column = column > 0 ? column : 0;
	copy_message(p->message, sizeof(p->message), msg);
}

void
edoc_problem_add(struct edoc_result *res, enum edoc_code code, int line,
    int column, const char *fmt, ...)
{
	va_list	ap;
	char	msg[EDOC_MSG_MAX];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	problem_add_msg(res, code, line, column, msg);
}

/*
 * Copy a message as valid UTF-8 without control characters (they are
 * not allowed in XML 1.0 text) and without trailing space, truncated on
 * a character boundary. Invalid sequences become '?'.
 */
static void
copy_message(char *dst, size_t dstsz, const char *src)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 o = 0, n, k;
	unsigned int		 c;

	while (*s != '\0') {
		if (*s < 0x80) {
			c = *s;
			if (o + 1 >= dstsz)
				break;
			dst[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0 && *s >= 0xc2) {
			n = 2;
			c = *s & 0x1f;
		} else if ((*s & 0xf0) == 0xe0) {
			n = 3;
			c = *s & 0x0f;
		} else if ((*s & 0xf8) == 0xf0 && *s <= 0xf4) {
			n = 4;
			c = *s & 0x07;
		} else
			n = 0;
		for (k = 1; n != 0 && k < n; k++) {
			if ((s[k] & 0xc0) != 0x80)
				n = 0;
			else
				c = (c << 6) | (s[k] & 0x3f);
		}
		if (n == 0 || (n == 3 && (c < 0x800 ||
		    (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe)) ||
		    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0x80 && c <= 0x9f)) {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = '?';
			s++;
			continue;
		}
		if (o + n >= dstsz)
			break;
		memcpy(dst + o, s, n);
		o += n;
		s += n;
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	if (o == 0 && dstsz > 1) {
		(void)snprintf(dst, dstsz, "(no message)");
		return;
	}
	dst[o] = '\0';
}

static void
collect_begin(struct collector *c, struct edoc_result *res)
{
	memset(c, 0, sizeof(*c));
	c->res = res;
	/*
	 * Per thread in libxml2: set ours for whichever thread calls, and
	 * give other code in the process its own back afterwards.
	 */
	c->old_serror = xmlStructuredError;
	c->old_sctx = xmlStructuredErrorContext;
	c->old_error = xmlGenericError;
	c->old_ctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(NULL, on_error);
	xmlSetGenericErrorFunc(NULL, on_generic);
	cur = c;
}

static void
collect_end(void)
{
	if (cur == NULL)
		return;
	xmlSetStructuredErrorFunc(cur->old_sctx, cur->old_serror);
	xmlSetGenericErrorFunc(cur->old_ctx, cur->old_error);
	cur = NULL;
}

/*
 * libxml2's structured errors: parser errors end the document (later
 * schema errors are only their echo), schema errors get the parser's
 * position when libxml2 gives none (it gives none while streaming).
 */
static void
on_error(void *arg, xmlErrorPtr e)
{
	struct collector	*c = cur;
	enum edoc_code		 code;
	int			 line, col;

	(void)arg;
	if (c == NULL || c->res == NULL || e == NULL ||
	    e->level == XML_ERR_WARNING || c->stopped)
		return;
	line = e->line;
	col = e->int2;
	if (e->domain == XML_FROM_SCHEMASV) {
		if (c->fatal)
			return;
		code = EDOC_E_SCHEMA;
		/* libxml2's echo of a facet error just reported. */
		if (e->message != NULL && strstr(e->message,
		    "No precomputed value available") != NULL)
			return;
		if (line == 0 && c->pctxt != NULL &&
		    c->pctxt->input != NULL) {
			line = c->pctxt->input->line;
			col = c->pctxt->input->col;
		}
	} else if (e->domain == XML_FROM_PARSER ||
	    e->domain == XML_FROM_NAMESPACE || e->domain == XML_FROM_IO ||
	    e->domain == XML_FROM_I18N || e->domain == XML_FROM_MEMORY) {
		if (e->domain == XML_FROM_MEMORY)
			code = EDOC_E_INTERNAL;
		else if (e->code == XML_ERR_INVALID_CHAR ||
		    e->code == XML_ERR_INVALID_ENCODING ||
		    e->code == XML_ERR_UNSUPPORTED_ENCODING ||
		    e->domain == XML_FROM_I18N)
			code = EDOC_E_ENCODING;
		else
			code = EDOC_E_MALFORMED;
		if (c->fatal && e->domain != XML_FROM_NAMESPACE)
			return;		/* one root cause is enough */
		c->fatal = 1;
	} else
		return;		/* c14n, xpath...: the caller reports */
	problem_add_msg(c->res, code, line, col,
	    e->message != NULL ? e->message : "error");
}

static void
on_generic(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

static void
on_xmlsec(const char *file, int line, const char *func,
    const char *errorObject, const char *errorSubject, int reason,
    const char *msg)
{
	const char	*r = NULL;
	int		 i;

	(void)file;
	(void)line;
	(void)func;
	(void)errorObject;
	if (cur == NULL || cur->xmlsec_reason[0] != '\0')
		return;
	for (i = 0; i < XMLSEC_ERRORS_MAX_NUMBER; i++) {
		if (xmlSecErrorsGetMsg(i) == NULL)
			break;
		if (xmlSecErrorsGetCode(i) == reason) {
			r = xmlSecErrorsGetMsg(i);
			break;
		}
	}
	(void)snprintf(cur->xmlsec_reason, sizeof(cur->xmlsec_reason),
	    "%s%s%s%s%s", r != NULL ? r : "error",
	    errorSubject != NULL ? " in " : "",
	    errorSubject != NULL ? errorSubject : "",
	    msg != NULL && *msg != '\0' ? ": " : "",
	    msg != NULL ? msg : "");
}

/* Parsing */

/* A DOCTYPE: refuse it before its internal subset is read. */
static void
sax_dtd(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	xmlParserCtxtPtr	 p = ctx;

	(void)name;
	(void)ext;
	(void)sys;
	if (cur == NULL || cur->stopped)
		return;
	problem_add_msg(cur->res, EDOC_E_DOCTYPE, p->input->line,
	    p->input->col, "DOCTYPE is not allowed: e-documents have no "
	    "DTD, entity declarations or external entities");
	cur->stopped = 1;
	xmlStopParser(p);
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attr,
    int nb_def, const xmlChar **attrs)
{
	xmlParserCtxtPtr	 p = ctx;

	if (cur != NULL && !cur->stopped) {
		if (++cur->depth > EDOC_DEPTH_MAX) {
			problem_add_msg(cur->res, EDOC_E_DEPTH,
			    p->input->line, p->input->col,
			    "elements nested deeper than the limit");
			cur->stopped = 1;
			xmlStopParser(p);
			return;
		}
		if (cur->depth == 1) {
			cur->root_line = p->input->line;
			cur->root_col = p->input->col;
		}
	}
	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_ns, ns,
	    nb_attr, nb_def, attrs);
}

static void
sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	if (cur != NULL && cur->depth > 0)
		cur->depth--;
	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

/*
 * UTF-8 only: refuse UTF-16/32 (by BOM or by the zero bytes of "<?"),
 * and an XML declaration naming another encoding. The parser then reads
 * the bytes as UTF-8 (XML_PARSE_IGNORE_ENC), so iconv never runs.
 */
static int
encoding_ok(const unsigned char *b, size_t len)
{
	const unsigned char	*e, *q;
	char			 enc[32];
	size_t			 n;

	if (len >= 2 && ((b[0] == 0xfe && b[1] == 0xff) ||
	    (b[0] == 0xff && b[1] == 0xfe) || b[0] == 0 || b[1] == 0))
		return (0);
	if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		b += 3;
		len -= 3;
	}
	if (len < 6 || memcmp(b, "<?xml", 5) != 0 ||
	    (b[5] != ' ' && b[5] != '\t' && b[5] != '\r' && b[5] != '\n'))
		return (1);
	if ((e = memchr(b, '>', len > 200 ? 200 : len)) == NULL)
		return (1);	/* malformed: the parser says so */
	for (q = b + 5; q + 8 < e; q++) {
		if (memcmp(q, "encoding", 8) != 0)
			continue;
		q += 8;
		while (q < e && (*q == ' ' || *q == '=' || *q == '\t'))
			q++;
		if (q >= e || (*q != '"' && *q != '\''))
			return (1);
		q++;
		for (n = 0; q < e && *q != '"' && *q != '\'' &&
		    n < sizeof(enc) - 1; q++)
			enc[n++] = (char)*q;
		enc[n] = '\0';
		return (strcasecmp(enc, "UTF-8") == 0 ||
		    strcasecmp(enc, "UTF8") == 0 ||
		    strcasecmp(enc, "US-ASCII") == 0);
	}
	return (1);
}

int
edoc_check(const void *buf, size_t len, enum edoc_type want,
    struct edoc_result *res, xmlDocPtr *docp)
{
	return (parse_bytes(buf, len, want, 1, res, docp));
}

int
edoc_parse(const void *buf, size_t len, struct edoc_result *res,
    xmlDocPtr *docp)
{
	return (parse_bytes(buf, len, EDOC_ANY, 0, res, docp));
}

/*
 * The safe parse, with (validate) or without the schema plugged into
 * the parser; without it, any root element is taken and no rule runs.
 */
static int
parse_bytes(const void *buf, size_t len, enum edoc_type want, int validate,
    struct edoc_result *res, xmlDocPtr *docp)
{
	struct collector	 c;
	xmlParserCtxtPtr	 p = NULL;
	xmlSchemaSAXPlugPtr	 plug = NULL;
	xmlDocPtr		 doc = NULL;
	int			 valid;

	if (docp != NULL)
		*docp = NULL;
	if (!initialised) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0,
		    "edoc_init was not called");
		return (-1);
	}
	if (buf == NULL || len == 0) {
		edoc_problem_add(res, EDOC_E_SIZE, 0, 0, "empty document");
		return (-1);
	}
	if (len > EDOC_SIZE_MAX) {
		edoc_problem_add(res, EDOC_E_SIZE, 0, 0,
		    "document of %zu bytes is over the limit of %d bytes",
		    len, EDOC_SIZE_MAX);
		return (-1);
	}
	if (!encoding_ok(buf, len)) {
		edoc_problem_add(res, EDOC_E_ENCODING, 1, 1,
		    "e-documents are UTF-8");
		return (-1);
	}

	collect_begin(&c, res);
	if ((p = xmlCreateMemoryParserCtxt(buf, (int)len)) == NULL) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0, "out of memory");
		goto done;
	}
	c.pctxt = p;
	p->sax->internalSubset = sax_dtd;
	p->sax->externalSubset = NULL;
	p->sax->startElementNs = sax_start;
	p->sax->endElementNs = sax_end;
	(void)xmlCtxtUseOptions(p, PARSE_OPTIONS);
	/* xmlCtxtUseOptions may reset entity handling: keep it off. */
	p->replaceEntities = 0;
	p->loadsubset = 0;
	p->validate = 0;

	if (validate && (plug = xmlSchemaSAXPlug(vctxt, &p->sax,
	    &p->userData)) == NULL) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0,
		    "cannot start the validator");
		goto done;
	}
	(void)xmlParseDocument(p);
	if (plug != NULL)
		xmlSchemaSAXUnplug(plug);
	plug = NULL;

	doc = p->myDoc;
	p->myDoc = NULL;
	valid = validate ? xmlSchemaIsValid(vctxt) : 1;
	if (c.stopped || !p->wellFormed || !p->nsWellFormed ||
	    doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		/* Not a document: where it breaks is all there is to say. */
		drop_schema_problems(res);
		if (res->code == EDOC_OK)
			edoc_problem_add(res, EDOC_E_MALFORMED,
			    p->input != NULL ? p->input->line : 0,
			    p->input != NULL ? p->input->col : 0,
			    "not a well-formed XML document");
		xmlFreeDoc(doc);
		doc = NULL;
		goto done;
	}
	c.pctxt = NULL;
	if (!validate)
		goto done;
	read_root(doc, want, c.root_line, c.root_col, res);
	if (res->code == EDOC_OK && valid != 1)
		edoc_problem_add(res, EDOC_E_SCHEMA, 0, 0,
		    "the document is not valid");
	if (res->code == EDOC_OK)
		rules(doc, res->type, res);
	if (res->code == EDOC_E_NAMESPACE || res->code == EDOC_E_UNKNOWN) {
		/* Nothing else can be said about a foreign document. */
		xmlFreeDoc(doc);
		doc = NULL;
	}

done:
	if (plug != NULL)
		xmlSchemaSAXUnplug(plug);
	if (p != NULL) {
		if (p->myDoc != NULL)
			xmlFreeDoc(p->myDoc);
		xmlFreeParserCtxt(p);
	}
	collect_end();
	if (docp != NULL)
		*docp = doc;
	else
		xmlFreeDoc(doc);
	return (res->code == EDOC_OK ? 0 : -1);
}

/*
 * Root element: the namespace and the document type (a wrong one makes
 * the schema's complaints noise: replace them), and the document's ID.
 */
static void
read_root(xmlDocPtr doc, enum edoc_type want, int line, int col,
    struct edoc_result *res)
{
	xmlNodePtr	 root = xmlDocGetRootElement(doc), n;
	xmlChar		*id;
	size_t		 i, len;

	if (root->ns == NULL || root->ns->href == NULL ||
	    strcmp((const char *)root->ns->href, EDOC_NS) != 0) {
		drop_schema_problems(res);
		edoc_problem_add(res, EDOC_E_NAMESPACE, line, col,
		    "root element '%s' is not in the namespace %s",
		    (const char *)root->name, EDOC_NS);
		return;
	}
	res->type = edoc_type_from_root((const char *)root->name);
	if (res->type == EDOC_ANY) {
		drop_schema_problems(res);
		edoc_problem_add(res, EDOC_E_UNKNOWN, line, col,
		    "'%s' is not a G2B e-document", (const char *)root->name);
		return;
	}
	if (want != EDOC_ANY && res->type != want)
		edoc_problem_add(res, EDOC_E_TYPE, line, col,
		    "expected %s, received %s", edoc_type_root(want),
		    edoc_type_root(res->type));
	for (n = next_elem(root->children); n != NULL; n = next_elem(n->next)) {
		if (strcmp((const char *)n->name, "ID") != 0 ||
		    n->ns == NULL || strcmp((const char *)n->ns->href,
		    EDOC_NS) != 0)
			continue;
		if ((id = xmlNodeGetContent(n)) == NULL)
			break;
		len = strlen((const char *)id);
		for (i = 0; i < len; i++) {
			if (!isalnum((unsigned char)id[i]) &&
			    strchr("._:/-", id[i]) == NULL)
				break;
		}
		if (len > 0 && len <= EDOC_ID_MAX && i == len)
			memcpy(res->id, id, len + 1);
		xmlFree(id);
		break;
	}
}

static void
drop_schema_problems(struct edoc_result *res)
{
	size_t	i, o;

	for (i = o = 0; i < res->nproblems; i++) {
		if (res->problems[i].code != EDOC_E_SCHEMA)
			res->problems[o++] = res->problems[i];
	}
	res->nproblems = o;
	res->truncated = 0;
	res->code = o > 0 ? res->problems[0].code : EDOC_OK;
}

/* Rules beyond the schema (see edoc_check in edoc.h) */

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	if (n == NULL)
		return (NULL);
	for (n = next_elem(n->children); n != NULL; n = next_elem(n->next)) {
		if (n->ns != NULL && strcmp((const char *)n->ns->href,
		    EDOC_NS) == 0 && strcmp((const char *)n->name, name) == 0)
			return (n);
	}
	return (NULL);
}

static xmlNodePtr
sibling(xmlNodePtr n, const char *name)
{
	for (n = next_elem(n->next); n != NULL; n = next_elem(n->next)) {
		if (n->ns != NULL && strcmp((const char *)n->ns->href,
		    EDOC_NS) == 0 && strcmp((const char *)n->name, name) == 0)
			return (n);
	}
	return (NULL);
}

/*
 * An element's text without the leading and trailing white space the
 * schema's whiteSpace facet ignores, for xmlFree; NULL if none.
 */
static xmlChar *
trimmed(xmlNodePtr n)
{
	xmlChar	*v;
	size_t	 a, b;

	if (n == NULL || (v = xmlNodeGetContent(n)) == NULL)
		return (NULL);
	b = strlen((const char *)v);
	while (b > 0 && (v[b - 1] == ' ' || v[b - 1] == '\t' ||
	    v[b - 1] == '\n' || v[b - 1] == '\r'))
		b--;
	for (a = 0; a < b && (v[a] == ' ' || v[a] == '\t' || v[a] == '\n' ||
	    v[a] == '\r'); a++)
		;
	memmove(v, v + a, b - a);
	v[b - a] = '\0';
	return (v);
}

static int
text_is(xmlNodePtr n, const char *value)
{
	xmlChar	*v;
	int	 eq;

	if ((v = trimmed(n)) == NULL)
		return (0);
	eq = strcmp((const char *)v, value) == 0;
	xmlFree(v);
	return (eq);
}

static void
rule(struct edoc_result *res, xmlNodePtr n, const char *fmt, ...)
{
	va_list	ap;
	char	msg[EDOC_MSG_MAX];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	problem_add_msg(res, EDOC_E_RULE, n != NULL ?
	    (int)xmlGetLineNo(n) : 0, 0, msg);
}

/*
 * A decimal as an integer in units of 10^-places (the schema bounds the
 * digits: at most 18, so below 10^18 units). -1 if absent.
 */
static int
decimal(xmlNodePtr n, int places, long long *v)
{
	xmlChar		*t;
	const char	*p;
	long long	 x = 0;
	int		 frac = -1;

	if ((t = trimmed(n)) == NULL)
		return (-1);
	for (p = (const char *)t; *p == '+'; p++)
		;
	for (; *p != '\0'; p++) {
		if (*p == '.' && frac == -1) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		if (frac >= places)
			continue;
		x = x * 10 + (*p - '0');
		if (frac >= 0)
			frac++;
	}
	for (frac = frac < 0 ? 0 : frac; frac < places; frac++)
		x *= 10;
	xmlFree(t);
	*v = x;
	return (0);
}

/* An AmountType in hundredths and its currency. -1 if absent. */
static int
amount(xmlNodePtr n, long long *cents, char ccy[4])
{
	xmlChar	*c;

	if (decimal(n, 2, cents) == -1)
		return (-1);
	ccy[0] = '\0';
	if ((c = xmlGetNoNsProp(n, (const xmlChar *)"currencyID")) != NULL) {
		(void)snprintf(ccy, 4, "%s", (const char *)c);
		xmlFree(c);
	}
	return (0);
}

static void
fmt_cents(char *buf, size_t sz, long long c)
{
	(void)snprintf(buf, sz, "%lld.%02lld", c / 100, c % 100);
}

/*
 * The amounts named amt of the elements named line under parent must
 * add up to total.
 */
static void
rule_sum(struct edoc_result *res, xmlNodePtr parent, const char *line,
    const char *amt, xmlNodePtr total, const char *what)
{
	xmlNodePtr	 n;
	long long	 sum = 0, c, t;
	char		 lcur[4], tcur[4], a[32], b[32];

	if (amount(total, &t, tcur) == -1)
		return;
	for (n = child(parent, line); n != NULL; n = sibling(n, line)) {
		if (amount(child(n, amt), &c, lcur) == -1)
			continue;
		if (strcmp(lcur, tcur) != 0) {
			rule(res, child(n, amt), "%s: amounts in %s and %s "
			    "cannot be added", what, lcur, tcur);
			return;
		}
		if (__builtin_add_overflow(sum, c, &sum)) {
			rule(res, total, "%s: the lines overflow", what);
			return;
		}
	}
	if (sum != t) {
		fmt_cents(a, sizeof(a), t);
		fmt_cents(b, sizeof(b), sum);
		rule(res, total, "%s %s %s is not the sum of the lines, %s",
		    what, a, tcur, b);
	}
}

/* 사업자등록번호 check digit (domain.md). */
static int
bizno_ok(const char *s)
{
	static const int	w[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 };
	int			i, sum = 0;

	for (i = 0; i < 10; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	if (s[10] != '\0')
		return (0);
	for (i = 0; i < 9; i++)
		sum += (s[i] - '0') * w[i];
	sum += ((s[8] - '0') * 5) / 10;
	return ((10 - sum % 10) % 10 == s[9] - '0');
}

static void
rules_bizno(xmlNodePtr n, struct edoc_result *res)
{
	xmlChar	*v;

	for (n = next_elem(n); n != NULL; n = next_elem(n->next)) {
		if (n->ns != NULL && strcmp((const char *)n->ns->href,
		    EDOC_NS) == 0 && strcmp((const char *)n->name,
		    "BusinessRegistrationNumber") == 0) {
			if ((v = trimmed(n)) != NULL) {
				if (!bizno_ok((const char *)v))
					rule(res, n, "business registration "
					    "number %s has a wrong check digit",
					    (const char *)v);
				xmlFree(v);
			}
			continue;
		}
		rules_bizno(n->children, res);
	}
}

/* xs:dateTime with a zone (DateTimeType) as seconds since the epoch. */
static int
datetime(xmlNodePtr n, long long *t)
{
	xmlChar		*v;
	struct tm	 tm;
	const char	*p, *z;
	int		 zh = 0, zm = 0, sign = 1, ok = 0;

	if ((v = trimmed(n)) == NULL)
		return (-1);
	memset(&tm, 0, sizeof(tm));
	p = (const char *)v;
	if (sscanf(p, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
		z = p + strlen(p) - 1;
		if (*z == 'Z')
			ok = 1;
		else if (strlen(p) >= 6 && sscanf(p + strlen(p) - 6,
		    "%*[+-]%2d:%2d", &zh, &zm) == 2) {
			sign = p[strlen(p) - 6] == '-' ? -1 : 1;
			ok = 1;
		}
	}
	xmlFree(v);
	if (!ok)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = (long long)timegm(&tm) - sign * (zh * 3600LL + zm * 60LL);
	return (0);
}

static void
rules_notice(xmlNodePtr root, struct edoc_result *res)
{
	xmlNodePtr	 pp, tt, tp, sp, budget, base, n;
	long long	 b, a, t0, t1, t2;
	char		 bc[4], ac[4];

	if ((child(root, "Amendment") != NULL ||
	    child(root, "Cancellation") != NULL) &&
	    text_is(child(root, "NoticeOrder"), "0"))
		rule(res, child(root, "NoticeOrder"), "an amendment or "
		    "cancellation cannot be order 0");
	pp = child(root, "ProcurementProject");
	budget = child(pp, "BudgetAmount");
	base = child(pp, "BaseAmount");
	if (amount(budget, &b, bc) == 0 && amount(base, &a, ac) == 0) {
		if (strcmp(bc, ac) != 0)
			rule(res, base, "base amount and budget are in "
			    "different currencies");
		else if (a > b)
			rule(res, base, "the base amount (기초금액) exceeds "
			    "the budget");
	}
	tt = child(root, "TenderingTerms");
	tp = child(root, "TenderingProcess");
	n = child(tt, "AwardFloorRate");
	if (text_is(child(tp, "AwardingMethodCode"), "qualification")) {
		if (n == NULL)
			rule(res, tt, "qualification review needs an "
			    "AwardFloorRate");
	} else if (n != NULL)
		rule(res, n, "an AwardFloorRate is only for qualification "
		    "review");
	sp = child(tp, "TenderSubmissionPeriod");
	if (datetime(child(sp, "StartDateTime"), &t0) == 0 &&
	    datetime(child(sp, "EndDateTime"), &t1) == 0 &&
	    datetime(child(tp, "OpeningDateTime"), &t2) == 0) {
		if (t0 >= t1)
			rule(res, sp, "the submission period ends before it "
			    "starts");
		if (t1 > t2)
			rule(res, child(tp, "OpeningDateTime"), "the opening "
			    "is before the end of the submission period");
	}
}

/*
 * The opening result's arithmetic, as bidding/prices.h computes it: the
 * chosen numbers are the 4 most picked (ties: lower number first), the
 * planned price their average (to the won, whichever way the family
 * rounds), the floor ceil(planned * rate), no floor without a rate, each
 * ratio rounded half up to 0.001 %, exclusion exactly below the floor,
 * and the picks counted are those of the valid bids (2 each).
 */
static void
rules_opening(xmlNodePtr root, struct edoc_result *res)
{
	xmlNodePtr	 n, pn = child(root, "PlannedPrice");
	xmlNodePtr	 fn = child(root, "FloorAmount");
	xmlNodePtr	 cn = child(root, "ChosenNumbers");
	long long	 price[16], count[16], num, sum = 0, planned, floor;
	long long	 rate, a, ratio, picks = 0, valids = 0;
	__int128	 q;
	int		 best[4], i, j, k, valid, excluded, have = 0;
	char		 ccy[4], pccy[4], buf[32];

	memset(price, 0, sizeof(price));
	memset(count, 0, sizeof(count));
	if (amount(pn, &planned, pccy) == -1 ||
	    decimal(fn, 2, &floor) == -1)
		return;
	for (n = child(child(root, "PreliminaryPrices"), "PreliminaryPrice");
	    n != NULL; n = sibling(n, "PreliminaryPrice")) {
		if (decimal(child(n, "Number"), 0, &num) == -1 || num < 1 ||
		    num > 15 || amount(child(n, "Amount"), &price[num],
		    ccy) == -1 || decimal(child(n, "PickCount"), 0,
		    &count[num]) == -1)
			return;
		if (strcmp(ccy, pccy) != 0) {
			rule(res, n, "preliminary prices and the planned "
			    "price are in different currencies");
			return;
		}
		picks += count[num];
		have++;
	}
	if (have != 15)
		return;
	for (i = 0; i < 4; i++) {
		best[i] = 0;
		for (k = 1; k <= 15; k++) {
			for (j = 0; j < i && best[j] != k; j++)
				;
			if (j < i)
				continue;
			if (best[i] == 0 || count[k] > count[best[i]])
				best[i] = k;
		}
		sum += price[best[i]];
	}
	for (i = 0, n = child(cn, "Number"); i < 4 && n != NULL;
	    i++, n = sibling(n, "Number"))
		if (decimal(n, 0, &num) == -1 || num != best[i])
			break;
	if (i < 4)
		rule(res, cn, "ChosenNumbers must be the 4 most picked, ties "
		    "to the lower number: %d, %d, %d, %d", best[0], best[1],
		    best[2], best[3]);
	else if (planned * 4 <= sum - 400 || planned * 4 >= sum + 400) {
		fmt_cents(buf, sizeof(buf), sum / 4);
		rule(res, pn, "PlannedPrice is not the average of the chosen "
		    "prices (%s)", buf);
	}

	n = child(root, "AwardFloorRate");
	if (n == NULL)
		rate = 0;
	else if (decimal(n, 3, &rate) == -1)
		return;
	/* ceil(planned won * rate / 100000) won, in hundredths. */
	q = ((__int128)(planned / 100) * rate + 99999) / 100000 * 100;
	if (rate > 0 && planned % 100 == 0 && q != floor) {
		fmt_cents(buf, sizeof(buf), (long long)q);
		rule(res, fn, "FloorAmount is not ceil(PlannedPrice x "
		    "AwardFloorRate) (%s)", buf);
	} else if (rate == 0 && floor != 0)
		rule(res, fn, "without an AwardFloorRate the FloorAmount "
		    "is 0");

	for (n = child(root, "TenderResult"); n != NULL;
	    n = sibling(n, "TenderResult")) {
		valid = text_is(child(n, "Valid"), "true") ||
		    text_is(child(n, "Valid"), "1");
		excluded = text_is(child(n, "Excluded"), "true") ||
		    text_is(child(n, "Excluded"), "1");
		valids += valid;
		if (excluded && !valid)
			rule(res, n, "an excluded bid must be a valid bid");
		if (child(n, "Rank") != NULL && (!valid || excluded))
			rule(res, child(n, "Rank"), "only valid bids that "
			    "are not excluded have a rank");
		if (amount(child(n, "Amount"), &a, ccy) == -1 || planned <= 0)
			continue;
		if (valid && (a < floor) != excluded)
			rule(res, child(n, "Excluded"), "a valid bid is "
			    "excluded exactly when it is below the floor");
		q = ((__int128)a * 200000 / planned + 1) / 2;
		if (decimal(child(n, "Ratio"), 3, &ratio) == 0 &&
		    q != ratio) {
			(void)snprintf(buf, sizeof(buf), "%lld.%03lld",
			    (long long)(q / 1000), (long long)(q % 1000));
			rule(res, child(n, "Ratio"), "Ratio is not Amount / "
			    "PlannedPrice (%s %%)", buf);
		}
	}
	if (picks != 2 * valids)
		rule(res, child(root, "PreliminaryPrices"), "the pick counts "
		    "add up to %lld, not 2 for each of the %lld valid bids",
		    picks, valids);
}

static void
rules_contract(xmlNodePtr root, struct edoc_result *res)
{
	xmlNodePtr	 vp = child(root, "ValidityPeriod");
	xmlChar		*a = NULL, *b = NULL;

	if (vp != NULL) {
		a = trimmed(child(vp, "StartDate"));
		b = trimmed(child(vp, "EndDate"));
		if (a != NULL && b != NULL && strlen((char *)a) >= 10 &&
		    strlen((char *)b) >= 10 && a[4] == '-' && b[4] == '-' &&
		    strncmp((char *)a, (char *)b, 10) > 0)
			rule(res, vp, "the contract ends before it starts");
		xmlFree(a);
		xmlFree(b);
	}
	rule_sum(res, root, "ContractItem", "LineAmount",
	    child(root, "ContractAmount"), "ContractAmount");
}

static void
rules_inspection(xmlNodePtr root, struct edoc_result *res)
{
	int	inst = text_is(child(root, "DeliveryKindCode"), "installment");

	if (inst != (child(root, "InstallmentNumber") != NULL))
		rule(res, child(root, "DeliveryKindCode"), "an "
		    "InstallmentNumber is given exactly for an installment "
		    "(기성) delivery");
	rule_sum(res, root, "DeliveredItem", "LineAmount",
	    child(root, "DeliveredAmount"), "DeliveredAmount");
}

static void
rules_invoice(xmlNodePtr root, struct edoc_result *res)
{
	xmlNodePtr	 le = child(root, "LineExtensionAmount");
	xmlNodePtr	 pay = child(root, "PayableAmount");
	long long	 l, t, p;
	char		 lc[4], tc[4], pc[4], a[32];

	rule_sum(res, root, "InvoiceLine", "LineExtensionAmount", le,
	    "LineExtensionAmount");
	if (amount(le, &l, lc) == -1 ||
	    amount(child(root, "TaxAmount"), &t, tc) == -1 ||
	    amount(pay, &p, pc) == -1)
		return;
	if (strcmp(lc, tc) != 0 || strcmp(lc, pc) != 0)
		rule(res, pay, "the invoice's amounts are in different "
		    "currencies");
	else if (l + t != p) {
		fmt_cents(a, sizeof(a), l + t);
		rule(res, pay, "PayableAmount is not LineExtensionAmount + "
		    "TaxAmount (%s)", a);
	}
}

static void
rules_response(xmlNodePtr root, struct edoc_result *res)
{
	xmlNodePtr	dr = child(root, "DocumentResponse");
	int		rejected = text_is(child(dr, "ResponseCode"),
			    "Rejected");

	if (rejected != (child(dr, "Problem") != NULL))
		rule(res, child(dr, "ResponseCode"), "a response lists "
		    "problems exactly when it is Rejected");
}

static void
rules(xmlDocPtr doc, enum edoc_type type, struct edoc_result *res)
{
	xmlNodePtr	root = xmlDocGetRootElement(doc);

	rules_bizno(root->children, res);
	switch (type) {
	case EDOC_NOTICE:
		rules_notice(root, res);
		break;
	case EDOC_OPENING:
		rules_opening(root, res);
		break;
	case EDOC_CONTRACT:
		rules_contract(root, res);
		break;
	case EDOC_INSPECTION:
		rules_inspection(root, res);
		break;
	case EDOC_INVOICE:
		rules_invoice(root, res);
		break;
	case EDOC_RESPONSE:
		rules_response(root, res);
		break;
	default:
		break;
	}
}

/* Signatures */

static xmlNodePtr
next_elem(xmlNodePtr n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return (n);
}

static int
is_dsig(xmlNodePtr n, const char *name)
{
	return (n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strcmp((const char *)n->ns->href, EDOC_DSIG_NS) == 0 &&
	    strcmp((const char *)n->name, name) == 0);
}

static int
count_signatures(xmlNodePtr n)
{
	int	count = 0;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_dsig(n, "Signature"))
			count++;
		count += count_signatures(n->children);
	}
	return (count);
}

static int
attr_is(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar	*v;
	int	 eq;

	if ((v = xmlGetNoNsProp(n, (const xmlChar *)name)) == NULL)
		return (0);
	eq = strcmp((const char *)v, value) == 0;
	xmlFree(v);
	return (eq);
}

#define FORM(n, ...) do {						\
	edoc_problem_add(res, EDOC_E_SIG_FORM,				\
	    (n) != NULL ? (int)xmlGetLineNo(n) : 0, 0, __VA_ARGS__);	\
	return (-1);							\
} while (0)

/*
 * The shape we accept, checked before xmlsec sees anything:
 *   Signature ( SignedInfo, SignatureValue, KeyInfo? ) - no Object
 *   SignedInfo ( CanonicalizationMethod exc-c14n | c14n,
 *                SignatureMethod ecdsa-sha256 | rsa-sha256,
 *                Reference URI="" ( Transforms ( enveloped, c14n? ),
 *                                   DigestMethod sha256, DigestValue ) )
 *   KeyInfo ( X509Data ( X509Certificate ... ) | KeyName | KeyValue )*
 * and every X509Certificate in KeyInfo must be the registered one.
 */
static int
check_sig_form(xmlNodePtr sig, const unsigned char *certder, int certlen,
    struct edoc_result *res)
{
	xmlNodePtr	 si, sv, ki, c, t, x;
	xmlChar		*b64;
	unsigned char	*der = NULL, *q;
	int		 derlen, ok, ntrans;

	si = next_elem(sig->children);
	if (!is_dsig(si, "SignedInfo"))
		FORM(sig, "Signature has no SignedInfo");
	sv = next_elem(si->next);
	if (!is_dsig(sv, "SignatureValue"))
		FORM(sig, "Signature has no SignatureValue");
	ki = next_elem(sv->next);
	if (ki != NULL && !is_dsig(ki, "KeyInfo"))
		FORM(ki, "Signature may hold only SignedInfo, "
		    "SignatureValue and KeyInfo");
	if (ki != NULL && next_elem(ki->next) != NULL)
		FORM(ki, "Signature may hold only SignedInfo, "
		    "SignatureValue and KeyInfo");

	c = next_elem(si->children);
	if (!is_dsig(c, "CanonicalizationMethod") ||
	    (!attr_is(c, "Algorithm", ALG_EXC_C14N) &&
	    !attr_is(c, "Algorithm", ALG_C14N)))
		FORM(si, "CanonicalizationMethod must be exclusive or "
		    "inclusive C14N 1.0 without comments");
	c = next_elem(c->next);
	if (!is_dsig(c, "SignatureMethod") ||
	    (!attr_is(c, "Algorithm", ALG_ECDSA256) &&
	    !attr_is(c, "Algorithm", ALG_RSA256)))
		FORM(si, "SignatureMethod must be ECDSA-SHA256 or "
		    "RSA-SHA256");
	c = next_elem(c->next);
	if (!is_dsig(c, "Reference"))
		FORM(si, "SignedInfo has no Reference");
	if (next_elem(c->next) != NULL)
		FORM(c, "exactly one Reference is allowed");
	if (!attr_is(c, "URI", ""))
		FORM(c, "the Reference must be URI=\"\" (the whole document)");
	t = next_elem(c->children);
	if (!is_dsig(t, "Transforms"))
		FORM(c, "the Reference must have the enveloped-signature "
		    "transform");
	x = next_elem(t->children);
	ntrans = 0;
	for (; x != NULL; x = next_elem(x->next), ntrans++) {
		if (!is_dsig(x, "Transform") || x->children != NULL)
			FORM(x, "unexpected transform content");
		if (ntrans == 0 && attr_is(x, "Algorithm", ALG_ENVELOPED))
			continue;
		if (ntrans == 1 && (attr_is(x, "Algorithm", ALG_EXC_C14N) ||
		    attr_is(x, "Algorithm", ALG_C14N)))
			continue;
		FORM(x, "transforms must be enveloped-signature, then "
		    "optionally one C14N");
	}
	if (ntrans == 0)
		FORM(t, "the Reference must have the enveloped-signature "
		    "transform");
	x = next_elem(t->next);
	if (!is_dsig(x, "DigestMethod") || !attr_is(x, "Algorithm",
	    ALG_SHA256))
		FORM(c, "DigestMethod must be SHA-256");

	if (ki == NULL)
		return (0);
	ok = 0;
	for (c = next_elem(ki->children); c != NULL; c = next_elem(c->next)) {
		if (is_dsig(c, "KeyName") || is_dsig(c, "KeyValue"))
			continue;
		if (!is_dsig(c, "X509Data")) {
			FORM(c, "KeyInfo may hold only X509Data, KeyName and "
			    "KeyValue (no RetrievalMethod)");
		}
		for (x = next_elem(c->children); x != NULL;
		    x = next_elem(x->next)) {
			if (!is_dsig(x, "X509Certificate"))
				continue;
			b64 = xmlNodeGetContent(x);
			der = NULL;
			derlen = -1;
			if (b64 != NULL) {
				size_t	 blen = strlen((char *)b64), i, j;
				char	*clean = malloc(blen + 1);

				if (clean != NULL) {
					for (i = j = 0; i < blen; i++)
						if (!isspace(b64[i]))
							clean[j++] = b64[i];
					clean[j] = '\0';
					der = malloc(j + 1);
					if (der != NULL)
						derlen = EVP_DecodeBlock(der,
						    (unsigned char *)clean,
						    (int)j);
					/* Decoded length counts the padding. */
					if (derlen > 0 && j >= 1 &&
					    clean[j - 1] == '=')
						derlen--;
					if (derlen > 0 && j >= 2 &&
					    clean[j - 2] == '=')
						derlen--;
					free(clean);
				}
				xmlFree(b64);
			}
			q = der;
			if (derlen != certlen || q == NULL ||
			    memcmp(q, certder, certlen) != 0) {
				free(der);
				edoc_problem_add(res, EDOC_E_SIG_CERT,
				    (int)xmlGetLineNo(x), 0,
				    "the certificate in KeyInfo is not the "
				    "sender's registered certificate");
				return (-1);
			}
			free(der);
			ok = 1;
		}
	}
	(void)ok;
	return (0);
}

#undef FORM

static X509 *
cert_parse(const char *pem)
{
	if (pem == NULL || strlen(pem) > 65536)
		return (NULL);
	return (ca_cert_parse(pem));
}

/*
 * An xmlsec key holding cert's public key (for verifying: xmlsec needs no
 * more), without reading the certificate again as
 * xmlSecCryptoAppKeyLoadMemory would.
 */
static xmlSecKeyPtr
cert_key(X509 *cert)
{
	xmlSecKeyPtr		 key;
	xmlSecKeyDataPtr	 data;

	if ((data = xmlSecOpenSSLX509CertGetKey(cert)) == NULL)
		return (NULL);
	if ((key = xmlSecKeyCreate()) == NULL ||
	    xmlSecKeySetValue(key, data) < 0) {
		xmlSecKeyDataDestroy(data);
		if (key != NULL)
			xmlSecKeyDestroy(key);
		return (NULL);
	}
	return (key);
}

/* 1: EC P-256, 2: RSA >= 2048 bits, 0: anything else. */
static int
key_kind(EVP_PKEY *k)
{
	char	curve[64];
	size_t	len;

	if (k == NULL)
		return (0);
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC) {
		if (EVP_PKEY_get_utf8_string_param(k, "group", curve,
		    sizeof(curve), &len) != 1)
			return (0);
		return (strcmp(curve, "prime256v1") == 0 ? 1 : 0);
	}
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA)
		return (EVP_PKEY_get_bits(k) >= 2048 ? 2 : 0);
	return (0);
}

/*
 * The slot of the key read from a (and b, if not NULL): *hit is 1 if it
 * is there, else 0 and the slot is the least recently used one, emptied
 * for the caller to fill. NULL if the text is too long to be a key.
 */
static struct cached_key *
key_slot(struct cached_key *tab, size_t n, const char *a, const char *b,
    int *hit)
{
	EVP_MD_CTX		*md;
	struct cached_key	*k, *old = &tab[0];
	unsigned char		 id[32];
	size_t			 i;
	int			 ok;

	*hit = 0;
	if (a == NULL || strlen(a) > 65536 || (b != NULL &&
	    strlen(b) > 65536) || (md = EVP_MD_CTX_new()) == NULL)
		return (NULL);
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, a, strlen(a) + 1) == 1 &&
	    (b == NULL || EVP_DigestUpdate(md, b, strlen(b) + 1) == 1) &&
	    EVP_DigestFinal_ex(md, id, NULL) == 1;
	EVP_MD_CTX_free(md);
	if (!ok)
		return (NULL);
	for (i = 0; i < n; i++) {
		k = &tab[i];
		if ((k->cert != NULL || k->der != NULL) &&
		    memcmp(k->id, id, sizeof(id)) == 0) {
			k->used = ++key_clock;
			*hit = 1;
			return (k);
		}
		if (k->used < old->used)
			old = k;
	}
	keys_free(old, 1);
	memcpy(old->id, id, sizeof(id));
	old->used = ++key_clock;
	return (old);
}

static void
keys_free(struct cached_key *tab, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (tab[i].key != NULL)
			xmlSecKeyDestroy(tab[i].key);
		X509_free(tab[i].cert);
		OPENSSL_free(tab[i].der);
		memset(&tab[i], 0, sizeof(tab[i]));
	}
}

int
edoc_verify(xmlDocPtr doc, const char *cert_pem, struct edoc_result *res)
{
	return (verify_with(doc, cert_pem, NULL, res));
}

int
edoc_verify_key(xmlDocPtr doc, const char *cert_pem, EVP_PKEY *pub,
    struct edoc_result *res)
{
	if (pub == NULL) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0, "no key given for the "
		    "registered certificate");
		return (-1);
	}
	return (verify_with(doc, cert_pem, pub, res));
}

/*
 * The registered certificate's key and DER, kept in ck: read from the
 * certificate (pub NULL), or pub as the caller read it from cert_pem and
 * the DER of the PEM's bytes, without parsing the certificate again.
 */
static int
verify_key_load(struct cached_key *ck, const char *cert_pem, EVP_PKEY *pub)
{
	xmlSecKeyDataPtr	 data;
	BIO			*bio;
	char			*name = NULL;
	long			 len;

	if (pub == NULL) {
		if ((ck->cert = cert_parse(cert_pem)) == NULL ||
		    (ck->kind = key_kind(X509_get0_pubkey(ck->cert))) == 0 ||
		    (ck->derlen = i2d_X509(ck->cert, &ck->der)) <= 0)
			return (-1);
		return (0);
	}
	if ((ck->kind = key_kind(pub)) == 0 ||
	    (bio = BIO_new_mem_buf(cert_pem, -1)) == NULL)
		return (-1);
	if (PEM_bytes_read_bio(&ck->der, &len, &name, PEM_STRING_X509, bio,
	    NULL, NULL) != 1 || len <= 0 || len > INT_MAX) {
		OPENSSL_free(ck->der);
		ck->der = NULL;
	} else
		ck->derlen = (int)len;
	OPENSSL_free(name);
	BIO_free(bio);
	if (ck->der == NULL || EVP_PKEY_up_ref(pub) != 1)
		return (-1);
	if ((data = xmlSecOpenSSLEvpKeyAdopt(pub)) == NULL) {
		EVP_PKEY_free(pub);
		return (-1);
	}
	if ((ck->key = xmlSecKeyCreate()) == NULL ||
	    xmlSecKeySetValue(ck->key, data) < 0) {
		xmlSecKeyDataDestroy(data);
		return (-1);
	}
	return (0);
}

static int
verify_with(xmlDocPtr doc, const char *cert_pem, EVP_PKEY *pub,
    struct edoc_result *res)
{
	struct collector	 c;
	struct cached_key	*ck;
	xmlNodePtr		 root, sig, last;
	xmlSecDSigCtxPtr	 ctx = NULL;
	xmlSecDSigReferenceCtxPtr ref;
	int			 nsig, hit, rc = -1;

	if (!initialised) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0,
		    "edoc_init was not called");
		return (-1);
	}
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		edoc_problem_add(res, EDOC_E_MALFORMED, 0, 0, "no document");
		return (-1);
	}
	/* Keyed apart: the two ways read the DER differently. */
	if ((ck = key_slot(verify_keys, KEYS_VERIFY, cert_pem,
	    pub != NULL ? "key" : NULL, &hit)) != NULL && !hit &&
	    verify_key_load(ck, cert_pem, pub) == -1)
		keys_free(ck, 1);
	if (ck == NULL || ck->der == NULL) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0, "the registered "
		    "certificate is not an EC P-256 or RSA >= 2048 "
		    "certificate in PEM");
		return (-1);
	}

	nsig = count_signatures(root);
	for (last = root->last; last != NULL &&
	    last->type != XML_ELEMENT_NODE; last = last->prev)
		;
	if (nsig == 0) {
		edoc_problem_add(res, EDOC_E_SIG_MISSING, 0, 0,
		    "the document is not signed (no ds:Signature)");
		goto done;
	}
	if (nsig > 1 || !is_dsig(last, "Signature")) {
		edoc_problem_add(res, EDOC_E_SIG_FORM, 0, 0,
		    "exactly one ds:Signature, the last child of the root "
		    "element, is allowed");
		goto done;
	}
	sig = last;
	if (check_sig_form(sig, ck->der, ck->derlen, res) == -1)
		goto done;

	collect_begin(&c, res);
	if (ck->key == NULL && ck->cert != NULL)
		ck->key = cert_key(ck->cert);
	if (ck->key == NULL) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0,
		    "cannot use the registered certificate's key");
		goto done_c;
	}
	if ((ctx = xmlSecDSigCtxCreate(NULL)) == NULL) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0, "out of memory");
		goto done_c;
	}
	ctx->signKey = ck->key;		/* lent: taken back below */
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
	ctx->keyInfoReadCtx.retrievalMethodCtx.enabledUris =
	    xmlSecTransformUriTypeNone;
	if (xmlSecDSigCtxEnableReferenceTransform(ctx,
	    xmlSecTransformEnvelopedId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx,
	    xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx,
	    xmlSecTransformInclC14NId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx,
	    xmlSecTransformSha256Id) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx,
	    xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx,
	    xmlSecTransformInclC14NId) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx,
	    xmlSecTransformEcdsaSha256Id) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx,
	    xmlSecTransformRsaSha256Id) < 0) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0,
		    "cannot restrict the signature transforms");
		goto done_c;
	}
	if (xmlSecDSigCtxVerify(ctx, sig) < 0) {
		edoc_problem_add(res, EDOC_E_SIG_INVALID,
		    (int)xmlGetLineNo(sig), 0,
		    "the signature cannot be checked with the registered "
		    "certificate: %s", c.xmlsec_reason[0] != '\0' ?
		    c.xmlsec_reason : "xmlsec failed");
		goto done_c;
	}
	if (ctx->status == xmlSecDSigStatusSucceeded) {
		rc = 0;
		goto done_c;
	}
	ref = xmlSecPtrListGetSize(&ctx->signedInfoReferences) > 0 ?
	    xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0) : NULL;
	if (ref != NULL && ref->status == xmlSecDSigStatusInvalid)
		edoc_problem_add(res, EDOC_E_SIG_DIGEST,
		    (int)xmlGetLineNo(sig), 0,
		    "the document was changed after it was signed "
		    "(digest mismatch)");
	else
		edoc_problem_add(res, EDOC_E_SIG_INVALID,
		    (int)xmlGetLineNo(sig), 0,
		    "the signature was not made with the registered "
		    "certificate's key");

done_c:
	collect_end();
done:
	if (ctx != NULL) {
		ctx->signKey = NULL;
		xmlSecDSigCtxDestroy(ctx);
	}
	return (rc);
}

int
edoc_inbound(const void *buf, size_t len, enum edoc_type want,
    const char *cert_pem, struct edoc_result *res, xmlDocPtr *docp)
{
	xmlDocPtr	doc = NULL;

	if (docp != NULL)
		*docp = NULL;
	edoc_result_init(res);
	(void)edoc_check(buf, len, want, res, &doc);
	if (doc == NULL)
		return (-1);
	(void)edoc_verify(doc, cert_pem, res);
	if (res->code != EDOC_OK) {
		xmlFreeDoc(doc);
		return (-1);
	}
	if (docp != NULL)
		*docp = doc;
	else
		xmlFreeDoc(doc);
	return (0);
}

int
edoc_sign(xmlDocPtr doc, const char *key_pem, const char *cert_pem,
    struct edoc_result *res)
{
	struct collector	 c;
	struct cached_key	*ck;
	xmlNodePtr		 root, sig = NULL, ref, ki, x509;
	xmlSecKeyPtr		 key = NULL;
	xmlSecDSigCtxPtr	 ctx = NULL;
	xmlSecTransformId	 method;
	BIO			*bio = NULL;
	EVP_PKEY		*pkey = NULL;
	X509			*cert = NULL;
	int			 kind, hit, rc = -1;

	if (!initialised) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0,
		    "edoc_init was not called");
		return (-1);
	}
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		edoc_problem_add(res, EDOC_E_MALFORMED, 0, 0, "no document");
		return (-1);
	}
	if (count_signatures(root) != 0) {
		edoc_problem_add(res, EDOC_E_SIG_FORM, 0, 0,
		    "the document is already signed");
		return (-1);
	}
	if ((ck = key_slot(sign_keys, KEYS_SIGN, key_pem, cert_pem,
	    &hit)) != NULL && hit) {
		kind = ck->kind;
		collect_begin(&c, res);
		goto template;
	}
	if (ck == NULL || key_pem == NULL || strlen(key_pem) > 65536 ||
	    (bio = BIO_new_mem_buf(key_pem, -1)) == NULL ||
	    (pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL ||
	    (cert = cert_parse(cert_pem)) == NULL) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0, "the key or the "
		    "certificate is not readable PEM (the key must not be "
		    "encrypted)");
		goto out;
	}
	if ((kind = key_kind(pkey)) == 0) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0,
		    "the key must be EC P-256 or RSA of 2048 bits or more");
		goto out;
	}
	if (X509_check_private_key(cert, pkey) != 1) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0,
		    "the certificate is not the key's certificate");
		goto out;
	}
	collect_begin(&c, res);
	key = xmlSecCryptoAppKeyLoadMemory((const xmlSecByte *)key_pem,
	    (xmlSecSize)strlen(key_pem), xmlSecKeyDataFormatPem, NULL, NULL,
	    NULL);
	if (key == NULL || xmlSecCryptoAppKeyCertLoadMemory(key,
	    (const xmlSecByte *)cert_pem, (xmlSecSize)strlen(cert_pem),
	    xmlSecKeyDataFormatPem) < 0) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0,
		    "xmlsec cannot load the key: %s", c.xmlsec_reason);
		goto out_c;
	}
	/* Keep it for the next document signed with the same key. */
	ck->cert = cert;
	ck->key = key;
	ck->kind = kind;
	cert = NULL;
	key = NULL;

template:
	method = kind == 1 ? xmlSecTransformEcdsaSha256Id :
	    xmlSecTransformRsaSha256Id;
	sig = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId,
	    method, NULL, (const xmlChar *)"ds");
	if (sig == NULL || xmlAddChild(root, sig) == NULL) {
		xmlFreeNode(sig);
		sig = NULL;
		goto oom;
	}
	if ((ref = xmlSecTmplSignatureAddReference(sig,
	    xmlSecTransformSha256Id, NULL, (const xmlChar *)"", NULL)) ==
	    NULL ||
	    xmlSecTmplReferenceAddTransform(ref,
	    xmlSecTransformEnvelopedId) == NULL ||
	    xmlSecTmplReferenceAddTransform(ref,
	    xmlSecTransformExclC14NId) == NULL ||
	    (ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL)) == NULL ||
	    (x509 = xmlSecTmplKeyInfoAddX509Data(ki)) == NULL ||
	    xmlSecTmplX509DataAddCertificate(x509) == NULL)
		goto oom;
	if ((ctx = xmlSecDSigCtxCreate(NULL)) == NULL)
		goto oom;
	ctx->signKey = ck->key;		/* lent: taken back below */
	if (xmlSecDSigCtxSign(ctx, sig) < 0) {
		edoc_problem_add(res, EDOC_E_KEY, 0, 0,
		    "signing failed: %s", c.xmlsec_reason);
		goto out_c;
	}
	sig = NULL;
	rc = 0;
	goto out_c;

oom:
	edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0,
	    "cannot build the signature");
out_c:
	collect_end();
out:
	if (sig != NULL) {
		xmlUnlinkNode(sig);
		xmlFreeNode(sig);
	}
	if (ctx != NULL) {
		ctx->signKey = NULL;
		xmlSecDSigCtxDestroy(ctx);
	}
	if (ck != NULL && ck->key == NULL)
		keys_free(ck, 1);	/* not loaded: leave the slot empty */
	if (key != NULL)
		xmlSecKeyDestroy(key);
	EVP_PKEY_free(pkey);
	X509_free(cert);
	BIO_free(bio);
	return (rc);
}

int
edoc_serialize(xmlDocPtr doc, char **out, size_t *outlen)
{
	xmlChar	*mem = NULL;
	int	 len = 0;

	*out = NULL;
	*outlen = 0;
	if (doc == NULL)
		return (-1);
	xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
	if (mem == NULL || len <= 0) {
		xmlFree(mem);
		return (-1);
	}
	if ((*out = malloc((size_t)len + 1)) == NULL) {
		xmlFree(mem);
		return (-1);
	}
	memcpy(*out, mem, (size_t)len);
	(*out)[len] = '\0';
	*outlen = (size_t)len;
	xmlFree(mem);
	return (0);
}

int
edoc_outbound(xmlDocPtr doc, const char *key_pem, const char *cert_pem,
    char **out, size_t *outlen, struct edoc_result *res)
{
	*out = NULL;
	*outlen = 0;
	edoc_result_init(res);
	if (key_pem != NULL && edoc_sign(doc, key_pem, cert_pem, res) == -1)
		return (-1);
	if (edoc_serialize(doc, out, outlen) == -1) {
		edoc_problem_add(res, EDOC_E_INTERNAL, 0, 0,
		    "cannot serialise the document");
		return (-1);
	}
	if (edoc_check(*out, *outlen, EDOC_ANY, res, NULL) == -1) {
		free(*out);
		*out = NULL;
		*outlen = 0;
		return (-1);
	}
	return (0);
}

/* The acknowledgement / error document */

static xmlNodePtr
add_text(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
	return (xmlNewTextChild(parent, ns, (const xmlChar *)name,
	    (const xmlChar *)text));
}

int
edoc_response(const struct edoc_result *in, const void *received,
    size_t received_len, const char *response_id, const char *receiver,
    xmlDocPtr *docp)
{
	return (response_build(in, received, received_len, response_id,
	    receiver, 1, docp));
}

int
edoc_response_tree(const struct edoc_result *in, const void *received,
    size_t received_len, const char *response_id, const char *receiver,
    xmlDocPtr *docp)
{
	return (response_build(in, received, received_len, response_id,
	    receiver, 0, docp));
}

static int
response_build(const struct edoc_result *in, const void *received,
    size_t received_len, const char *response_id, const char *receiver,
    int check, xmlDocPtr *docp)
{
	struct edoc_result	*chk = NULL;
	xmlDocPtr		 doc = NULL;
	xmlNodePtr		 root, n, dr, ref, pr;
	xmlNsPtr		 ns;
	unsigned char		 md[32], rnd[12];
	char			 hex[65], id[EDOC_ID_MAX + 1], now[32];
	char			 num[32];
	char			*out = NULL;
	size_t			 outlen, i;
	unsigned int		 mdlen;
	time_t			 t;
	struct tm		 tm;
	int			 accepted = in->code == EDOC_OK;

	*docp = NULL;
	if (!initialised)
		return (-1);
	if (EVP_Digest(received != NULL ? received : "", received_len, md,
	    &mdlen, EVP_sha256(), NULL) != 1)
		return (-1);
	for (i = 0; i < 32; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (response_id == NULL) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return (-1);
		(void)snprintf(id, sizeof(id), "%s-", accepted ? "ACK" : "ERR");
		for (i = 0; i < sizeof(rnd); i++)
			(void)snprintf(id + 4 + 2 * i, 3, "%02x", rnd[i]);
		response_id = id;
	}
	t = time(NULL);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return (-1);

	if ((doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL ||
	    (root = xmlNewNode(NULL,
	    (const xmlChar *)"ApplicationResponse")) == NULL)
		goto fail;
	xmlDocSetRootElement(doc, root);
	if ((ns = xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL)) == NULL)
		goto fail;
	xmlSetNs(root, ns);
	if (add_text(root, ns, "CustomizationID", EDOC_CUSTOMIZATION) ==
	    NULL || add_text(root, ns, "ID", response_id) == NULL ||
	    add_text(root, ns, "IssueDateTime", now) == NULL ||
	    (n = add_text(root, ns, "SenderParty", NULL)) == NULL ||
	    add_text(n, ns, "PortalID", "G2B") == NULL)
		goto fail;
	if (receiver != NULL && ((n = add_text(root, ns, "ReceiverParty",
	    NULL)) == NULL || add_text(n, ns, strlen(receiver) == 7 ?
	    "AgencyCode" : "BusinessRegistrationNumber", receiver) == NULL))
		goto fail;
	if ((dr = add_text(root, ns, "DocumentResponse", NULL)) == NULL ||
	    add_text(dr, ns, "ResponseCode", accepted ? "Accepted" :
	    "Rejected") == NULL ||
	    (ref = add_text(dr, ns, "DocumentReference", NULL)) == NULL)
		goto fail;
	if (in->id[0] != '\0' && add_text(ref, ns, "ID", in->id) == NULL)
		goto fail;
	if (edoc_type_root(in->type) != NULL && add_text(ref, ns,
	    "DocumentTypeCode", edoc_type_root(in->type)) == NULL)
		goto fail;
	if (add_text(ref, ns, "DocumentHash", hex) == NULL)
		goto fail;
	for (i = 0; !accepted && i < in->nproblems && i < EDOC_PROBLEMS_MAX;
	    i++) {
		const struct edoc_problem *p = &in->problems[i];
		char	msg[EDOC_MSG_MAX];

		copy_message(msg, sizeof(msg), p->message);
		if ((pr = add_text(dr, ns, "Problem", NULL)) == NULL ||
		    add_text(pr, ns, "Code", edoc_code_name(p->code)) ==
		    NULL || add_text(pr, ns, "Description", msg) == NULL)
			goto fail;
		if (p->line > 0) {
			(void)snprintf(num, sizeof(num), "%d", p->line);
			if (add_text(pr, ns, "LineNumber", num) == NULL)
				goto fail;
		}
		if (p->column > 0) {
			(void)snprintf(num, sizeof(num), "%d", p->column);
			if (add_text(pr, ns, "ColumnNumber", num) == NULL)
				goto fail;
		}
	}
	if (!accepted && in->truncated > 0) {
		(void)snprintf(num, sizeof(num), "%zu", in->truncated);
		if (add_text(dr, ns, "TruncatedProblemCount", num) == NULL)
			goto fail;
	}

	/* What we send must be valid: check the very bytes. */
	if (check && ((chk = malloc(sizeof(*chk))) == NULL ||
	    edoc_outbound(doc, NULL, NULL, &out, &outlen, chk) == -1))
		goto fail;
	free(out);
	free(chk);
	*docp = doc;
	return (0);

fail:
	free(chk);
	xmlFreeDoc(doc);
	return (-1);
}
