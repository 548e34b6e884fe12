// Stresses: a compressor's hash chains and byte copying (LZ77 compress, decompress, verify).
#include "bench.h"
#include <string.h>

#define WINDOW 32768
#define MIN_MATCH 3
#define MAX_MATCH 258
#define MAX_CHAIN 48
#define HASH_BITS 15

static uint32_t hash3(const unsigned char *p) {
  return ((uint32_t)p[0] << 16 ^ (uint32_t)p[1] << 8 ^ p[2]) * 2654435761u >> (32 - HASH_BITS);
}

// Output: groups of 8 items behind a flag byte; a literal is 1 byte, a match is
// 2 bytes of distance and 1 byte of (length - MIN_MATCH).
__attribute__((noinline)) static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
  int32_t *head = malloc(sizeof(int32_t) << HASH_BITS), *prev = malloc(sizeof(int32_t) * WINDOW);
  for (int i = 0; i < 1 << HASH_BITS; i++) head[i] = -1;
  size_t o = 0, flag_at = 0;
  int items = 8;
  for (size_t i = 0; i < n;) {
    if (items == 8) { flag_at = o++; out[flag_at] = 0; items = 0; }
    size_t best_len = 0, best_dist = 0;
    if (i + MIN_MATCH <= n) {
      uint32_t h = hash3(in + i);
      int32_t cand = head[h];
      size_t limit = n - i < MAX_MATCH ? n - i : MAX_MATCH;
      for (int chain = 0; cand >= 0 && i - (size_t)cand <= WINDOW - 1 && chain < MAX_CHAIN; chain++) {
        size_t len = 0;
        while (len < limit && in[cand + len] == in[i + len]) len++;
        if (len > best_len) { best_len = len; best_dist = i - (size_t)cand; if (len == limit) break; }
        cand = prev[cand % WINDOW];
      }
      prev[i % WINDOW] = head[h];
      head[h] = (int32_t)i;
    }
    if (best_len >= MIN_MATCH) {
      out[flag_at] |= (unsigned char)(1 << items);
      out[o++] = (unsigned char)best_dist;
      out[o++] = (unsigned char)(best_dist >> 8);
      out[o++] = (unsigned char)(best_len - MIN_MATCH);
      // Index the skipped positions too, so later matches can find them.
      for (size_t k = i + 1; k < i + best_len && k + MIN_MATCH <= n; k++) {
        uint32_t h = hash3(in + k);
        prev[k % WINDOW] = head[h];
        head[h] = (int32_t)k;
      }
      i += best_len;
    } else {
      out[o++] = in[i++];
    }
    items++;
  }
  free(head);
  free(prev);
  return o;
}

__attribute__((noinline)) static size_t decompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned flags = in[i++];
    for (int k = 0; k < 8 && i < n; k++) {
      if (flags & (1u << k)) {
        size_t dist = in[i] | (size_t)in[i + 1] << 8, len = (size_t)in[i + 2] + MIN_MATCH;
        i += 3;
        for (size_t j = 0; j < len; j++, o++) out[o] = out[o - dist];  // may overlap
      } else {
        out[o++] = in[i++];
      }
    }
  }
  return o;
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 10000000);  // input bytes
  static const char *const words[] = {"the ", "fuel ", "meter ", "counts ", "every ", "block ", "of ",
                                      "code ", "and ", "slack ", "lets ", "it ", "lag ", "behind ", ", ", ".\n"};
  unsigned char *input = malloc((size_t)n + 16), *packed = malloc((size_t)n * 2 + 16), *output = malloc((size_t)n + 16);
  rng_t rng = {77};
  size_t len = 0;
  while (len < (size_t)n) {
    // Mostly words, sometimes noise, so both literals and matches occur.
    if (rng_below(&rng, 16) == 0) input[len++] = (unsigned char)rng_next(&rng);
    else {
      const char *w = words[rng_below(&rng, 16)];
      size_t wl = strlen(w);
      if (wl > (size_t)n - len) wl = (size_t)n - len;
      memcpy(input + len, w, wl);
      len += wl;
    }
  }
  bench_start();
  size_t packed_len = compress(input, len, packed);
  size_t unpacked_len = decompress(packed, packed_len, output);
  bench_end();
  int ok = unpacked_len == len && memcmp(input, output, len) == 0;
  printf("lz77 size=%ld\ninput=%zu packed=%zu (%.1f%%) roundtrip=%s checksum=%08x\n", n, len, packed_len,
         100.0 * (double)packed_len / (double)len, ok ? "ok" : "FAILED", fnv1a(FNV_INIT, packed, packed_len));
  free(input); free(packed); free(output);
  return ok ? 0 : 1;
}
