/*
 * resources: templates, message catalogs and static files, read once in the
 * parent before the workers fork so the workers never touch the disk.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "i18n.h"
#include "web.h"

#define MAX_TEMPLATES	256
#define MAX_STATIC	64

struct blob {
	char	*name;
	char	*data;
	size_t	 len;
	char	 etag[24];
	const char *ctype;
};

static struct blob		 templates[MAX_TEMPLATES];
static size_t			 ntemplates;
static struct blob		 statics[MAX_STATIC];
static size_t			 nstatics;
static struct i18n_catalog	*catalogs[2];

static const char *const template_dirs[] = {
	"portal/templates", "bidding/templates", "crm/templates",
	"dw/templates", NULL
};

static const char *const catalog_dirs[] = {
	"portal/i18n", "bidding/i18n", "crm/i18n", "dw/i18n", NULL
};

static char	*slurp(const char *, size_t *);
static void	 catalog_extras(const char *, const char *);
static void	 load_dir(const char *, const char *, struct blob *, size_t *,
		    size_t, int);

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		fatal("cannot open %s", path);
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1)
		fatal("cannot size %s", path);
	buf = kore_malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		fatal("cannot read %s", path);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return (buf);
}

static void
load_dir(const char *root, const char *dir, struct blob *tab, size_t *count,
    size_t max, int is_template)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[1024], *dot;
	unsigned char	 h[SHA256_DIGEST_LENGTH];
	size_t		 i, nlen;

	snprintf(path, sizeof(path), "%s/%s", root, dir);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		nlen = strlen(de->d_name);
		if (is_template && (nlen < 6 ||
		    strcmp(de->d_name + nlen - 5, ".html")))
			continue;
		if (*count >= max)
			fatal("too many files in %s", path);
		snprintf(path, sizeof(path), "%s/%s/%s", root, dir,
		    de->d_name);
		tab[*count].name = kore_strdup(de->d_name);
		if (is_template) {
			dot = strrchr(tab[*count].name, '.');
			*dot = '\0';
		}
		for (i = 0; i < *count; i++) {
			if (!strcmp(tab[i].name, tab[*count].name))
				fatal("duplicate resource name %s", path);
		}
		tab[*count].data = slurp(path, &tab[*count].len);
		SHA256((unsigned char *)tab[*count].data, tab[*count].len, h);
		tab[*count].etag[0] = '"';
		hex_encode(h, 10, tab[*count].etag + 1);
		kore_strlcpy(tab[*count].etag + 21, "\"", 2);
		dot = strrchr(de->d_name, '.');
		tab[*count].ctype = "application/octet-stream";
		if (dot != NULL && !strcmp(dot, ".css"))
			tab[*count].ctype = "text/css; charset=utf-8";
		else if (dot != NULL && !strcmp(dot, ".js"))
			tab[*count].ctype = "text/javascript; charset=utf-8";
		else if (dot != NULL && !strcmp(dot, ".svg"))
			tab[*count].ctype = "image/svg+xml";
		else if (dot != NULL && !strcmp(dot, ".png"))
			tab[*count].ctype = "image/png";
		else if (dot != NULL && !strcmp(dot, ".ico"))
			tab[*count].ctype = "image/x-icon";
		(*count)++;
	}
	closedir(d);
}

static void
catalog_extras(const char *root, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[1024], err[512];
	size_t		 len;
	int		 lang;

	snprintf(path, sizeof(path), "%s/%s", root, dir);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 7 && !strcmp(de->d_name + len - 7, ".ko.txt"))
			lang = LANG_KO;
		else if (len > 7 && !strcmp(de->d_name + len - 7, ".en.txt"))
			lang = LANG_EN;
		else
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", root, dir,
		    de->d_name);
		if (i18n_add(catalogs[lang], path, err, sizeof(err)) == -1)
			fatal("%s", err);
	}
	closedir(d);
}

void
resources_load(const char *root)
{
	struct strbuf	 msg;
	char		 path[1024], err[512];
	int		 i;

	for (i = 0; template_dirs[i] != NULL; i++)
		load_dir(root, template_dirs[i], templates, &ntemplates,
		    MAX_TEMPLATES, 1);
	load_dir(root, "portal/static", statics, &nstatics, MAX_STATIC, 0);

	snprintf(path, sizeof(path), "%s/portal/i18n/ko.txt", root);
	if ((catalogs[LANG_KO] = i18n_load(path, err, sizeof(err))) == NULL)
		fatal("%s", err);
	snprintf(path, sizeof(path), "%s/portal/i18n/en.txt", root);
	if ((catalogs[LANG_EN] = i18n_load(path, err, sizeof(err))) == NULL)
		fatal("%s", err);
	/*
	 * Areas and modules keep their own messages in <area>/i18n/NAME.ko.txt
	 * and NAME.en.txt; a key defined twice anywhere stops start-up.
	 */
	for (i = 0; catalog_dirs[i] != NULL; i++)
		catalog_extras(root, catalog_dirs[i]);
	/* A broken template stops start-up, not a request months later. */
	for (i = 0; i < (int)ntemplates; i++) {
		strbuf_init(&msg);
		if (tmpl_check(templates[i].data, templates[i].len, &msg) == -1)
			fatal("template %s: %s", templates[i].name, msg.data);
		strbuf_cleanup(&msg);
	}
	if (resources_template("layout", NULL) == NULL ||
	    resources_template("error", NULL) == NULL)
		fatal("templates missing under %s/portal/templates", root);
}

const char *
resources_template(const char *name, size_t *len)
{
	size_t	i;

	for (i = 0; i < ntemplates; i++) {
		if (!strcmp(templates[i].name, name)) {
			if (len != NULL)
				*len = templates[i].len;
			return (templates[i].data);
		}
	}
	return (NULL);
}

const char *
resources_msg(int lang, const char *key)
{
	return (i18n_get(catalogs[lang == LANG_EN ? LANG_EN : LANG_KO], key));
}

int
resources_static(const char *name, const char **data, size_t *len,
    const char **ctype, const char **etag)
{
	size_t	i;

	for (i = 0; i < nstatics; i++) {
		if (!strcmp(statics[i].name, name)) {
			*data = statics[i].data;
			*len = statics[i].len;
			*ctype = statics[i].ctype;
			*etag = statics[i].etag;
			return (0);
		}
	}
	return (-1);
}
