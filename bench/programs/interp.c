// Stresses: a switch-dispatch bytecode interpreter (a stack VM counting primes by trial division).
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, LE, JZ, JMP, INC, HALT };

// Variables: 0 = limit, 1 = n, 2 = d, 3 = count, 4 = prime flag.
static const int32_t program[] = {
  /*  0 */ PUSH, 2, STORE, 1,                         // n = 2
  /*  4 */ PUSH, 0, STORE, 3,                         // count = 0
  /*  8 */ LOAD, 1, LOAD, 0, LT, JZ, 60,              // while (n < limit) {
  /* 15 */ PUSH, 1, STORE, 4, PUSH, 2, STORE, 2,      //   prime = 1; d = 2
  /* 23 */ LOAD, 2, LOAD, 2, MUL, LOAD, 1, LE, JZ, 50, //   while (d * d <= n) {
  /* 33 */ LOAD, 1, LOAD, 2, MOD, JZ, 44,             //     if (n % d == 0) goto composite
  /* 40 */ INC, 2, JMP, 23,                           //     d++ }
  /* 44 */ PUSH, 0, STORE, 4, JMP, 50,                //   composite: prime = 0
  /* 50 */ LOAD, 4, JZ, 56, INC, 3,                   //   if (prime) count++
  /* 56 */ INC, 1, JMP, 8,                            //   n++ }
  /* 60 */ HALT,
};

__attribute__((noinline)) static int32_t run(const int32_t *code, int32_t *vars) {
  int32_t stack[16];
  int sp = 0, pc = 0;
  uint32_t steps = 0;
  for (;;) {
    steps++;
    switch (code[pc]) {
      case PUSH: stack[sp++] = code[pc + 1]; pc += 2; break;
      case LOAD: stack[sp++] = vars[code[pc + 1]]; pc += 2; break;
      case STORE: vars[code[pc + 1]] = stack[--sp]; pc += 2; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; pc++; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; pc++; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; pc++; break;
      case MOD: sp--; stack[sp - 1] %= stack[sp]; pc++; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; pc++; break;
      case LE: sp--; stack[sp - 1] = stack[sp - 1] <= stack[sp]; pc++; break;
      case JZ: pc = stack[--sp] == 0 ? code[pc + 1] : pc + 2; break;
      case JMP: pc = code[pc + 1]; break;
      case INC: vars[code[pc + 1]]++; pc += 2; break;
      case HALT: return (int32_t)steps;
      default: return -1;
    }
  }
}

int main(int argc, char **argv) {
  long n = bench_size(argc, argv, 500000);  // count the primes below this
  int32_t vars[5] = {(int32_t)n, 0, 0, 0, 0};
  bench_start();
  int32_t steps = run(program, vars);
  bench_end();
  printf("interp size=%ld\nprimes below %ld: %d (%d bytecode steps)\n", n, n, vars[3], steps);
  return 0;
}
