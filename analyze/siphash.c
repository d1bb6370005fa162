// SPDX-License-Identifier: GPL-2.0-only
/* SipHash-1-3 (Aumasson and Bernstein) under a per-process random key: analyze/siphash.h. */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "analyze/siphash.h"

static uint64_t key[2];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void draw_key(void)
{
	struct timespec ts;

	if (getrandom(key, sizeof(key), 0) == (ssize_t)sizeof(key))
		return;
	/* no getrandom (a kernel before 3.17): weaker, still not known to whoever wrote a trace */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	key[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	key[1] = (uint64_t)ts.tv_sec * 0xc2b2ae3d27d4eb4full ^ (uint64_t)(uintptr_t)&ts;
}

void siphash_set_key(uint64_t k0, uint64_t k1)
{
	pthread_once(&key_once, draw_key);
	key[0] = k0;
	key[1] = k1;
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

struct sip {
	uint64_t v0, v1, v2, v3;
};

static void round_(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static void compress(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	round_(s);
	s->v0 ^= m;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t siphash(uint64_t word, const void *data, size_t len)
{
	const unsigned char *p = data;
	struct sip s;
	uint64_t last;
	size_t i;

	pthread_once(&key_once, draw_key);
	s.v0 = key[0] ^ 0x736f6d6570736575ull;
	s.v1 = key[1] ^ 0x646f72616e646f6dull;
	s.v2 = key[0] ^ 0x6c7967656e657261ull;
	s.v3 = key[1] ^ 0x7465646279746573ull;
	compress(&s, word);
	for (i = 0; i + 8 <= len; i += 8)
		compress(&s, le64(p + i));
	last = (uint64_t)((len + 8) & 0xff) << 56;
	for (size_t j = 0; i + j < len; j++)
		last |= (uint64_t)p[i + j] << (8 * j);
	compress(&s, last);
	s.v2 ^= 0xff;
	for (int r = 0; r < 3; r++)
		round_(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
