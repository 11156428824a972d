/*
 * i18n: message catalogs ("key = value" lines): portal/i18n/ko.txt and
 * en.txt, plus each area's <area>/i18n/ko.txt and en.txt when present.
 * Korean is the default language; English is complete. Kore-free.
 */
#ifndef G2B_I18N_H
#define G2B_I18N_H

#include <stddef.h>

#include "strbuf.h"

struct i18n_catalog;

/* Returns NULL and a message in err on failure. */
struct i18n_catalog	*i18n_load(const char *, char *, size_t);
/* Add another file's entries (an area's own catalog); -1 and err if bad. */
int			 i18n_add(struct i18n_catalog *, const char *, char *,
			    size_t);
void			 i18n_free(struct i18n_catalog *);
/* The text for key, or NULL. */
const char		*i18n_get(const struct i18n_catalog *, const char *);
size_t			 i18n_count(const struct i18n_catalog *);
const char		*i18n_key(const struct i18n_catalog *, size_t);
/* Append text with {0}..{9} replaced by args (unescaped). */
void			 i18n_format(struct strbuf *, const char *,
			    const char *const *, size_t);

#endif
