// SPDX-License-Identifier: BSD-2-Clause
/* SipHash-2-4, after the reference implementation (github.com/veorq/SipHash). */
#include <time.h>
#include <sys/random.h>
#include "siphash.h"
#include "wire.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                \
	do {                                                                                    \
		v0 += v1;                                                                       \
		v1 = ROTL(v1, 13);                                                              \
		v1 ^= v0;                                                                       \
		v0 = ROTL(v0, 32);                                                              \
		v2 += v3;                                                                       \
		v3 = ROTL(v3, 16);                                                              \
		v3 ^= v2;                                                                       \
		v0 += v3;                                                                       \
		v3 = ROTL(v3, 21);                                                              \
		v3 ^= v0;                                                                       \
		v2 += v1;                                                                       \
		v1 = ROTL(v1, 17);                                                              \
		v1 ^= v2;                                                                       \
		v2 = ROTL(v2, 32);                                                              \
	} while (0)

uint64_t siphash24(const struct siphash_key *key, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + (len & ~(size_t)7);
	uint64_t v0 = 0x736f6d6570736575ull ^ key->k0, v1 = 0x646f72616e646f6dull ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ key->k0, v3 = 0x7465646279746573ull ^ key->k1;
	uint64_t m, b = (uint64_t)len << 56;

	for (; p < end; p += 8) {
		m = get_le64(p);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
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
