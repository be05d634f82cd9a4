//! The record ids the CRMs would give: 18-character Salesforce ids with their case-safe suffix.

pub(super) const BASE62: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// An 18-character Salesforce id: key prefix, an instance, a base-62 number, and the case-safe suffix.
pub(super) fn salesforce_id(prefix: &str, n: u64) -> String {
    let mut id = [b'0'; 18];
    for (slot, b) in id.iter_mut().zip(prefix.bytes().chain(*b"8a00001")) {
        *slot = b;
    }
    let mut rest = n;
    for i in (10..15).rev() {
        if let Some(slot) = id.get_mut(i) {
            *slot = BASE62.get((rest % 62) as usize).copied().unwrap_or(b'0');
        }
        rest /= 62;
    }
    for chunk in 0..3 {
        let mut flags = 0usize;
        for i in 0..5 {
            if id.get(chunk * 5 + i).is_some_and(u8::is_ascii_uppercase) {
                flags |= 1 << i;
            }
        }
        if let Some(slot) = id.get_mut(15 + chunk) {
            *slot = CASE_SAFE.get(flags).copied().unwrap_or(b'A');
        }
    }
    String::from_utf8_lossy(&id).into_owned()
}

pub(super) const CASE_SAFE: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The three characters that make a 15-character Salesforce id case-insensitive.
#[cfg(test)]
pub(super) fn case_suffix(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let flags = chunk
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_uppercase())
                .fold(0usize, |f, (i, _)| f | (1 << i));
            CASE_SAFE.get(flags).map_or('A', |c| *c as char)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_ids_carry_their_case_safe_suffix() {
        // A real id from a Salesforce export: 0068a00001JMUl0 + AAH.
        assert_eq!(case_suffix("0068a00001JMUl0"), "AAH");
        let id = salesforce_id("006", 62u64.pow(4) + 12_345);
        assert_eq!(id.len(), 18);
        assert!(id.starts_with("0068a00001"));
        assert_eq!(&id[15..], case_suffix(&id[..15]));
    }
}
