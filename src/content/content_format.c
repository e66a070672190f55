/*
 * The string formats of content files. Each check returns NULL for a valid string or
 * the reason it is not. All formats are ASCII; locale-independent tests on purpose
 * (isdigit() and friends depend on the locale and take no char).
 */
#include "content/content_int.h"

#include <string.h>
#include <strings.h>

static int
fmt_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
fmt_alnum(char c)
{
	return fmt_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
fmt_hex(char c)
{
	return fmt_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

const char *
content_format_code(const char *s)
{
	size_t i;

	if (s[0] == '\0')
		return "must not be empty";
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= CONTENT_CODE_MAX)
			return "too long (at most 32 characters)";
		if (!fmt_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'z') && s[i] != '-')
			return "may contain only a-z, 0-9 and \"-\"";
	}
	/* A leading hyphen makes the file name look like an option to every tool. */
	if (s[0] == '-')
		return "must start with a letter or a digit";
	return NULL;
}

const char *
content_format_phone(const char *s)
{
	size_t i, digits = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 20)
			return "too long for a phone number";
		if (!fmt_digit(s[i]) && s[i] != '-')
			return "may contain only ASCII digits and hyphens, e.g. "
			    "\"03-0000-0000\"";
		if (s[i] == '-' && (i == 0 || s[i + 1] == '\0' || s[i + 1] == '-'))
			return "hyphens must stand between digits, e.g. \"03-0000-0000\"";
		if (fmt_digit(s[i]))
			digits++;
	}
	if (s[0] != '0')
		return "must start with 0 (the full number with its area code)";
	if (digits < 10 || digits > 11)
		return "must have 10 or 11 digits, e.g. \"03-0000-0000\"";
	return NULL;
}

const char *
content_format_postal(const char *s)
{
	static const char *const why = "must be NNN-NNNN in ASCII digits, e.g. \"100-0000\"";
	size_t i;

	for (i = 0; i < 8; i++) {
		if (i == 3 ? s[i] != '-' : !fmt_digit(s[i]))
			return why;
	}
	return s[8] == '\0' ? NULL : why;
}

const char *
content_format_colour(const char *s)
{
	size_t i;

	if (s[0] != '#')
		return "must be a colour #rrggbb, e.g. \"#1a2b3c\"";
	for (i = 1; i < 7; i++)
		if (!fmt_hex(s[i]))
			return "must be a colour #rrggbb, e.g. \"#1a2b3c\"";
	return s[7] == '\0' ? NULL : "must be a colour #rrggbb, e.g. \"#1a2b3c\"";
}

/* A DNS name; sets *endp past it. */
static const char *
fmt_host(const char *s, const char **endp, int need_dot)
{
	size_t i, label = 0, dots = 0;

	for (i = 0; fmt_alnum(s[i]) || s[i] == '-' || s[i] == '.'; i++) {
		if (i >= 253)
			return "host name too long";
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return "host name has an empty or malformed label";
			label = 0;
			dots++;
			continue;
		}
		if (s[i] == '-' && label == 0)
			return "host name has a label starting with \"-\"";
		if (++label > 63)
			return "host name has a label longer than 63 characters";
	}
	if (i == 0 || label == 0 || s[i - 1] == '-')
		return "host name missing or malformed";
	if (need_dot && dots == 0)
		return "host name must contain a dot";
	*endp = s + i;
	return NULL;
}

static const char *
fmt_port(const char *s, const char **endp)
{
	long port = 0;
	size_t i;

	for (i = 0; fmt_digit(s[i]); i++) {
		if (i >= 5)
			return "port out of range";
		port = port * 10 + (s[i] - '0');
	}
	if (i == 0 || port < 1 || port > 65535)
		return "port missing or out of range";
	*endp = s + i;
	return NULL;
}

static int
fmt_url_path_char(char c)
{
	return fmt_alnum(c) || strchr("-._~/%", c) != NULL;
}

const char *
content_format_url(const char *s)
{
	const char *p, *why;

	if (strncmp(s, "https://", 8) != 0)
		return "must start with https://";
	if ((why = fmt_host(s + 8, &p, 0)) != NULL)
		return why;
	if (*p == ':' && (why = fmt_port(p + 1, &p)) != NULL)
		return why;
	if (*p != '\0' && *p != '/')
		return "must be https://host[/path] without user, query or fragment";
	for (; *p != '\0'; p++) {
		if (!fmt_url_path_char(*p))
			return "path may contain only letters, digits and -._~/%";
		if (p[0] == '/' && p[1] == '/')
			return "path must not contain \"//\"";
		if (p[0] == '/' && p[1] == '\0')
			return "must not end with \"/\" (it is the base of every link)";
	}
	return NULL;
}

const char *
content_format_email(const char *s)
{
	static const char *const why = "must be an e-mail address, e.g. "
	    "\"info@example.com\"";
	const char *at = strchr(s, '@'), *end;
	size_t i;

	if (strlen(s) > 254 || at == NULL || at == s || at - s > 64)
		return why;
	for (i = 0; s + i < at; i++) {
		if (!fmt_alnum(s[i]) && strchr("!#$%&'*+/=?^_`{|}~-.", s[i]) == NULL)
			return why;
		if (s[i] == '.' && (i == 0 || s[i + 1] == '.' || s + i + 1 == at))
			return why;
	}
	if (fmt_host(at + 1, &end, 1) != NULL || *end != '\0')
		return why;
	return NULL;
}

/*
 * A path that the site will serve, relative to the content directory: under PREFIX,
 * plain characters, no "..", and one of EXTS. Whether it exists is for content_load.
 */
static const char *
fmt_relpath(const char *s, const char *prefix, const char *const *exts)
{
	const char *base, *dot;
	size_t i;

	if (s[0] == '\0')
		return "must not be empty";
	if (strlen(s) > CONTENT_MAX_PATH)
		return "path too long";
	if (s[0] == '/')
		return "must be a path relative to the content directory (no leading \"/\")";
	if (strstr(s, "..") != NULL)
		return "must not contain \"..\"";
	for (i = 0; s[i] != '\0'; i++)
		if (!fmt_alnum(s[i]) && strchr("._-/", s[i]) == NULL)
			return "may contain only letters, digits, \".\", \"_\", \"-\" and \"/\"";
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		return strcmp(prefix, "images/") == 0 ? "must be under images/" :
		    "must be under catalogs/";
	if (strstr(s, "//") != NULL || strstr(s, "/./") != NULL || s[i - 1] == '/')
		return "has an empty or \".\" path component";
	base = strrchr(s, '/') + 1;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return "has no file extension";
	for (i = 0; exts[i] != NULL; i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return NULL;
	return strcmp(prefix, "images/") == 0 ?
	    "must be an image: .svg, .png, .jpg, .jpeg or .webp" : "must be a .pdf file";
}

const char *
content_format_image(const char *s)
{
	static const char *const exts[] = {
		".svg", ".png", ".jpg", ".jpeg", ".webp", NULL
	};

	return fmt_relpath(s, "images/", exts);
}

const char *
content_format_catalog(const char *s)
{
	static const char *const exts[] = { ".pdf", NULL };

	return fmt_relpath(s, "catalogs/", exts);
}

const char *
content_format_monthday(const char *s, int *md)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int m, d;

	if (!fmt_digit(s[0]) || !fmt_digit(s[1]) || s[2] != '-' ||
	    !fmt_digit(s[3]) || !fmt_digit(s[4]) || s[5] != '\0')
		return "must be a day of the year \"MM-DD\", e.g. \"12-29\"";
	m = (s[0] - '0') * 10 + (s[1] - '0');
	d = (s[3] - '0') * 10 + (s[4] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return "must be a real day of the year \"MM-DD\"";
	*md = m * 100 + d;
	return NULL;
}

const char *
content_format_time(const char *s, int *minutes)
{
	int h, m;

	if (!fmt_digit(s[0]) || !fmt_digit(s[1]) || s[2] != ':' ||
	    !fmt_digit(s[3]) || !fmt_digit(s[4]) || s[5] != '\0')
		return "must be a time \"HH:MM\", e.g. \"09:30\"";
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return "must be a time between \"00:00\" and \"23:59\"";
	*minutes = h * 60 + m;
	return NULL;
}
