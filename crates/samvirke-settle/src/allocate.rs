//! Largest-remainder allocation: split a total of minor units over weights so that the parts sum
//! exactly to the total, and say which member got which extra unit and why.
//!
//! For a total C and weights w_m with W = Σ w: base_m = ⌊C·w_m / W⌋; the leftover L = C − Σ base_m
//! goes one unit each to the L members with the largest remainder C·w_m mod W, ties to the member that
//! comes first (the caller orders members by id, so ties go to the lower id). All products are
//! 128-bit, so no input in range can overflow.

/// Why an allocation cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// The weights sum to zero but there is something to allocate.
    #[error(
        "the weights sum to zero, so {total} cannot be split; at least one member needs a weight above zero"
    )]
    ZeroWeight {
        /// The total that could not be split.
        total: u64,
    },
    /// No members.
    #[error("there are no members to split {total} over")]
    NoMembers {
        /// The total.
        total: u64,
    },
}

/// One member's part and how it came about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    /// The member's weight.
    pub weight: u64,
    /// ⌊C·w / W⌋.
    pub base: u64,
    /// C·w mod W: what decides the extra unit.
    pub remainder: u128,
    /// Whether this member got one of the leftover units.
    pub extra: bool,
    /// Position when members are ordered by remainder (largest first, ties by id); 1-based.
    pub rank: u32,
    /// base + extra.
    pub amount: u64,
}

/// The result: one share per member, in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// The total split.
    pub total: u64,
    /// Σ weights.
    pub total_weight: u128,
    /// The units left after the bases, given out by remainder.
    pub leftover: u64,
    /// Per member, in input order.
    pub shares: Vec<Share>,
}

/// Splits `total` over `weights` (members in id order). See the module docs for the rule.
pub fn allocate(total: u64, weights: &[u64]) -> Result<Allocation, AllocationError> {
    if weights.is_empty() {
        return Err(AllocationError::NoMembers { total });
    }
    let total_weight: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if total_weight == 0 {
        if total == 0 {
            let shares = weights
                .iter()
                .enumerate()
                .map(|(i, _)| Share {
                    weight: 0,
                    base: 0,
                    remainder: 0,
                    extra: false,
                    rank: i as u32 + 1,
                    amount: 0,
                })
                .collect();
            return Ok(Allocation {
                total,
                total_weight,
                leftover: 0,
                shares,
            });
        }
        return Err(AllocationError::ZeroWeight { total });
    }
    let c = u128::from(total);
    let mut shares: Vec<Share> = weights
        .iter()
        .map(|w| {
            let product = c * u128::from(*w);
            // ⌊C·w/W⌋ ≤ C, so it fits in u64.
            let base = (product / total_weight) as u64;
            Share {
                weight: *w,
                base,
                remainder: product % total_weight,
                extra: false,
                rank: 0,
                amount: base,
            }
        })
        .collect();
    let base_sum: u64 = shares.iter().map(|s| s.base).sum();
    let leftover = total - base_sum;
    // Ranked by remainder, largest first, ties to the earlier payer.
    let mut order: Vec<(u128, usize)> = shares
        .iter()
        .enumerate()
        .map(|(idx, share)| (share.remainder, idx))
        .collect();
    order.sort_by(|(ra, a), (rb, b)| rb.cmp(ra).then(a.cmp(b)));
    let mut rank_of = vec![0usize; shares.len()];
    for (position, (_, idx)) in order.iter().enumerate() {
        if let Some(rank) = rank_of.get_mut(*idx) {
            *rank = position;
        }
    }
    for (share, position) in shares.iter_mut().zip(rank_of) {
        share.rank = position as u32 + 1;
        if (position as u64) < leftover {
            share.extra = true;
            share.amount += 1;
        }
    }
    let allocation = Allocation {
        total,
        total_weight,
        leftover,
        shares,
    };
    debug_assert_eq!(
        allocation.shares.iter().map(|s| s.amount).sum::<u64>(),
        total
    );
    Ok(allocation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn amounts(total: u64, weights: &[u64]) -> Vec<u64> {
        allocate(total, weights)
            .unwrap()
            .shares
            .iter()
            .map(|s| s.amount)
            .collect()
    }

    #[test]
    fn hand_checked_examples() {
        // 100 øre over three equal weights: 33 each, the leftover øre to the first (lowest id).
        assert_eq!(amounts(100, &[1, 1, 1]), [34, 33, 33]);
        // 1000 over 1:2 → 333.33 and 666.67: the second has the larger remainder.
        assert_eq!(amounts(1000, &[1, 2]), [333, 667]);
        // A member with zero weight gets nothing.
        assert_eq!(amounts(10, &[0, 3, 0, 7]), [0, 3, 0, 7]);
        // One member pays everything (Dragør–Tårnby § 3.2).
        assert_eq!(amounts(123_456_789, &[1]), [123_456_789]);
        let a = allocate(100, &[1, 1, 1]).unwrap();
        assert_eq!(a.leftover, 1);
        assert!(a.shares[0].extra && !a.shares[1].extra);
        assert_eq!(a.shares[0].remainder, 1);
        assert_eq!(
            allocate(5, &[0, 0]),
            Err(AllocationError::ZeroWeight { total: 5 })
        );
        assert_eq!(amounts(0, &[0, 0]), [0, 0]);
    }

    #[test]
    fn extreme_values_cannot_overflow() {
        let a = amounts(u64::MAX, &[u64::MAX, u64::MAX, 1]);
        assert_eq!(
            a.iter().map(|x| u128::from(*x)).sum::<u128>(),
            u128::from(u64::MAX)
        );
    }

    proptest! {
        #[test]
        fn parts_sum_to_the_total(total in 0u64..u64::MAX / 2, weights in proptest::collection::vec(0u64..1_000_000_000, 1..40)) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let a = allocate(total, &weights).unwrap();
            prop_assert_eq!(a.shares.iter().map(|s| s.amount).sum::<u64>(), total);
            for s in &a.shares {
                prop_assert!(s.amount == s.base || s.amount == s.base + 1);
            }
        }

        #[test]
        fn order_of_rows_does_not_matter(total in 0u64..10_000_000, weights in proptest::collection::vec(1u64..1000, 1..20), seed in any::<u64>()) {
            // Members carry their id; the caller sorts by id before allocating, so any input order
            // gives the same parts per id.
            let mut members: Vec<(usize, u64)> = weights.iter().copied().enumerate().collect();
            let k = members.len();
            for i in (1..k).rev() {
                members.swap(i, (seed as usize).wrapping_mul(i + 7) % (i + 1));
            }
            members.sort_by_key(|m| m.0);
            let shuffled: Vec<u64> = members.iter().map(|m| m.1).collect();
            prop_assert_eq!(amounts(total, &shuffled), amounts(total, &weights));
        }

        #[test]
        fn more_weight_never_gets_less(total in 0u64..10_000_000, weights in proptest::collection::vec(0u64..1000, 2..20)) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let a = amounts(total, &weights);
            for i in 0..weights.len() {
                for j in 0..weights.len() {
                    if weights[i] > weights[j] {
                        prop_assert!(a[i] >= a[j], "{:?} {:?}", weights, a);
                    }
                }
            }
        }

        #[test]
        fn moving_one_unit_of_weight_moves_a_bounded_amount(total in 0u64..10_000_000, weights in proptest::collection::vec(1u64..1000, 2..20), from in any::<proptest::sample::Index>(), to in any::<proptest::sample::Index>()) {
            let (i, j) = (from.index(weights.len()), to.index(weights.len()));
            prop_assume!(i != j);
            let before = amounts(total, &weights);
            let mut moved = weights.clone();
            moved[i] -= 1;
            moved[j] += 1;
            let after = amounts(total, &moved);
            // Σ w is unchanged, so each exact share moves by at most C/W; rounding adds at most one unit.
            let w: u64 = weights.iter().sum();
            let bound = total.div_ceil(w) + 1;
            for k in 0..weights.len() {
                prop_assert!(before[k].abs_diff(after[k]) <= bound, "member {k}: {} → {}, bound {bound}", before[k], after[k]);
            }
        }
    }
}
