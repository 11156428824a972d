/*
 * form: parse application/x-www-form-urlencoded bodies and query strings,
 * and Cookie headers. Kore-free, bounded, and strict: invalid UTF-8, NUL
 * bytes and oversized input make the whole form invalid.
 */
#ifndef G2B_FORM_H
#define G2B_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS		512
#define FORM_MAX_KEY		64
#define FORM_MAX_VALUE		8192

struct form_field {
	char	*key;
	char	*value;
};

struct form {
	struct form_field	*fields;
	size_t			 n;
};

void		 form_init(struct form *);
void		 form_cleanup(struct form *);
/* Returns 0, or -1 if the input is malformed (the form is then empty). */
int		 form_parse(struct form *, const char *, size_t);
/* Add one field (raw bytes, same rules as parsed ones); 0 or -1. */
int		 form_add(struct form *, const char *, const char *, size_t);
/* First value for key, or NULL. */
const char	*form_get(const struct form *, const char *);
/* Up to max values for key, in order; returns how many. */
size_t		 form_get_all(const struct form *, const char *,
		    const char **, size_t);
/* Value of cookie name in a Cookie header, copied to out; 0 or -1. */
int		 cookie_get(const char *, const char *, char *, size_t);

#endif
