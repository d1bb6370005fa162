// SPDX-License-Identifier: GPL-2.0-only
/* analyze/siphash.h: format/'s SipHash-1-3 under one key drawn per process. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include "analyze/siphash.h"
#include "format/siphash.h"

static struct siphash_key key;
/* siphash_word()'s memory, per thread (no lock on the hot path), forgotten on a new key */
#define WORD_MEMO 4
static _Thread_local struct {
	uint64_t word, hash;
	bool set;
} word_memo[WORD_MEMO];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void draw_key(void)
{
	siphash_key_random(&key);
}

void siphash_set_key(uint64_t k0, uint64_t k1)
{
	pthread_once(&key_once, draw_key);
	key = (struct siphash_key){ k0, k1 };
	memset(word_memo, 0, sizeof(word_memo));
}

uint64_t siphash(uint64_t word, const void *data, size_t len)
{
	pthread_once(&key_once, draw_key);
	return siphash13(&key, word, data, len);
}

uint64_t siphash_word(uint64_t word)
{
	unsigned slot = (unsigned)(word ^ word >> 32) % WORD_MEMO;

	if (!word_memo[slot].set || word_memo[slot].word != word) {
		word_memo[slot].hash = siphash(word, NULL, 0);
		word_memo[slot].word = word;
		word_memo[slot].set = true;
	}
	return word_memo[slot].hash;
}
