//! Money: owns [`MoneyColumn`], the per-column decision on how a column's amounts read (decimal mark and
//! scale), [`Money`], what one cell reads as, and the reading of a number's separators that
//! [`super::parse_number`] shares.
//!
//! Forms read: `1234.5`, `$1,234.56`, `USD 1,234.56`, `1.234,56 €`, `1 234,56` (thousands separated by a
//! space, a no-break space U+00A0, a narrow no-break space U+202F, a thin space U+2009 or an apostrophe
//! `1'234.50`), Indian groups `12,34,567.89`, negatives `-1,234.00`, `-$5`, `$-5`, `(1,234)`, `($1,234)`.
//!
//! The decimal mark is decided per column. A value proves its mark when it holds both marks (the last one
//! is the decimal mark: `1.234,56`), repeats one (`1.234.567` groups thousands with dots, so its decimal
//! mark is a comma), or has a single mark not followed by exactly three digits (`12,5`, `12.50`), led by a
//! zero (`0,125`), by more than three digits (`1234,567`) or by space-grouped digits (`1 234,567`).
//! Otherwise a single mark followed by three digits (`1,234`, `1.234`) is ambiguous and follows the column.

use serde::{Deserialize, Serialize};

use super::{Evidence, Tally, ValueError, choose, count, is_blank, quoted};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecimalMark {
    /// `1,234.56`
    Dot,
    /// `1.234,56`
    Comma,
}

impl DecimalMark {
    fn char(self) -> char {
        match self {
            DecimalMark::Dot => '.',
            DecimalMark::Comma => ',',
        }
    }

    fn other(self) -> DecimalMark {
        match self {
            DecimalMark::Dot => DecimalMark::Comma,
            DecimalMark::Comma => DecimalMark::Dot,
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            DecimalMark::Dot => "a dot decimal mark (1,234.56)",
            DecimalMark::Comma => "a comma decimal mark (1.234,56)",
        }
    }
}

/// What a column's numbers count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scale {
    /// Currency units: `123.45` is 12345 cents.
    Units,
    /// Whole cents (Close.com's `value`): `12345` is 12345 cents.
    Cents,
}

/// How a column's amounts read: decided from all its values by [`MoneyColumn::decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyColumn {
    pub decimal: DecimalMark,
    pub decided_by: Evidence,
    /// Values that can only be read with a dot decimal mark.
    pub dot_values: usize,
    /// Values that can only be read with a comma decimal mark.
    pub comma_values: usize,
    /// `Units` unless the caller knows the column holds whole cents.
    pub scale: Scale,
}

/// One cell read as an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Exact hundredths of the currency unit, rounded half away from zero when the value has more decimals.
    pub amount_cents: i64,
    /// An ISO 4217 code (`USD`, `EUR`, `BRL`) when the text names one — a code, or a symbol that means one
    /// currency (`€`, `£`, `R$`, `S/`, `COL$`, `MX$`, `CA$`, `A$`, `₹`). Symbols that several currencies use
    /// come back as written, so the caller can state its assumption: `$` (USD, CAD, MXN, …), `¥` (JPY or
    /// CNY) and `kr` (SEK, NOK, DKK, ISK). `None` when the text names no currency.
    pub currency: Option<String>,
    /// Digits beyond cents were dropped (`0.125` reads as 13 cents).
    pub rounded: bool,
}

/// A money column's decision in the making: its values are fed a slice at a time ([`MoneyDecider::feed`], in
/// column order) and [`MoneyDecider::conclude`] gives the same [`MoneyColumn`] as [`MoneyColumn::decide`]
/// over all of them.
#[derive(Debug, Clone, Default)]
pub struct MoneyDecider {
    dot: Tally,
    comma: Tally,
    /// A value whose single mark reads two ways (`1,234`).
    ambiguous: bool,
    /// Values fed so far: the next value's 0-based row index.
    fed: usize,
}

impl MoneyDecider {
    /// Values fed so far.
    pub fn fed(&self) -> usize {
        self.fed
    }

    /// Takes the column's next values into account.
    pub fn feed<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) {
        for value in values {
            let row_index = self.fed;
            self.fed += 1;
            let text = value.trim();
            let Ok(parts) = parts(text) else { continue };
            match hint(parts.core) {
                Some(Hint::Proves(mark)) if split_number(parts.core, mark).is_ok() => match mark {
                    DecimalMark::Dot => self.dot.add(row_index, text),
                    DecimalMark::Comma => self.comma.add(row_index, text),
                },
                Some(Hint::Ambiguous) => self.ambiguous = true,
                _ => {}
            }
        }
    }

    /// The decision from every value fed; `convention` as for [`MoneyColumn::decide`].
    pub fn conclude(&self, convention: DecimalMark) -> MoneyColumn {
        let (decimal, decided_by) = choose(
            [
                (DecimalMark::Dot, &self.dot),
                (DecimalMark::Comma, &self.comma),
            ],
            convention,
            self.ambiguous,
        );
        MoneyColumn {
            decimal,
            decided_by,
            dot_values: self.dot.count,
            comma_values: self.comma.count,
            scale: Scale::Units,
        }
    }
}

impl MoneyColumn {
    /// Decides from every value of a column; `convention` is the decimal mark used when no value decides it
    /// (and on a tie). The mark more values prove wins; values proving the other mark then read as errors
    /// that name the deciding row. Evidence row indices are 0-based positions in `values`: see
    /// [`MoneyColumn::with_row_numbers`]. The same as feeding every value to one [`MoneyDecider`].
    pub fn decide<'a>(
        values: impl IntoIterator<Item = &'a str>,
        convention: DecimalMark,
    ) -> MoneyColumn {
        let mut decider = MoneyDecider::default();
        decider.feed(values);
        decider.conclude(convention)
    }

    /// The same column with the decimal mark chosen by the user.
    pub fn with_decimal(self, decimal: DecimalMark) -> MoneyColumn {
        MoneyColumn {
            decimal,
            decided_by: Evidence::User,
            ..self
        }
    }

    /// The same column counting `scale`: the caller's choice (a CRM field known to hold whole cents).
    pub fn with_scale(self, scale: Scale) -> MoneyColumn {
        MoneyColumn { scale, ..self }
    }

    /// The same column with its evidence naming spreadsheet rows: `row_of` maps a 0-based position in the
    /// values given to `decide` to the row number sentences and reasons print.
    pub fn with_row_numbers(mut self, row_of: impl Fn(usize) -> u64) -> MoneyColumn {
        self.decided_by.renumber(row_of);
        self
    }

    /// One sentence for the import report, e.g. "'Amount' is read with a comma decimal mark (1.234,56): row
    /// 3 holds '1.234,56 €'".
    pub fn sentence(&self, column: &str) -> String {
        let mut sentence = match &self.decided_by {
            Evidence::Unambiguous => format!(
                "'{column}' needs no decimal mark decision: no value has a dot or a comma that reads two ways"
            ),
            evidence => format!(
                "'{column}' is read with {}{}",
                self.decimal.label(),
                evidence.stated()
            ),
        };
        if self.decided_by == Evidence::Convention {
            sentence.push_str(match self.decimal {
                DecimalMark::Dot => ", so 1,234 reads as 1234 and 1.234 as 1.234",
                DecimalMark::Comma => ", so 1.234 reads as 1234 and 1,234 as 1.234",
            });
        }
        let contradicting = match self.decimal {
            DecimalMark::Dot => self.comma_values,
            DecimalMark::Comma => self.dot_values,
        };
        if contradicting > 0 {
            let verb = if contradicting == 1 {
                "contradicts"
            } else {
                "contradict"
            };
            sentence.push_str(&format!(
                "; {} written with {} {verb} it and cannot be read",
                count(contradicting, "value"),
                self.decimal.other().label()
            ));
        }
        if self.scale == Scale::Cents {
            sentence.push_str("; its numbers are whole cents (12345 is 123.45)");
        }
        sentence
    }

    /// Reads one cell: `Ok(None)` when blank.
    pub fn parse(&self, value: &str) -> Result<Option<Money>, ValueError> {
        let text = value.trim();
        if is_blank(text) {
            return Ok(None);
        }
        let error = |reason: &str| {
            ValueError::new(format!(
                "cannot read {} as an amount: {reason}",
                quoted(text)
            ))
        };
        let parts = parts(text).map_err(|reason| error(&reason))?;
        let (whole, fraction) = split_number(parts.core, self.decimal).map_err(|problem| match problem {
            NumberProblem::Malformed(reason) => error(reason),
            NumberProblem::Contradicts(written) => ValueError::new(format!(
                "cannot read {} as an amount in this column: it is read with {}{}, and this value is written \
                 with {}",
                quoted(text),
                self.decimal.label(),
                self.decided_by.because(),
                written.label()
            )),
        })?;
        let (cents, rounded) = to_cents(&whole, fraction, self.scale)
            .ok_or_else(|| error("it is too large (amounts up to ±90 quadrillion are read)"))?;
        Ok(Some(Money {
            amount_cents: if parts.negative { -cents } else { cents },
            currency: parts.currency,
            rounded,
        }))
    }
}

const AMOUNT_FORMS: &str = "write it like 1234.56, 1,234.56, 1.234,56 or 1 234,56, with an optional currency \
                            code or symbol (USD, €, R$) and a minus sign or parentheses for a negative amount";

/// An amount's text split around its number.
struct Parts<'a> {
    /// From the first digit to the last.
    core: &'a str,
    negative: bool,
    currency: Option<String>,
}

fn parts(text: &str) -> Result<Parts<'_>, String> {
    let first = text.find(|c: char| c.is_ascii_digit());
    let last = text.rfind(|c: char| c.is_ascii_digit());
    let (Some(first), Some(last)) = (first, last) else {
        return Err(AMOUNT_FORMS.into());
    };
    let (Some(prefix), Some(core), Some(suffix)) = (
        text.get(..first),
        text.get(first..=last),
        text.get(last + 1..),
    ) else {
        return Err(AMOUNT_FORMS.into());
    };
    if suffix.contains(['-', '−']) {
        return Err("a minus sign goes before the number".into());
    }
    if prefix.contains('(') != suffix.contains(')') {
        return Err("its parentheses do not match".into());
    }
    let negative = prefix.contains(['-', '−', '(']);
    let before = currency(prefix.replace(['-', '−', '+', '('], "").trim())?;
    let after = currency(suffix.replace(')', "").trim())?;
    let currency = match (before, after) {
        (Some(before), Some(after)) if before != after => {
            return Err(format!("it names two currencies, {before} and {after}"));
        }
        (before, after) => before.or(after),
    };
    Ok(Parts {
        core,
        negative,
        currency,
    })
}

/// Currency symbols, lowercase, and what they return.
const SYMBOLS: &[(&str, &str)] = &[
    ("$", "$"),
    ("us$", "USD"),
    ("r$", "BRL"),
    ("s/", "PEN"),
    ("s/.", "PEN"),
    ("col$", "COP"),
    ("mx$", "MXN"),
    ("ca$", "CAD"),
    ("a$", "AUD"),
    ("au$", "AUD"),
    ("nz$", "NZD"),
    ("hk$", "HKD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "¥"),
    ("jp¥", "JPY"),
    ("cn¥", "CNY"),
    ("₹", "INR"),
    ("kr", "kr"),
    ("kr.", "kr"),
    ("₩", "KRW"),
    ("₽", "RUB"),
    ("zł", "PLN"),
    ("₺", "TRY"),
    ("₪", "ILS"),
];

/// Currency names as CRMs and spreadsheets write them (English, Spanish, Portuguese, French, German,
/// Italian, Dutch), folded (lower case, no accents) and without spaces or punctuation, and their codes. A
/// bare "dollar" is as ambiguous as "$" and returns "$".
const NAMES: &[(&str, &str)] = &[
    ("usdollar", "USD"),
    ("usdollars", "USD"),
    ("unitedstatesdollar", "USD"),
    ("unitedstatesdollars", "USD"),
    ("americandollar", "USD"),
    ("dolarestadounidense", "USD"),
    ("dolaresestadounidenses", "USD"),
    ("dolaramericano", "USD"),
    ("dolaresamericanos", "USD"),
    ("dolarnorteamericano", "USD"),
    ("dolardoseuaestadosunidos", "USD"),
    ("dolardoseua", "USD"),
    ("dolaresdoseua", "USD"),
    ("dollaramericain", "USD"),
    ("dollarsamericains", "USD"),
    ("dollardesetatsunis", "USD"),
    ("dollarostatunitense", "USD"),
    ("dollaroamericano", "USD"),
    ("dollarodeglistatiuniti", "USD"),
    ("amerikaansedollar", "USD"),
    ("amerikanischerdollar", "USD"),
    ("dollar", "$"),
    ("dollars", "$"),
    ("dolar", "$"),
    ("dolares", "$"),
    ("euro", "EUR"),
    ("euros", "EUR"),
    ("poundsterling", "GBP"),
    ("poundssterling", "GBP"),
    ("britishpound", "GBP"),
    ("britishpounds", "GBP"),
    ("sterling", "GBP"),
    ("libraesterlina", "GBP"),
    ("librasesterlinas", "GBP"),
    ("livresterling", "GBP"),
    ("livressterling", "GBP"),
    ("pfundsterling", "GBP"),
    ("britischespfund", "GBP"),
    ("sterlinabritannica", "GBP"),
    ("sterlina", "GBP"),
    ("britsepond", "GBP"),
    ("pondsterling", "GBP"),
    ("pesomexicano", "MXN"),
    ("pesosmexicanos", "MXN"),
    ("mexicanpeso", "MXN"),
    ("mexicanpesos", "MXN"),
    ("realbrasileno", "BRL"),
    ("realbrasileiro", "BRL"),
    ("reaisbrasileiros", "BRL"),
    ("brazilianreal", "BRL"),
    ("brazilianreais", "BRL"),
    ("reais", "BRL"),
    ("canadiandollar", "CAD"),
    ("canadiandollars", "CAD"),
    ("dolarcanadiense", "CAD"),
    ("dollarcanadien", "CAD"),
    ("kanadischerdollar", "CAD"),
    ("dollarocanadese", "CAD"),
    ("canadesedollar", "CAD"),
    ("australiandollar", "AUD"),
    ("australiandollars", "AUD"),
    ("dolaraustraliano", "AUD"),
    ("dollaraustralien", "AUD"),
    ("australischerdollar", "AUD"),
    ("newzealanddollar", "NZD"),
    ("hongkongdollar", "HKD"),
    ("singaporedollar", "SGD"),
    ("japaneseyen", "JPY"),
    ("yenjapones", "JPY"),
    ("yenjaponais", "JPY"),
    ("japanischeryen", "JPY"),
    ("yengiapponese", "JPY"),
    ("swissfranc", "CHF"),
    ("swissfrancs", "CHF"),
    ("francosuizo", "CHF"),
    ("francsuisse", "CHF"),
    ("francssuisses", "CHF"),
    ("schweizerfranken", "CHF"),
    ("francosvizzero", "CHF"),
    ("zwitsersefrank", "CHF"),
    ("chineseyuan", "CNY"),
    ("renminbi", "CNY"),
    ("yuanrenminbi", "CNY"),
    ("yuanchino", "CNY"),
    ("indianrupee", "INR"),
    ("indianrupees", "INR"),
    ("rupiaindia", "INR"),
    ("pesocolombiano", "COP"),
    ("pesoscolombianos", "COP"),
    ("colombianpeso", "COP"),
    ("pesochileno", "CLP"),
    ("pesoschilenos", "CLP"),
    ("chileanpeso", "CLP"),
    ("pesoargentino", "ARS"),
    ("pesosargentinos", "ARS"),
    ("argentinepeso", "ARS"),
    ("solperuano", "PEN"),
    ("solesperuanos", "PEN"),
    ("nuevosol", "PEN"),
    ("peruviansol", "PEN"),
    ("swedishkrona", "SEK"),
    ("coronasueca", "SEK"),
    ("schwedischekrone", "SEK"),
    ("norwegiankrone", "NOK"),
    ("coronanoruega", "NOK"),
    ("norwegischekrone", "NOK"),
    ("danishkrone", "DKK"),
    ("coronadanesa", "DKK"),
    ("danischekrone", "DKK"),
    ("polishzloty", "PLN"),
    ("zloty", "PLN"),
    ("zlotypolaco", "PLN"),
    ("southafricanrand", "ZAR"),
    ("southkoreanwon", "KRW"),
];

/// A currency name's key in [`NAMES`]: folded, letters and digits only.
fn name_key(text: &str) -> String {
    crate::engine::model::words::fold(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// What a currency column's cell (or the currency beside an amount) names: an ISO code (upper-cased), a
/// symbol, or a name in one of the languages of [`NAMES`]; `None` for an empty cell. Symbols and names that
/// do not say which dollar (`$`, "dollars") return "$"; `¥` and `kr` return themselves.
pub fn currency_code(text: &str) -> Result<Option<String>, String> {
    currency(text.trim())
}

/// A currency code (any three letters, upper-cased), symbol or name; `None` for nothing.
fn currency(token: &str) -> Result<Option<String>, String> {
    if token.is_empty() {
        return Ok(None);
    }
    let lower = token.to_lowercase();
    if let Some((_, code)) = SYMBOLS.iter().find(|(symbol, _)| *symbol == lower) {
        return Ok(Some(code.to_string()));
    }
    let key = name_key(token);
    if let Some((_, code)) = NAMES.iter().find(|(name, _)| *name == key) {
        return Ok(Some(code.to_string()));
    }
    if token.len() == 3 && token.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Ok(Some(token.to_ascii_uppercase()));
    }
    Err(format!(
        "{} is not a currency code, symbol or name pipelens knows (write a code like USD or EUR, a symbol like $, €, £ or R$, or a name like US Dollar or Euro)",
        quoted(token)
    ))
}

/// Thousands separators that are never a decimal mark.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '’')
}

/// What a number's own separators say about its decimal mark (rules in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    NoMark,
    Ambiguous,
    Proves(DecimalMark),
}

/// `None` unless `core` is digits and single separators, starting and ending with a digit.
fn hint(core: &str) -> Option<Hint> {
    let mut after_digit = false;
    for c in core.chars() {
        let digit = c.is_ascii_digit();
        if !digit && (!after_digit || !(c == '.' || c == ',' || is_group_space(c))) {
            return None;
        }
        after_digit = digit;
    }
    if !after_digit {
        return None;
    }
    let Some(at) = core.rfind(['.', ',']) else {
        return Some(Hint::NoMark);
    };
    let mark = if core.get(at..)?.starts_with('.') {
        DecimalMark::Dot
    } else {
        DecimalMark::Comma
    };
    let (dots, commas) = (core.matches('.').count(), core.matches(',').count());
    if dots > 0 && commas > 0 {
        return Some(Hint::Proves(mark));
    }
    if dots + commas > 1 {
        return Some(Hint::Proves(mark.other()));
    }
    let (lead, after) = (core.get(..at)?, core.get(at + 1..)?);
    let like_thousands = after.len() == 3
        && lead.len() <= 3
        && !lead.starts_with('0')
        && !lead.contains(is_group_space);
    Some(if like_thousands {
        Hint::Ambiguous
    } else {
        Hint::Proves(mark)
    })
}

/// Why a number's text does not read with a decimal mark.
pub(super) enum NumberProblem {
    /// Not a number: the reason says what is valid.
    Malformed(&'static str),
    /// The text can only be read with this other decimal mark.
    Contradicts(DecimalMark),
}

/// The digits before (thousands separators dropped) and after the decimal mark of a number's text, which
/// must start and end with a digit.
pub(super) fn split_number(
    core: &str,
    decimal: DecimalMark,
) -> Result<(String, &str), NumberProblem> {
    let hint = hint(core).ok_or(NumberProblem::Malformed(AMOUNT_FORMS))?;
    if let Hint::Proves(proved) = hint
        && proved != decimal
    {
        return Err(NumberProblem::Contradicts(proved));
    }
    let (whole, fraction) = match core.rfind(decimal.char()) {
        Some(at) => (
            core.get(..at).unwrap_or_default(),
            core.get(at + 1..).unwrap_or_default(),
        ),
        None => (core, ""),
    };
    if whole.contains(decimal.char()) {
        return Err(NumberProblem::Malformed("it has two decimal marks"));
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberProblem::Malformed(
            "digits after the decimal mark cannot be grouped",
        ));
    }
    let thousands = decimal.other().char();
    let groups: Vec<&str> = whole
        .split(|c: char| c == thousands || is_group_space(c))
        .collect();
    if let [first, middle @ .., last] = groups.as_slice() {
        let grouped = (1..=3).contains(&first.len())
            && last.len() == 3
            && middle.iter().all(|group| (2..=3).contains(&group.len()));
        if !grouped {
            return Err(NumberProblem::Malformed(
                "thousands groups must have three digits, like 1,234,567",
            ));
        }
    }
    Ok((
        whole.chars().filter(char::is_ascii_digit).collect(),
        fraction,
    ))
}

/// `whole.fraction` as exact hundredths (for [`Scale::Cents`], as whole units), rounded half away from zero
/// by the first dropped digit; whether any non-zero digit was dropped. `None` when it does not fit an `i64`.
fn to_cents(whole: &str, fraction: &str, scale: Scale) -> Option<(i64, bool)> {
    let kept = match scale {
        Scale::Units => 2,
        Scale::Cents => 0,
    };
    let kept_fraction = fraction.chars().chain(std::iter::repeat('0')).take(kept);
    let mut cents: i64 = 0;
    for digit in whole.chars().chain(kept_fraction) {
        cents = cents
            .checked_mul(10)?
            .checked_add(i64::from(digit.to_digit(10)?))?;
    }
    let dropped = fraction.get(kept..).unwrap_or_default();
    if dropped.starts_with(['5', '6', '7', '8', '9']) {
        cents = cents.checked_add(1)?;
    }
    Some((cents, dropped.bytes().any(|b| b != b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalMark::{Comma, Dot};

    fn amount(amount_cents: i64, currency: Option<&str>) -> Option<Money> {
        Some(Money {
            amount_cents,
            currency: currency.map(str::to_string),
            rounded: false,
        })
    }

    fn rounded(amount_cents: i64) -> Option<Money> {
        Some(Money {
            amount_cents,
            currency: None,
            rounded: true,
        })
    }

    fn check(column: &MoneyColumn, cases: &[(&str, Result<Option<Money>, &str>)]) {
        for (input, expected) in cases {
            let got = column.parse(input);
            match (expected, &got) {
                (Ok(want), Ok(got)) => assert_eq!(got, want, "{input:?}"),
                (Err(fragment), Err(error)) => {
                    assert!(
                        error.reason.contains(fragment),
                        "{input:?}: {:?} lacks {fragment:?}",
                        error.reason
                    )
                }
                _ => panic!("{input:?}: expected {expected:?}, got {got:?}"),
            }
        }
    }

    #[rustfmt::skip]
    #[test]
    fn reads_amounts_in_a_dot_decimal_column() {
        let column = MoneyColumn::decide(["1,234.56"], Comma);
        assert_eq!(column.decimal, Dot);
        check(&column, &[
            ("1234.5", Ok(amount(123_450, None))),
            ("1234", Ok(amount(123_400, None))),
            ("$1,234.56", Ok(amount(123_456, Some("$")))),
            ("USD 1,234.56", Ok(amount(123_456, Some("USD")))),
            ("1,234.56 usd", Ok(amount(123_456, Some("USD")))),
            ("eur1,234.56", Ok(amount(123_456, Some("EUR")))),
            ("USD 5 usd", Ok(amount(500, Some("USD")))),
            ("(1,234)", Ok(amount(-123_400, None))),
            ("($1,234.56)", Ok(amount(-123_456, Some("$")))),
            ("-1,234.00", Ok(amount(-123_400, None))),
            ("−1,234.00", Ok(amount(-123_400, None))),
            ("-$1,234.56", Ok(amount(-123_456, Some("$")))),
            ("$-1,234.56", Ok(amount(-123_456, Some("$")))),
            ("+12", Ok(amount(1_200, None))),
            ("1,234", Ok(amount(123_400, None))),
            ("1,234,567", Ok(amount(123_456_700, None))),
            ("1.234", Ok(rounded(123))),
            ("0.125", Ok(rounded(13))),
            ("-0.125", Ok(rounded(-13))),
            ("0.124999", Ok(rounded(12))),
            ("0.1200", Ok(amount(12, None))),
            ("1,234,567.891", Ok(rounded(123_456_789))),
            ("12.5", Ok(amount(1_250, None))),
            ("1 234.56", Ok(amount(123_456, None))),
            ("CHF 1'234.50", Ok(amount(123_450, Some("CHF")))),
            ("₹12,34,567.89", Ok(amount(123_456_789, Some("INR")))),
            ("€1,234.56", Ok(amount(123_456, Some("EUR")))),
            ("£5", Ok(amount(500, Some("GBP")))),
            ("¥500", Ok(amount(50_000, Some("¥")))),
            ("US$ 5", Ok(amount(500, Some("USD")))),
            ("A$10", Ok(amount(1_000, Some("AUD")))),
            ("CA$10", Ok(amount(1_000, Some("CAD")))),
            ("MX$ 10", Ok(amount(1_000, Some("MXN")))),
            ("COL$ 10", Ok(amount(1_000, Some("COP")))),
            ("S/ 10.50", Ok(amount(1_050, Some("PEN")))),
            ("S/. 10.50", Ok(amount(1_050, Some("PEN")))),
            ("92233720368547758.07", Ok(amount(i64::MAX, None))),
            ("", Ok(None)),
            ("   ", Ok(None)),
            ("-", Ok(None)),
            ("—", Ok(None)),
            ("n/a", Ok(None)),
            ("N/A", Ok(None)),
            ("1.234,56 €", Err("it is read with a dot decimal mark (1,234.56) because row 1 holds '1,234.56', and this value is written with a comma decimal mark")),
            ("12,5", Err("written with a comma decimal mark")),
            ("1.234.567", Err("written with a comma decimal mark")),
            ("abc", Err("write it like 1234.56")),
            ("$", Err("write it like 1234.56")),
            ("12..5", Err("write it like")),
            ("1.5E+6", Err("write it like")),
            ("12 34", Err("thousands groups must have three digits")),
            ("1,2,345.00", Err("thousands groups must have three digits")),
            ("1,234.5.6", Err("two decimal marks")),
            ("(12", Err("parentheses do not match")),
            ("1,234-", Err("a minus sign goes before the number")),
            ("12 abcd", Err("'abcd' is not a currency code, symbol or name")),
            ("USD 5 EUR", Err("it names two currencies, USD and EUR")),
            ("92233720368547758.08", Err("it is too large")),
            ("99999999999999999999999999", Err("it is too large")),
        ]);
    }

    #[rustfmt::skip]
    #[test]
    fn reads_amounts_in_a_comma_decimal_column() {
        let column = MoneyColumn::decide(["1.234,56 €"], Dot);
        assert_eq!(column.decimal, Comma);
        check(&column, &[
            ("1.234,56 €", Ok(amount(123_456, Some("EUR")))),
            ("1 234,56", Ok(amount(123_456, None))),
            ("1\u{a0}234,56", Ok(amount(123_456, None))),
            ("1\u{202f}234,56", Ok(amount(123_456, None))),
            ("1\u{2009}234\u{2009}567,89 EUR", Ok(amount(123_456_789, Some("EUR")))),
            ("R$ 1.234,56", Ok(amount(123_456, Some("BRL")))),
            ("-R$ 1.234,56", Ok(amount(-123_456, Some("BRL")))),
            ("(1.234,56 €)", Ok(amount(-123_456, Some("EUR")))),
            ("12,5", Ok(amount(1_250, None))),
            ("1,234", Ok(rounded(123))),
            ("1.234", Ok(amount(123_400, None))),
            ("1.234.567", Ok(amount(123_456_700, None))),
            ("1 234,56 kr", Ok(amount(123_456, Some("kr")))),
            ("1,234.56", Err("it is read with a comma decimal mark (1.234,56) because row 1 holds '1.234,56 €', and this value is written with a dot decimal mark")),
            ("12.50", Err("written with a dot decimal mark")),
            ("1.234,5 6", Err("digits after the decimal mark cannot be grouped")),
        ]);
    }

    #[rustfmt::skip]
    #[test]
    fn each_form_decides_the_decimal_mark() {
        let cases: &[(&[&str], DecimalMark, DecimalMark, Evidence)] = &[
            (&["1.234,56"], Dot, Comma, Evidence::Value { row_index: 0, row: 1, value: "1.234,56".into() }),
            (&["", "12,5"], Dot, Comma, Evidence::Value { row_index: 1, row: 2, value: "12,5".into() }),
            (&["0,125"], Dot, Comma, Evidence::Value { row_index: 0, row: 1, value: "0,125".into() }),
            (&["1 234,567"], Dot, Comma, Evidence::Value { row_index: 0, row: 1, value: "1 234,567".into() }),
            (&["1.234.567"], Dot, Comma, Evidence::Value { row_index: 0, row: 1, value: "1.234.567".into() }),
            (&["1,234.56"], Comma, Dot, Evidence::Value { row_index: 0, row: 1, value: "1,234.56".into() }),
            (&["12.5"], Comma, Dot, Evidence::Value { row_index: 0, row: 1, value: "12.5".into() }),
            (&["1,234,567"], Comma, Dot, Evidence::Value { row_index: 0, row: 1, value: "1,234,567".into() }),
            (&["1234.567"], Comma, Dot, Evidence::Value { row_index: 0, row: 1, value: "1234.567".into() }),
            (&["1,234", "1.234"], Dot, Dot, Evidence::Convention),
            (&["1,234", "1.234"], Comma, Comma, Evidence::Convention),
            (&["12", "$5", "-", "abc"], Comma, Comma, Evidence::Unambiguous),
            (&[], Dot, Dot, Evidence::Unambiguous),
            (&["12,5", "12.5"], Comma, Comma, Evidence::Value { row_index: 0, row: 1, value: "12,5".into() }),
            (&["12,5", "12.5", "1.5"], Comma, Dot, Evidence::Value { row_index: 1, row: 2, value: "12.5".into() }),
            (&["1,234.5.6", "1,5"], Dot, Comma, Evidence::Value { row_index: 1, row: 2, value: "1,5".into() }),
        ];
        for (values, convention, decimal, evidence) in cases {
            let column = MoneyColumn::decide(values.iter().copied(), *convention);
            assert_eq!((column.decimal, &column.decided_by), (*decimal, evidence), "{values:?}");
        }
    }

    #[test]
    fn sentences_and_reversal() {
        let column = MoneyColumn::decide(["1.234,56 €", "12,5", "1,234.00"], Dot);
        assert_eq!(
            column.sentence("Amount"),
            "'Amount' is read with a comma decimal mark (1.234,56): row 1 holds '1.234,56 €'; 1 value written \
             with a dot decimal mark (1,234.56) contradicts it and cannot be read"
        );
        let renumbered = column.clone().with_row_numbers(|i| i as u64 + 5);
        assert!(renumbered.sentence("Amount").contains("row 5 holds"));
        let by_user = column.with_decimal(Dot);
        assert_eq!(by_user.parse("1,234.00"), Ok(amount(123_400, None)));
        assert!(by_user.sentence("Amount").starts_with(
            "'Amount' is read with a dot decimal mark (1,234.56), as you chose; 2 values written with a comma"
        ));
        assert_eq!(
            MoneyColumn::decide(["1,234"], Dot).sentence("Amount"),
            "'Amount' is read with a dot decimal mark (1,234.56), the source's usual convention: no value \
             decided it, so 1,234 reads as 1234 and 1.234 as 1.234"
        );
        assert_eq!(
            MoneyColumn::decide(["12"], Dot).sentence("Amount"),
            "'Amount' needs no decimal mark decision: no value has a dot or a comma that reads two ways"
        );
    }

    #[rustfmt::skip]
    #[test]
    fn a_cents_column_reads_its_numbers_as_cents() {
        let column = MoneyColumn::decide(["12345", "1,000"], Dot).with_scale(Scale::Cents);
        assert!(column.sentence("value").ends_with("; its numbers are whole cents (12345 is 123.45)"));
        check(&column, &[
            ("12345", Ok(amount(12_345, None))),
            ("12,345", Ok(amount(12_345, None))),
            ("-500", Ok(amount(-500, None))),
            ("123.45", Ok(rounded(123))),
            ("123.5", Ok(rounded(124))),
            ("9223372036854775807", Ok(amount(i64::MAX, None))),
        ]);
    }

    #[test]
    fn currency_columns_read_codes_symbols_and_names() {
        for (text, want) in [
            ("usd", Some("USD")),
            (" EUR ", Some("EUR")),
            ("US Dollar", Some("USD")),
            ("U.S. Dollars", Some("USD")),
            ("US-Dollar", Some("USD")),
            ("Dólar estadounidense", Some("USD")),
            ("Euro", Some("EUR")),
            ("Pound Sterling", Some("GBP")),
            ("Livre sterling", Some("GBP")),
            ("Peso Mexicano", Some("MXN")),
            ("Real brasileño", Some("BRL")),
            ("Real brasileiro", Some("BRL")),
            ("Schweizer Franken", Some("CHF")),
            ("R$", Some("BRL")),
            ("US$", Some("USD")),
            ("MX$", Some("MXN")),
            ("£", Some("GBP")),
            ("$", Some("$")),
            ("dollars", Some("$")),
            ("", None),
        ] {
            assert_eq!(currency_code(text).unwrap().as_deref(), want, "{text:?}");
        }
        let e = currency_code("Kryptodollar").unwrap_err();
        assert!(e.contains("'Kryptodollar'"), "{e}");
    }
}
