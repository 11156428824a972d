/*
 * tmpl: logic-less HTML templates that escape by default. Kore-free.
 *
 *   {{name}}       value, HTML-escaped (safe in text and quoted attributes)
 *   {{%name}}      value, percent-encoded for a URL component, then escaped
 *   {{@key}}       message-catalog text for key, HTML-escaped
 *   {{&name}}      value unescaped: only for HTML the server built itself
 *   {{#name}}..{{/name}}  repeat for each row of a list, or once if the value
 *                  is non-empty and not "0"
 *   {{^name}}..{{/name}}  render if name is missing, empty, "0" or no rows
 *   {{! comment }}
 * Names are looked up in the current row, then outwards.
 */
#ifndef G2B_TMPL_H
#define G2B_TMPL_H

#include <stddef.h>

#include "strbuf.h"

struct tmpl_vars;

typedef const char *(*tmpl_msg_fn)(void *, const char *);

struct tmpl_vars	*tmpl_vars_alloc(void);
void			 tmpl_vars_free(struct tmpl_vars *);
void			 tmpl_set(struct tmpl_vars *, const char *, const char *);
void			 tmpl_set_n(struct tmpl_vars *, const char *,
			    const char *, size_t);
void			 tmpl_setf(struct tmpl_vars *, const char *,
			    const char *, ...)
			    __attribute__((format(printf, 3, 4)));
/* Append a row to list 'name' and return it (owned by the parent). */
struct tmpl_vars	*tmpl_row(struct tmpl_vars *, const char *);
/* Value of name (searching outwards), or NULL. */
const char		*tmpl_get(struct tmpl_vars *, const char *);

/* Syntax of the whole template, every branch: 0, or -1 with a message. */
int	tmpl_check(const char *, size_t, struct strbuf *);

/*
 * Returns 0, or -1 on a template syntax error (message in out), whichever
 * branches the data takes.
 */
int	tmpl_render(const char *, size_t, struct tmpl_vars *, tmpl_msg_fn,
	    void *, struct strbuf *);

/* As tmpl_render, for a template that already passed tmpl_check. */
int	tmpl_expand(const char *, size_t, struct tmpl_vars *, tmpl_msg_fn,
	    void *, struct strbuf *);

#endif
