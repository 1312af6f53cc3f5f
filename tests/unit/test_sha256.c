/* test_sha256.c - SHA-256 against the FIPS 180-2 / NIST example vectors. */
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "unit.h"

int
main(void)
{
	char hex[65];
	struct sha256_ctx c;
	unsigned char d[32];
	char *mil;
	size_t i;

	sha256_hex("", 0, hex);
	CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855") == 0, "sha256 empty string");
	sha256_hex("abc", 3, hex);
	CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad") == 0, "sha256 \"abc\"");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, hex);
	CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1") == 0, "sha256 448-bit message");
	sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112, hex);
	CHECK(strcmp(hex, "cf5b16a778af8380036ce59e7b049237"
	    "0b249b11e8f07a51afac45037afee9d1") == 0, "sha256 896-bit message");

	/* One million 'a', once in one call, once fed in odd-sized pieces. */
	mil = malloc(1000000);
	memset(mil, 'a', 1000000);
	sha256_hex(mil, 1000000, hex);
	CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0") == 0, "sha256 million 'a'");
	sha256_init(&c);
	for (i = 0; i < 1000000; i += 37)
		sha256_update(&c, mil + i, i + 37 > 1000000 ? 1000000 - i : 37);
	sha256_final(&c, d);
	sha256(mil, 1000000, (unsigned char *)hex);
	CHECK(memcmp(d, hex, 32) == 0, "sha256 incremental equals one-shot");
	free(mil);

	/* Lengths around the 55/56/64-byte padding boundary against one-shot. */
	for (i = 54; i <= 65; i++) {
		char buf[65];
		memset(buf, 'x', sizeof(buf));
		sha256_init(&c);
		sha256_update(&c, buf, 1);
		sha256_update(&c, buf + 1, i - 1);
		sha256_final(&c, d);
		sha256(buf, i, (unsigned char *)hex);
		CHECK(memcmp(d, hex, 32) == 0, "sha256 split update, length %zu", i);
	}
	UNIT_DONE();
}
