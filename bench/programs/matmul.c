// Stresses: floating-point multiply-add over 2-D arrays (dense double matrix product, i-k-j order).
#include "bench.h"

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 900);  // matrix order
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n);
  double *c = calloc((size_t)(n * n), sizeof(double));
  rng_t rng = {5};
  for (long i = 0; i < n * n; i++) {
    a[i] = rng_double(&rng) - 0.5;
    b[i] = rng_double(&rng) - 0.5;
  }
  bench_start();
  for (long i = 0; i < n; i++)
    for (long k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (long j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  bench_end();
  double trace = 0, total = 0;
  for (long i = 0; i < n; i++) trace += c[i * n + i];
  for (long i = 0; i < n * n; i++) total += c[i];
  printf("matmul size=%ld\ntrace=%.9f total=%.9f checksum=%08x\n", n, trace, total,
         fnv1a(FNV_INIT, c, sizeof(double) * n * n));
  free(a); free(b); free(c);
  return 0;
}
