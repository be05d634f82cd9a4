//! Money: every amount in one home currency, at rates the user supplies (a table of currency → rate,
//! optionally dated, so a deal converts at the rate of its close). Amounts that cannot be converted are
//! counted per currency and left out of sums, which are then marked incomplete — never guessed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many home-currency units one unit of `currency` is worth, from `from` on (or always).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub currency: String,
    pub rate: f64,
    #[serde(default)]
    pub from: Option<NaiveDate>,
}

/// The home currency and the rates into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    pub home_currency: String,
    #[serde(default)]
    pub rates: Vec<Rate>,
}

impl Default for Money {
    fn default() -> Self {
        Money {
            home_currency: "USD".to_owned(),
            rates: Vec::new(),
        }
    }
}

/// Amounts left out of sums because no rate converts them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Unconverted {
    pub currency: String,
    pub deals: u64,
    /// In hundredths of `currency`.
    pub amount_cents: i64,
}

impl Unconverted {
    /// The amount in whole units of `currency` (with its hundredths as the fraction).
    pub fn amount_in_currency(&self) -> f64 {
        self.amount_cents as f64 / 100.0
    }
}

impl Money {
    /// The deal's amount in home-currency hundredths, rounded half away from zero; `None` when its currency
    /// has no rate. An empty currency is the home currency (the report says so).
    pub fn to_home(&self, amount_cents: i64, currency: &str, on: Option<NaiveDate>) -> Option<i64> {
        let currency = currency.trim();
        if currency.is_empty() || currency.eq_ignore_ascii_case(&self.home_currency) {
            return Some(amount_cents);
        }
        let rate = self
            .rates
            .iter()
            .filter(|r| r.currency.eq_ignore_ascii_case(currency))
            .filter(|r| match (r.from, on) {
                (Some(from), Some(day)) => from <= day,
                (Some(_), None) => false,
                (None, _) => true,
            })
            .max_by_key(|r| r.from)?;
        let converted = amount_cents as f64 * rate.rate;
        converted.is_finite().then(|| converted.round() as i64)
    }

    /// Reads a rates file: `currency,rate[,from]` per line (a header line is allowed), where `rate` is the
    /// value of one unit of the currency in the home currency and `from` an optional ISO date from which
    /// the rate applies.
    pub fn parse_rates(text: &str) -> Result<Vec<Rate>, String> {
        let mut rates = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Semicolons or tabs when the line has them (then a comma can be a decimal mark), else commas.
            let separator = if line.contains('\t') {
                '\t'
            } else if line.contains(';') {
                ';'
            } else {
                ','
            };
            let cells: Vec<&str> = line.split(separator).map(str::trim).collect();
            let (Some(currency), Some(rate)) = (cells.first(), cells.get(1)) else {
                return Err(format!(
                    "line {}: a rate line is currency,rate[,from date], not '{line}'",
                    i + 1
                ));
            };
            let Ok(value) = rate.replace(',', ".").parse::<f64>() else {
                if i == 0 {
                    continue; // a header
                }
                return Err(format!(
                    "line {}: '{rate}' is not a rate; write it as a number like 0.054",
                    i + 1
                ));
            };
            if !(value.is_finite() && value > 0.0) {
                return Err(format!(
                    "line {}: a rate must be a positive number, not '{rate}'",
                    i + 1
                ));
            }
            let from = match cells.get(2).filter(|c| !c.is_empty()) {
                None => None,
                Some(text) => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    format!("line {}: '{text}' is not a date like 2026-01-31", i + 1)
                })?),
            };
            rates.push(Rate {
                currency: currency.to_uppercase(),
                rate: value,
                from,
            });
        }
        Ok(rates)
    }
}

/// Adds up amounts in the home currency, remembering what could not be converted.
#[derive(Debug, Clone, Default)]
pub struct Sum {
    pub home_cents: i64,
    pub unconverted: BTreeMap<String, Unconverted>,
}

impl Sum {
    pub fn add(&mut self, money: &Money, amount_cents: i64, currency: &str, on: Option<NaiveDate>) {
        match money.to_home(amount_cents, currency, on) {
            Some(home) => self.home_cents += home,
            None => {
                let entry = self
                    .unconverted
                    .entry(currency.to_uppercase())
                    .or_insert_with(|| Unconverted {
                        currency: currency.to_uppercase(),
                        ..Unconverted::default()
                    });
                entry.deals += 1;
                entry.amount_cents += amount_cents;
            }
        }
    }

    pub fn complete(&self) -> bool {
        self.unconverted.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_convert_at_the_rate_in_force_and_unknown_currencies_are_kept_apart() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day);
        let money = Money {
            home_currency: "USD".into(),
            rates: Money::parse_rates(
                "currency,rate,from\nMXN,0.05\nMXN,0.06,2026-03-01\nEUR;1,10\n",
            )
            .unwrap(),
        };
        assert_eq!(money.to_home(10000, "USD", None), Some(10000));
        assert_eq!(money.to_home(10000, "", None), Some(10000));
        assert_eq!(money.to_home(10000, "mxn", d(2, 1)), Some(500));
        assert_eq!(money.to_home(10000, "MXN", d(3, 2)), Some(600));
        assert_eq!(money.to_home(10000, "EUR", None), Some(11000));
        assert_eq!(money.to_home(10000, "COP", None), None);
        let mut sum = Sum::default();
        sum.add(&money, 10000, "USD", None);
        sum.add(&money, 5000, "COP", None);
        sum.add(&money, 2500, "COP", None);
        assert_eq!(sum.home_cents, 10000);
        assert!(!sum.complete());
        assert_eq!(sum.unconverted["COP"].deals, 2);
        assert!(Money::parse_rates("currency,rate\nEUR,abc\n").is_err());
        assert!(Money::parse_rates("EUR,-1\n").is_err());
    }
}
