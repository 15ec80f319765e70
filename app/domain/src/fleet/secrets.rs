//! Secrets handed to clients — enrollment tokens and worker credentials — and how they are
//! kept: `<prefix><8 hex id>_<48 hex secret>`, the id in clear (to find the row), the
//! secret only as HMAC-SHA256 under the server's pepper, compared in constant time.

use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The server-side key of the HMAC. A database dump alone cannot check a guess.
#[derive(Clone)]
pub struct Pepper(SecretSlice<u8>);

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pepper(…)")
    }
}

impl Pepper {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(SecretSlice::from(bytes))
    }

    /// Hex HMAC-SHA256 of a secret.
    pub fn digest(&self, secret: &str) -> String {
        hex::encode(self.mac(secret).finalize().into_bytes())
    }

    /// Whether `secret` hashes to `stored_hex`, in time independent of where they differ.
    pub fn verify(&self, secret: &str, stored_hex: &str) -> bool {
        let Ok(stored) = hex::decode(stored_hex) else {
            return false;
        };
        let computed = self.mac(secret).finalize().into_bytes();
        bool::from(computed.as_slice().ct_eq(stored.as_slice()))
    }

    fn mac(&self, secret: &str) -> Hmac<Sha256> {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose_secret())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        mac.update(secret.as_bytes());
        mac
    }
}

/// A freshly minted secret: show `text` once, store `id` and `digest`.
pub struct Minted {
    pub id: String,
    pub text: String,
    pub digest: String,
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0_u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Mints `<prefix><8 hex>_<48 hex>`.
pub fn mint(prefix: &str, pepper: &Pepper) -> Minted {
    let id = random_hex(4);
    let secret = random_hex(24);
    Minted {
        text: format!("{prefix}{id}_{secret}"),
        digest: pepper.digest(&secret),
        id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use edge_protocol::api::{CREDENTIAL_PREFIX, SecretToken};

    #[test]
    fn a_minted_secret_verifies_only_under_the_same_pepper() {
        let pepper = Pepper::new(b"pepper".to_vec());
        let minted = mint(CREDENTIAL_PREFIX, &pepper);
        let parsed = SecretToken::parse(CREDENTIAL_PREFIX, &minted.text).expect("well formed");
        assert_eq!(parsed.id, minted.id);
        assert!(pepper.verify(parsed.secret, &minted.digest));
        assert!(!Pepper::new(b"other".to_vec()).verify(parsed.secret, &minted.digest));
        assert!(!pepper.verify("0".repeat(48).as_str(), &minted.digest));
        assert!(!pepper.verify(parsed.secret, "not hex"));
    }
}
