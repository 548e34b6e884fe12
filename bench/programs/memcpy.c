// Stresses: bulk memory traffic (memcpy, memmove and memset of PRNG-sized blocks in 1 MiB).
#include "bench.h"
#include <string.h>

#define BUF (1 << 20)

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 1200000);  // block operations
  unsigned char *a = malloc(BUF), *b = malloc(BUF);
  rng_t rng = {99};
  for (long i = 0; i < BUF; i++) a[i] = (unsigned char)rng_next(&rng);
  memset(b, 0, BUF);
  bench_start();
  for (long i = 0; i < n; i++) {
    uint32_t len = 1 + rng_below(&rng, 16384);
    uint32_t src = rng_below(&rng, BUF - len), dst = rng_below(&rng, BUF - len);
    switch (i % 4) {
      case 0: memcpy(b + dst, a + src, len); break;
      case 1: memcpy(a + dst, b + src, len); break;
      case 2: memmove(a + dst, a + src, len); break;
      default: memset(b + dst, (int)(i & 0xff), len / 4); break;
    }
  }
  bench_end();
  printf("memcpy size=%ld\na=%08x b=%08x\n", n, fnv1a(FNV_INIT, a, BUF), fnv1a(FNV_INIT, b, BUF));
  free(a); free(b);
  return 0;
}
