// Stresses: memory-heavy recursion and compares (quicksort and merge sort of PRNG integers).
#include "bench.h"
#include <string.h>

static void insertion_sort(uint32_t *a, long n) {
  for (long i = 1; i < n; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

__attribute__((noinline)) static void quicksort(uint32_t *a, long n) {
  while (n > 16) {
    uint32_t pivot = a[n / 2];
    long i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j) break;
      uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
      i++; j--;
    }
    // Recurse into the smaller half, loop on the larger one.
    if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
    else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
  }
  insertion_sort(a, n);
}

__attribute__((noinline)) static void merge_sort(uint32_t *a, uint32_t *tmp, long n) {
  if (n <= 16) { insertion_sort(a, n); return; }
  long half = n / 2;
  merge_sort(a, tmp, half);
  merge_sort(a + half, tmp, n - half);
  long i = 0, j = half, k = 0;
  while (i < half && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < half) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, sizeof(uint32_t) * n);
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 4500000);  // elements, sorted twice
  uint32_t *a = malloc(sizeof(uint32_t) * n), *b = malloc(sizeof(uint32_t) * n);
  uint32_t *tmp = malloc(sizeof(uint32_t) * n);
  rng_t rng = {2024};
  for (long i = 0; i < n; i++) a[i] = b[i] = (uint32_t)rng_next(&rng) % (uint32_t)(n * 4);
  bench_start();
  quicksort(a, n);
  merge_sort(b, tmp, n);
  bench_end();
  long unsorted = 0, differ = 0;
  for (long i = 0; i < n; i++) {
    if (i > 0 && a[i - 1] > a[i]) unsorted++;
    if (a[i] != b[i]) differ++;
  }
  printf("sort size=%ld\nunsorted=%ld differ=%ld min=%u median=%u max=%u checksum=%08x\n", n, unsorted,
         differ, a[0], a[n / 2], a[n - 1], fnv1a(FNV_INIT, a, sizeof(uint32_t) * n));
  free(a); free(b); free(tmp);
  return 0;
}
