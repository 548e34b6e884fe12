// Stresses: floating-point division and nested loops (spectral norm of an infinite matrix).
#include "bench.h"
#include <math.h>

static double a(long i, long j) { return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1); }

__attribute__((noinline)) static void mul_av(long n, const double *v, double *out) {
  for (long i = 0; i < n; i++) {
    double sum = 0;
    for (long j = 0; j < n; j++) sum += a(i, j) * v[j];
    out[i] = sum;
  }
}

__attribute__((noinline)) static void mul_atv(long n, const double *v, double *out) {
  for (long i = 0; i < n; i++) {
    double sum = 0;
    for (long j = 0; j < n; j++) sum += a(j, i) * v[j];
    out[i] = sum;
  }
}

static void mul_atav(long n, const double *v, double *out, double *tmp) {
  mul_av(n, v, tmp);
  mul_atv(n, tmp, out);
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 4000);  // matrix order
  double *u = malloc(sizeof(double) * n), *v = malloc(sizeof(double) * n), *tmp = malloc(sizeof(double) * n);
  for (long i = 0; i < n; i++) u[i] = 1;
  bench_start();
  for (int i = 0; i < 10; i++) {
    mul_atav(n, u, v, tmp);
    mul_atav(n, v, u, tmp);
  }
  double vbv = 0, vv = 0;
  for (long i = 0; i < n; i++) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  bench_end();
  printf("spectral_norm size=%ld\n%.9f\n", n, sqrt(vbv / vv));
  free(u); free(v); free(tmp);
  return 0;
}
