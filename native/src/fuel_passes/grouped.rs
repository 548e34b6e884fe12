//! Items grouped by a dense key (a block, a point), each group in the order its items came, all
//! in one array: for the tables a pass builds once per function and reads by key, where a list
//! per key would cost an allocation for each of thousands of keys.

pub struct Grouped<T> {
    /// The items of key k are `items[start[k]..start[k + 1]]`.
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Grouped<T> {
    /// `pairs` (key, item) with keys below `keys`, grouped by key; a counting sort, so each
    /// group keeps the order of `pairs`.
    pub fn new(keys: usize, pairs: &[(usize, T)]) -> Self {
        let mut start = vec![0u32; keys + 1];
        for &(k, _) in pairs {
            start[k + 1] += 1;
        }
        for k in 0..keys {
            start[k + 1] += start[k];
        }
        // Where each pair goes, then the items in that order.
        let mut next = start.clone();
        let mut order = vec![0usize; pairs.len()];
        for (j, &(k, _)) in pairs.iter().enumerate() {
            order[next[k] as usize] = j;
            next[k] += 1;
        }
        let items = order.iter().map(|&j| pairs[j].1).collect();
        Grouped { start, items }
    }

    /// The items of key `k` (none for a key out of range).
    pub fn of(&self, k: usize) -> &[T] {
        match (self.start.get(k), self.start.get(k + 1)) {
            (Some(&a), Some(&z)) => &self.items[a as usize..z as usize],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Grouped;

    #[test]
    fn each_group_keeps_its_items_in_order() {
        let pairs = [(2, 'a'), (0, 'b'), (2, 'c'), (3, 'd'), (0, 'e'), (2, 'f')];
        let grouped = Grouped::new(5, &pairs);
        assert_eq!(grouped.of(0), ['b', 'e']);
        assert_eq!(grouped.of(1), [] as [char; 0]);
        assert_eq!(grouped.of(2), ['a', 'c', 'f']);
        assert_eq!(grouped.of(3), ['d']);
        assert_eq!(grouped.of(4), [] as [char; 0]);
        assert_eq!(grouped.of(9), [] as [char; 0]);
        assert_eq!(Grouped::<u8>::new(0, &[]).of(0), [] as [u8; 0]);
    }
}
