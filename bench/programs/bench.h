// Shared by every benchmark: the measured-region marks, the size argument and a fixed-seed PRNG.
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// Host marks around the measured region. scripts/run-node-wasi.mjs and the slackfuel runtime
// provide them; any other runner must supply two no-op functions `bench.start`/`bench.end`.
__attribute__((import_module("bench"), import_name("start"))) void bench_start(void);
__attribute__((import_module("bench"), import_name("end"))) void bench_end(void);

// argv[1], if given, replaces the default size (the measured one); it must be a positive integer.
static inline long bench_size(int argc, char **argv, long default_size) {
  if (argc < 2) return default_size;
  char *end;
  long n = strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || n <= 0) {
    fprintf(stderr, "usage: %s [SIZE]  (SIZE: positive integer, default %ld)\n", argv[0], default_size);
    exit(2);
  }
  return n;
}

// splitmix64: small, fast, and the same sequence everywhere for a given seed.
typedef struct { uint64_t state; } rng_t;

static inline uint64_t rng_next(rng_t *rng) {
  uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, bound) (bound > 0); the tiny modulo bias does not matter here.
static inline uint32_t rng_below(rng_t *rng, uint32_t bound) {
  return (uint32_t)(rng_next(rng) % bound);
}

// Uniform double in [0, 1).
static inline double rng_double(rng_t *rng) {
  return (double)(rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

// FNV-1a over bytes: the checksum programs print.
static inline uint32_t fnv1a(uint32_t hash, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) hash = (hash ^ p[i]) * 16777619u;
  return hash;
}
#define FNV_INIT 2166136261u

#endif
