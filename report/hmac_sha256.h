/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104): the keyed pseudonyms of `ebrec redact`.
 * Written here rather than taken from a crypto library: one function of one command does not
 * justify a dependency on libcrypto.
 */
#ifndef EBREC_REPORT_HMAC_SHA256_H
#define EBREC_REPORT_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_BYTES]);

/* HMAC-SHA-256 of the concatenation of two parts (a domain and a message). */
void hmac_sha256(const unsigned char *key, size_t keylen, const void *a, size_t alen,
		 const void *b, size_t blen, unsigned char out[SHA256_BYTES]);

#endif
