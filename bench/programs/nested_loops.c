// Stresses: triply nested loops over a 2-D array (Floyd-Warshall all-pairs shortest paths).
#include "bench.h"

#define INF 0x3fffffff

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 880);  // graph vertices
  int *dist = malloc(sizeof(int) * n * n);
  rng_t rng = {7};
  for (long i = 0; i < n; i++)
    for (long j = 0; j < n; j++)
      dist[i * n + j] = i == j ? 0 : (rng_below(&rng, 8) == 0 ? (int)rng_below(&rng, 1000) + 1 : INF);
  bench_start();
  for (long k = 0; k < n; k++)
    for (long i = 0; i < n; i++) {
      int dik = dist[i * n + k];
      if (dik == INF) continue;
      for (long j = 0; j < n; j++) {
        int via = dik + dist[k * n + j];
        if (via < dist[i * n + j]) dist[i * n + j] = via;
      }
    }
  bench_end();
  uint64_t total = 0;
  long unreachable = 0;
  for (long i = 0; i < n * n; i++) {
    if (dist[i] == INF) unreachable++;
    else total += (uint64_t)dist[i];
  }
  printf("nested_loops size=%ld\ntotal=%llu unreachable=%ld checksum=%08x\n", n,
         (unsigned long long)total, unreachable, fnv1a(FNV_INIT, dist, sizeof(int) * n * n));
  free(dist);
  return 0;
}
