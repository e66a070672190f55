/*
 * The sealed record's canonical plaintext, written from the inventory table. See
 * inventory.h.
 *
 * The record is personal data: it is written into space reserved once, so realloc
 * never copies it, and the caller wipes it (buf_wipe) after sealing.
 */
#include "seal/inventory.h"

#include <stdlib.h>
#include <string.h>

#include "seal/record.h"

/* Writes into p when it is set; always counts. Two passes: measure, then write. */
struct inv_emit {
	char	*p;
	size_t	 n;
};

static void
inv_emit(struct inv_emit *e, const char *s, size_t n)
{
	if (e->p != NULL)
		memcpy(e->p + e->n, s, n);
	e->n += n;
}

static void
inv_emit_str(struct inv_emit *e, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6];
	unsigned char ch;

	inv_emit(e, "\"", 1);
	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			inv_emit(e, esc, 2);
		} else if (ch == '\n')
			inv_emit(e, "\\n", 2);
		else if (ch == '\t')
			inv_emit(e, "\\t", 2);
		else if (ch < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 0xf];
			inv_emit(e, esc, 6);
		} else
			inv_emit(e, s, 1);
	}
	inv_emit(e, "\"", 1);
}

struct inv_key {
	const char	*key;
	int		 row;	/* -1 RECORD_F_KIND, -2 RECORD_F_VERSION */
};

static int
inv_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct inv_key *)a)->key,
	    ((const struct inv_key *)b)->key);
}

static void
inv_emit_record(struct inv_emit *e, const struct inventory_values *vals,
    const struct inv_key *keys, size_t nkeys)
{
	const struct inventory_value *val;
	size_t i, j;

	inv_emit(e, "{", 1);
	for (i = 0; i < nkeys; i++) {
		if (i > 0)
			inv_emit(e, ",", 1);
		inv_emit_str(e, keys[i].key);
		inv_emit(e, ":", 1);
		if (keys[i].row == -2) {
			inv_emit(e, "1", 1);
			continue;
		}
		if (keys[i].row == -1) {
			inv_emit_str(e, inventory_kind_name(vals->kind));
			continue;
		}
		val = &vals->f[keys[i].row];
		if (inventory_fields[keys[i].row].max_count == 1) {
			inv_emit_str(e, val->v[0]);
			continue;
		}
		inv_emit(e, "[", 1);
		for (j = 0; j < val->n; j++) {
			if (j > 0)
				inv_emit(e, ",", 1);
			inv_emit_str(e, val->v[j]);
		}
		inv_emit(e, "]", 1);
	}
	inv_emit(e, "}", 1);
}

int
inventory_record_json(enum form_kind kind, const struct inventory_values *vals,
    struct buf *out)
{
	struct inv_key keys[INVENTORY_NFIELDS + 2];
	struct inv_emit e = { NULL, 0 };
	size_t nkeys = 0, padded;
	int row;

	if ((unsigned)kind >= FORM_KINDS || vals->kind != kind)
		return -1;
	keys[nkeys++] = (struct inv_key){ RECORD_F_KIND, -1 };
	keys[nkeys++] = (struct inv_key){ RECORD_F_VERSION, -2 };
	for (row = 0; row < INVENTORY_NFIELDS; row++)
		if (inventory_fields[row].form == kind && vals->f[row].n > 0)
			keys[nkeys++] = (struct inv_key){ inventory_fields[row].name,
			    row };
	qsort(keys, nkeys, sizeof(keys[0]), inv_key_cmp);

	inv_emit_record(&e, vals, keys, nkeys);
	padded = (e.n + 255) / 256 * 256;
	if (buf_reserve(out, padded) == -1)
		return -1;
	e.p = out->data + out->len;
	e.n = 0;
	inv_emit_record(&e, vals, keys, nkeys);
	memset(e.p + e.n, ' ', padded - e.n);
	out->len += padded;
	out->data[out->len] = '\0';
	return 0;
}
