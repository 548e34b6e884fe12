// Stresses: byte-wise string handling (tokenize, count words in a string table, search, reverse).
#include "bench.h"
#include <string.h>

static const char *const syllables[] = {"ka", "lo", "mi", "ra", "te", "shu", "ne", "po", "vi", "an", "del", "or"};

#define TABLE 4096
static char *words[TABLE];
static uint32_t counts[TABLE];

// Counts a word (given by pointer and length) in a string-keyed hash table.
__attribute__((noinline)) static void count_word(const char *w, size_t len) {
  uint32_t i = fnv1a(FNV_INIT, w, len) & (TABLE - 1);
  while (words[i] && (strlen(words[i]) != len || memcmp(words[i], w, len) != 0)) i = (i + 1) & (TABLE - 1);
  if (!words[i]) {
    words[i] = malloc(len + 1);
    memcpy(words[i], w, len);
    words[i][len] = '\0';
  }
  counts[i]++;
}

__attribute__((noinline)) static long count_occurrences(const char *text, const char *pattern) {
  long found = 0;
  size_t m = strlen(pattern);
  for (const char *p = text; *p; p++) {
    size_t k = 0;
    while (k < m && p[k] == pattern[k]) k++;
    if (k == m) found++;
  }
  return found;
}

static void reverse(char *s, size_t len) {
  for (size_t i = 0, j = len; i + 1 < j; i++, j--) {
    char t = s[i]; s[i] = s[j - 1]; s[j - 1] = t;
  }
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 5500000);  // words of text
  rng_t rng = {1234};
  char *text = malloc((size_t)n * 10 + 1)  /* words are at most 9 letters */, *p = text;
  for (long i = 0; i < n; i++) {
    int parts = 1 + (int)rng_below(&rng, 3);
    for (int k = 0; k < parts; k++) p = stpcpy(p, syllables[rng_below(&rng, 12)]);
    *p++ = rng_below(&rng, 10) == 0 ? '.' : ' ';
  }
  *p = '\0';
  size_t text_len = (size_t)(p - text);
  char *copy = malloc(text_len + 1);
  memcpy(copy, text, text_len + 1);

  bench_start();
  // Capitalize each sentence's first letter.
  int start = 1;
  for (char *q = text; *q; q++) {
    if (start && *q >= 'a' && *q <= 'z') { *q = (char)(*q - 'a' + 'A'); start = 0; }
    else if (*q == '.') start = 1;
  }
  // Tokenize and count the words, case-folded.
  long tokens = 0;
  for (char *q = text; *q;) {
    while (*q == ' ' || *q == '.') q++;
    char *w = q;
    while (*q && *q != ' ' && *q != '.') { if (*q >= 'A' && *q <= 'Z') *q = (char)(*q + 32); q++; }
    if (q > w) { count_word(w, (size_t)(q - w)); tokens++; }
  }
  long ra = count_occurrences(text, "ra"), delor = count_occurrences(text, "delor");
  // Reverse every word in place, then the whole text, then undo both and compare.
  for (char *q = text; *q;) {
    char *w = q;
    while (*q && *q != ' ' && *q != '.') q++;
    reverse(w, (size_t)(q - w));
    if (*q) q++;
  }
  uint32_t reversed = fnv1a(FNV_INIT, text, text_len);
  reverse(text, text_len);
  reverse(text, text_len);
  for (char *q = text; *q;) {
    char *w = q;
    while (*q && *q != ' ' && *q != '.') q++;
    reverse(w, (size_t)(q - w));
    if (*q) q++;
  }
  bench_end();

  long distinct = 0;
  uint32_t most = 0;
  const char *most_word = "";
  for (int i = 0; i < TABLE; i++) {
    if (!words[i]) continue;
    distinct++;
    if (counts[i] > most || (counts[i] == most && strcmp(words[i], most_word) < 0)) {
      most = counts[i];
      most_word = words[i];
    }
  }
  int same = strcmp(text, copy) == 0;  // differs only by case folding
  printf("strings size=%ld\nchars=%zu tokens=%ld distinct=%ld most=%s x%u ra=%ld delor=%ld\n", n, text_len,
         tokens, distinct, most_word, most, ra, delor);
  printf("reversed=%08x text=%08x same_as_input=%d\n", reversed, fnv1a(FNV_INIT, text, text_len), same);
  return 0;
}
