/*
 * orgform: the supplier profile form shared by registration (register.c)
 * and profile editing (account.c): validation of every field with a message
 * per field, and rendering with the category tree and the input kept.
 */
#ifndef G2B_ORGFORM_H
#define G2B_ORGFORM_H

#include "web.h"

#define ORGFORM_REGISTER	1
#define ORGFORM_EDIT		2
#define ORGFORM_MAX_CATS	200
#define ORGFORM_MAX_LICENCES	20

struct orgform {
	char		 bizno[11];
	const char	*company;
	const char	*representative;
	const char	*address;
	const char	*region;
	const char	*biz_type;
	const char	*size_class;	/* optional: NULL if not stated */
	const char	*contact;
	const char	*email;
	const char	*phone;
	const char	*login;
	const char	*password;
	const char	*cats[ORGFORM_MAX_CATS];
	size_t		 ncats;
	char		*licences;	/* PostgreSQL array literal (owned) */
	char		*categories;	/* PostgreSQL array literal (owned) */
};

/* Validate the POST body; field errors go to ctx. 1 if all is well. */
int	orgform_validate(struct g2b_ctx *, struct orgform *, int);
void	orgform_cleanup(struct orgform *);
/* Copy the submitted values back into the form variables. */
void	orgform_keep(struct g2b_ctx *);
/*
 * Load the category tree and render the form (mode) with status; selected
 * categories come from the POST body or, when editing, from the
 * comma-separated list in slot 1 of the ctx scratch.
 */
int	orgform_render(struct g2b_ctx *, int, int);

#endif
