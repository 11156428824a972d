/*
 * register: supplier self-registration (조달업체 등록) and the supplier
 * profile form it shares with profile editing.
 */
#include <stdlib.h>
#include <string.h>

#include "orgform.h"
#include "validate.h"

int	page_register(struct http_request *);

static int	register_get(struct g2b_ctx *);
static int	register_post(struct g2b_ctx *);
static int	register_done(struct g2b_ctx *);
static int	orgform_categories(struct g2b_ctx *);

static const struct g2b_route route_register =
    { "register", ROLE_ANY, 0, register_get, register_post };

/* Supplier size classes (portal/sql/012_org_size.sql), labels size.*. */
static const char *const size_classes[] = {
	"large", "midsize", "sme", "small", "micro", NULL
};

static int	valid_size_class(const char *);

static const char *const text_fields[] = {
	"bizno", "company", "representative", "address", "region",
	"biz_type", "size_class", "licences", "contact", "email", "phone",
	"login", NULL
};

void
pg_array(struct strbuf *b, const char *const *v, size_t n)
{
	size_t		 i;
	const char	*p;

	strbuf_append(b, "{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_append(b, ",", 1);
		strbuf_append(b, "\"", 1);
		for (p = v[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				strbuf_append(b, "\\", 1);
			strbuf_append(b, p, 1);
		}
		strbuf_append(b, "\"", 1);
	}
	strbuf_append(b, "}", 1);
}

static int
valid_size_class(const char *s)
{
	int	i;

	for (i = 0; size_classes[i] != NULL; i++)
		if (!strcmp(s, size_classes[i]))
			return (1);
	return (0);
}

void
orgform_cleanup(struct orgform *f)
{
	free(f->licences);
	free(f->categories);
	f->licences = f->categories = NULL;
}

static const char *
trimmed(struct g2b_ctx *ctx, const char *name, int slot)
{
	const char	*v, *e;
	char		*s;

	if ((v = g2b_post(ctx, name)) == NULL)
		return ("");
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	e = v + strlen(v);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	if ((s = strndup(v, (size_t)(e - v))) == NULL)
		fatal("strndup");
	free(ctx->s[slot]);
	ctx->s[slot] = s;
	return (s);
}

int
orgform_validate(struct g2b_ctx *ctx, struct orgform *f, int mode)
{
	struct strbuf	 b;
	const char	*bizno, *lic, *pw2, *lines[ORGFORM_MAX_LICENCES];
	char		*copy, *line, *save;
	size_t		 nlines, i, k;

	memset(f, 0, sizeof(*f));

	if (mode == ORGFORM_REGISTER) {
		bizno = g2b_post(ctx, "bizno");
		if (bizno == NULL || *bizno == '\0')
			g2b_field_error(ctx, "bizno", "err.required");
		else if (!bizno_normalize(bizno, f->bizno))
			g2b_field_error(ctx, "bizno", "err.bizno_format");
		else if (!bizno_check_digit(f->bizno))
			g2b_field_error(ctx, "bizno", "err.bizno_check");
	}

	f->company = trimmed(ctx, "company", 2);
	if (*f->company == '\0')
		g2b_field_error(ctx, "company", "err.required");
	else if (!valid_text(f->company, 2, 100))
		g2b_field_error(ctx, "company", "err.text_2_100");

	f->representative = trimmed(ctx, "representative", 3);
	if (*f->representative == '\0')
		g2b_field_error(ctx, "representative", "err.required");
	else if (!valid_text(f->representative, 2, 50))
		g2b_field_error(ctx, "representative", "err.text_2_50");

	f->address = trimmed(ctx, "address", 4);
	if (*f->address == '\0')
		g2b_field_error(ctx, "address", "err.required");
	else if (!valid_text(f->address, 5, 200))
		g2b_field_error(ctx, "address", "err.text_5_200");

	f->region = g2b_post(ctx, "region");
	if (!valid_region(f->region))
		g2b_field_error(ctx, "region", "err.choose");

	f->biz_type = g2b_post(ctx, "biz_type");
	if (!valid_biz_type(f->biz_type))
		g2b_field_error(ctx, "biz_type", "err.choose");

	/* Optional: "" is "not stated". */
	f->size_class = g2b_post(ctx, "size_class");
	if (f->size_class != NULL && *f->size_class == '\0')
		f->size_class = NULL;
	if (f->size_class != NULL && !valid_size_class(f->size_class))
		g2b_field_error(ctx, "size_class", "err.choose");

	f->contact = trimmed(ctx, "contact", 5);
	if (*f->contact == '\0')
		g2b_field_error(ctx, "contact", "err.required");
	else if (!valid_text(f->contact, 2, 50))
		g2b_field_error(ctx, "contact", "err.text_2_50");

	f->email = trimmed(ctx, "email", 6);
	if (*f->email == '\0')
		g2b_field_error(ctx, "email", "err.required");
	else if (!valid_email(f->email))
		g2b_field_error(ctx, "email", "err.email");

	f->phone = trimmed(ctx, "phone", 7);
	if (*f->phone == '\0')
		g2b_field_error(ctx, "phone", "err.required");
	else if (!valid_phone(f->phone))
		g2b_field_error(ctx, "phone", "err.phone");

	/* Licences: one per line, each 2..100 characters. */
	lic = g2b_post(ctx, "licences");
	nlines = 0;
	strbuf_init(&b);
	if (lic != NULL && !valid_multiline(lic, 0, 2000)) {
		g2b_field_error(ctx, "licences", "err.licences");
	} else if (lic != NULL) {
		if ((copy = strdup(lic)) == NULL)
			fatal("strdup");
		for (line = strtok_r(copy, "\r\n", &save); line != NULL;
		    line = strtok_r(NULL, "\r\n", &save)) {
			while (*line == ' ' || *line == '\t')
				line++;
			k = strlen(line);
			while (k > 0 && (line[k - 1] == ' ' ||
			    line[k - 1] == '\t'))
				line[--k] = '\0';
			if (k == 0)
				continue;
			if (nlines == ORGFORM_MAX_LICENCES ||
			    !valid_text(line, 2, 100)) {
				g2b_field_error(ctx, "licences",
				    "err.licences");
				break;
			}
			lines[nlines++] = line;
		}
		pg_array(&b, lines, nlines);
		free(copy);
	}
	if (b.len == 0)
		strbuf_appendstr(&b, "{}");
	f->licences = strbuf_steal(&b, NULL);

	f->ncats = form_get_all(&ctx->body, "categories", f->cats,
	    ORGFORM_MAX_CATS);
	if (f->ncats == 0)
		g2b_field_error(ctx, "categories", "err.categories");
	for (i = 0; i < f->ncats; i++) {
		if (!valid_category_code(f->cats[i])) {
			g2b_field_error(ctx, "categories", "err.categories");
			break;
		}
	}
	pg_array(&b, f->cats, f->ncats);
	f->categories = strbuf_steal(&b, NULL);
	strbuf_cleanup(&b);

	if (mode == ORGFORM_REGISTER) {
		f->login = g2b_post(ctx, "login");
		if (f->login == NULL || *f->login == '\0')
			g2b_field_error(ctx, "login", "err.required");
		else if (!valid_login(f->login))
			g2b_field_error(ctx, "login", "err.login");
		f->password = g2b_post(ctx, "password");
		pw2 = g2b_post(ctx, "password2");
		if (f->password == NULL || *f->password == '\0')
			g2b_field_error(ctx, "password", "err.required");
		else if (!valid_password(f->password, f->login))
			g2b_field_error(ctx, "password", "err.password");
		else if (pw2 == NULL || strcmp(f->password, pw2))
			g2b_field_error(ctx, "password2", "err.password2");
		if (g2b_post(ctx, "agree") == NULL)
			g2b_field_error(ctx, "agree", "err.agree");
	}
	return (!ctx->invalid);
}

void
orgform_keep(struct g2b_ctx *ctx)
{
	const char	*v;
	char		 name[40];
	int		 i;

	for (i = 0; text_fields[i] != NULL; i++) {
		if ((v = g2b_post(ctx, text_fields[i])) == NULL)
			continue;
		snprintf(name, sizeof(name), "f_%s", text_fields[i]);
		tmpl_set(ctx->vars, name, v);
	}
	if (g2b_post(ctx, "agree") != NULL)
		tmpl_set(ctx->vars, "f_agree", "1");
}

int
orgform_render(struct g2b_ctx *ctx, int status, int mode)
{
	ctx->n[0] = status;
	ctx->n[1] = mode;
	return (g2b_query(ctx, orgform_categories,
	    ctx->lang == LANG_EN ?
	    "SELECT code, level, name_en FROM portal.category ORDER BY code" :
	    "SELECT code, level, name_ko FROM portal.category ORDER BY code",
	    0, NULL));
}

static int
selected(struct g2b_ctx *ctx, const char *code)
{
	const char	*cats[ORGFORM_MAX_CATS], *list, *p;
	size_t		 n, i;

	if (ctx->req->method == HTTP_METHOD_POST) {
		n = form_get_all(&ctx->body, "categories", cats,
		    ORGFORM_MAX_CATS);
		for (i = 0; i < n; i++) {
			if (!strcmp(cats[i], code))
				return (1);
		}
		return (0);
	}
	if ((list = ctx->s[1]) == NULL)
		return (0);
	for (p = list; (p = strstr(p, code)) != NULL; p += 8) {
		if ((p == list || p[-1] == ',') && (p[8] == ',' || p[8] == '\0'))
			return (1);
	}
	return (0);
}

static int
orgform_categories(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*seg, *row;
	const char		*code, *v, *chosen;
	char			 key[32];
	int			 i, nsel;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	seg = NULL;
	nsel = 0;
	for (i = 0; i < g2b_rows(ctx); i++) {
		code = g2b_val(ctx, i, 0);
		if (!strcmp(g2b_val(ctx, i, 1), "1")) {
			seg = tmpl_row(ctx->vars, "segments");
			tmpl_set(seg, "code", code);
			tmpl_set(seg, "name", g2b_val(ctx, i, 2));
			continue;
		}
		if (seg == NULL)
			continue;
		row = tmpl_row(seg, "cats");
		tmpl_set(row, "code", code);
		tmpl_set(row, "name", g2b_val(ctx, i, 2));
		tmpl_set(row, "level", g2b_val(ctx, i, 1));
		if (selected(ctx, code)) {
			tmpl_set(row, "checked", "1");
			tmpl_set(seg, "open", "1");
			nsel++;
		}
	}
	tmpl_setf(ctx->vars, "n_selected", "%d", nsel);

	v = ctx->req->method == HTTP_METHOD_POST ?
	    g2b_post(ctx, "region") : tmpl_get(ctx->vars, "f_region");
	for (i = 0; region_codes[i] != NULL; i++) {
		row = tmpl_row(ctx->vars, "regions");
		tmpl_set(row, "code", region_codes[i]);
		snprintf(key, sizeof(key), "region.%s", region_codes[i]);
		tmpl_set(row, "name", g2b_msg(ctx, key));
		if (v != NULL && !strcmp(v, region_codes[i]))
			tmpl_set(row, "sel", "1");
	}
	chosen = ctx->req->method == HTTP_METHOD_POST ?
	    g2b_post(ctx, "biz_type") : tmpl_get(ctx->vars, "f_biz_type");
	for (i = 0; biz_types[i] != NULL; i++) {
		row = tmpl_row(ctx->vars, "biz_types");
		tmpl_set(row, "code", biz_types[i]);
		snprintf(key, sizeof(key), "biz_type.%s", biz_types[i]);
		tmpl_set(row, "name", g2b_msg(ctx, key));
		if (chosen != NULL && !strcmp(chosen, biz_types[i]))
			tmpl_set(row, "sel", "1");
	}
	chosen = ctx->req->method == HTTP_METHOD_POST ?
	    g2b_post(ctx, "size_class") : tmpl_get(ctx->vars, "f_size_class");
	for (i = 0; size_classes[i] != NULL; i++) {
		row = tmpl_row(ctx->vars, "size_classes");
		tmpl_set(row, "code", size_classes[i]);
		snprintf(key, sizeof(key), "size.%s", size_classes[i]);
		tmpl_set(row, "name", g2b_msg(ctx, key));
		if (chosen != NULL && !strcmp(chosen, size_classes[i]))
			tmpl_set(row, "sel", "1");
	}
	if (ctx->n[1] == ORGFORM_REGISTER) {
		tmpl_set(ctx->vars, "mode_register", "1");
		return (g2b_render(ctx, (int)ctx->n[0], "orgform",
		    "register.title"));
	}
	tmpl_set(ctx->vars, "mode_edit", "1");
	return (g2b_render(ctx, (int)ctx->n[0], "orgform", "org.edit_title"));
}

int
page_register(struct http_request *req)
{
	return (g2b_run(req, &route_register));
}

static int
register_get(struct g2b_ctx *ctx)
{
	char	nonce[TOKEN_LEN + 1];

	if (ctx->logged_in)
		return (g2b_redirect(ctx, "/account"));
	if (token_new(nonce) == -1)
		return (g2b_error(ctx, 500));
	tmpl_set(ctx->vars, "nonce", nonce);
	return (orgform_render(ctx, 200, ORGFORM_REGISTER));
}

static int
register_post(struct g2b_ctx *ctx)
{
	struct orgform	 f;
	const char	*nonce, *vals[16];
	char		 hash[PW_HASH_MAX];

	if (ctx->logged_in)
		return (g2b_redirect(ctx, "/account"));
	nonce = g2b_post(ctx, "nonce");
	if (!token_valid(nonce))
		return (g2b_error(ctx, 400));
	tmpl_set(ctx->vars, "nonce", nonce);
	orgform_keep(ctx);
	if (!orgform_validate(ctx, &f, ORGFORM_REGISTER)) {
		orgform_cleanup(&f);
		tmpl_set(ctx->vars, "form_error", "1");
		return (orgform_render(ctx, 400, ORGFORM_REGISTER));
	}
	if (pw_hash(f.password, hash, sizeof(hash)) == -1) {
		orgform_cleanup(&f);
		return (g2b_error(ctx, 500));
	}
	vals[0] = nonce;
	vals[1] = f.bizno;
	vals[2] = f.company;
	vals[3] = f.representative;
	vals[4] = f.address;
	vals[5] = f.region;
	vals[6] = f.biz_type;
	vals[7] = f.licences;
	vals[8] = f.contact;
	vals[9] = f.email;
	vals[10] = f.phone;
	vals[11] = f.categories;
	vals[12] = f.login;
	vals[13] = hash;
	vals[14] = ctx->ip;
	vals[15] = f.size_class;
	g2b_query(ctx, register_done,
	    "SELECT status, org_id FROM portal.supplier_register($1, $2, $3, "
	    "$4, $5, $6, $7, $8::text[], $9, $10, $11, $12::text[], $13, $14, "
	    "$15::inet, $16)", 16, vals);
	secure_wipe(hash, sizeof(hash));
	orgform_cleanup(&f);
	return (STEP_WAIT);
}

static int
register_done(struct g2b_ctx *ctx)
{
	const char	*status;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	status = g2b_val(ctx, 0, 0);
	if (!strcmp(status, "ok"))
		return (g2b_redirect(ctx, "/login?registered=1"));
	if (!strcmp(status, "dup_bizno"))
		g2b_field_error(ctx, "bizno", "err.bizno_taken");
	else if (!strcmp(status, "dup_login"))
		g2b_field_error(ctx, "login", "err.login_taken");
	else {
		g2b_field_error(ctx, "categories", "err.categories");
		tmpl_set(ctx->vars, "form_error", "1");
		return (orgform_render(ctx, 400, ORGFORM_REGISTER));
	}
	tmpl_set(ctx->vars, "form_error", "1");
	return (orgform_render(ctx, 409, ORGFORM_REGISTER));
}
