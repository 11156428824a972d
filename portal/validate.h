/*
 * validate: input rules for registration and accounts. Kore-free; every
 * function returns 1 when the input is acceptable and 0 when it is not.
 */
#ifndef G2B_VALIDATE_H
#define G2B_VALIDATE_H

#include <stddef.h>

#define BIZNO_LEN	10

/* Code lists, NULL-terminated, in display order. */
extern const char *const region_codes[];	/* the 17 시·도 */
extern const char *const biz_types[];
extern const char *const agency_kinds[];

int	utf8_valid(const char *, size_t);
/* Number of code points in valid UTF-8. */
size_t	utf8_chars(const char *);

/*
 * Business registration number (사업자등록번호): accepts "1234567890" or
 * "123-45-67890", writes the 10 digits to out (11 bytes) when the format
 * is right. bizno_check_digit() verifies the check digit of 10 digits.
 */
int	bizno_normalize(const char *, char *);
int	bizno_check_digit(const char *);
/* Writes "XXX-XX-XXXXX" (13 bytes) for 10 digits. */
void	bizno_format(const char *, char *);

/* Single-line text of minc..maxc characters, no control characters. */
int	valid_text(const char *, size_t, size_t);
/* Multi-line text: as valid_text but newlines and tabs are allowed. */
int	valid_multiline(const char *, size_t, size_t);
/*
 * A reason shown to others (rejection, amendment, cancellation): multi-line
 * text of at most maxc characters with at least minc that are not blank.
 */
int	valid_reason(const char *, size_t, size_t);
int	valid_email(const char *);
int	valid_phone(const char *);
int	valid_login(const char *);
/* Password policy; the login must not appear in the password. */
int	valid_password(const char *, const char *);
int	valid_agency_code(const char *);
int	valid_category_code(const char *);
int	valid_region(const char *);
int	valid_biz_type(const char *);
int	valid_agency_kind(const char *);
/*
 * A path on this site to redirect to after login or a language switch:
 * starts with one '/', no scheme-relative "//" or "/\", no backslash, no
 * control characters (browsers drop TAB and newlines, turning "/\t/x"
 * into "//x"), at most 512 bytes of valid UTF-8.
 */
int	valid_local_path(const char *);
/* Positive decimal id that fits in int64. */
int	valid_id(const char *);

#endif
