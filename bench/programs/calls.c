// Stresses: many direct calls to small functions (2-D vector math kept out of line).
#include "bench.h"

typedef struct { int32_t x, y; } vec2;

__attribute__((noinline)) static vec2 vadd(vec2 a, vec2 b) { return (vec2){a.x + b.x, a.y + b.y}; }
__attribute__((noinline)) static vec2 vscale(vec2 a, int32_t k) { return (vec2){a.x * k, a.y * k}; }
__attribute__((noinline)) static int32_t vdot(vec2 a, vec2 b) { return a.x * b.x + a.y * b.y; }
__attribute__((noinline)) static vec2 vrot(vec2 a) { return (vec2){-a.y, a.x}; }
__attribute__((noinline)) static int32_t clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}
__attribute__((noinline)) static uint32_t mix(uint32_t h, int32_t v) { return (h ^ (uint32_t)v) * 0x01000193u; }

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 40000000);  // loop iterations
  vec2 p = {1, 2}, v = {3, -5};
  uint32_t h = FNV_INIT;
  bench_start();
  for (long i = 0; i < n; i++) {
    p = vadd(p, vscale(v, 3));
    if (vdot(p, v) < 0) v = vrot(v);
    p.x = clamp(p.x, -1000, 1000);
    p.y = clamp(p.y, -1000, 1000);
    h = mix(h, p.x);
    h = mix(h, p.y);
  }
  bench_end();
  printf("calls size=%ld\np=(%d,%d) v=(%d,%d) hash=%08x\n", n, p.x, p.y, v.x, v.y, h);
  return 0;
}
