//! The arithmetic of a counted loop's trip count (src/passes/fuel/counted/trip-count.ts): the
//! step as a power of two, and the largest iteration count the versioning guard accepts so that
//! n × c never overflows the 64-bit counter arithmetic.

use super::find::sign_extend;

/// t when `step`, read as a `width`-bit signed integer, is ±2^t; None otherwise (0 included).
pub fn step_shift(step: i64, width: u32) -> Option<u32> {
    let s = sign_extend(step, width);
    if s == 0 {
        return None;
    }
    let mask: u128 = if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    let a = s.unsigned_abs() & mask;
    if a == 0 || a & (a - 1) != 0 {
        return None;
    }
    Some(a.trailing_zeros())
}

/// The largest `m = n − 1` the guard accepts for a per-iteration charge `charge` (> 0): with
/// `m < limit`, `n × charge <= 2^62`, so neither the prepaid amount nor the comparison
/// overflows (nor `m × charge + top` with `top <= charge`).
pub fn prepay_limit(charge: i128) -> i128 {
    (1i128 << 62) / charge.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_powers_of_two_at_the_width() {
        assert_eq!(step_shift(1, 32), Some(0));
        assert_eq!(step_shift(-1, 32), Some(0));
        assert_eq!(step_shift(8, 64), Some(3));
        assert_eq!(step_shift(-16, 64), Some(4));
        assert_eq!(step_shift(0xffff_fffc, 32), Some(2)); // -4 as an i32 immediate
        assert_eq!(step_shift(i64::MIN, 64), Some(63));
        assert_eq!(step_shift(0x8000_0000, 32), Some(31));
        assert_eq!(step_shift(3, 32), None);
        assert_eq!(step_shift(0, 32), None);
        assert_eq!(step_shift(1 << 32, 32), None);
    }

    #[test]
    fn the_limit_keeps_n_times_c_within_2_to_62() {
        assert_eq!(prepay_limit(1), 1 << 62);
        assert_eq!(prepay_limit(3), (1 << 62) / 3);
        let c = 12_345i128;
        assert!((prepay_limit(c)) * c <= 1 << 62);
    }
}
