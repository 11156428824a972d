/*
 * portal/ubl.c: every sample under xsd/ubl-samples/ mapped. The valid
 * eForms-like ContractNotice becomes a CallForTenders that the portal's
 * own validator (edoc_check, xsd/notice.xsd and its rules) accepts, with
 * each mapped value checked; each invalid one is refused with the
 * expected code at the line of the UBL element at fault. A ContractNotice
 * signed like any e-document verifies with edoc_verify.
 *
 * Run from the repository root (xsd/ is read from there), or set
 * G2B_XSD_DIR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <libxml/tree.h>

#include "edoc.h"
#include "ubl.h"

static char	xsd_dir[512] = "xsd";
static struct ubl_result	*R;

static char *
slurp(const char *name, size_t *len)
{
	char	 path[1024];
	FILE	*f;
	char	*b;
	long	 n;

	snprintf(path, sizeof(path), "%s/ubl-samples/%s", xsd_dir, name);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	assert_non_null(b = malloc((size_t)n + 1));
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = '\0';
	*len = (size_t)n;
	return (b);
}

/* The line of the nth (1-based) occurrence of needle in buf. */
static int
line_of(const char *buf, const char *needle, int nth)
{
	const char	*p = buf, *q;
	int		 line = 1;

	for (;;) {
		assert_non_null(q = strstr(p, needle));
		if (--nth == 0)
			break;
		p = q + 1;
	}
	for (p = buf; p < q; p++)
		if (*p == '\n')
			line++;
	return (line);
}

/* The first element called name at or below the list starting at c. */
static xmlNodePtr
node(xmlNodePtr c, const char *name)
{
	xmlNodePtr	n;

	for (; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)c->name, name))
			return (c);
		if ((n = node(c->children, name)) != NULL)
			return (n);
	}
	return (NULL);
}

static void
assert_at(xmlNodePtr from, const char *name, const char *want)
{
	xmlNodePtr	 n = node(from, name);
	xmlChar		*v;

	if (n == NULL)
		fail_msg("%s missing", name);
	v = xmlNodeGetContent(n);
	if (strcmp((const char *)v, want) != 0)
		fail_msg("%s is '%s', want '%s'", name, (const char *)v, want);
	xmlFree(v);
}

static void
assert_value(xmlDocPtr doc, const char *name, const char *want)
{
	assert_at(xmlDocGetRootElement(doc), name, want);
}

static void
dump(const struct ubl_result *r)
{
	size_t	i;

	for (i = 0; i < r->nproblems; i++)
		print_message("  %s line %d: %s\n", r->problems[i].code,
		    r->problems[i].line, r->problems[i].message);
}

static void
test_valid(void **state)
{
	struct edoc_result	*er;
	xmlDocPtr		 ubl, notice, again = NULL;
	xmlNodePtr		 q, pj;
	char			*buf, *out;
	size_t			 len, outlen;
	xmlChar			*unit;

	(void)state;
	buf = slurp("valid-contract-notice.xml", &len);
	if (ubl_inbound(buf, len, R, &ubl, &notice) != 0) {
		dump(R);
		fail_msg("valid sample refused");
	}
	assert_int_equal(R->nproblems, 0);
	assert_string_equal(R->id, "7c1b2f0e-5a44-4d7e-9a51-2f8f0c3d9e11");
	assert_non_null(ubl);
	assert_non_null(notice);

	/* The portal's validator takes the mapped notice as received. */
	assert_int_equal(edoc_serialize(notice, &out, &outlen), 0);
	assert_non_null(er = malloc(sizeof(*er)));
	edoc_result_init(er);
	if (edoc_check(out, outlen, EDOC_NOTICE, er, &again) != 0) {
		print_message("%s\n", out);
		fail_msg("mapped notice invalid: %s",
		    er->nproblems ? er->problems[0].message : "?");
	}
	assert_int_equal(er->type, EDOC_NOTICE);
	xmlFreeDoc(again);
	free(er);
	free(out);

	assert_string_equal((const char *)xmlDocGetRootElement(notice)->ns->href,
	    EDOC_NS);
	assert_value(notice, "ID", "7c1b2f0e-5a44-4d7e-9a51-2f8f0c3d9e11");
	assert_value(notice, "IssueDateTime", "2026-11-23T09:00:00+09:00");
	assert_value(notice, "ContractFolderID", "20261123457");
	assert_value(notice, "NoticeOrder", "0");
	assert_value(notice, "AgencyCode", "1230000");
	assert_value(notice, "Telephone", "02-3999-1234");
	assert_value(notice, "ElectronicMail", "buyer@sen.go.kr");
	assert_value(notice, "ProcurementTypeCode", "goods");
	assert_value(notice, "BudgetAmount", "495000000");
	assert_value(notice, "BaseAmount", "495000000");
	assert_value(notice, "CommodityCode", "43211503");
	assert_value(notice, "Quantity", "450");
	assert_value(notice, "PreliminaryPriceRange", "3");	/* la */
	assert_value(notice, "PriceDecisionCode", "multiple");
	assert_value(notice, "ProcedureCode", "open");
	assert_value(notice, "AwardingMethodCode", "lowest");
	assert_value(notice, "StartDateTime", "2026-11-23T09:00:00+09:00");
	assert_value(notice, "EndDateTime", "2026-12-01T10:00:00+09:00");
	assert_value(notice, "OpeningDateTime", "2026-12-01T11:00:00+09:00");
	/* The agency's name, and the Korean title of the lot. */
	assert_at(node(xmlDocGetRootElement(notice), "ContractingParty"),
	    "Name", "서울특별시 교육청");
	pj = node(xmlDocGetRootElement(notice), "ProcurementProject");
	assert_at(pj->children, "Name", "2027학년도 초등학교 교실 노트북 구매");
	assert_non_null(q = node(pj, "Quantity"));
	assert_non_null(unit = xmlGetProp(q, (const xmlChar *)"unitCode"));
	assert_string_equal((const char *)unit, "EA");
	xmlFree(unit);

	xmlFreeDoc(ubl);
	xmlFreeDoc(notice);
	free(buf);
}

/* A sample refused with code at the line of the nth needle. */
static void
refused(const char *name, const char *code, const char *needle, int nth,
    const char *word)
{
	xmlDocPtr	 ubl = NULL, notice = NULL;
	char		*buf;
	size_t		 len, i;
	int		 line;

	buf = slurp(name, &len);
	line = needle != NULL ? line_of(buf, needle, nth) : 0;
	assert_int_equal(ubl_inbound(buf, len, R, &ubl, &notice), -1);
	assert_null(notice);
	for (i = 0; i < R->nproblems; i++)
		if (!strcmp(R->problems[i].code, code) &&
		    R->problems[i].line == line &&
		    strstr(R->problems[i].message, word) != NULL)
			break;
	if (i == R->nproblems) {
		dump(R);
		fail_msg("%s: no %s problem at line %d naming %s", name, code,
		    line, word);
	}
	/* Nothing else is wrong with the samples. */
	if (R->nproblems != 1) {
		dump(R);
		fail_msg("%s: %zu problems, want 1", name, R->nproblems);
	}
	xmlFreeDoc(ubl);
	free(buf);
}

static void
test_two_lots(void **state)
{
	(void)state;
	refused("invalid-two-lots.xml", "not-mapped",
	    "<cac:ProcurementProjectLot>", 2, "cac:ProcurementProjectLot");
}

static void
test_eur(void **state)
{
	(void)state;
	refused("invalid-eur-currency.xml", "not-mapped",
	    "<cbc:EstimatedOverallContractAmount", 1, "KRW");
}

static void
test_missing_deadline(void **state)
{
	(void)state;
	refused("invalid-missing-deadline.xml", "ubl-missing",
	    "<cac:ProcurementProjectLot>", 1,
	    "cac:TenderSubmissionDeadlinePeriod");
}

static void
test_unknown_procedure(void **state)
{
	(void)state;
	refused("invalid-unknown-procedure.xml", "ubl-format",
	    "<cbc:ProcedureCode", 1, "cbc:ProcedureCode 'auction'");
}

static void
test_negotiated(void **state)
{
	(void)state;
	refused("invalid-negotiated.xml", "not-mapped", "<cbc:ProcedureCode",
	    1, "neg-w-call");
}

static void
test_wrong_namespace(void **state)
{
	(void)state;
	/* libxml2 gives an element the line its start tag ends on. */
	refused("invalid-wrong-namespace.xml", "namespace",
	    "CommonExtensionComponents-2\">", 1, "ContractNotice-2");
}

static void
test_cpv(void **state)
{
	(void)state;
	/* The lot's classification is the one read. */
	refused("invalid-cpv.xml", "not-mapped", "<cbc:ItemClassificationCode",
	    2, "cpv");
}

static void
test_time_without_zone(void **state)
{
	(void)state;
	refused("invalid-time-without-zone.xml", "ubl-format",
	    "<cbc:EndTime>", 1, "time zone");
}

static void
test_quality(void **state)
{
	(void)state;
	refused("invalid-quality-criterion.xml", "not-mapped",
	    "award-criterion-type\">quality", 1, "quality");
}

static void
test_no_buyer_type(void **state)
{
	(void)state;
	refused("invalid-no-buyer-type.xml", "ubl-missing",
	    "<cac:ContractingParty>", 1, "buyer-legal-type");
}

static void
test_agency_reference(void **state)
{
	(void)state;
	refused("invalid-agency-reference.xml", "not-mapped",
	    "ORG-0001", 1, "7-digit");
}

/* Several problems at once: all listed, each at its element. */
static void
test_many(void **state)
{
	const char	*doc =
	    "<?xml version=\"1.0\"?>\n"
	    "<ContractNotice xmlns=\"" UBL_CN_NS "\"\n"
	    " xmlns:cbc=\"" UBL_CBC_NS "\"\n"
	    " xmlns:cac=\"" UBL_CAC_NS "\">\n"
	    "<cbc:ID>a b</cbc:ID>\n"			/* 5 */
	    "<cbc:ContractFolderID>X</cbc:ContractFolderID>\n"
	    "<cbc:IssueDate>2026-02-30</cbc:IssueDate>\n"
	    "<cbc:IssueTime>09:00:00Z</cbc:IssueTime>\n"
	    "<cbc:ContractFolderID>Y</cbc:ContractFolderID>\n"	/* 9 */
	    "</ContractNotice>\n";
	xmlDocPtr	 ubl = NULL, notice = NULL;
	size_t		 i;
	int		 seen5 = 0, seen6 = 0, seen7 = 0, seen9 = 0;

	(void)state;
	assert_int_equal(ubl_inbound(doc, strlen(doc), R, &ubl, &notice), -1);
	assert_null(notice);
	for (i = 0; i < R->nproblems; i++) {
		seen5 |= R->problems[i].line == 5;
		seen6 |= R->problems[i].line == 6;
		seen7 |= R->problems[i].line == 7;
		seen9 |= R->problems[i].line == 9 &&
		    !strcmp(R->problems[i].code, "ubl-repeated");
	}
	if (!seen5 || !seen6 || !seen7 || !seen9 || R->nproblems < 6) {
		dump(R);
		fail_msg("problems missing");
	}
	xmlFreeDoc(ubl);
}

/* Not a ContractNotice, or not XML: left to edoc_check's answer. */
static void
test_not_ubl(void **state)
{
	xmlDocPtr	 ubl = (xmlDocPtr)1, notice = (xmlDocPtr)1;
	const char	*cft = "<CallForTenders xmlns=\"urn:x\"/>";
	const char	*bad = "<ContractNotice";
	const char	*dtd = "<!DOCTYPE ContractNotice [<!ENTITY a \"b\">]>"
	    "<ContractNotice xmlns=\"" UBL_CN_NS "\">&a;</ContractNotice>";

	(void)state;
	assert_int_equal(ubl_inbound(cft, strlen(cft), R, &ubl, &notice), 1);
	assert_null(ubl);
	assert_null(notice);
	assert_int_equal(R->nproblems, 0);
	assert_int_equal(ubl_inbound(bad, strlen(bad), R, &ubl, &notice), 1);
	assert_int_equal(ubl_inbound(dtd, strlen(dtd), R, &ubl, &notice), 1);
	assert_null(ubl);
}

/* The sender signs the UBL bytes as any e-document: edoc_verify. */
static void
test_signed(void **state)
{
	EVP_PKEY		*k;
	X509			*x;
	X509_NAME		*name;
	BIO			*bio;
	struct edoc_result	*er;
	xmlDocPtr		 ubl, notice, doc;
	char			*buf, *key, *cert, *out, *p;
	size_t			 len, outlen;
	long			 n;

	(void)state;
	assert_non_null(k = EVP_EC_gen("P-256"));
	assert_non_null(x = X509_new());
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 9), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	name = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"ubl test agency", -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	assert_int_equal(X509_set_pubkey(x, k), 1);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	n = BIO_get_mem_data(bio, &p);
	assert_non_null(cert = strndup(p, (size_t)n));
	BIO_free(bio);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	n = BIO_get_mem_data(bio, &p);
	assert_non_null(key = strndup(p, (size_t)n));
	BIO_free(bio);

	assert_non_null(er = malloc(sizeof(*er)));
	buf = slurp("valid-contract-notice.xml", &len);
	edoc_result_init(er);
	assert_int_equal(edoc_parse(buf, len, er, &doc), 0);
	assert_int_equal(edoc_sign(doc, key, cert, er), 0);
	assert_int_equal(edoc_serialize(doc, &out, &outlen), 0);
	xmlFreeDoc(doc);

	if (ubl_inbound(out, outlen, R, &ubl, &notice) != 0) {
		dump(R);
		fail_msg("signed sample refused");
	}
	edoc_result_init(er);
	assert_int_equal(edoc_verify(ubl, cert, er), 0);
	xmlFreeDoc(ubl);
	xmlFreeDoc(notice);

	/* Changed after signing: the digest no longer matches. */
	assert_non_null(p = strstr(out, "495000000"));
	p[0] = '5';
	assert_int_equal(ubl_inbound(out, outlen, R, &ubl, &notice), 0);
	edoc_result_init(er);
	assert_int_equal(edoc_verify(ubl, cert, er), -1);
	assert_int_equal(er->code, EDOC_E_SIG_DIGEST);
	xmlFreeDoc(ubl);
	xmlFreeDoc(notice);

	free(out);
	free(buf);
	free(er);
	free(key);
	free(cert);
	X509_free(x);
	EVP_PKEY_free(k);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_two_lots),
		cmocka_unit_test(test_eur),
		cmocka_unit_test(test_missing_deadline),
		cmocka_unit_test(test_unknown_procedure),
		cmocka_unit_test(test_negotiated),
		cmocka_unit_test(test_wrong_namespace),
		cmocka_unit_test(test_cpv),
		cmocka_unit_test(test_time_without_zone),
		cmocka_unit_test(test_quality),
		cmocka_unit_test(test_no_buyer_type),
		cmocka_unit_test(test_agency_reference),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_not_ubl),
		cmocka_unit_test(test_signed),
	};
	const char	*d = getenv("G2B_XSD_DIR");
	int		 rc;

	if (d != NULL)
		snprintf(xsd_dir, sizeof(xsd_dir), "%s", d);
	if (edoc_init(xsd_dir) != 0)
		return (1);
	if ((R = malloc(sizeof(*R))) == NULL)
		return (1);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(R);
	edoc_cleanup();
	return (rc);
}
