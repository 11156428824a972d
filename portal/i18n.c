/*
 * i18n: load a message catalog into a sorted array, look keys up by
 * binary search.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

struct entry {
	char	*key;
	char	*value;
	size_t	 file_no;	/* which i18n_add call brought it */
};

struct i18n_catalog {
	struct entry	*entries;
	size_t		 n;
	size_t		 cap;
	size_t		 files;
};

static int	entry_cmp(const void *, const void *);
static char	*trim(char *);
static void	unescape(char *);

static int
entry_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct entry *)a)->key,
	    ((const struct entry *)b)->key));
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return (s);
}

/* "\n" in a catalog value means a newline. */
static void
unescape(char *s)
{
	char	*d;

	for (d = s; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*d++ = '\n';
			s++;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

struct i18n_catalog *
i18n_load(const char *path, char *err, size_t errlen)
{
	struct i18n_catalog	*cat;

	if ((cat = calloc(1, sizeof(*cat))) == NULL)
		abort();
	if (i18n_add(cat, path, err, errlen) == -1) {
		i18n_free(cat);
		return (NULL);
	}
	return (cat);
}

/*
 * Add the entries of another catalog file (an area's own messages) to cat.
 * A key defined twice across the files is an error, as within one file.
 * On error cat is left as it was.
 */
int
i18n_add(struct i18n_catalog *cat, const char *path, char *err,
    size_t errlen)
{
	FILE			*fp;
	char			 line[4096], *eq, *key, *val;
	size_t			 cap, lineno, i;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return (-1);
	}
	cat->files++;
	cap = cat->cap;
	lineno = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s:%zu: line too long", path,
			    lineno);
			goto fail;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "%s:%zu: missing '='", path,
			    lineno);
			goto fail;
		}
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
		if (*key == '\0') {
			snprintf(err, errlen, "%s:%zu: empty key", path, lineno);
			goto fail;
		}
		unescape(val);
		if (cat->n == cap) {
			cap = cap ? cap * 2 : 256;
			cat->entries = realloc(cat->entries,
			    cap * sizeof(*cat->entries));
			if (cat->entries == NULL)
				abort();
		}
		cat->entries[cat->n].key = strdup(key);
		cat->entries[cat->n].value = strdup(val);
		cat->entries[cat->n].file_no = cat->files;
		if (cat->entries[cat->n].key == NULL ||
		    cat->entries[cat->n].value == NULL)
			abort();
		cat->n++;
		cat->cap = cap;
	}
	fclose(fp);
	fp = NULL;
	if (cat->n > 0)
		qsort(cat->entries, cat->n, sizeof(*cat->entries), entry_cmp);
	for (i = 1; i < cat->n; i++) {
		if (!strcmp(cat->entries[i - 1].key, cat->entries[i].key)) {
			snprintf(err, errlen, "%s: duplicate key %s", path,
			    cat->entries[i].key);
			goto fail;
		}
	}
	return (0);

fail:
	if (fp != NULL)
		fclose(fp);
	/* Drop what this file added; the earlier entries stay usable. */
	for (i = 0; i < cat->n; i++) {
		if (cat->entries[i].file_no == cat->files) {
			free(cat->entries[i].key);
			free(cat->entries[i].value);
			cat->entries[i--] = cat->entries[--cat->n];
		}
	}
	if (cat->n > 0)
		qsort(cat->entries, cat->n, sizeof(*cat->entries), entry_cmp);
	return (-1);
}

void
i18n_free(struct i18n_catalog *cat)
{
	size_t	i;

	if (cat == NULL)
		return;
	for (i = 0; i < cat->n; i++) {
		free(cat->entries[i].key);
		free(cat->entries[i].value);
	}
	free(cat->entries);
	free(cat);
}

const char *
i18n_get(const struct i18n_catalog *cat, const char *key)
{
	struct entry	 k, *e;

	if (cat == NULL || cat->n == 0)
		return (NULL);
	k.key = (char *)key;
	e = bsearch(&k, cat->entries, cat->n, sizeof(*cat->entries),
	    entry_cmp);
	return (e ? e->value : NULL);
}

size_t
i18n_count(const struct i18n_catalog *cat)
{
	return (cat ? cat->n : 0);
}

const char *
i18n_key(const struct i18n_catalog *cat, size_t i)
{
	return (i < cat->n ? cat->entries[i].key : NULL);
}

void
i18n_format(struct strbuf *out, const char *text, const char *const *args,
    size_t nargs)
{
	const char	*p;
	size_t		 idx;

	for (p = text; *p != '\0'; p++) {
		if (p[0] == '{' && isdigit((unsigned char)p[1]) && p[2] == '}') {
			idx = (size_t)(p[1] - '0');
			if (idx < nargs && args[idx] != NULL)
				strbuf_appendstr(out, args[idx]);
			p += 2;
			continue;
		}
		strbuf_append(out, p, 1);
	}
}
