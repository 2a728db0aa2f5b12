//! Passwords (argon2id) and opaque tokens (sessions, API tokens, reset links).
//!
//! Tokens are 256-bit random values; only their SHA-256 digest is stored, so a database leak does
//! not hand out live sessions. Passwords use argon2id with the crate's default (OWASP) parameters.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hash a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters does not fail")
        .to_string()
}

/// Verify a password against a stored PHC string; a malformed hash never verifies.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash used to keep the timing of "unknown user" equal to "wrong password".
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("simpul-timing-equaliser"));
    let _ = verify_password(password, phc);
}

/// A fresh random token, hex encoded, with a readable prefix (`smp_` for API tokens, ...).
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// The digest under which a token is stored.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison for tokens that are compared directly (CSRF).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_secret() {
        let phc = hash_password("correct horse battery");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("wrong horse battery", &phc));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let a = new_token("smp_");
        let b = new_token("smp_");
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(token_digest(&a), token_digest(&a));
        assert_ne!(token_digest(&a), token_digest(&b));
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &b));
    }
}

/// Encrypts personal data fields (NIK) at rest with AES-256-GCM, and computes a keyed digest
/// (HMAC-SHA256) so equal values can be found without decrypting. Both keys derive from one
/// installation secret (`--secret-key` or the data directory's `secret.key`); every instance of
/// one site must share it.
#[derive(Clone)]
pub struct FieldCipher {
    enc: [u8; 32],
    mac: [u8; 32],
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCipher(..)")
    }
}

impl FieldCipher {
    pub fn from_secret(secret: &[u8]) -> FieldCipher {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update(label);
            h.update(secret);
            h.finalize().into()
        };
        FieldCipher {
            enc: derive(b"simpul-field-encryption-v1"),
            mac: derive(b"simpul-field-digest-v1"),
        }
    }

    /// `base64(nonce || ciphertext)`.
    pub fn encrypt(&self, plaintext: &str) -> String {
        use aes_gcm::aead::{Aead, KeyInit};
        use base64::Engine;
        let cipher = aes_gcm::Aes256Gcm::new((&self.enc).into());
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt((&nonce).into(), plaintext.as_bytes())
            .expect("AES-GCM encryption of a short field does not fail");
        let mut out = nonce.to_vec();
        out.extend(ct);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// `None` when the text was not produced by this key (or was tampered with).
    pub fn decrypt(&self, sealed: &str) -> Option<String> {
        use aes_gcm::aead::{Aead, KeyInit};
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let cipher = aes_gcm::Aes256Gcm::new((&self.enc).into());
        let plain = cipher.decrypt(bytes[..12].into(), &bytes[12..]).ok()?;
        String::from_utf8(plain).ok()
    }

    pub fn digest(&self, value: &str) -> String {
        use hmac::Mac;
        let mut mac =
            hmac::Hmac::<Sha256>::new_from_slice(&self.mac).expect("HMAC takes any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod cipher_tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_resist_tampering() {
        let c = FieldCipher::from_secret(b"installation secret");
        let sealed = c.encrypt("3514104507900001");
        assert_ne!(
            sealed,
            c.encrypt("3514104507900001"),
            "fresh nonce each time"
        );
        assert_eq!(c.decrypt(&sealed).as_deref(), Some("3514104507900001"));
        let other = FieldCipher::from_secret(b"another secret");
        assert_eq!(other.decrypt(&sealed), None);
        let mut bytes = sealed.into_bytes();
        bytes[20] = if bytes[20] == b'A' { b'B' } else { b'A' };
        assert_eq!(c.decrypt(&String::from_utf8(bytes).unwrap()), None);
        assert_eq!(c.digest("x"), c.digest("x"));
        assert_ne!(c.digest("x"), other.digest("x"));
    }
}
