#include "lib/wipe.h"

#include <jansson.h>
#include <malloc.h>
#include <sodium.h>
#include <stdlib.h>

void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	/* jansson does not say how much it asked for: the whole block */
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

void
wipe_json_install(void)
{
	json_set_alloc_funcs(malloc, wipe_free);
}

#define WIPE_X16(op, r)	op " %%" r "16, %%" r "16, %%" r "16\n\t" \
	op " %%" r "17, %%" r "17, %%" r "17\n\t" op " %%" r "18, %%" r "18, %%" r "18\n\t" \
	op " %%" r "19, %%" r "19, %%" r "19\n\t" op " %%" r "20, %%" r "20, %%" r "20\n\t" \
	op " %%" r "21, %%" r "21, %%" r "21\n\t" op " %%" r "22, %%" r "22, %%" r "22\n\t" \
	op " %%" r "23, %%" r "23, %%" r "23\n\t" op " %%" r "24, %%" r "24, %%" r "24\n\t" \
	op " %%" r "25, %%" r "25, %%" r "25\n\t" op " %%" r "26, %%" r "26, %%" r "26\n\t" \
	op " %%" r "27, %%" r "27, %%" r "27\n\t" op " %%" r "28, %%" r "28, %%" r "28\n\t" \
	op " %%" r "29, %%" r "29, %%" r "29\n\t" op " %%" r "30, %%" r "30, %%" r "30\n\t" \
	op " %%" r "31, %%" r "31, %%" r "31\n\t"

#define WIPE_XMM_CLOBBERS	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", \
	"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

void
wipe_registers(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	/*
	 * glibc's string functions for AVX-512 machines copy through ymm16-31 (no VZEROUPPER
	 * needed), which little else touches: a request body stayed there, whole, until the
	 * next copy of its size. VZEROALL does not reach them. The compiler does not use
	 * them without -mavx512f, so they need no clobbers. The 256-bit form clears each
	 * register entirely without the 512-bit instructions' clock penalty.
	 */
	if (__builtin_cpu_supports("avx512vl"))
		__asm__ volatile(WIPE_X16("vpxord", "ymm") ::: "memory");
	else if (__builtin_cpu_supports("avx512f"))
		__asm__ volatile(WIPE_X16("vpxord", "zmm") ::: "memory");
	if (__builtin_cpu_supports("avx"))
		__asm__ volatile("vzeroall" ::: WIPE_XMM_CLOBBERS);
	else
		__asm__ volatile(
		    "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"
		    "pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
		    "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm8, %%xmm8\n\t"
		    "pxor %%xmm9, %%xmm9\n\tpxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
		    "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\t"
		    "pxor %%xmm14, %%xmm14\n\tpxor %%xmm15, %%xmm15"
		    ::: WIPE_XMM_CLOBBERS);
#endif
}
