// Stresses: one tight integer loop with a loop-carried dependency (a loop header every few ops).
#include "bench.h"

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 450000000);  // iterations
  bench_start();
  uint32_t x = 2463534242u, sum = 0;
  for (long i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    sum += x & 0xff;
  }
  bench_end();
  printf("tight_loop size=%ld\nx=%08x sum=%08x\n", n, x, sum);
  return 0;
}
