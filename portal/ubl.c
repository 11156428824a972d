/*
 * ubl: an OASIS UBL 2.3 ContractNotice mapped onto the portal's own
 * CallForTenders (see ubl.h for what maps and what is refused).
 * Kore-free: libxml2 and portal/edoc.h.
 *
 * Every element read is looked up by namespace and local name, checked
 * for repetition and form, and reported at its own line when it does not
 * fit, so a sender can fix its document from the error document alone.
 * The notice is built with libxml2 and then checked by edoc_check as if
 * it had been received, which proves it valid under xsd/notice.xsd and
 * edoc's rules.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/tree.h>

#include "edoc.h"
#include "ubl.h"

#define VAL_MAX		512

/* What the mapping carries around. */
struct map {
	struct ubl_result	*res;
	xmlNodePtr		 root;
	xmlNodePtr		 lot;		/* the one lot, or NULL */
};

/* The values the notice is built from. */
struct notice {
	char	id[EDOC_ID_MAX + 1];
	char	issued[64];
	char	folder[32];
	char	agency[8];
	char	agency_name[VAL_MAX];
	char	contact_name[VAL_MAX];
	char	telephone[32];
	char	email[256];
	char	title[VAL_MAX];
	const char *family;
	char	amount[32];
	char	code[16];
	char	qty[32];
	char	unit[32];
	const char *range;
	const char *procedure;
	const char *award;
	char	close[64];
	char	opening[64];
};

static void	problem(struct map *, const char *, xmlNodePtr,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static int	is_el(xmlNodePtr, const char *, const char *);
static xmlNodePtr step(struct map *, xmlNodePtr, const char *);
static xmlNodePtr path(struct map *, xmlNodePtr, const char *);
static xmlNodePtr path2(struct map *, xmlNodePtr, xmlNodePtr,
		    const char *, const char *);
static const char *text(xmlNodePtr, char *, size_t);
static const char *attr(xmlNodePtr, const char *, char *, size_t);
static size_t	utf8_len(const char *);
static void	copy(char *, size_t, const char *);
static int	req_text(struct map *, xmlNodePtr, const char *, char *,
		    size_t);
static int	zone_ok(const char *);
static int	split_date(const char *, char [11], char [8]);
static int	split_time(const char *, char [24], char [8]);
static int	epoch(const char *, long long *);
static int	date_time(struct map *, xmlNodePtr, const char *,
		    xmlNodePtr, const char *, char *, size_t, long long *);
static void	map_header(struct map *, struct notice *);
static void	map_party(struct map *, struct notice *);
static void	map_contact(struct map *, struct notice *, xmlNodePtr);
static int	won(struct map *, xmlNodePtr, const char *, char *, size_t);
static void	award_code(struct map *, xmlNodePtr, int *, int *);
static xmlNodePtr add(xmlNodePtr, xmlNsPtr, const char *, const char *);
static void	map_project(struct map *, struct notice *);
static void	map_process(struct map *, struct notice *, long long);
static void	map_award(struct map *, struct notice *);
static xmlDocPtr build(const struct notice *);

/* ------------------------------------------------------------ helpers */

static void
problem(struct map *m, const char *code, xmlNodePtr at, const char *fmt,
    ...)
{
	struct ubl_problem	 p;
	va_list			 ap;
	size_t			 i;

	copy(p.code, sizeof(p.code), code);
	p.line = at != NULL ? (int)xmlGetLineNo(at) : 0;
	if (p.line < 0)
		p.line = 0;
	va_start(ap, fmt);
	(void)vsnprintf(p.message, sizeof(p.message), fmt, ap);
	va_end(ap);
	/* An element read twice (lot, then notice) is reported once. */
	for (i = 0; i < m->res->nproblems; i++)
		if (m->res->problems[i].line == p.line &&
		    !strcmp(m->res->problems[i].code, p.code) &&
		    !strcmp(m->res->problems[i].message, p.message))
			return;
	if (m->res->nproblems >= EDOC_PROBLEMS_MAX) {
		m->res->truncated++;
		return;
	}
	m->res->problems[m->res->nproblems++] = p;
}

static int
is_el(xmlNodePtr n, const char *ns, const char *name)
{
	return (n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    n->ns->href != NULL && strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, name) == 0);
}

/*
 * One step "cbc:Name" or "cac:Party" below n: the first such child; a
 * second one is a problem (ubl-repeated) reported at its line.
 */
static xmlNodePtr
step(struct map *m, xmlNodePtr n, const char *qname)
{
	xmlNodePtr	 c, first = NULL;
	const char	*ns, *name;

	if (n == NULL)
		return (NULL);
	if (strncmp(qname, "cbc:", 4) == 0)
		ns = UBL_CBC_NS;
	else
		ns = UBL_CAC_NS;
	name = qname + 4;
	for (c = n->children; c != NULL; c = c->next) {
		if (!is_el(c, ns, name))
			continue;
		if (first == NULL) {
			first = c;
			continue;
		}
		problem(m, "ubl-repeated", c, "%s appears more than once in "
		    "%s (line %ld): the portal reads exactly one", qname,
		    (const char *)n->name, xmlGetLineNo(n));
		break;
	}
	return (first);
}

/* Follow "cac:A/cac:B/cbc:C" from n. */
static xmlNodePtr
path(struct map *m, xmlNodePtr n, const char *p)
{
	char	 buf[256], *s, *save;

	copy(buf, sizeof(buf), p);
	for (s = strtok_r(buf, "/", &save); s != NULL && n != NULL;
	    s = strtok_r(NULL, "/", &save))
		n = step(m, n, s);
	return (n);
}

/*
 * The lot's component (cac:ProcurementProject, cac:TenderingProcess or
 * cac:TenderingTerms) comes first, then the notice's: eForms puts most of
 * a procedure's terms in its lot.
 */
static xmlNodePtr
path2(struct map *m, xmlNodePtr lot, xmlNodePtr root, const char *comp,
    const char *p)
{
	xmlNodePtr	n;

	if (lot != NULL && (n = path(m, path(m, lot, comp), p)) != NULL)
		return (n);
	return (path(m, path(m, root, comp), p));
}

/* The element's text, surrounding white space removed. */
static const char *
text(xmlNodePtr n, char *out, size_t len)
{
	xmlChar	*c;
	char	*s, *e;

	out[0] = '\0';
	if (n == NULL || (c = xmlNodeGetContent(n)) == NULL)
		return (out);
	for (s = (char *)c; isspace((unsigned char)*s); s++)
		;
	copy(out, len, s);
	for (e = out + strlen(out); e > out && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	xmlFree(c);
	return (out);
}

static const char *
attr(xmlNodePtr n, const char *name, char *out, size_t len)
{
	xmlChar	*c;

	out[0] = '\0';
	if (n != NULL && (c = xmlGetProp(n, (const xmlChar *)name)) != NULL) {
		copy(out, len, (const char *)c);
		xmlFree(c);
	}
	return (out);
}

/* strlcpy: the caller has checked the length where it matters. */
static void
copy(char *dst, size_t size, const char *src)
{
	size_t	n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static size_t
utf8_len(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

/* A required element's non-empty text (of at most len - 1 bytes). */
static int
req_text(struct map *m, xmlNodePtr n, const char *what, char *out,
    size_t len)
{
	char	big[4096];

	out[0] = '\0';
	if (n == NULL) {
		problem(m, "ubl-missing", NULL, "%s is missing", what);
		return (0);
	}
	text(n, big, sizeof(big));
	if (big[0] == '\0') {
		problem(m, "ubl-missing", n, "%s is empty", what);
		return (0);
	}
	if (strlen(big) >= len) {
		problem(m, "ubl-format", n, "%s is too long", what);
		return (0);
	}
	copy(out, len, big);
	return (1);
}

/* A zone: "Z" or "+09:00" / "-05:00", the whole of s. */
static int
zone_ok(const char *s)
{
	if (!strcmp(s, "Z"))
		return (1);
	return ((s[0] == '+' || s[0] == '-') && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && s[3] == ':' &&
	    isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) &&
	    s[6] == '\0' && (s[1] - '0') * 10 + (s[2] - '0') <= 14 &&
	    (s[4] - '0') * 10 + (s[5] - '0') < 60);
}

/* "2026-12-01+09:00", "2026-12-01Z" or "2026-12-01": date and zone. */
static int
split_date(const char *s, char date[11], char zone[8])
{
	int	i, mon, day;

	zone[0] = '\0';
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return (0);
		} else if (!isdigit((unsigned char)s[i]))
			return (0);
	}
	mon = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return (0);
	memcpy(date, s, 10);
	date[10] = '\0';
	s += 10;
	if (*s == '\0')
		return (1);
	if (!zone_ok(s))
		return (0);
	copy(zone, 8, s);
	return (1);
}

/* "10:00:00+09:00", "10:00:00.5Z" or "10:00:00": time and zone. */
static int
split_time(const char *s, char tod[24], char zone[8])
{
	size_t	i;

	zone[0] = '\0';
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]) || s[5] != ':' ||
	    !isdigit((unsigned char)s[6]) || !isdigit((unsigned char)s[7]))
		return (0);
	if ((s[0] - '0') * 10 + (s[1] - '0') > 23 ||
	    (s[3] - '0') * 10 + (s[4] - '0') > 59 ||
	    (s[6] - '0') * 10 + (s[7] - '0') > 59)
		return (0);
	i = 8;
	if (s[i] == '.') {
		for (i++; isdigit((unsigned char)s[i]) && i < 20; i++)
			;
		if (i == 9 || isdigit((unsigned char)s[i]))
			return (0);
	}
	memcpy(tod, s, i);
	tod[i] = '\0';
	s += i;
	if (*s == '\0')
		return (1);
	if (!zone_ok(s))
		return (0);
	copy(zone, 8, s);
	return (1);
}

/* An xs:dateTime with a zone, as made by date_time, in epoch seconds. */
static int
epoch(const char *s, long long *t)
{
	struct tm	 tm, back;
	const char	*z;
	int		 zh = 0, zm = 0, sign = 1;
	time_t		 v;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return (0);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	if ((v = timegm(&tm)) == (time_t)-1 || tm.tm_mday != back.tm_mday)
		return (0);	/* 2026-02-30 */
	z = s + strlen(s);
	if (z[-1] != 'Z') {
		z -= 6;
		sign = *z == '-' ? -1 : 1;
		zh = (z[1] - '0') * 10 + (z[2] - '0');
		zm = (z[4] - '0') * 10 + (z[5] - '0');
	}
	*t = (long long)v - sign * (zh * 3600LL + zm * 60LL);
	return (1);
}

/*
 * A date element and a time element (e.g. cbc:EndDate and cbc:EndTime)
 * as one xs:dateTime with its zone (the time's, else the date's; they
 * must agree when both have one), and as seconds since the epoch.
 */
static int
date_time(struct map *m, xmlNodePtr dn, const char *dwhat, xmlNodePtr tn,
    const char *twhat, char *out, size_t len, long long *t)
{
	char	dv[64], tv[64], date[11], dz[8], tod[24], tz[8];
	int	ok = 1;

	if (!req_text(m, dn, dwhat, dv, sizeof(dv)))
		ok = 0;
	else if (!split_date(dv, date, dz)) {
		problem(m, "ubl-format", dn, "%s '%s' is not a date "
		    "(YYYY-MM-DD with an optional zone)", dwhat, dv);
		ok = 0;
	}
	if (!req_text(m, tn, twhat, tv, sizeof(tv)))
		ok = 0;
	else if (!split_time(tv, tod, tz)) {
		problem(m, "ubl-format", tn, "%s '%s' is not a time "
		    "(hh:mm:ss with a zone)", twhat, tv);
		ok = 0;
	}
	if (!ok)
		return (0);
	if (dz[0] != '\0' && tz[0] != '\0' && strcmp(dz, tz) != 0 &&
	    !(!strcmp(dz, "Z") && !strcmp(tz, "+00:00")) &&
	    !(!strcmp(tz, "Z") && !strcmp(dz, "+00:00"))) {
		problem(m, "ubl-format", tn, "%s zone %s differs from %s zone "
		    "%s", twhat, tz, dwhat, dz);
		return (0);
	}
	if (tz[0] == '\0' && dz[0] == '\0') {
		problem(m, "ubl-format", tn, "%s '%s' has no time zone: "
		    "deadlines must be unambiguous (e.g. 10:00:00+09:00)",
		    twhat, tv);
		return (0);
	}
	(void)snprintf(out, len, "%sT%s%s", date, tod, tz[0] ? tz : dz);
	if (!epoch(out, t)) {
		problem(m, "ubl-format", dn, "%s and %s do not make a valid "
		    "date and time", dwhat, twhat);
		return (0);
	}
	return (1);
}

/* ------------------------------------------------------------ mapping */

/* cbc:UBLVersionID, cbc:ID, cbc:IssueDate/IssueTime, cbc:ContractFolderID */
static void
map_header(struct map *m, struct notice *nt)
{
	xmlNodePtr	 n;
	char		 v[VAL_MAX];
	long long	 t;
	size_t		 i, len;

	n = step(m, m->root, "cbc:UBLVersionID");
	if (n != NULL && strncmp(text(n, v, sizeof(v)), "2.", 2) != 0)
		problem(m, "ubl-format", n, "cbc:UBLVersionID '%s': UBL 2.x "
		    "(2.3, as eForms) is expected", v);

	n = step(m, m->root, "cbc:ID");
	if (req_text(m, n, "cbc:ID (the notice's identifier)", v,
	    sizeof(v))) {
		len = strlen(v);
		for (i = 0; i < len; i++)
			if (!isalnum((unsigned char)v[i]) &&
			    strchr("._:/-", v[i]) == NULL)
				break;
		if (i != len || len > EDOC_ID_MAX)
			problem(m, "ubl-format", n, "cbc:ID '%s' must be 1 to "
			    "64 letters, digits and . _ : / -", v);
		else
			copy(nt->id, sizeof(nt->id), v);
	}
	copy(m->res->id, sizeof(m->res->id), nt->id);

	if (date_time(m, step(m, m->root, "cbc:IssueDate"), "cbc:IssueDate",
	    step(m, m->root, "cbc:IssueTime"), "cbc:IssueTime", nt->issued,
	    sizeof(nt->issued), &t) == 0)
		nt->issued[0] = '\0';

	n = step(m, m->root, "cbc:ContractFolderID");
	if (req_text(m, n, "cbc:ContractFolderID (the notice number)", v,
	    sizeof(v))) {
		len = strlen(v);
		if ((len == 11 && strspn(v, "0123456789") == 11) ||
		    (len == 15 && !strncmp(v, "G2B-", 4) &&
		    strspn(v + 4, "0123456789") == 4 && v[8] == '-' &&
		    strspn(v + 9, "0123456789") == 6))
			copy(nt->folder, sizeof(nt->folder), v);
		else
			problem(m, "not-mapped", n, "cbc:ContractFolderID "
			    "'%s' is not a notice number the portal holds: "
			    "11 digits (KONEPS, e.g. 20261123456) or "
			    "G2B-YYYY-NNNNNN", v);
	}
}

/* cac:ContractingParty: the one demand agency (수요기관). */
static void
map_party(struct map *m, struct notice *nt)
{
	xmlNodePtr	 cp, party, c, id, n, first = NULL;
	char		 v[VAL_MAX], type[64];
	int		 count = 0;

	for (c = m->root->children; c != NULL; c = c->next) {
		if (!is_el(c, UBL_CAC_NS, "ContractingParty"))
			continue;
		if (count++ == 0)
			first = c;
		else if (count == 2)
			problem(m, "not-mapped", c, "a second "
			    "cac:ContractingParty (joint procurement): a "
			    "portal notice has one demand agency");
	}
	cp = first;
	if (cp == NULL) {
		problem(m, "ubl-missing", m->root, "cac:ContractingParty "
		    "(the demand agency) is missing");
		return;
	}
	if ((party = step(m, cp, "cac:Party")) == NULL) {
		problem(m, "ubl-missing", cp, "cac:ContractingParty/cac:Party "
		    "is missing");
		return;
	}

	/* The agency code: one PartyIdentification/cbc:ID of 7 digits. */
	id = NULL;
	for (c = party->children; c != NULL; c = c->next) {
		if (!is_el(c, UBL_CAC_NS, "PartyIdentification"))
			continue;
		n = step(m, c, "cbc:ID");
		text(n, v, sizeof(v));
		if (strlen(v) == 7 && strspn(v, "0123456789") == 7) {
			copy(nt->agency, sizeof(nt->agency), v);
			break;
		}
		if (id == NULL)
			id = n != NULL ? n : c;
	}
	if (nt->agency[0] == '\0') {
		if (id == NULL)
			problem(m, "ubl-missing", party, "cac:Party/"
			    "cac:PartyIdentification/cbc:ID with the demand "
			    "agency's 7-digit code (수요기관 코드) is missing");
		else
			problem(m, "not-mapped", id, "cac:Party/"
			    "cac:PartyIdentification/cbc:ID '%s' is not a "
			    "7-digit demand agency code (수요기관 코드); "
			    "eForms organisation references in "
			    "ext:UBLExtensions are not read",
			    text(id, v, sizeof(v)));
	}

	n = path(m, party, "cac:PartyName/cbc:Name");
	if (req_text(m, n, "cac:Party/cac:PartyName/cbc:Name (the agency's "
	    "name)", v, sizeof(v))) {
		if (utf8_len(v) > 200)
			problem(m, "ubl-format", n, "cac:PartyName/cbc:Name is "
			    "longer than 200 characters");
		else
			copy(nt->agency_name, sizeof(nt->agency_name), v);
	}

	if ((c = step(m, party, "cac:Contact")) != NULL)
		map_contact(m, nt, c);

	/* The preliminary price range follows the rules the buyer is under. */
	n = path(m, cp, "cac:ContractingPartyType/cbc:PartyTypeCode");
	text(n, type, sizeof(type));
	if (!strcmp(type, "cga") || !strcmp(type, "body-pl-cga"))
		nt->range = "2";
	else if (!strcmp(type, "la") || !strcmp(type, "ra") ||
	    !strcmp(type, "body-pl-la") || !strcmp(type, "body-pl-ra"))
		nt->range = "3";
	else if (n == NULL)
		problem(m, "ubl-missing", cp, "cac:ContractingParty/"
		    "cac:ContractingPartyType/cbc:PartyTypeCode "
		    "(buyer-legal-type) is missing: the preliminary price "
		    "range is ±2%% for central government (cga) and ±3%% "
		    "for local government (la, ra); the portal does not "
		    "guess it");
	else
		problem(m, "not-mapped", n, "cbc:PartyTypeCode '%s': only "
		    "central government (cga, body-pl-cga: ±2%% preliminary "
		    "price range) and local government (la, ra, body-pl-la, "
		    "body-pl-ra: ±3%%) buyers have a range the portal knows",
		    type);
}

/* cac:Party/cac:Contact: the forms xsd/common.xsd ContactType takes. */
static void
map_contact(struct map *m, struct notice *nt, xmlNodePtr c)
{
	xmlNodePtr	 n;
	char		 v[VAL_MAX], *at;
	size_t		 len, plus;

	n = step(m, c, "cbc:Name");
	text(n, v, sizeof(v));
	if (n != NULL && (v[0] == '\0' || utf8_len(v) > 200))
		problem(m, "ubl-format", n, "cac:Contact/cbc:Name must be 1 to "
		    "200 characters");
	else
		copy(nt->contact_name, sizeof(nt->contact_name), v);

	n = step(m, c, "cbc:Telephone");
	text(n, v, sizeof(v));
	len = strlen(v);
	plus = v[0] == '+';
	if (n != NULL && (len < 6 + plus || len > 20 + plus ||
	    !isdigit((unsigned char)v[plus]) ||
	    strspn(v + plus, "0123456789-") != len - plus))
		problem(m, "ubl-format", n, "cac:Contact/cbc:Telephone '%s' "
		    "must be 6 to 20 digits and hyphens, e.g. 02-3999-1234 or "
		    "+82-2-3999-1234", v);
	else if (n != NULL)
		copy(nt->telephone, sizeof(nt->telephone), v);

	n = step(m, c, "cbc:ElectronicMail");
	text(n, v, sizeof(v));
	at = strchr(v, '@');
	if (n != NULL && (strlen(v) > 254 || at == NULL || at == v ||
	    at != strrchr(v, '@') || strchr(at, '.') == NULL ||
	    at[1] == '.' || strpbrk(v, " \t\r\n") != NULL ||
	    v[strlen(v) - 1] == '.'))
		problem(m, "ubl-format", n, "cac:Contact/cbc:ElectronicMail "
		    "'%s' is not an e-mail address", v);
	else if (n != NULL)
		copy(nt->email, sizeof(nt->email), v);
}

/* A KRW amount in whole won, as digits without a fraction. */
static int
won(struct map *m, xmlNodePtr n, const char *what, char *out, size_t len)
{
	char	v[64], cur[16], *dot;
	size_t	i;

	out[0] = '\0';
	if (!req_text(m, n, what, v, sizeof(v)))
		return (0);
	attr(n, "currencyID", cur, sizeof(cur));
	if (cur[0] == '\0') {
		problem(m, "ubl-missing", n, "%s has no currencyID", what);
		return (0);
	}
	if (strcmp(cur, "KRW") != 0) {
		problem(m, "not-mapped", n, "%s is in %s: the portal takes "
		    "amounts in Korean won (currencyID KRW) only; foreign "
		    "procurement (외자) is not exchanged as UBL", what, cur);
		return (0);
	}
	if ((dot = strchr(v, '.')) != NULL) {
		if (dot[1] == '\0' ||
		    strspn(dot + 1, "0") != strlen(dot + 1)) {
			problem(m, "not-mapped", n, "%s '%s' is not whole won",
			    what, v);
			return (0);
		}
		*dot = '\0';
	}
	for (i = 0; v[i] == '0' && v[i + 1] != '\0'; i++)
		;
	if (v[i] == '\0' || strspn(v + i, "0123456789") != strlen(v + i) ||
	    strlen(v + i) > 15 || !strcmp(v + i, "0")) {
		problem(m, "ubl-format", n, "%s '%s' must be a positive "
		    "amount of at most 15 digits", what, v);
		return (0);
	}
	copy(out, len, v + i);
	return (1);
}

/* cac:ProcurementProject (the lot's first). */
static void
map_project(struct map *m, struct notice *nt)
{
	xmlNodePtr	 n, c, name, proj;
	char		 v[VAL_MAX], list[64], lang[16];
	const char	*pp = "cac:ProcurementProject", *dot;

	proj = m->lot != NULL ? step(m, m->lot, pp) : NULL;
	if (proj == NULL)
		proj = step(m, m->root, pp);
	if (proj == NULL) {
		problem(m, "ubl-missing", m->lot != NULL ? m->lot : m->root,
		    "cac:ProcurementProject is missing");
		return;
	}

	/* cbc:Name, one per language: Korean first, else the first. */
	name = NULL;
	for (c = proj->children; c != NULL; c = c->next) {
		if (!is_el(c, UBL_CBC_NS, "Name"))
			continue;
		attr(c, "languageID", lang, sizeof(lang));
		if (!strcasecmp(lang, "KOR") || !strcasecmp(lang, "ko")) {
			name = c;
			break;
		}
		if (name == NULL)
			name = c;
	}
	if (req_text(m, name, "cac:ProcurementProject/cbc:Name (the "
	    "title)", v, sizeof(v))) {
		if (utf8_len(v) > 200)
			problem(m, "ubl-format", name, "cac:ProcurementProject/"
			    "cbc:Name is longer than 200 characters");
		else
			copy(nt->title, sizeof(nt->title), v);
	}

	n = path2(m, m->lot, m->root, pp, "cbc:ProcurementTypeCode");
	if (req_text(m, n, "cac:ProcurementProject/cbc:ProcurementTypeCode",
	    v, sizeof(v))) {
		if (!strcmp(v, "goods") || !strcmp(v, "supplies"))
			nt->family = "goods";
		else if (!strcmp(v, "services"))
			nt->family = "services";
		else if (!strcmp(v, "works"))
			nt->family = "works";
		else if (!strcmp(v, "combined"))
			problem(m, "not-mapped", n, "cbc:ProcurementTypeCode "
			    "combined: a portal notice is goods (물품), "
			    "services (용역) or works (공사); send one notice "
			    "per family");
		else
			problem(m, "ubl-format", n, "cbc:ProcurementTypeCode "
			    "'%s' is not a contract-nature code (supplies, "
			    "services, works)", v);
	}

	n = path2(m, m->lot, m->root, pp,
	    "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount");
	(void)won(m, n, "cac:RequestedTenderTotal/"
	    "cbc:EstimatedOverallContractAmount", nt->amount,
	    sizeof(nt->amount));

	n = path2(m, m->lot, m->root, pp,
	    "cac:MainCommodityClassification/cbc:ItemClassificationCode");
	if (req_text(m, n, "cac:MainCommodityClassification/"
	    "cbc:ItemClassificationCode", v, sizeof(v))) {
		attr(n, "listName", list, sizeof(list));
		if (list[0] == '\0')
			attr(n, "listID", list, sizeof(list));
		if (list[0] == '\0')
			problem(m, "ubl-missing", n, "cbc:ItemClassificationCode"
			    " '%s' has no listName: the portal needs to know "
			    "it is UNSPSC", v);
		else if (strcasecmp(list, "unspsc") != 0)
			problem(m, "not-mapped", n, "cbc:ItemClassificationCode"
			    " '%s' is from the %s list: the portal classifies "
			    "items by UNSPSC-based G2B codes (listName "
			    "unspsc) and keeps no mapping from %s", v, list,
			    list);
		else if ((strlen(v) != 8 && strlen(v) != 10) ||
		    strspn(v, "0123456789") != strlen(v))
			problem(m, "ubl-format", n, "cbc:ItemClassificationCode"
			    " '%s' is not an 8-digit UNSPSC code (or a "
			    "10-digit G2B item number)", v);
		else
			copy(nt->code, sizeof(nt->code), v);
	}

	n = path2(m, m->lot, m->root, pp,
	    "cbc:EstimatedOverallContractQuantity");
	if (n != NULL) {
		text(n, v, sizeof(v));
		attr(n, "unitCode", list, sizeof(list));
		dot = strchr(v, '.');
		if (v[0] == '\0' || v[0] == '.' ||
		    strspn(v, "0123456789.") != strlen(v) ||
		    dot != strrchr(v, '.') || strtod(v, NULL) <= 0 ||
		    strlen(v) > 19 || (dot != NULL && (strlen(dot) > 4 ||
		    dot[1] == '\0')))
			problem(m, "ubl-format", n, "cbc:EstimatedOverall"
			    "ContractQuantity '%s' must be a positive number "
			    "with at most 3 decimals", v);
		else if (list[0] == '\0' || utf8_len(list) > 16)
			problem(m, "ubl-missing", n, "cbc:EstimatedOverall"
			    "ContractQuantity needs a unitCode (1 to 16 "
			    "characters)");
		else {
			copy(nt->qty, sizeof(nt->qty), v);
			copy(nt->unit, sizeof(nt->unit), list);
		}
	} else if (nt->family != NULL && strcmp(nt->family, "goods") != 0) {
		/* One lump (1식), as KONEPS states services and works. */
		(void)snprintf(nt->qty, sizeof(nt->qty), "1");
		(void)snprintf(nt->unit, sizeof(nt->unit), "식");
	} else if (nt->family != NULL)
		problem(m, "ubl-missing", proj, "cac:ProcurementProject/"
		    "cbc:EstimatedOverallContractQuantity (with unitCode) is "
		    "missing: a goods notice states how many items it buys");
}

/* cac:TenderingProcess: contract method, bid close, opening. */
static void
map_process(struct map *m, struct notice *nt, long long issued)
{
	xmlNodePtr	 n, per, ev;
	char		 v[VAL_MAX];
	const char	*tp = "cac:TenderingProcess";
	long long	 close = 0, open = 0;
	int		 have_close, have_open;
	size_t		 i;
	static const char *const other[] = { "neg-w-call", "neg-wo-call",
	    "comp-dial", "innovation", "oth-single", "oth-mult",
	    "comp-tend", NULL };

	n = path2(m, m->lot, m->root, tp, "cbc:ProcedureCode");
	if (req_text(m, n, "cac:TenderingProcess/cbc:ProcedureCode", v,
	    sizeof(v))) {
		for (i = 0; other[i] != NULL; i++)
			if (!strcmp(v, other[i]))
				break;
		if (!strcmp(v, "open"))
			nt->procedure = "open";
		else if (!strcmp(v, "restricted"))
			nt->procedure = "restricted";
		else if (other[i] != NULL)
			problem(m, "not-mapped", n, "cbc:ProcedureCode %s has "
			    "no counterpart among the portal's contract "
			    "methods: open (일반경쟁) and restricted (제한경쟁) "
			    "map; negotiated, competitive dialogue, "
			    "innovation partnership and other procedures do "
			    "not", v);
		else
			problem(m, "ubl-format", n, "cbc:ProcedureCode '%s' is "
			    "not an eForms procurement-procedure-type code "
			    "(open, restricted, neg-w-call, ...)", v);
	}

	per = path2(m, m->lot, m->root, tp,
	    "cac:TenderSubmissionDeadlinePeriod");
	if (per == NULL) {
		problem(m, "ubl-missing", m->lot != NULL ? m->lot : m->root,
		    "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod "
		    "(the bid close) is missing");
		have_close = 0;
	} else
		have_close = date_time(m, step(m, per, "cbc:EndDate"),
		    "cac:TenderSubmissionDeadlinePeriod/cbc:EndDate",
		    step(m, per, "cbc:EndTime"),
		    "cac:TenderSubmissionDeadlinePeriod/cbc:EndTime",
		    nt->close, sizeof(nt->close), &close);

	ev = path2(m, m->lot, m->root, tp, "cac:OpenTenderEvent");
	if (ev == NULL) {
		problem(m, "ubl-missing", m->lot != NULL ? m->lot : m->root,
		    "cac:TenderingProcess/cac:OpenTenderEvent (the opening, "
		    "개찰) is missing");
		have_open = 0;
	} else
		have_open = date_time(m, step(m, ev, "cbc:OccurrenceDate"),
		    "cac:OpenTenderEvent/cbc:OccurrenceDate",
		    step(m, ev, "cbc:OccurrenceTime"),
		    "cac:OpenTenderEvent/cbc:OccurrenceTime",
		    nt->opening, sizeof(nt->opening), &open);

	if (have_close && issued != 0 && close <= issued)
		problem(m, "ubl-format", per, "the bid close (cac:Tender"
		    "SubmissionDeadlinePeriod) is not after cbc:IssueDate/"
		    "cbc:IssueTime, when submission opens");
	if (have_close && have_open && open < close)
		problem(m, "ubl-format", ev, "the opening (cac:OpenTender"
		    "Event) is before the bid close (cac:TenderSubmission"
		    "DeadlinePeriod)");
}

/* One criterion's type code (cbc:AwardingCriterionTypeCode). */
static void
award_code(struct map *m, xmlNodePtr crit, int *price, int *other)
{
	xmlNodePtr	n;
	char		v[64];

	if ((n = step(m, crit, "cbc:AwardingCriterionTypeCode")) == NULL)
		return;
	text(n, v, sizeof(v));
	if (!strcmp(v, "price")) {
		(*price)++;
		return;
	}
	(*other)++;
	if (!strcmp(v, "quality") || !strcmp(v, "cost"))
		problem(m, "not-mapped", n, "an award criterion of type %s: "
		    "the portal awards on price alone (lowest price, 최저가); "
		    "weighted quality and cost criteria (negotiated "
		    "contracts) are not exchanged as UBL", v);
	else
		problem(m, "ubl-format", n, "cbc:AwardingCriterionTypeCode "
		    "'%s' is not an award-criterion-type code (price, "
		    "quality, cost)", v);
}

/*
 * cac:TenderingTerms/cac:AwardingTerms/cac:AwardingCriterion (and its
 * cac:SubordinateAwardingCriterion): price only is the portal's
 * lowest-price award.
 */
static void
map_award(struct map *m, struct notice *nt)
{
	xmlNodePtr	 aw, c, s;
	int		 price = 0, other = 0;

	aw = path2(m, m->lot, m->root, "cac:TenderingTerms",
	    "cac:AwardingTerms");
	for (c = aw != NULL ? aw->children : NULL; c != NULL; c = c->next) {
		if (!is_el(c, UBL_CAC_NS, "AwardingCriterion"))
			continue;
		award_code(m, c, &price, &other);
		for (s = c->children; s != NULL; s = s->next)
			if (is_el(s, UBL_CAC_NS,
			    "SubordinateAwardingCriterion"))
				award_code(m, s, &price, &other);
	}
	if (price > 0 && other == 0)
		nt->award = "lowest";
	else if (price == 0 && other == 0)
		problem(m, "ubl-missing", aw != NULL ? aw : m->lot != NULL ?
		    m->lot : m->root, "cac:TenderingTerms/cac:AwardingTerms/"
		    "cac:AwardingCriterion with cbc:AwardingCriterionTypeCode "
		    "price is missing: the award method cannot be chosen");
}

/* ------------------------------------------------------------ building */

static xmlNodePtr
add(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *value)
{
	return (xmlNewTextChild(parent, ns, (const xmlChar *)name,
	    (const xmlChar *)value));
}

static xmlDocPtr
build(const struct notice *nt)
{
	xmlDocPtr	doc;
	xmlNodePtr	root, cp, c, pj, it, tt, tp, per;
	xmlNsPtr	ns;

	if ((doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		return (NULL);
	if ((root = xmlNewNode(NULL, (const xmlChar *)"CallForTenders")) ==
	    NULL)
		goto fail;
	xmlDocSetRootElement(doc, root);
	if ((ns = xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL)) == NULL)
		goto fail;
	xmlSetNs(root, ns);
	add(root, ns, "CustomizationID", EDOC_CUSTOMIZATION);
	add(root, ns, "ID", nt->id);
	add(root, ns, "IssueDateTime", nt->issued);
	add(root, ns, "ContractFolderID", nt->folder);
	add(root, ns, "NoticeOrder", "0");
	add(root, ns, "Registration", NULL);

	cp = add(root, ns, "ContractingParty", NULL);
	add(cp, ns, "AgencyCode", nt->agency);
	add(cp, ns, "Name", nt->agency_name);
	if (nt->contact_name[0] || nt->telephone[0] || nt->email[0]) {
		c = add(cp, ns, "Contact", NULL);
		if (nt->contact_name[0])
			add(c, ns, "Name", nt->contact_name);
		if (nt->telephone[0])
			add(c, ns, "Telephone", nt->telephone);
		if (nt->email[0])
			add(c, ns, "ElectronicMail", nt->email);
	}

	pj = add(root, ns, "ProcurementProject", NULL);
	add(pj, ns, "Name", nt->title);
	add(pj, ns, "ProcurementTypeCode", nt->family);
	xmlNewProp(add(pj, ns, "BudgetAmount", nt->amount),
	    (const xmlChar *)"currencyID", (const xmlChar *)"KRW");
	xmlNewProp(add(pj, ns, "BaseAmount", nt->amount),
	    (const xmlChar *)"currencyID", (const xmlChar *)"KRW");
	it = add(pj, ns, "ProcurementItem", NULL);
	add(it, ns, "LineID", "1");
	add(it, ns, "CommodityCode", nt->code);
	xmlNewProp(add(it, ns, "Quantity", nt->qty),
	    (const xmlChar *)"unitCode", (const xmlChar *)nt->unit);

	tt = add(root, ns, "TenderingTerms", NULL);
	add(tt, ns, "PriceDecisionCode", "multiple");
	add(tt, ns, "PreliminaryPriceRange", nt->range);
	add(tt, ns, "PreliminaryPriceCount", "15");
	add(tt, ns, "PicksPerBidder", "2");
	add(tt, ns, "JointBidCode", "none");

	tp = add(root, ns, "TenderingProcess", NULL);
	add(tp, ns, "ProcedureCode", nt->procedure);
	add(tp, ns, "AwardingMethodCode", nt->award);
	per = add(tp, ns, "TenderSubmissionPeriod", NULL);
	add(per, ns, "StartDateTime", nt->issued);
	add(per, ns, "EndDateTime", nt->close);
	add(tp, ns, "OpeningDateTime", nt->opening);
	return (doc);

fail:
	xmlFreeDoc(doc);
	return (NULL);
}

/* ------------------------------------------------------------ public */

int
ubl_notice_map(xmlDocPtr ubl, struct ubl_result *res, xmlDocPtr *noticep)
{
	struct map		 m;
	struct notice		 nt;
	struct edoc_result	*er = NULL;
	xmlDocPtr		 doc = NULL;
	xmlNodePtr		 c;
	char			*buf = NULL;
	size_t			 len, i, before = res->nproblems, nlots = 0;
	long long		 issued = 0;

	*noticep = NULL;
	memset(&m, 0, sizeof(m));
	memset(&nt, 0, sizeof(nt));
	m.res = res;
	if (ubl == NULL || (m.root = xmlDocGetRootElement(ubl)) == NULL) {
		problem(&m, "internal", NULL, "no document to map");
		return (-1);
	}
	if (!is_el(m.root, UBL_CN_NS, "ContractNotice")) {
		problem(&m, "namespace", m.root, "root element '%s' is not a "
		    "UBL ContractNotice in the namespace %s",
		    (const char *)m.root->name, UBL_CN_NS);
		return (-1);
	}

	/* One lot per notice. */
	for (c = m.root->children; c != NULL; c = c->next) {
		if (!is_el(c, UBL_CAC_NS, "ProcurementProjectLot"))
			continue;
		if (nlots++ == 0)
			m.lot = c;
		else if (nlots == 2)
			problem(&m, "not-mapped", c, "a second "
			    "cac:ProcurementProjectLot: a portal notice has "
			    "one lot; send one ContractNotice per lot");
	}

	map_header(&m, &nt);
	if (nt.issued[0] != '\0')
		(void)epoch(nt.issued, &issued);
	map_party(&m, &nt);
	map_project(&m, &nt);
	map_process(&m, &nt, issued);
	map_award(&m, &nt);
	if (res->nproblems != before || res->truncated != 0)
		return (-1);

	/* Check the notice as if it had been received. */
	if ((doc = build(&nt)) == NULL || edoc_serialize(doc, &buf,
	    &len) == -1 || (er = malloc(sizeof(*er))) == NULL) {
		problem(&m, "internal", NULL, "out of memory");
		goto fail;
	}
	xmlFreeDoc(doc);
	doc = NULL;
	edoc_result_init(er);
	if (edoc_check(buf, len, EDOC_NOTICE, er, &doc) == -1) {
		for (i = 0; i < er->nproblems; i++)
			problem(&m, "internal", NULL, "the mapped notice is "
			    "invalid (%s at its line %d): %s",
			    edoc_code_name(er->problems[i].code),
			    er->problems[i].line, er->problems[i].message);
		goto fail;
	}
	free(buf);
	free(er);
	*noticep = doc;
	return (0);

fail:
	xmlFreeDoc(doc);
	free(buf);
	free(er);
	return (-1);
}

int
ubl_inbound(const void *buf, size_t len, struct ubl_result *res,
    xmlDocPtr *ublp, xmlDocPtr *noticep)
{
	struct edoc_result	*er;
	xmlDocPtr		 doc = NULL;
	xmlNodePtr		 root;
	int			 rc;

	res->nproblems = 0;
	res->truncated = 0;
	res->id[0] = '\0';
	*noticep = NULL;
	if (ublp != NULL)
		*ublp = NULL;
	if ((er = malloc(sizeof(*er))) == NULL) {
		res->nproblems = 1;
		(void)snprintf(res->problems[0].code, UBL_CODE_MAX, "internal");
		res->problems[0].line = 0;
		(void)snprintf(res->problems[0].message, EDOC_MSG_MAX,
		    "out of memory");
		return (-1);
	}
	edoc_result_init(er);
	rc = edoc_parse(buf, len, er, &doc);
	free(er);
	if (rc == -1 || (root = xmlDocGetRootElement(doc)) == NULL ||
	    strcmp((const char *)root->name, "ContractNotice") != 0) {
		xmlFreeDoc(doc);
		return (1);
	}
	rc = ubl_notice_map(doc, res, noticep);
	if (ublp != NULL)
		*ublp = doc;
	else
		xmlFreeDoc(doc);
	return (rc);
}
