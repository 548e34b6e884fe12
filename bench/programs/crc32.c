// Stresses: byte loads and table lookups (table-driven CRC-32 and bitwise CRC-32C over a buffer).
#include "bench.h"

static uint32_t table[256];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

__attribute__((noinline)) static uint32_t crc32(uint32_t crc, const unsigned char *p, size_t len) {
  crc = ~crc;
  for (size_t i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

// Bit at a time, no table: a shift/xor loop nested in the byte loop.
__attribute__((noinline)) static uint32_t crc32c_bitwise(uint32_t crc, const unsigned char *p, size_t len) {
  crc = ~crc;
  for (size_t i = 0; i < len; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
  }
  return ~crc;
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 280);  // rounds over a 1 MiB buffer
  make_table();
  printf("crc32 size=%ld\ncrc32(123456789)=%08x crc32c(123456789)=%08x\n", n,
         crc32(0, (const unsigned char *)"123456789", 9), crc32c_bitwise(0, (const unsigned char *)"123456789", 9));
  size_t len = 1 << 20;
  unsigned char *buf = malloc(len);
  rng_t rng = {32};
  for (size_t i = 0; i < len; i++) buf[i] = (unsigned char)rng_next(&rng);
  uint32_t a = 0, b = 0;
  bench_start();
  for (long r = 0; r < n; r++) {
    a = crc32(a, buf, len);
    buf[(size_t)r * 4099 % len] ^= (unsigned char)a;
  }
  for (long r = 0; r < n / 8 + 1; r++) b = crc32c_bitwise(b, buf, len / 4);
  bench_end();
  printf("a=%08x b=%08x\n", a, b);
  free(buf);
  return 0;
}
