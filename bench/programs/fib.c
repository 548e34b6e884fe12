// Stresses: deep call recursion with tiny bodies (naive recursive Fibonacci).
#include "bench.h"

__attribute__((noinline)) static uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 41);  // n of fib(n)
  bench_start();
  uint32_t result = fib((uint32_t)n);
  bench_end();
  printf("fib size=%ld\nfib(%ld)=%u\n", n, n, result);
  return 0;
}
