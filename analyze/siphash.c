// SPDX-License-Identifier: GPL-2.0-only
/* analyze/siphash.h: format/'s SipHash-1-3 under one key drawn per process. */
#include <pthread.h>
#include "analyze/siphash.h"
#include "format/siphash.h"

static struct siphash_key key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void draw_key(void)
{
	siphash_key_random(&key);
}

void siphash_set_key(uint64_t k0, uint64_t k1)
{
	pthread_once(&key_once, draw_key);
	key = (struct siphash_key){ k0, k1 };
}

uint64_t siphash(uint64_t word, const void *data, size_t len)
{
	pthread_once(&key_once, draw_key);
	return siphash13(&key, word, data, len);
}
