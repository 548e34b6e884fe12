// Stresses: non-tail recursion thousands of frames deep (Ackermann's function, m = 2 and 3).
#include "bench.h"

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 80);  // rounds of ack(3, 7..9)
  uint32_t sum = 0;
  bench_start();
  for (uint32_t r = 0; r < (uint32_t)n; r++) sum = sum * 31 + ack(3, 7 + r % 3) + ack(2, r);
  bench_end();
  printf("ackermann size=%ld\nack(3,9)=%u sum=%08x\n", n, ack(3, 9), sum);
  return 0;
}
