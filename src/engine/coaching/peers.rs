//! Who a rep is compared with: the other reps of the same team and role when there are at least
//! [`MIN_PEERS`] of them, else of the same team, else every other rep — and the peer median of a value.
//! Ramping reps are nobody's peers. The group and its size are part of every answer; peers are never
//! named in it.

use crate::engine::metrics::prepared::RepMetrics;
use crate::engine::model::{RepIx, SalesModel};

use super::report::Peers;

/// The fewest peers a narrower group needs before it is used.
pub const MIN_PEERS: usize = 3;

/// The peers of each rep of `reps` (indices into `reps`), with the basis in words. Reps marked in
/// `ramping` are nobody's peers (their early numbers would pull the medians down).
pub fn groups(
    model: &SalesModel,
    reps: &[RepMetrics],
    ramping: &[bool],
) -> Vec<(Vec<usize>, Peers)> {
    let info = |r: &RepMetrics| {
        r.rep_ix
            .and_then(|ix: RepIx| model.reps.get(ix as usize))
            .map(|rep| (rep.team.clone(), rep.role.clone()))
            .unwrap_or((r.team.clone(), None))
    };
    let facts: Vec<(Option<String>, Option<String>)> = reps.iter().map(info).collect();
    (0..reps.len())
        .map(|i| {
            let others: Vec<usize> = (0..reps.len())
                .filter(|&j| {
                    j != i && reps[j].rep_ix.is_some() && !ramping.get(j).copied().unwrap_or(false)
                })
                .collect();
            let (team, role) = &facts[i];
            let same = |j: &usize, role_too: bool| {
                team.is_some()
                    && facts[*j].0 == *team
                    && (!role_too || (role.is_some() && facts[*j].1 == *role))
            };
            let by_role: Vec<usize> = others.iter().copied().filter(|j| same(j, true)).collect();
            let by_team: Vec<usize> = others.iter().copied().filter(|j| same(j, false)).collect();
            let (group, basis) = if by_role.len() >= MIN_PEERS {
                let basis = format!(
                    "same team and role ({}, {})",
                    team.clone().unwrap_or_default(),
                    role.clone().unwrap_or_default()
                );
                (by_role, basis)
            } else if by_team.len() >= MIN_PEERS {
                let basis = format!("same team ({})", team.clone().unwrap_or_default());
                (by_team, basis)
            } else {
                (others, "the rest of the team".to_owned())
            };
            let size = group.len() as u64;
            (group, Peers { basis, size })
        })
        .collect()
}

/// The median of the values given (the mean of the two middle ones when their number is even).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}
