// Stresses: random memory access (open-addressing hash table: insert, look up, delete).
#include "bench.h"

#define CAPACITY (1u << 20)  // 8 MiB of slots
#define KEYS (1u << 19)      // key universe: the load factor stays at or below 1/2
#define MASK (CAPACITY - 1)

typedef struct { uint32_t key; uint32_t value; } slot;  // value 0 marks an empty slot

static slot *table;

static uint32_t hash32(uint32_t k) {
  k ^= k >> 16; k *= 0x7feb352du; k ^= k >> 15; k *= 0x846ca68bu; k ^= k >> 16;
  return k;
}

__attribute__((noinline)) static slot *find(uint32_t key) {
  uint32_t i = hash32(key) & MASK;
  while (table[i].value && table[i].key != key) i = (i + 1) & MASK;
  return &table[i];
}

// Backward-shift deletion keeps probe chains intact without tombstones.
__attribute__((noinline)) static void erase(slot *s) {
  uint32_t i = (uint32_t)(s - table);
  s->value = 0;
  for (uint32_t j = (i + 1) & MASK; table[j].value; j = (j + 1) & MASK) {
    uint32_t home = hash32(table[j].key) & MASK;
    if (((j - home) & MASK) >= ((j - i) & MASK)) {
      table[i] = table[j];
      table[j].value = 0;
      i = j;
    }
  }
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 30000000);  // operations
  table = calloc(CAPACITY, sizeof(slot));
  rng_t rng = {31337};
  uint32_t live = 0, hits = 0, erased = 0, sum = 0;
  bench_start();
  for (long i = 0; i < n; i++) {
    uint32_t key = rng_below(&rng, KEYS) * 0x9E3779B1u;
    slot *s = find(key);
    uint32_t op = (uint32_t)(i % 8);
    if (op < 5) {  // insert or bump
      if (!s->value) { s->key = key; live++; }
      s->value++;
    } else if (op < 7) {  // look up
      if (s->value) { hits++; sum += s->value; }
    } else if (s->value) {  // delete
      erase(s);
      live--;
      erased++;
    }
  }
  bench_end();
  uint32_t check = FNV_INIT;
  for (uint32_t i = 0; i < CAPACITY; i++)
    if (table[i].value) check = fnv1a(check, &table[i], sizeof(slot));
  printf("hashtable size=%ld\nlive=%u hits=%u erased=%u sum=%u checksum=%08x\n", n, live, hits, erased, sum, check);
  free(table);
  return 0;
}
