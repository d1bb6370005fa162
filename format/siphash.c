// SPDX-License-Identifier: BSD-2-Clause
/*
 * SipHash (Aumasson and Bernstein, 2012), after the reference implementation
 * (github.com/veorq/SipHash): one core for both round counts format/siphash.h offers.
 */
#include <time.h>
#include <sys/random.h>
#include "format/siphash.h"
#include "wire.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

struct sip {
	uint64_t v0, v1, v2, v3;
};

static inline void sipround(struct sip *s)
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

static inline void compress(struct sip *s, uint64_t m, int c)
{
	s->v3 ^= m;
	for (int i = 0; i < c; i++)
		sipround(s);
	s->v0 ^= m;
}

/*
 * SipHash-c-d of the message (prefix as 8 little-endian bytes, when has_prefix) then data:
 * the prefix lets a table hash a number and a name in one pass without copying them.
 */
static inline uint64_t siphash_cd(const struct siphash_key *key, int c, int d, bool has_prefix,
				  uint64_t prefix, const void *data, size_t len)
{
	/* data may be NULL with len 0: no arithmetic on it then (NULL + 0 is undefined in C) */
	const unsigned char *p = len ? data : (const unsigned char *)"";
	const unsigned char *end = p + (len & ~(size_t)7);
	struct sip s = { 0x736f6d6570736575ull ^ key->k0, 0x646f72616e646f6dull ^ key->k1,
			 0x6c7967656e657261ull ^ key->k0, 0x7465646279746573ull ^ key->k1 };
	uint64_t b = (uint64_t)(len + (has_prefix ? 8 : 0)) << 56;

	if (has_prefix)
		compress(&s, prefix, c);
	for (; p < end; p += 8)
		compress(&s, get_le64(p), c);
	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[i] << (8 * i);
	compress(&s, b, c);
	s.v2 ^= 0xff;
	for (int i = 0; i < d; i++)
		sipround(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t siphash24(const struct siphash_key *key, const void *data, size_t len)
{
	return siphash_cd(key, 2, 4, false, 0, data, len);
}

uint64_t siphash13(const struct siphash_key *key, uint64_t prefix, const void *data, size_t len)
{
	return siphash_cd(key, 1, 3, true, prefix, data, len);
}

void siphash_key_random(struct siphash_key *key)
{
	unsigned char k[16];
	struct timespec ts;

	if (getrandom(k, sizeof(k), 0) == (ssize_t)sizeof(k)) {
		key->k0 = get_le64(k);
		key->k1 = get_le64(k + 8);
		return;
	}
	/*
	 * No getrandom (a seccomp filter, a kernel before 3.17): a key the trace cannot predict
	 * either, if not a secret from the local user: the time and where the stack is (ASLR).
	 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	key->k0 = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
	key->k1 = (uint64_t)(uintptr_t)&ts * 0xbf58476d1ce4e5b9ull ^ key->k0;
}
