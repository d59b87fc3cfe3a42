//! Lowercase hexadecimal text of bytes, for what is made on every request: a token's hash as
//! it is looked up, the trace and span ids of the processing log. (The `hex` crate's
//! `encode` goes through an iterator of `char`s, several times slower; the result is the
//! same.)

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lowercase hexadecimal text.
pub fn lower_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_lower_hex(&mut out, bytes);
    out
}

/// Appends `bytes` as lowercase hexadecimal text to `out`.
pub fn push_lower_hex(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_as_the_hex_crate() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(lower_hex(&all), hex::encode(&all));
        assert_eq!(lower_hex(&[]), "");
        let mut out = "00-".to_owned();
        push_lower_hex(&mut out, &[0xab, 0x01]);
        assert_eq!(out, "00-ab01");
    }
}
