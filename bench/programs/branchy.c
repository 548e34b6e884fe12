// Stresses: data-dependent branches (Collatz sequences, then a decision tree on each length).
#include "bench.h"

__attribute__((noinline)) static uint32_t collatz_steps(uint64_t x) {
  uint32_t steps = 0;
  while (x != 1) {
    if (x & 1) {
      x = 3 * x + 1;
    } else {
      x >>= 1;
    }
    steps++;
  }
  return steps;
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 5000000);  // Collatz starting values 1..n
  uint32_t longest = 0, longest_at = 0;
  uint32_t buckets[6] = {0};
  bench_start();
  for (uint32_t i = 1; i <= (uint32_t)n; i++) {
    uint32_t s = collatz_steps(i);
    if (s > longest) {
      longest = s;
      longest_at = i;
    }
    if (s < 50) buckets[0]++;
    else if (s < 100) {
      if (s & 1) buckets[1]++;
      else buckets[2] += 2;
    } else if (s < 200) {
      if (s % 3 == 0) buckets[3]++;
      else buckets[4] ^= s;
    } else buckets[5] += s >> 2;
  }
  bench_end();
  printf("branchy size=%ld\nlongest=%u at %u\nbuckets=%u %u %u %u %u %u\n", n, longest, longest_at,
         buckets[0], buckets[1], buckets[2], buckets[3], buckets[4], buckets[5]);
  return 0;
}
