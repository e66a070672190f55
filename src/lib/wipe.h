/*
 * Wiping the copies of personal data that no buffer of ours names: the blocks jansson frees
 * (views built from a form to render it again), and the vector registers that string
 * functions leave holding the last bytes they copied. Buffers we own are wiped where they
 * are freed (buf_wipe, form_free, inventory_values_free, sodium_memzero).
 */
#ifndef SHOWROOM_WIPE_H
#define SHOWROOM_WIPE_H

/* Makes jansson wipe every block before it frees it (json_decref, ...). Process-wide; call
 * once, before any thread starts. */
void	wipe_json_install(void);
/* Wipes the whole block P (as malloc sized it) and frees it; NULL is ignored. */
void	wipe_free(void *p);
/* Zeroes the calling thread's vector registers, which a core dump saves (x86-64; elsewhere
 * nothing). For the end of a request that carried form input. */
void	wipe_registers(void);

#endif
