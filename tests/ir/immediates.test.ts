// Number formats of Cranelift's writer and reader (immediates.rs), checked value by value.
import test from 'ava';
import fc from 'fast-check';
import {
  formatConstantData,
  formatFloat,
  formatImm64,
  formatOffset32,
  formatUimm,
  IEEE16,
  IEEE32,
  IEEE64,
  IEEE128,
  parseConstantData,
  parseFloat,
  parseI64,
  parseOffset32,
  parseU64,
} from '../../src/ir/immediates.js';

test('Imm64: decimal below 10000 and for negatives, else grouped hex', (t) => {
  t.is(formatImm64(0n), '0');
  t.is(formatImm64(9999n), '9999');
  t.is(formatImm64(10000n), '0x2710');
  t.is(formatImm64(0x1_0000n), '0x0001_0000');
  t.is(formatImm64(-1n), '-1');
  t.is(formatImm64(-10000n), '-10000');
  t.is(formatImm64(0x7fff_ffff_ffff_ffffn), '0x7fff_ffff_ffff_ffff');
  t.is(formatUimm(0xffff_ffff_ffff_ffffn), '0xffff_ffff_ffff_ffff');
  t.is(formatUimm(42), '42');
});

test('Imm64 parsing: range-and-a-half, underscores, errors', (t) => {
  t.is(parseI64('18446744073709551615'), -1n);
  t.is(parseI64('-9223372036854775808'), -(2n ** 63n));
  t.is(parseI64('0xffff_ffff'), 0xffff_ffffn);
  t.is(parseI64('1_000'), 1000n);
  t.is(parseI64('-0x10'), -16n);
  t.is(parseU64('-0x10'), 'Invalid character in hexadecimal number');
  t.is(parseI64('18446744073709551616'), 'Too large decimal number');
  t.is(parseI64('0x1_0000_0000_0000_0000'), 'Too many hexadecimal digits');
  t.is(parseI64('-9223372036854775809'), 'Negative number too small');
  t.is(parseI64(''), 'No digits in number');
});

test('Offset32: signed, empty for zero, in range', (t) => {
  t.is(formatOffset32(0), '');
  t.is(formatOffset32(8), '+8');
  t.is(formatOffset32(-72), '-72');
  t.is(formatOffset32(-0x1_0000), '-0x0001_0000');
  t.is(parseOffset32('8'), 'Offset must begin with sign');
  t.is(parseOffset32('+0x7fff_ffff'), 0x7fff_ffff);
  t.is(parseOffset32('+0x8000_0000'), 'Offset out of range');
});

test('floats: Cranelift hex forms, signed specials, NaN payloads', (t) => {
  t.is(formatFloat(0x3fc0_0000n, IEEE32), '0x1.800000p0');
  t.is(formatFloat(0x8000_0000n, IEEE32), '-0.0');
  t.is(formatFloat(0x7f80_0000n, IEEE32), '+Inf');
  t.is(formatFloat(0x7fc0_0000n, IEEE32), '+NaN');
  t.is(formatFloat(0x7fc0_0001n, IEEE32), '+NaN:0x1');
  t.is(formatFloat(0xff80_0003n, IEEE32), '-sNaN:0x3');
  t.is(formatFloat(0x0000_0001n, IEEE32), '0x0.000002p-126');
  t.is(formatFloat(0x4000_0000_0000_0000n, IEEE64), '0x1.0000000000000p1');
  t.is(formatFloat(0x3c00n, IEEE16), '0x1.000p0');
  t.is(parseFloat('1.5', IEEE32), 'Float must be hexadecimal');
  t.is(parseFloat('0x1.0p128', IEEE32), 'Magnitude too large');
  t.is(parseFloat('sNaN:0x0', IEEE32), 'Invalid sNaN payload');
  t.is(parseFloat('0x1.0p-149', IEEE32), 1n);
  t.is(parseFloat('0x1.0p-150', IEEE32), 'Magnitude too small');
});

test('property: float format and parse are inverse for every bit pattern', (t) => {
  for (const format of [IEEE16, IEEE32, IEEE64, IEEE128]) {
    const width = 1 + format.w + format.t;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << BigInt(width)) - 1n }), (bits) => parseFloat(formatFloat(bits, format), format) === bits),
      { numRuns: 500 },
    );
  }
  t.pass();
});

test('constant data: big-endian hex of little-endian bytes', (t) => {
  t.is(formatConstantData([3, 2, 1, 0, 0]), '0x0000010203');
  t.deepEqual(parseConstantData('0x000102'), [2, 1, 0]);
  t.is(parseConstantData('0x123'), 'Hexadecimal string must have an even number of digits');
  t.is(formatConstantData([]), '');
});
