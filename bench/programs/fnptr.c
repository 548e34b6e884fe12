// Stresses: indirect calls through a table of function pointers (call_indirect), data-chosen.
#include "bench.h"

typedef uint32_t (*op_fn)(uint32_t acc, uint32_t v);

__attribute__((noinline)) static uint32_t op_add(uint32_t a, uint32_t v) { return a + v; }
__attribute__((noinline)) static uint32_t op_sub(uint32_t a, uint32_t v) { return a - v; }
__attribute__((noinline)) static uint32_t op_xor(uint32_t a, uint32_t v) { return a ^ v; }
__attribute__((noinline)) static uint32_t op_mul(uint32_t a, uint32_t v) { return a * (v | 1); }
__attribute__((noinline)) static uint32_t op_rotl(uint32_t a, uint32_t v) {
  uint32_t r = v & 31;
  return (a << r) | (a >> ((32 - r) & 31));
}
__attribute__((noinline)) static uint32_t op_min(uint32_t a, uint32_t v) { return a < v ? a : v ^ a; }
__attribute__((noinline)) static uint32_t op_hash(uint32_t a, uint32_t v) { return (a ^ v) * 0x9E3779B1u; }
__attribute__((noinline)) static uint32_t op_avg(uint32_t a, uint32_t v) { return (a >> 1) + (v >> 1); }

static op_fn const ops[8] = {op_add, op_sub, op_xor, op_mul, op_rotl, op_min, op_hash, op_avg};

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 300000000);  // indirect calls
  // A fixed program of 256 (operation, operand) pairs, replayed n / 256 times.
  uint8_t which[256];
  uint32_t operand[256];
  rng_t rng = {42};
  for (int i = 0; i < 256; i++) {
    which[i] = (uint8_t)rng_below(&rng, 8);
    operand[i] = (uint32_t)rng_next(&rng);
  }
  uint32_t acc = 1;
  bench_start();
  for (long i = 0; i < n; i++) {
    int k = (int)(i & 255);
    acc = ops[which[k]](acc, operand[k] + (uint32_t)i);
  }
  bench_end();
  printf("fnptr size=%ld\nacc=%08x\n", n, acc);
  return 0;
}
