/*
 * sha256.h - SHA-256 (FIPS 180-4) for stable, machine-independent hashes
 * of identifiers (part selection, split assignment, per-id seeds).
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256_ctx {
	uint32_t	h[8];
	uint64_t	len;		/* bytes hashed so far */
	unsigned char	buf[64];
	size_t		nbuf;
};

void	sha256_init(struct sha256_ctx *);
void	sha256_update(struct sha256_ctx *, const void *, size_t);
void	sha256_final(struct sha256_ctx *, unsigned char out[32]);

/* One-shot digest of data, and the same as 64 lowercase hex digits + NUL. */
void	sha256(const void *data, size_t len, unsigned char out[32]);
void	sha256_hex(const void *data, size_t len, char out[65]);

#endif
