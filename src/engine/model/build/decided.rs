//! A file's column decisions once concluded, by column: what the steps that feed a file's values to its
//! deciders (`decide`) leave in the build context for the file's reader to start with. Plain data, before
//! the user's answers and spreadsheet row numbers apply.

use std::collections::HashMap;

use crate::engine::model::values::dates::DateColumn;
use crate::engine::model::values::money::MoneyColumn;
use crate::engine::model::values::scalars::ProbabilityColumn;

/// A file's concluded column decisions, keyed by column index.
#[derive(Debug, Default)]
pub(super) struct Decided {
    pub(super) dates: HashMap<usize, DateColumn>,
    pub(super) money: HashMap<usize, MoneyColumn>,
    pub(super) probabilities: HashMap<usize, ProbabilityColumn>,
}
