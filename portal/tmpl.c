/*
 * tmpl: a small mustache-like template renderer, escaping by default.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

#define NAME_MAX_LEN	64

struct tmpl_var {
	char			*name;
	char			*value;
	struct tmpl_vars	**rows;
	size_t			 nrows;
	size_t			 cap;
	struct tmpl_var		*next;
};

struct tmpl_vars {
	struct tmpl_var		*head;
	struct tmpl_vars	*parent;
};

struct render {
	const char		*src;
	tmpl_msg_fn		 msg;
	void			*msgarg;
	struct strbuf		*out;
	int			 depth;
};

static struct tmpl_var	*var_find(struct tmpl_vars *, const char *, int);
static struct tmpl_var	*var_lookup(struct tmpl_vars *, const char *);
static int		 truthy(struct tmpl_var *);
static int		 render_range(struct render *, size_t, size_t,
			    struct tmpl_vars *);
static int		 find_close(const char *, size_t, size_t,
			    const char *, size_t *, size_t *);
static void		*xcalloc(size_t, size_t);
static char		*xstrndup(const char *, size_t);

static void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n, sz)) == NULL)
		abort();
	return (p);
}

static char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xcalloc(1, n + 1);
	memcpy(p, s, n);
	return (p);
}

struct tmpl_vars *
tmpl_vars_alloc(void)
{
	return (xcalloc(1, sizeof(struct tmpl_vars)));
}

void
tmpl_vars_free(struct tmpl_vars *v)
{
	struct tmpl_var	*var, *next;
	size_t		 i;

	if (v == NULL)
		return;
	for (var = v->head; var != NULL; var = next) {
		next = var->next;
		for (i = 0; i < var->nrows; i++)
			tmpl_vars_free(var->rows[i]);
		free(var->rows);
		free(var->name);
		free(var->value);
		free(var);
	}
	free(v);
}

static struct tmpl_var *
var_find(struct tmpl_vars *v, const char *name, int create)
{
	struct tmpl_var	*var;

	for (var = v->head; var != NULL; var = var->next) {
		if (!strcmp(var->name, name))
			return (var);
	}
	if (!create)
		return (NULL);
	var = xcalloc(1, sizeof(*var));
	var->name = xstrndup(name, strlen(name));
	var->next = v->head;
	v->head = var;
	return (var);
}

static struct tmpl_var *
var_lookup(struct tmpl_vars *v, const char *name)
{
	struct tmpl_var	*var;

	for (; v != NULL; v = v->parent) {
		if ((var = var_find(v, name, 0)) != NULL)
			return (var);
	}
	return (NULL);
}

void
tmpl_set_n(struct tmpl_vars *v, const char *name, const char *value,
    size_t len)
{
	struct tmpl_var	*var;

	var = var_find(v, name, 1);
	free(var->value);
	var->value = xstrndup(value ? value : "", value ? len : 0);
}

void
tmpl_set(struct tmpl_vars *v, const char *name, const char *value)
{
	tmpl_set_n(v, name, value, value ? strlen(value) : 0);
}

void
tmpl_setf(struct tmpl_vars *v, const char *name, const char *fmt, ...)
{
	va_list	ap;
	char	*p;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = xcalloc(1, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tmpl_set_n(v, name, p, (size_t)n);
	free(p);
}

struct tmpl_vars *
tmpl_row(struct tmpl_vars *v, const char *name)
{
	struct tmpl_var		*var;
	struct tmpl_vars	*row;

	var = var_find(v, name, 1);
	if (var->nrows == var->cap) {
		var->cap = var->cap ? var->cap * 2 : 8;
		var->rows = realloc(var->rows, var->cap * sizeof(*var->rows));
		if (var->rows == NULL)
			abort();
	}
	row = tmpl_vars_alloc();
	row->parent = v;
	var->rows[var->nrows++] = row;
	return (row);
}

const char *
tmpl_get(struct tmpl_vars *v, const char *name)
{
	struct tmpl_var	*var;

	if ((var = var_lookup(v, name)) == NULL)
		return (NULL);
	return (var->value);
}

static int
truthy(struct tmpl_var *var)
{
	if (var == NULL)
		return (0);
	if (var->nrows > 0)
		return (1);
	if (var->value == NULL || var->value[0] == '\0')
		return (0);
	return (strcmp(var->value, "0") != 0);
}

/*
 * Find the {{/name}} closing a section opened before 'from', allowing the
 * same name to nest. Sets *cstart to the tag start and *cend past it.
 */
static int
find_close(const char *src, size_t from, size_t end, const char *name,
    size_t *cstart, size_t *cend)
{
	size_t		 i, nlen, depth;
	const char	*p;

	nlen = strlen(name);
	depth = 0;
	for (i = from; i + 4 <= end; i++) {
		if (src[i] != '{' || src[i + 1] != '{')
			continue;
		p = src + i + 2;
		if ((*p == '#' || *p == '^' || *p == '/') &&
		    i + 3 + nlen + 2 <= end &&
		    !strncmp(p + 1, name, nlen) && !strncmp(p + 1 + nlen, "}}", 2)) {
			if (*p != '/') {
				depth++;
			} else if (depth == 0) {
				*cstart = i;
				*cend = i + 2 + 1 + nlen + 2;
				return (0);
			} else {
				depth--;
			}
		}
	}
	return (-1);
}

static int
render_range(struct render *r, size_t start, size_t end, struct tmpl_vars *v)
{
	struct tmpl_var	*var;
	const char	*src, *close, *val;
	char		 name[NAME_MAX_LEN + 1], sigil;
	size_t		 i, nlen, tag_end, cstart, cend, k;

	if (++r->depth > 32) {
		strbuf_appendstr(r->out, "template nesting too deep");
		return (-1);
	}
	src = r->src;
	i = start;
	while (i < end) {
		if (i + 1 < end && src[i] == '{' && src[i + 1] == '{') {
			close = NULL;
			for (k = i + 2; k + 1 < end; k++) {
				if (src[k] == '}' && src[k + 1] == '}') {
					close = src + k;
					break;
				}
			}
			if (close == NULL) {
				strbuf_appendf(r->out, "unclosed tag at %zu", i);
				return (-1);
			}
			tag_end = (size_t)(close - src) + 2;
			sigil = src[i + 2];
			if (sigil == '!') {
				i = tag_end;
				continue;
			}
			k = i + 2;
			if (strchr("#^/&%@", sigil) != NULL)
				k++;
			while (k < (size_t)(close - src) && src[k] == ' ')
				k++;
			nlen = (size_t)(close - src) - k;
			while (nlen > 0 && src[k + nlen - 1] == ' ')
				nlen--;
			if (nlen == 0 || nlen > NAME_MAX_LEN) {
				strbuf_appendf(r->out, "bad tag at %zu", i);
				return (-1);
			}
			memcpy(name, src + k, nlen);
			name[nlen] = '\0';

			switch (sigil) {
			case '#':
			case '^':
				if (find_close(src, tag_end, end, name,
				    &cstart, &cend) == -1) {
					strbuf_appendf(r->out,
					    "unclosed section %s", name);
					return (-1);
				}
				var = var_lookup(v, name);
				if (sigil == '^') {
					if (!truthy(var) && render_range(r,
					    tag_end, cstart, v) == -1)
						return (-1);
				} else if (var != NULL && var->nrows > 0) {
					for (k = 0; k < var->nrows; k++) {
						if (render_range(r, tag_end,
						    cstart, var->rows[k]) == -1)
							return (-1);
					}
				} else if (truthy(var)) {
					if (render_range(r, tag_end, cstart,
					    v) == -1)
						return (-1);
				}
				i = cend;
				continue;
			case '/':
				strbuf_appendf(r->out, "stray close %s", name);
				return (-1);
			case '@':
				val = r->msg ? r->msg(r->msgarg, name) : NULL;
				if (val == NULL)
					val = name;
				strbuf_append_html(r->out, val, strlen(val));
				break;
			case '&':
				if ((val = tmpl_get(v, name)) != NULL)
					strbuf_appendstr(r->out, val);
				break;
			case '%':
				if ((val = tmpl_get(v, name)) != NULL)
					strbuf_append_url(r->out, val,
					    strlen(val));
				break;
			default:
				if ((val = tmpl_get(v, name)) != NULL)
					strbuf_append_html(r->out, val,
					    strlen(val));
				break;
			}
			i = tag_end;
			continue;
		}
		/* Copy literal text up to the next tag in one go. */
		for (k = i + 1; k < end; k++) {
			if (src[k] == '{' && k + 1 < end && src[k + 1] == '{')
				break;
		}
		strbuf_append(r->out, src + i, k - i);
		i = k;
	}
	r->depth--;
	return (0);
}

/*
 * Check the whole template, every branch, so a broken template fails
 * whatever the data: tags closed, names well formed, sections nested.
 */
int
tmpl_check(const char *src, size_t len, struct strbuf *err)
{
	char		 stack[32][NAME_MAX_LEN + 1], sigil;
	size_t		 i, k, close, nlen, depth;

	depth = 0;
	for (i = 0; i + 1 < len; i++) {
		if (src[i] != '{' || src[i + 1] != '{')
			continue;
		for (close = i + 2; close + 1 < len; close++) {
			if (src[close] == '}' && src[close + 1] == '}')
				break;
		}
		if (close + 1 >= len) {
			strbuf_appendf(err, "unclosed tag at %zu", i);
			return (-1);
		}
		sigil = src[i + 2];
		if (sigil != '!') {
			k = i + 2;
			if (strchr("#^/&%@", sigil) != NULL)
				k++;
			while (k < close && src[k] == ' ')
				k++;
			nlen = close - k;
			while (nlen > 0 && src[k + nlen - 1] == ' ')
				nlen--;
			if (nlen == 0 || nlen > NAME_MAX_LEN) {
				strbuf_appendf(err, "bad tag at %zu", i);
				return (-1);
			}
			if (sigil == '#' || sigil == '^') {
				if (depth == 32) {
					strbuf_appendstr(err,
					    "template nesting too deep");
					return (-1);
				}
				memcpy(stack[depth], src + k, nlen);
				stack[depth++][nlen] = '\0';
			} else if (sigil == '/') {
				if (depth == 0 || strlen(stack[depth - 1]) != nlen ||
				    memcmp(stack[depth - 1], src + k, nlen)) {
					strbuf_appendf(err, "stray close at %zu",
					    i);
					return (-1);
				}
				depth--;
			}
		}
		i = close + 1;
	}
	if (depth > 0) {
		strbuf_appendf(err, "unclosed section %s", stack[depth - 1]);
		return (-1);
	}
	return (0);
}

int
tmpl_render(const char *src, size_t len, struct tmpl_vars *v,
    tmpl_msg_fn msg, void *msgarg, struct strbuf *out)
{
	if (tmpl_check(src, len, out) == -1)
		return (-1);
	return (tmpl_expand(src, len, v, msg, msgarg, out));
}

int
tmpl_expand(const char *src, size_t len, struct tmpl_vars *v,
    tmpl_msg_fn msg, void *msgarg, struct strbuf *out)
{
	struct render	r;

	r.src = src;
	r.msg = msg;
	r.msgarg = msgarg;
	r.out = out;
	r.depth = 0;
	return (render_range(&r, 0, len, v));
}
