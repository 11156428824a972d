/*
 * libFuzzer target for ca_cert_light (bidding/ca.h), the bid path's
 * one-pass reading of a certificate's DER: untrusted input, since every
 * bid carries its certificate. At start a CA is made and one supplier
 * certificate issued, as the portal does. An input is either
 *
 *   'R' then DER: a certificate of its own, wrapped in PEM;
 *   'P' then patches: the issued certificate with, for each 3-byte group
 *       (offset high, offset low, byte), that byte written at that offset
 *       (modulo its length); a last single byte, if any, truncates it to
 *       that many bytes fewer.
 *
 * The check must never crash or leak, must take the unchanged issued
 * certificate, must refuse a changed one (every byte of it is covered by
 * the CA's signature or checked exactly), and must agree with the full
 * X509 check (ca_verify_loaded) whenever it takes anything. On any input
 * ca_cert_light_cn must not crash; on one the check takes, it must read
 * the person ca_cert_subject reads (or leave it to ca_cert_subject).
 *
 * Built and run by tests/fuzz/run.sh SECONDS cert; seeds in
 * tests/fuzz/cert-corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ca.h"
#include "seal.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct ca	*ca;
static unsigned char	*issued;	/* DER */
static long		 issued_len;
static time_t		 now;

static char *
pem_of(const unsigned char *der, long len)
{
	BIO	*bio;
	char	*s = NULL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		abort();
	if (len > 0 && PEM_write_bio(bio, "CERTIFICATE", "", der, len) > 0 &&
	    seal_bio_to_str(bio, &s) == -1)
		s = NULL;
	BIO_free(bio);
	return (s);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct ca_subject subj = { "(주)퍼즈", "1234567891",
	    "홍길동", "fuzz" };
	const char	*pass = "fuzz-ca-passphrase-2026";
	char		*cert, *key, *spki, *pem, *name = NULL, *hdr = NULL;
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	EVP_PKEY	*k;
	BIO		*bio;

	(void)argc;
	(void)argv;
	if (ca_create(pass, "G2B Fuzz CA", 3650, &cert, &key) != 0 ||
	    ca_load(cert, key, pass, &ca) != 0)
		abort();
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, k) != 1 ||
	    seal_bio_to_str(bio, &spki) == -1)
		abort();
	BIO_free(bio);
	EVP_PKEY_free(k);
	if (ca_issue(ca, spki, &subj, 365, &pem, serial) != 0 ||
	    (bio = BIO_new_mem_buf(pem, -1)) == NULL ||
	    PEM_read_bio(bio, &name, &hdr, &issued, &issued_len) != 1)
		abort();
	BIO_free(bio);
	OPENSSL_free(name);
	OPENSSL_free(hdr);
	free(spki);
	free(pem);
	free(cert);
	free(key);
	now = time(NULL) + 60;		/* inside the certificate's validity */
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*der = NULL;
	EVP_PKEY	*k = NULL, *full = NULL;
	char		*pem;
	long		 len;
	size_t		 i, off;
	char		 person[256], fullcn[256];
	int		 changed = 0, light, cn;
	time_t		 nb, na;

	if (size < 1)
		return (0);
	if (data[0] == 'R') {
		len = (long)(size - 1);
		if ((der = malloc(size)) == NULL)
			abort();
		memcpy(der, data + 1, size - 1);
		changed = -1;		/* unknown */
	} else if (data[0] == 'P') {
		len = issued_len;
		if ((der = malloc((size_t)len)) == NULL)
			abort();
		memcpy(der, issued, (size_t)len);
		for (i = 1; i + 3 <= size; i += 3) {
			off = ((size_t)data[i] << 8 | data[i + 1]) %
			    (size_t)len;
			der[off] = data[i + 2];
		}
		if (i < size && data[i] > 0)
			len -= data[i] < len ? data[i] : len - 1;
		changed = len != issued_len ||
		    memcmp(der, issued, (size_t)len) != 0;
	} else
		return (0);
	if ((pem = pem_of(der, len)) == NULL) {
		free(der);
		return (0);
	}
	light = ca_cert_light(ca, pem, now, &k, &nb, &na);
	if (changed == 0 && light != 0)
		abort();		/* the issued certificate refused */
	if (changed == 1 && light == 0)
		abort();		/* a changed one taken */
	cn = ca_cert_light_cn(ca, pem, person, sizeof(person));
	if (light == 0) {
		if (ca_verify_loaded(ca, pem, now, &full, NULL, NULL) != 0 ||
		    EVP_PKEY_eq(k, full) != 1)
			abort();	/* taken by one check only */
		EVP_PKEY_free(full);
		if (cn == 0 && (ca_cert_subject(pem, NULL, 0, NULL, 0, fullcn,
		    sizeof(fullcn)) != 0 || strcmp(person, fullcn) != 0))
			abort();	/* another person than OpenSSL's */
	} else if (k != NULL)
		abort();
	EVP_PKEY_free(k);
	free(pem);
	free(der);
	return (0);
}
