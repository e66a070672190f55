/*
 * The data inventory: the one table naming every personal field the system can ever
 * accept, and everything derived from it: validation and normalization, the sealed
 * record's plaintext, the privacy page and the form view.
 *
 * The table is compiled in and const. Nothing read at run time (configuration,
 * content, a request) can add a row, so annual income, birth date or occupation can
 * never be collected. inventory_self_check() proves the table's invariants, including
 * that no row bears a forbidden name; the unit tests run it.
 *
 * Besides the personal fields, both forms carry two technical, non-personal fields
 * (inventory_tech): "idem", the idempotency key, and "website", a honeypot. Together
 * the two tables name every field a form accepts; any other name rejects the request.
 *
 * Hostile text. No input is ever interpreted: nothing builds SQL or HTML from it, and
 * renderers escape. On top of that, each field only admits what it needs:
 *   - codes, slot, prefecture, licence: exact ASCII syntax;
 *   - postal code, phone, e-mail: their formats;
 *   - name, address1, address2: any letter or digit in any script, spaces, and only the
 *     ASCII punctuation found in names and addresses: ' - . , / # & ( ). So "<script>"
 *     or "'; DROP TABLE" is refused with a message naming the character;
 *   - note (free text): everything but '<' and '>', so SQL-looking text is kept
 *     verbatim as text (it is never interpreted) while HTML and script are refused.
 * In every text field invisible format characters (Unicode Cf, such as bidi overrides
 * U+202E or zero-width spaces, except ZWJ/ZWNJ used by scripts and emoji) are refused.
 * A catalog request's name, address1 and address2 go on a carrier's label, in CP932:
 * there, after NFC, every character must be one cp932_printable (lib/cp932.h) accepts,
 * the rule the exports apply, so one submission can no longer hold up a carrier's
 * export. Emoji, 𠮷, é, U+FFFF, private-use characters and combining marks that NFC
 * does not compose are refused with a message naming the character.
 */
#ifndef SHOWROOM_INVENTORY_H
#define SHOWROOM_INVENTORY_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "seal/form.h"
#include "lib/i18n.h"

enum form_kind {
	FORM_CATALOG = 0,	/* printed catalog by post: /request, /en/request */
	FORM_TEST_DRIVE,	/* test drive booking: /test-drive, /en/test-drive */
	FORM_KINDS
};

/* Rows of the table, one per (form, field). */
enum inventory_field_id {
	INV_CATALOG_MODELS = 0,
	INV_CATALOG_NAME,
	INV_CATALOG_POSTAL_CODE,
	INV_CATALOG_PREFECTURE,
	INV_CATALOG_ADDRESS1,
	INV_CATALOG_ADDRESS2,
	INV_TD_MODEL,
	INV_TD_DEALER,
	INV_TD_SLOT,
	INV_TD_NAME,
	INV_TD_PHONE,
	INV_TD_EMAIL,
	INV_TD_NOTE,
	INV_TD_LICENCE,
	INVENTORY_NFIELDS
};

enum inventory_need {
	INV_OPTIONAL = 0,
	INV_REQUIRED,
	INV_ONE_OF		/* at least one field of the same group is required */
};

/* How a value is normalized before it is checked and stored. */
enum inventory_norm {
	INV_NORM_EXACT = 0,	/* taken as sent: codes and machine values */
	INV_NORM_NFC_LINE,	/* NFC; whitespace runs become one space; trimmed */
	INV_NORM_NFC_TEXT,	/* NFC; line breaks kept (LF); trimmed */
	INV_NORM_NFKC_POSTAL,	/* NFKC; hyphen look-alikes to '-'; leading 〒 dropped;
				   stored as NNN-NNNN */
	INV_NORM_NFKC_PHONE,	/* NFKC; hyphens, spaces and parentheses removed; +81 to 0;
				   stored as digits only */
	INV_NORM_NFC_EMAIL,	/* NFC; full-width ASCII to ASCII; trimmed; domain lowercased */
	INV_NORM_PREFECTURE	/* "1".."47" or "01".."47", stored as two digits */
};

/* What a value is checked against. */
enum inventory_check {
	INV_CHECK_MODELS = 0,	/* 1..3 distinct model codes known to the content */
	INV_CHECK_MODEL,	/* one model code known to the content */
	INV_CHECK_DEALER,	/* a dealer code known to the content, holding the model */
	INV_CHECK_SLOT,		/* YYYY-MM-DDTHH:MM, a real local date and time */
	INV_CHECK_NAME,		/* text, name/address character set */
	INV_CHECK_ADDRESS,	/* text, name/address character set */
	INV_CHECK_POSTAL,	/* NNN-NNNN */
	INV_CHECK_PREFECTURE,	/* a JIS X 0401 code */
	INV_CHECK_PHONE,	/* 10 or 11 digits, leading 0 (not 00) */
	INV_CHECK_EMAIL,	/* one @, dot-atom local part <= 64, DNS domain, <= 254 */
	INV_CHECK_NOTE,		/* free text without '<' and '>' */
	INV_CHECK_YES,		/* exactly "yes" */
	INV_CHECKS
};

enum inventory_recipient {
	INV_TO_HQ = 0,		/* HQ catalog fulfilment (in-house or contractor) */
	INV_TO_DEALER		/* the dealer chosen in the same form, only */
};

struct inventory_field {
	enum form_kind		 form;
	const char		*name;		/* the form field name, [a-z0-9_], and
						   the record's key (RECORD_F_*) */
	const char		*label[LANG_COUNT];
	enum inventory_need	 need;
	const char		*group;		/* INV_ONE_OF: the group's name */
	unsigned		 max_count;	/* values accepted; > 1 means repeatable */
	size_t			 max_chars;	/* after normalization, in code points */
	size_t			 input_chars;	/* as typed (the form's maxlength); 0: max_chars */
	enum inventory_norm	 norm;
	enum inventory_check	 check;
	const char		*autocomplete;	/* HTML autocomplete token, or NULL */
	const char		*purpose[LANG_COUNT];	/* 利用目的 */
	enum inventory_recipient recipient;
	const char		*retention[LANG_COUNT];
	unsigned		 max_age_days;	/* the store deletes by this age at the latest */
	/* Also kept unsealed, without any name, as the booking slot (to count capacity). */
	int			 in_clear;
	/* Printed on a carrier's label: only what cp932_printable accepts. Name and
	 * address checks only. */
	int			 on_label;
};

/* Non-personal technical fields, accepted by every form. */
struct inventory_tech {
	const char	*name;
	const char	*purpose[LANG_COUNT];
	const char	*label[LANG_COUNT];	/* for people: the privacy page */
};

#define INVENTORY_NTECH		2
#define INVENTORY_IDEM		"idem"
#define INVENTORY_HONEYPOT_NAME	"website"
#define INVENTORY_IDEM_MIN	16	/* [A-Za-z0-9_-], 16..64 */
#define INVENTORY_IDEM_MAX	64
#define INVENTORY_MAX_MODELS	3

extern const struct inventory_field	inventory_fields[INVENTORY_NFIELDS];
extern const struct inventory_tech	inventory_tech_fields[INVENTORY_NTECH];

/* "catalog", "test_drive": the record kind. NULL when out of range. */
const char	*inventory_kind_name(enum form_kind);
/* Row for NAME on form KIND, or -1 when NAME is not a personal field of that form. */
int		 inventory_find(enum form_kind, const char *name);
/* Whether the form accepts NAME at all: a personal or a technical field. */
int		 inventory_accepts(enum form_kind, const char *name);
/*
 * Checks the table: names well formed and unique per form, texts present in every
 * language, limits set, no forbidden name (income, birth date, occupation, ...).
 * Returns 0, or -1 with the reason in why.
 */
int		 inventory_self_check(char *why, size_t whysz);

/*
 * Reference data from the content, for checks a syntax cannot make. Each callback
 * returns non-zero for yes. A NULL callback answers no, except prefecture_exists,
 * which defaults to JIS X 0401 (1..47).
 */
struct inventory_refs {
	int	(*model_exists)(void *arg, const char *code);
	int	(*dealer_exists)(void *arg, const char *code);
	int	(*prefecture_exists)(void *arg, int code);
	int	(*dealer_has_model)(void *arg, const char *dealer, const char *model);
	void	*arg;
};

/* Normalized values, indexed by row; only rows of values->kind are ever set. */
struct inventory_value {
	char	*v[INVENTORY_MAX_MODELS];
	size_t	 n;
};

struct inventory_values {
	enum form_kind		kind;
	struct inventory_value	f[INVENTORY_NFIELDS];
	char			idem[INVENTORY_IDEM_MAX + 1];
};

enum inventory_msg {
	INV_MSG_REQUIRED = 0,
	INV_MSG_TOO_LONG,
	INV_MSG_BAD_CHAR,
	INV_MSG_LABEL_CHAR,	/* not on a carrier's label; shown, and by its code point */
	INV_MSG_LABEL_CODE,	/* the same for one shown by its code point only */
	INV_MSG_POSTAL,
	INV_MSG_PREFECTURE,
	INV_MSG_PHONE,
	INV_MSG_EMAIL,
	INV_MSG_CONTACT,	/* neither phone nor e-mail */
	INV_MSG_SLOT,
	INV_MSG_LICENCE,
	INV_MSG_MODEL_UNKNOWN,
	INV_MSG_MODELS_COUNT,
	INV_MSG_MODELS_DUP,
	INV_MSG_DEALER_UNKNOWN,
	INV_MSG_DEALER_NO_MODEL,
	INV_MSG_UNKNOWN_FIELD,	/* form-level */
	INV_MSG_DUPLICATE_FIELD,	/* form-level */
	INV_MSG_IDEM,		/* form-level: missing or malformed idempotency key */
	INV_MSGS
};

struct inventory_error {
	int			field;	/* row, or -1 for a form-level error */
	enum inventory_msg	msg;
	char			name[FORM_MAX_NAME + 1];	/* the field name concerned */
	char			text[LANG_COUNT][320];	/* never quotes a value */
};

#define INVENTORY_MAX_ERRORS	(INVENTORY_NFIELDS + FORM_MAX_PAIRS)

struct inventory_errors {
	struct inventory_error	v[INVENTORY_MAX_ERRORS];
	size_t			n;
};

enum inventory_result {
	INVENTORY_ERROR = -1,	/* out of memory or bad arguments: 500 */
	INVENTORY_OK = 0,	/* values filled: seal and store them */
	INVENTORY_INVALID,	/* field errors: show the form again, store nothing */
	INVENTORY_REJECT,	/* unknown or duplicated field, bad idem: 400, store nothing */
	INVENTORY_HONEYPOT	/* honeypot filled: answer as a success, store nothing */
};

/*
 * Validates and normalizes a decoded form against the table. Precedence: REJECT
 * (unknown field, a non-repeatable field sent twice), then HONEYPOT, then REJECT for
 * a missing or malformed idem, then INVALID (every field error, one per field).
 * out is filled only on INVENTORY_OK (free it with inventory_values_free); otherwise
 * it holds nothing. errs lists every error found (form-level ones have field -1).
 */
enum inventory_result	 inventory_validate(enum form_kind, const struct form *,
			    const struct inventory_refs *, struct inventory_values *out,
			    struct inventory_errors *errs);
/* Wipes (sodium_memzero) and frees every value. */
void			 inventory_values_free(struct inventory_values *);
/* The rows that hold a value, as bits (1 << row): what a receipt may say was given. */
unsigned		 inventory_given(const struct inventory_values *);
/* The first value of a row, or NULL. */
const char		*inventory_get(const struct inventory_values *,
			    enum inventory_field_id);
/* The message for a field row in errs, or NULL. */
const char		*inventory_error_for(const struct inventory_errors *, int field,
			    enum lang);

/*
 * Appends the record plaintext to out: a canonical JSON object of the form's fields
 * that have a value, plus "kind" and "v":1. Keys sorted bytewise, compact, strings
 * escaped minimally (only '"', '\\' and control characters; UTF-8 kept as is),
 * repeated fields as arrays in the order sent. Then ASCII spaces (JSON whitespace,
 * so the text still parses as one value) up to the next multiple of 256 bytes; a
 * record already on a multiple gets none. The space is reserved once so the
 * plaintext is never copied by realloc; wipe out with buf_wipe after sealing.
 * Returns 0, or -1 (kind mismatch, out of memory).
 */
int		 inventory_record_json(enum form_kind, const struct inventory_values *,
		    struct buf *out);

/*
 * The privacy page's view of the table in one language:
 *   { "lang", "forms": [ { "kind", "title", "recipient", "retention", "max_age_days",
 *       "fields": [ { "name", "label", "required", "required_text", "max_chars",
 *         "max_count", "normalization", "validation", "purpose", "recipient", "retention",
 *         "max_age_days", "in_clear", "in_clear_text" } ] } ],
 *     "technical": [ { "name", "label", "purpose" } ] }
 * Returns a new reference, or NULL when memory runs out.
 */
json_t		*inventory_privacy_view(enum lang);
/* The privacy view of form KIND alone (title, recipient, retention, fields). */
json_t		*inventory_policy_view(enum form_kind, enum lang);

/*
 * The view to render form KIND, derived from the table: { "kind", "fields": [ { "name",
 * "label", "input", "required", "one_of" (one of a group is required), "max_chars",
 * "input_chars", "autocomplete", "value",
 * "values", "error" } ], "errors": [ form-level messages ], "idem" }. With a submitted form the
 * visitor's input is kept (as sent) and errs' messages are attached; both may be NULL.
 * The options of model, dealer, slot and prefecture lists are the caller's to add.
 * The view holds personal data when given a form: free it promptly.
 */
json_t		*inventory_form_view(enum form_kind, enum lang, const struct form *,
		    const struct inventory_errors *);

#endif
