/*
 * cog_codec.c - TIFF block decoders (none, PackBits, LZW, DEFLATE, ZSTD) and
 * predictors 2 and 3, memory to memory, every read and write bounds-checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include "cog_codec.h"
#include "errbuf.h"

static int
packbits(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen,
    char *err, size_t errlen)
{
	size_t i = 0, o = 0;

	while (i < inlen && o < outlen) {
		int n = (signed char)in[i++];
		if (n >= 0) {
			size_t k = (size_t)n + 1;
			if (k > inlen - i || k > outlen - o)
				return errf(err, errlen, "PackBits run past the end of the block");
			memcpy(out + o, in + i, k);
			i += k;
			o += k;
		} else if (n != -128) {
			size_t k = (size_t)(1 - n);
			if (i >= inlen || k > outlen - o)
				return errf(err, errlen, "PackBits run past the end of the block");
			memset(out + o, in[i++], k);
			o += k;
		}
	}
	if (o != outlen)
		return errf(err, errlen, "PackBits block short: %zu of %zu bytes", o, outlen);
	return 0;
}

/*
 * TIFF LZW (codes MSB first, 9 to 12 bits, "early change" as libtiff writes).
 * The old LSB-first variant of libtiff 4.0 and before starts 0x00 0x01 and is
 * refused rather than misread.
 */
struct lzw_ent {
	uint16_t prefix;
	uint16_t len;
	unsigned char first, last;
};

static int
lzw(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen,
    char *err, size_t errlen)
{
	static __thread struct lzw_ent tab[4096];
	uint64_t bitbuf = 0;
	int nbits = 0, width = 9, prev = -1;
	unsigned next = 258;
	size_t i = 0, o = 0;

	if (inlen >= 2 && in[0] == 0 && (in[1] & 1))
		return errf(err, errlen, "old-style LZW is not supported");
	for (unsigned k = 0; k < 256; k++) {
		tab[k].prefix = 0;
		tab[k].len = 1;
		tab[k].first = tab[k].last = (unsigned char)k;
	}
	while (o < outlen) {
		unsigned code;

		while (nbits < width && i < inlen) {
			bitbuf = (bitbuf << 8) | in[i++];
			nbits += 8;
		}
		if (nbits < width)
			break;
		code = (unsigned)(bitbuf >> (nbits - width)) & ((1u << width) - 1);
		nbits -= width;
		if (code == 257)
			break;
		if (code == 256) {
			width = 9;
			next = 258;
			prev = -1;
			continue;
		}
		if (prev < 0) {
			if (code > 255)
				return errf(err, errlen, "LZW stream corrupt (code %u)", code);
			out[o++] = (unsigned char)code;
			prev = (int)code;
			continue;
		}
		if (code > next || (code >= 256 && code < 258))
			return errf(err, errlen, "LZW stream corrupt (code %u)", code);
		if (next < 4096) {
			/* The new entry is prev + first byte of code (of prev itself when code == next). */
			tab[next].prefix = (uint16_t)prev;
			tab[next].len = tab[prev].len + 1;
			tab[next].first = tab[prev].first;
			tab[next].last = code == next ? tab[prev].first : tab[code].first;
			next++;
		} else if (code == next)
			return errf(err, errlen, "LZW stream corrupt (table full)");
		{
			size_t len = tab[code].len, k;
			unsigned c = code;
			if (len > outlen - o)
				len = outlen - o;	/* extra data past the block: drop it */
			/* Walk back from the end of the string, skipping what does not fit. */
			for (k = tab[code].len; k > len; k--)
				c = tab[c].prefix;
			for (k = len; k > 0; k--) {
				out[o + k - 1] = tab[c].last;
				c = tab[c].prefix;
			}
			o += len;
		}
		prev = (int)code;
		if (next + 1 >= (1u << width) && width < 12)
			width++;
	}
	if (o != outlen)
		return errf(err, errlen, "LZW block short: %zu of %zu bytes", o, outlen);
	return 0;
}

/*
 * libdeflate inflates whole blocks two to three times faster than zlib.  zlib
 * stays for blocks that hold more data than the tile needs (libdeflate refuses
 * them, zlib keeps what fits) and when S2VL_NO_LIBDEFLATE is set (tests use it
 * to cover both paths).
 */
static int use_libdeflate = 1;
static int
deflate_(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen,
    char *err, size_t errlen)
{
	z_stream z;
	int rc;

	if (use_libdeflate) {
		struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
		size_t got = 0;
		if (d) {
			enum libdeflate_result r = libdeflate_zlib_decompress(d, in, inlen, out,
			    outlen, &got);
			libdeflate_free_decompressor(d);
			if (r == LIBDEFLATE_SUCCESS && got == outlen)
				return 0;
			if (r == LIBDEFLATE_BAD_DATA)
				return errf(err, errlen, "DEFLATE stream corrupt");
			if (r == LIBDEFLATE_SUCCESS)
				return errf(err, errlen, "DEFLATE block short: %zu of %zu bytes",
				    got, outlen);
			/* More data than the block holds: zlib keeps what fits. */
		}
	}
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return errf(err, errlen, "zlib: cannot initialise");
	z.next_in = (unsigned char *)in;
	z.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (uInt)inlen;
	z.next_out = out;
	z.avail_out = outlen > UINT32_MAX ? UINT32_MAX : (uInt)outlen;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (rc != Z_STREAM_END && rc != Z_BUF_ERROR && rc != Z_OK)
		return errf(err, errlen, "DEFLATE stream corrupt (%s)", z.msg ? z.msg : "zlib error");
	if (z.total_out != outlen)
		return errf(err, errlen, "DEFLATE block short: %lu of %zu bytes", z.total_out, outlen);
	return 0;
}

static int
zstd(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen,
    char *err, size_t errlen)
{
	size_t n;

	n = ZSTD_decompress(out, outlen, in, inlen);
	if (ZSTD_isError(n))
		return errf(err, errlen, "ZSTD stream corrupt");
	if (n != outlen)
		return errf(err, errlen, "ZSTD block short: %zu of %zu bytes", n, outlen);
	return 0;
}

void
cog_codec_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	use_libdeflate = getenv("S2VL_NO_LIBDEFLATE") == NULL;
}

int
cog_decompress(int comp, const unsigned char *in, size_t inlen,
    unsigned char *out, size_t outlen, char *err, size_t errlen)
{
	switch (comp) {
	case 1:
		if (inlen < outlen)
			return errf(err, errlen, "uncompressed block short: %zu of %zu bytes",
			    inlen, outlen);
		memcpy(out, in, outlen);
		return 0;
	case 5:
		return lzw(in, inlen, out, outlen, err, errlen);
	case 8:
	case 32946:
		return deflate_(in, inlen, out, outlen, err, errlen);
	case 32773:
		return packbits(in, inlen, out, outlen, err, errlen);
	case 50000:
		return zstd(in, inlen, out, outlen, err, errlen);
	}
	return errf(err, errlen, "unsupported compression %d", comp);
}

static void
swap_bytes(unsigned char *p, size_t n, int bps8)
{
	size_t i;
	unsigned char t;

	if (bps8 == 2) {
		for (i = 0; i + 1 < n; i += 2) {
			t = p[i]; p[i] = p[i + 1]; p[i + 1] = t;
		}
	} else if (bps8 == 4) {
		for (i = 0; i + 3 < n; i += 4) {
			t = p[i]; p[i] = p[i + 3]; p[i + 3] = t;
			t = p[i + 1]; p[i + 1] = p[i + 2]; p[i + 2] = t;
		}
	}
}

int
cog_unpredict(unsigned char *buf, size_t rows, size_t rowsamples, int stride,
    int bps8, int predictor, int swap, char *err, size_t errlen)
{
	size_t rowbytes = rowsamples * (size_t)bps8, r, i;

	if (predictor == 3) {
		/* Floating point: bytes differenced, then stored MSB plane first
		 * (libtiff fpAcc); the result is host order whatever the file's. */
		unsigned char tmp[65536], *big = NULL, *t = tmp;
		if (bps8 != 4 && bps8 != 2 && bps8 != 8)
			return errf(err, errlen, "predictor 3 on %d-byte samples", bps8);
		if (rowbytes > sizeof tmp) {
			big = malloc(rowbytes);
			if (!big)
				return errf(err, errlen, "out of memory");
			t = big;
		}
		for (r = 0; r < rows; r++) {
			unsigned char *cp = buf + r * rowbytes;
			for (i = (size_t)stride; i < rowbytes; i++)
				cp[i] = (unsigned char)(cp[i] + cp[i - stride]);
			memcpy(t, cp, rowbytes);
			for (i = 0; i < rowsamples; i++)
				for (int b = 0; b < bps8; b++)
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
					cp[bps8 * i + b] = t[b * rowsamples + i];
#else
					cp[bps8 * i + b] = t[(bps8 - b - 1) * rowsamples + i];
#endif
		}
		free(big);
		return 0;
	}
	if (swap)
		swap_bytes(buf, rows * rowbytes, bps8);
	if (predictor == 1)
		return 0;
	if (predictor != 2)
		return errf(err, errlen, "unsupported predictor %d", predictor);
	for (r = 0; r < rows; r++) {
		unsigned char *cp = buf + r * rowbytes;
		if (bps8 == 1) {
			for (i = (size_t)stride; i < rowsamples; i++)
				cp[i] = (unsigned char)(cp[i] + cp[i - stride]);
		} else if (bps8 == 2) {
			uint16_t *s = (uint16_t *)(void *)cp;
			for (i = (size_t)stride; i < rowsamples; i++)
				s[i] = (uint16_t)(s[i] + s[i - stride]);
		} else if (bps8 == 4) {
			uint32_t *s = (uint32_t *)(void *)cp;
			for (i = (size_t)stride; i < rowsamples; i++)
				s[i] = s[i] + s[i - stride];
		} else
			return errf(err, errlen, "predictor 2 on %d-byte samples", bps8);
	}
	return 0;
}
