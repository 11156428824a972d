/*
 * libFuzzer target for the inbound e-document path (portal/edoc.h): the
 * safe parse with schema validation in one pass, the signature checks on
 * whatever parsed, and the error/acknowledgement document built from the
 * result, which must always succeed (edoc_response validates its own
 * output, so a failure here means the portal could not answer a sender).
 * The same input is checked twice: the validator is reused across
 * documents, so a verdict that depends on the previous input is a bug.
 *
 * A document outside the e-document namespace then goes where the
 * exchange sends it: the UBL ContractNotice mapping (portal/ubl.h), whose
 * verdict must not depend on the previous input either, and whose mapped
 * notice must be there exactly when it says the mapping succeeded.
 *
 * Built and run by tests/fuzz/run.sh; the seed corpus is
 * tests/fuzz/corpus (every schema sample, the UBL samples, signed
 * documents made with the key of the certificate below, a DOCTYPE and a
 * deep document).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "edoc.h"
#include "ubl.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	fuzz_ubl(const uint8_t *, size_t);

/* The signer of corpus/signed-*.xml (self-signed P-256, test only). */
static const char cert_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBijCCATGgAwIBAgIUCsPBVslDGoVPvV2X/I7OVkToY/cwCgYIKoZIzj0EAwIw\n"
	"GjEYMBYGA1UEAwwPRzJCIGZ1enogc2lnbmVyMCAXDTI2MTEyMzA4MDg0NVoYDzIx\n"
	"MjYxMDMwMDgwODQ1WjAaMRgwFgYDVQQDDA9HMkIgZnV6eiBzaWduZXIwWTATBgcq\n"
	"hkjOPQIBBggqhkjOPQMBBwNCAAT1wJzKnMXyPOJolcQywxhnlpOZhyYRfFm9ap/f\n"
	"1Sund6uRxisWMeO3SD32sbDY3641plnc2Cm623zWu9J7NThyo1MwUTAdBgNVHQ4E\n"
	"FgQUsN1N2PRo+F6hjoyv9ri8dZDqS6swHwYDVR0jBBgwFoAUsN1N2PRo+F6hjoyv\n"
	"9ri8dZDqS6swDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBBpYMz\n"
	"s2pWGT/HLyNacwlnSzLTlGOVoAJF2Rqhs604kAIgZPrdj7OSM/Tm9g48B0mt4qqT\n"
	"Z4kFMrY/EoYklYbXiFU=\n"
	"-----END CERTIFICATE-----\n"
	;

static struct edoc_result	res, again;
static struct ubl_result	ures, uagain;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*dir = getenv("G2B_XSD_DIR");

	(void)argc;
	(void)argv;
	if (edoc_init(dir != NULL ? dir : "xsd") != 0)
		abort();
	return (0);
}

static void
fuzz_ubl(const uint8_t *data, size_t size)
{
	xmlDocPtr	ubl = NULL, notice = NULL;
	int		r1, r2;

	r1 = ubl_inbound(data, size, &uagain, NULL, &notice);
	xmlFreeDoc(notice);
	notice = NULL;
	r2 = ubl_inbound(data, size, &ures, &ubl, &notice);
	if (r1 != r2 || ures.nproblems != uagain.nproblems ||
	    (r2 == 0) != (notice != NULL) || (r2 == 1 && ubl != NULL) ||
	    (r2 == -1 && ures.nproblems == 0))
		abort();
	if (ubl != NULL)
		(void)edoc_verify(ubl, cert_pem, &res);
	xmlFreeDoc(ubl);
	xmlFreeDoc(notice);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmlDocPtr	doc = NULL, resp = NULL;

	edoc_result_init(&again);
	(void)edoc_check(data, size, EDOC_ANY, &again, NULL);
	edoc_result_init(&res);
	(void)edoc_check(data, size, EDOC_ANY, &res, &doc);
	if (res.code != again.code || res.nproblems != again.nproblems)
		abort();
	if (doc != NULL) {
		(void)edoc_verify(doc, cert_pem, &res);
		xmlFreeDoc(doc);
	}
	if (res.code == EDOC_E_NAMESPACE)
		fuzz_ubl(data, size);
	if (edoc_response(&res, data, size, NULL, NULL, &resp) != 0)
		abort();
	xmlFreeDoc(resp);
	return (0);
}
