/*
 * Key-holder identities and the signed keyring.
 *
 * An identity (role hq or dealer) has an X25519 key pair, to open records sealed to it with
 * HPKE, and an Ed25519 key pair, to sign its API requests. The brand root (role root) has only
 * an Ed25519 key pair; it signs keyrings and nothing else, and it stays offline. A privacy
 * officer's key (role privacy) has the same two pairs as hq, but nothing is ever sealed to
 * it: the web tier seals to hq and dealer keys only, and answers a privacy key's signed
 * requests with counts (GET /api/v1/counts) and nothing else.
 *
 * Fingerprint and key id
 *   fingerprint = BLAKE2b-256(x25519_pk || ed25519_pk)   for hq and dealer keys
 *                 BLAKE2b-256(ed25519_pk)                for the root
 *   key_id      = ROLE "-" hex(fingerprint[0..8])          e.g. "hq-3f9a12bc45de6789"
 *                 "dealer-" CODE "-" hex(fingerprint[0..8]) e.g. "dealer-tky01-0b1c2d3e4f506172"
 *   The key id is a stable label, never trusted on its own: every loader recomputes it from the
 *   keys and refuses a file whose key_id does not match. keygen prints the whole fingerprint
 *   (64 hex digits in groups of four) for checking a key by voice or on paper.
 *
 * PREFIX.public (JSON, mode 0644)
 *   {"format":"showroom-public-key","version":1,"role":"hq"|"dealer"|"privacy"|"root",
 *    "dealer":CODE (dealer keys only),"name":NAME,"key_id":ID,
 *    "x25519":B64 (not for root),"ed25519":B64,"created":"YYYY-MM-DDTHH:MM:SSZ"}
 *   B64 is standard base64 with padding. Unknown fields are refused.
 *
 * PREFIX.secret (JSON, mode 0600)
 *   {"format":"showroom-secret-key","version":1,"role","dealer" (dealer keys only),"key_id",
 *    "kdf":"argon2id13","opslimit":N,"memlimit":N,"salt":B64 (16 bytes),
 *    "cipher":"xchacha20poly1305-ietf","nonce":B64 (24 bytes),"ciphertext":B64}
 *   key        = Argon2id(passphrase, salt, opslimit, memlimit), 32 bytes
 *   plaintext  = x25519_sk (32) || ed25519_seed (32), or ed25519_seed (32) for the root
 *   AAD        = "showroom-secret-key/1/" ROLE "/" CODE "/" KEY_ID  (CODE empty unless dealer)
 *   The AAD ties the secret to the public file's role and key id; opening also re-derives both
 *   public keys and compares them with PREFIX.public, so a secret file paired with another
 *   public file is always detected.
 *
 * keyring.json (JSON, mode 0644)
 *   {"format":"showroom-keyring","version":1,"issued":"YYYY-MM-DDTHH:MM:SSZ",
 *    "expires":"YYYY-MM-DD","root_key_id":ID,
 *    "keys":[{"role","dealer" (dealer keys),"name","key_id","x25519","ed25519"}, ...],
 *    "signature":B64 (64 bytes)}
 *   The signature is Ed25519 by the root over the canonical serialization of the object without
 *   "signature": jansson's json_dumps(JSON_SORT_KEYS | JSON_COMPACT), that is object keys sorted
 *   bytewise (strcmp), no whitespace, "," and ":" as separators, array order kept, strings in
 *   UTF-8 with only '"', '\' and characters below 0x20 escaped (\b \f \n \r \t, else \u00XX in
 *   upper-case hex; '/' and non-ASCII as they are), integers in decimal. The verifier
 *   parses the file (duplicate object keys refused), drops "signature" and re-serializes, so
 *   formatting of the file itself does not matter. Accepted keyrings hold no string that needs
 *   an escape (names refuse control characters), which keeps the form easy to reproduce
 *   elsewhere, e.g. in a browser. The keyring is valid until the end of the
 *   "expires" day, UTC. Keys are hq (one or more), dealer (with a dealer code; several per
 *   code allowed, for rotation) and privacy; no key id and no public key may appear twice.
 */
#ifndef SHOWROOM_KEYS_H
#define SHOWROOM_KEYS_H

#include <stddef.h>
#include <time.h>

#define KEYS_X25519_BYTES	32
#define KEYS_ED25519_PK_BYTES	32
#define KEYS_ED25519_SK_BYTES	64	/* libsodium layout: seed || pk */
#define KEYS_FPR_BYTES		32
#define KEYS_DEALER_MAX		32	/* dealer codes: [a-z0-9-], 1..32, as in content */
#define KEYS_NAME_MAX		128	/* bytes of UTF-8, no control characters */
#define KEYS_ID_MAX		64	/* buffer for a key id with its NUL */
#define KEYS_TIME_MAX		21	/* "YYYY-MM-DDTHH:MM:SSZ" with its NUL */
#define KEYS_DATE_MAX		11	/* "YYYY-MM-DD" with its NUL */
#define KEYS_PASS_MIN		8	/* for new keys */
#define KEYS_PASS_MAX		1024
#define KEYS_KEYRING_MAX_BYTES	(4u * 1024 * 1024)
#define KEYS_KEYRING_MAX_KEYS	4096
#define KEYS_PASS_ENV		"SHOWROOM_PASSPHRASE"

enum keys_role {
	KEYS_ROLE_ROOT = 1,
	KEYS_ROLE_HQ,
	KEYS_ROLE_DEALER,
	KEYS_ROLE_PRIVACY	/* counts only: signs API calls, is never sealed to */
};

/* Return codes: 0 on success, else one of these (also left in keys_error.code). */
enum keys_status {
	KEYS_OK = 0,
	KEYS_E_SYSTEM,		/* a file could not be read or written (errno in the message) */
	KEYS_E_NOMEM,
	KEYS_E_INVALID,		/* a bad argument: role, dealer code, name, date, passphrase */
	KEYS_E_EXISTS,		/* the output exists and replacing it was not asked for */
	KEYS_E_MALFORMED,	/* not JSON, or a field missing, of the wrong type or invalid */
	KEYS_E_FORMAT,		/* another kind of file, or an unsupported version */
	KEYS_E_KEYID,		/* key_id does not match the keys */
	KEYS_E_ROLE,		/* a role where it does not belong (root in a keyring, ...) */
	KEYS_E_NOPASS,		/* no terminal and no SHOWROOM_PASSPHRASE */
	KEYS_E_PASSPHRASE,	/* wrong passphrase or damaged secret file */
	KEYS_E_MISMATCH,	/* PREFIX.secret does not belong to PREFIX.public */
	KEYS_E_UNSIGNED,	/* keyring without a signature */
	KEYS_E_BADSIG,		/* keyring changed after signing, or signed by another key */
	KEYS_E_WRONGROOT,	/* keyring names a root other than the pinned one */
	KEYS_E_EXPIRED,
	KEYS_E_DUPLICATE	/* a key id or a public key twice in one keyring */
};

struct keys_error {
	int	code;
	char	msg[512];
};

struct keys_public {
	enum keys_role	role;
	char		dealer[KEYS_DEALER_MAX + 1];	/* "" unless role is dealer */
	char		name[KEYS_NAME_MAX + 1];
	char		key_id[KEYS_ID_MAX];
	unsigned char	x25519[KEYS_X25519_BYTES];	/* all zero for the root */
	unsigned char	ed25519[KEYS_ED25519_PK_BYTES];
	char		created[KEYS_TIME_MAX];		/* "" in keyring entries */
};

/* Secret halves, always in sodium_malloc'd memory, read-only once filled. */
struct keys_secret {
	unsigned char	x25519[KEYS_X25519_BYTES];	/* all zero for the root */
	unsigned char	ed25519[KEYS_ED25519_SK_BYTES];
};

struct keys_identity {
	struct keys_public	 pub;
	struct keys_secret	*sec;
};

struct keys_keyring {
	char			 issued[KEYS_TIME_MAX];
	char			 expires[KEYS_DATE_MAX];
	time_t			 expires_at;	/* first second after the expiry day, UTC */
	char			 root_key_id[KEYS_ID_MAX];
	struct keys_public	*keys;		/* in file order */
	size_t			 nkeys;
};

const char	*keys_strerror(int code);
const char	*keys_role_name(enum keys_role);
/* "root", "hq", "dealer", "privacy" -> role; 0 when unknown. */
enum keys_role	 keys_role_parse(const char *);
int		 keys_dealer_code_valid(const char *);
/* "YYYY-MM-DD" -> the first second of the next day, UTC (when a keyring dated so expires). */
int		 keys_date_end(const char *date, time_t *endp);

/* The fingerprint of PUB, and as text: 64 hex digits in groups of four (80 bytes with NUL). */
void		 keys_fingerprint(const struct keys_public *, unsigned char fpr[KEYS_FPR_BYTES]);
void		 keys_fingerprint_text(const struct keys_public *, char out[80]);

/* Public key files. load is a pure parser over a buffer; read adds the file name to errors. */
int	keys_public_load(const char *buf, size_t len, struct keys_public *, struct keys_error *);
int	keys_public_read(const char *path, struct keys_public *, struct keys_error *);
/* The PREFIX.public text (JSON, with a final newline); free *outp. */
int	keys_public_dump(const struct keys_public *, char **outp, size_t *lenp,
	    struct keys_error *);

/*
 * Keyrings. load verifies a keyring against the pinned ROOT public key at time NOW: it refuses
 * an unsigned, tampered, wrong-root, expired or malformed keyring, duplicate keys, and keys
 * whose role does not fit. It is a pure parser over a buffer. inspect parses the same way but
 * checks neither the signature nor the expiry: for showing a keyring, never for trusting it.
 *
 * Generating, saving and opening identities, the passphrase prompt and signing keyrings are
 * for the back office only: see showroom/keys_secret.h.
 */
int	keys_keyring_load(const char *buf, size_t len, const struct keys_public *root,
	    time_t now, struct keys_keyring *, struct keys_error *);
int	keys_keyring_inspect(const char *buf, size_t len, struct keys_keyring *,
	    struct keys_error *);
/* Reads PATH and loads it; errors start with the file name. */
int	keys_keyring_read(const char *path, const struct keys_public *root, time_t now,
	    struct keys_keyring *, struct keys_error *);
void	keys_keyring_free(struct keys_keyring *);
int	keys_keyring_expired(const struct keys_keyring *, time_t now);

const struct keys_public *keys_keyring_find(const struct keys_keyring *, const char *key_id);
/* HQ keys, or the keys of dealer CODE: stores up to max pointers in out and returns how many
 * there are in all (possibly more than max). */
size_t	keys_keyring_hq(const struct keys_keyring *, const struct keys_public **out, size_t max);
size_t	keys_keyring_dealer(const struct keys_keyring *, const char *code,
	    const struct keys_public **out, size_t max);

#endif
