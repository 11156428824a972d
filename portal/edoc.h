/*
 * edoc: the standard XML e-documents (표준 전자문서) the portal exchanges
 * with agencies' systems and suppliers' back-office software. Kore-free;
 * libxml2, xmlsec1 (OpenSSL backend) and OpenSSL 3.
 *
 * Documents are XML in the namespace EDOC_NS, validated against the
 * schemas in xsd/ (xsd/edoc.xsd includes one schema per document type;
 * the root element says which), signed with an enveloped XML signature
 * (XMLDSig: exclusive C14N, SHA-256, ECDSA-SHA256 or RSA-SHA256 by key
 * type, the signer's certificate in KeyInfo/X509Data) that is the last
 * child of the root element.
 *
 * Inbound (a Kore handler or task, with the body it received and the
 * sender's registered certificate; error handling shortened):
 *
 *	struct edoc_result	*res = malloc(sizeof(*res));
 *	xmlDocPtr		 doc, answer;
 *	char			*out;
 *	size_t			 outlen;
 *
 *	if (edoc_inbound(body, len, EDOC_BID, sender_cert_pem, res,
 *	    &doc) == 0) {
 *		... use doc: valid, unchanged, signed by the sender ...
 *		xmlFreeDoc(doc);
 *	}
 *	edoc_response(res, body, len, NULL, sender_bizno, &answer);
 *							   (Accepted or
 *							    Rejected)
 *	edoc_outbound(answer, portal_key_pem, portal_cert_pem, &out,
 *	    &outlen, res2);				   (signed, checked)
 *	xmlFreeDoc(answer);
 *	... send out (application/xml), free(out) ...
 *
 * A suggested HTTP mapping: 200 with the Accepted response; 422 with the
 * Rejected response for every problem code except too-large (413) and
 * internal (500), so that the sender always gets a document it can read.
 *
 * edoc_inbound parses safely (no network, no DTD: any DOCTYPE is
 * refused, so no entity can be declared or expanded; size and nesting
 * limited), validates while parsing, and checks the signature against
 * the sender's registered certificate. Every problem found is listed in
 * the result with a stable code, a message and the line and column where
 * the parser was when it found it. The answer is an ApplicationResponse
 * (xsd/response.xsd): Accepted, or Rejected with every problem; the
 * caller signs it with the portal's key (edoc_outbound) before sending.
 *
 * Whether the certificate itself is good (issued by the portal CA, within
 * its validity, not revoked) is the caller's check (ca_verify_loaded in
 * bidding/ca.h); edoc_verify only proves that the document is unchanged
 * and was signed by that certificate's key.
 *
 * Outbound: build the document with libxml2, then edoc_outbound signs it
 * (optionally), serialises it and validates exactly the bytes that will
 * be sent, refusing to hand back anything invalid.
 *
 * Processes and threads: call edoc_init once per process (the Kore
 * parent, in kore_parent_configure, before the workers fork: the schema
 * is then loaded once and shared; or each worker's configure hook).
 * After that every function may be called from any one thread at a time
 * in a process (a worker or one of its task threads), not from two
 * threads at once: the error collector is per process.
 *
 * Keys: edoc_verify and edoc_sign keep the keys they read (up to 32
 * registered certificates and 4 signing keys per process, least recently
 * used first out, by the SHA-256 of the PEM text), since reading a key
 * costs more than using it; edoc_cleanup frees them. Whether a
 * certificate is still good is never cached here (the caller's check).
 *
 * System calls (for the worker's seccomp filter): edoc_init opens and
 * reads the schema files and OpenSSL's configuration (openat, read,
 * fstat/newfstatat, lseek, close, brk, mmap, munmap); every other call
 * only allocates memory and draws random numbers (getrandom, for ECDSA
 * and response IDs). Nothing here opens a socket or reads a file after
 * edoc_init: documents come from memory and nothing they name is loaded.
 * Kore's default filter with the portal's additions allows all of these.
 *
 * Return values: 0 on success, -1 otherwise; on -1 the edoc_result (if
 * any) says why. Nothing here crashes or writes to stderr on bad input.
 * Strings and buffers returned through char ** are from malloc(3), for
 * free(3); documents (xmlDocPtr) are for xmlFreeDoc.
 */
#ifndef G2B_EDOC_H
#define G2B_EDOC_H

#include <stddef.h>

#include <libxml/tree.h>
#include <openssl/types.h>

#define EDOC_NS			"urn:g2b:edoc:1"
#define EDOC_DSIG_NS		"http://www.w3.org/2000/09/xmldsig#"
#define EDOC_CUSTOMIZATION	"urn:g2b:edoc:1.0"

#define EDOC_SIZE_MAX		(4 * 1024 * 1024) /* bytes of a document */
#define EDOC_DEPTH_MAX		32	/* element nesting (ours is <= 12) */
#define EDOC_PROBLEMS_MAX	50	/* problems listed; more are counted */
#define EDOC_MSG_MAX		512	/* bytes of a message, with the NUL */
#define EDOC_ID_MAX		64	/* characters of a document ID */

/* The document types, by root element (see edoc_type_root). */
enum edoc_type {
	EDOC_ANY = 0,		/* none yet / any type wanted */
	EDOC_NOTICE,		/* CallForTenders, 입찰공고 (notice.xsd) */
	EDOC_BID,		/* Tender, 입찰서 (bid.xsd) */
	EDOC_RECEIPT,		/* TenderReceipt, 접수증 (receipt.xsd) */
	EDOC_OPENING,		/* TenderOpeningResult, 개찰결과 */
	EDOC_AWARD,		/* ContractAwardNotice, 낙찰 통보 */
	EDOC_CONTRACT,		/* Contract, 계약서 */
	EDOC_INSPECTION,	/* InspectionRequest, 검사검수요청서 */
	EDOC_INVOICE,		/* Invoice, 대금청구서 */
	EDOC_RESPONSE,		/* ApplicationResponse, 접수 확인/오류 */
	EDOC_NTYPES
};

/*
 * Problem codes. The name (edoc_code_name, in brackets) is what the
 * error document's Problem/Code carries; both are stable.
 */
enum edoc_code {
	EDOC_OK = 0,
	EDOC_E_SIZE,		/* [too-large] empty or over the size limit */
	EDOC_E_MALFORMED,	/* [malformed] not well-formed XML */
	EDOC_E_DOCTYPE,		/* [doctype] a DOCTYPE: DTDs and entity
				   declarations (entity bombs, external
				   entities) are refused outright */
	EDOC_E_DEPTH,		/* [too-deep] nesting over the limit */
	EDOC_E_ENCODING,	/* [encoding] not UTF-8 */
	EDOC_E_NAMESPACE,	/* [namespace] root not in EDOC_NS */
	EDOC_E_UNKNOWN,		/* [unknown-document] root is no e-document */
	EDOC_E_TYPE,		/* [unexpected-document] not the type wanted */
	EDOC_E_SCHEMA,		/* [schema] a schema violation */
	EDOC_E_RULE,		/* [rule] valid, but breaks a rule the schema
				   cannot state (see edoc_check) */
	EDOC_E_SIG_MISSING,	/* [signature-missing] no ds:Signature */
	EDOC_E_SIG_FORM,	/* [signature-form] not one enveloped
				   signature as the root's last child with
				   one Reference URI="" and the permitted
				   transforms and algorithms */
	EDOC_E_SIG_CERT,	/* [signature-certificate] KeyInfo carries a
				   certificate other than the registered one */
	EDOC_E_SIG_DIGEST,	/* [signature-digest] the document changed
				   after it was signed */
	EDOC_E_SIG_INVALID,	/* [signature-invalid] the signature does not
				   verify with the registered certificate's
				   key (made by another key, or damaged) */
	EDOC_E_KEY,		/* [key] unusable key or certificate given to
				   edoc_sign / edoc_verify */
	EDOC_E_INTERNAL,	/* [internal] out of memory, not initialised */
	EDOC_NCODES
};

struct edoc_problem {
	enum edoc_code	code;
	int		line;		/* 1-based; 0 if it has no place */
	int		column;		/* 1-based; 0 if unknown */
	char		message[EDOC_MSG_MAX];	/* English, UTF-8 */
};

/*
 * What a check found. code is EDOC_OK or the code of the first problem
 * (the root cause: later problems may follow from it). type and id are
 * filled as soon as the root element and its ID child have been read
 * (id is "" if absent or not a valid identifier). About 26 KB: allocate
 * it, don't put it on a small stack.
 */
struct edoc_result {
	enum edoc_code		code;
	enum edoc_type		type;
	char			id[EDOC_ID_MAX + 1];
	size_t			nproblems;
	size_t			truncated;	/* problems found, not listed */
	struct edoc_problem	problems[EDOC_PROBLEMS_MAX];
};

/*
 * Initialise libxml2, xmlsec and OpenSSL for it and load the schema
 * xsd_dir/edoc.xsd (NULL: "xsd") once. Safe to call again (does nothing
 * once loaded). Reads files under xsd_dir only; never the network.
 * -1 if the schema does not load (reason on stderr: a deployment error).
 */
int		edoc_init(const char *xsd_dir);

/* Free the schema and shut xmlsec down (tests, tools). */
void		edoc_cleanup(void);

/* Empty a result (code EDOC_OK, type EDOC_ANY, no problems). */
void		edoc_result_init(struct edoc_result *);

/* Add a problem (the API users' own checks can use it too). */
void		edoc_problem_add(struct edoc_result *, enum edoc_code,
		    int line, int column, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));

const char	*edoc_code_name(enum edoc_code);	/* "schema" */
const char	*edoc_type_root(enum edoc_type);	/* "Tender", or NULL */
const char	*edoc_type_schema(enum edoc_type);	/* "bid.xsd", or NULL */
enum edoc_type	 edoc_type_from_root(const char *root);	/* EDOC_ANY if none */

/*
 * Safe parse and schema validation of len bytes at buf, in one pass,
 * then, for a schema-valid document, the rules XSD 1.0 cannot state
 * (EDOC_E_RULE, at the element's line, column 0):
 *   - every BusinessRegistrationNumber has a correct check digit;
 *   - notice: base amount <= budget, same currency; submission start <
 *     end <= opening; an AwardFloorRate exactly when the award method is
 *     qualification; an amendment or cancellation is not order 0;
 *   - opening result (as bidding/prices.h computes it): ChosenNumbers
 *     are the 4 most picked, ties to the lower number; PlannedPrice is
 *     their average to within one unit; FloorAmount is
 *     ceil(PlannedPrice x AwardFloorRate), 0 without a rate; each Ratio
 *     is Amount / PlannedPrice rounded half up to 0.001 %; a valid bid
 *     is excluded exactly below the floor, an excluded bid is valid,
 *     only valid, not excluded bids have a rank; the pick counts add up
 *     to 2 per valid bid;
 *   - contract: start <= end; ContractAmount = the sum of LineAmount;
 *   - inspection request: DeliveredAmount = the sum of LineAmount; an
 *     InstallmentNumber exactly for an installment delivery;
 *   - invoice: LineExtensionAmount = the sum of the lines',
 *     PayableAmount = LineExtensionAmount + TaxAmount;
 *   - response: Rejected exactly when it lists a Problem;
 *   and sums add amounts of one currency only.
 * want is the expected type (EDOC_ANY for any). res must have been
 * emptied by edoc_result_init (problems are appended, and -1 is returned
 * whenever res holds any). On 0 the document is
 * well-formed, a G2B e-document of the wanted type and valid, and *docp
 * (if docp is not NULL) gets it. On -1 res lists the problems; *docp
 * still gets the tree when the document was well-formed (e.g. to verify
 * its signature too and report every problem), else NULL.
 */
int		edoc_check(const void *buf, size_t len, enum edoc_type want,
		    struct edoc_result *res, xmlDocPtr *docp);

/*
 * The safe parse of edoc_check (UTF-8 only, no DOCTYPE, size and depth
 * limits, nothing loaded) without the schema, for documents of other
 * vocabularies the portal maps itself (OASIS UBL, portal/ubl.h): any
 * root element in any namespace is taken, res->type stays EDOC_ANY and
 * no rule runs. 0 and the tree in *docp, or -1 with the problems in res
 * (appended, as edoc_check) and *docp NULL.
 */
int		edoc_parse(const void *buf, size_t len,
		    struct edoc_result *res, xmlDocPtr *docp);

/*
 * Verify the enveloped signature of doc against the certificate cert_pem
 * (PEM "BEGIN CERTIFICATE"; EC P-256 or RSA >= 2048 bits). Refuses: no
 * signature; more than one, or not the last child of the root; a
 * SignedInfo with other than exactly one Reference, URI="", transforms
 * enveloped-signature then optionally one C14N; algorithms other than
 * exclusive or inclusive C14N 1.0 (without comments), SHA-256,
 * ECDSA-SHA256, RSA-SHA256; ds:Object; a KeyInfo with other than
 * X509Data/KeyName/KeyValue, or whose X509Certificate is not cert_pem;
 * a changed document; a signature by any other key. Nothing is fetched.
 * Problems are added to res (which is not emptied first).
 */
int		edoc_verify(xmlDocPtr doc, const char *cert_pem,
		    struct edoc_result *res);

/*
 * edoc_verify with the certificate's public key pub as the caller has
 * already read it from cert_pem (ca.h, ca_verified_key, which checks the
 * chain without OpenSSL's X509 parser): the certificate is not parsed
 * again, and KeyInfo's X509Certificate must be the very DER of cert_pem.
 * pub must be cert_pem's key; it is not taken over.
 */
int		edoc_verify_key(xmlDocPtr doc, const char *cert_pem,
		    EVP_PKEY *pub, struct edoc_result *res);

/*
 * The inbound pipeline: edoc_result_init, edoc_check, and, if the
 * document was well-formed, edoc_verify (also when the schema check
 * failed, so that every problem is listed). 0 only if all passed, with
 * the document in *docp (if not NULL).
 */
int		edoc_inbound(const void *buf, size_t len, enum edoc_type want,
		    const char *cert_pem, struct edoc_result *res,
		    xmlDocPtr *docp);

/*
 * Sign doc in place: append an enveloped ds:Signature as the root's last
 * child (exclusive C14N, SHA-256, ECDSA-SHA256 for an EC P-256 key or
 * RSA-SHA256 for an RSA key of 2048 bits or more; the certificate in
 * KeyInfo/X509Data). key_pem is an unencrypted PEM private key, cert_pem
 * its certificate (they must match). Refuses a document that already has
 * a signature. On -1 the document is unchanged.
 */
int		edoc_sign(xmlDocPtr doc, const char *key_pem,
		    const char *cert_pem, struct edoc_result *res);

/* Serialise doc as UTF-8 with an XML declaration, unindented. */
int		edoc_serialize(xmlDocPtr doc, char **out, size_t *outlen);

/*
 * Outbound: sign doc (if key_pem is not NULL; see edoc_sign), serialise
 * it and check the bytes as edoc_check does (type EDOC_ANY). 0 and the
 * bytes in *out, or -1 with the problems in res (edoc_result_init'ed
 * here) and *out NULL.
 */
int		edoc_outbound(xmlDocPtr doc, const char *key_pem,
		    const char *cert_pem, char **out, size_t *outlen,
		    struct edoc_result *res);

/*
 * Build the ApplicationResponse answering a received document: Accepted
 * if in->code is EDOC_OK, else Rejected listing in's problems (with
 * TruncatedProblemCount if some were not listed). DocumentReference has
 * the SHA-256 of the received bytes and, if known, the document's ID and
 * type. response_id may be NULL (a random "ACK-"/"ERR-" + 24 hex digits
 * is made); IssueDateTime is now, UTC. receiver (may be NULL) names the
 * sender answered: 10 digits are a business registration number, 7 an
 * agency code. The result is valid under xsd/response.xsd (checked
 * here; -1 if not, e.g. for a bad response_id or receiver); sign it with
 * edoc_outbound. *docp gets the document.
 */
int		edoc_response(const struct edoc_result *in,
		    const void *received, size_t received_len,
		    const char *response_id, const char *receiver,
		    xmlDocPtr *docp);

/*
 * edoc_response without its check, for a caller that adds to the answer
 * and sends it only as edoc_outbound serialises it, which checks the
 * very bytes sent (a bad response_id or receiver fails there).
 */
int		edoc_response_tree(const struct edoc_result *in,
		    const void *received, size_t received_len,
		    const char *response_id, const char *receiver,
		    xmlDocPtr *docp);

#endif
