//! Credentials: pre-shared keys by identity, and the LwM2M endpoint name bound to each.

use std::collections::HashMap;
use std::fmt;
use std::sync::RwLock;

use crate::security::Identity;

/// A pre-shared key. Its `Debug` never shows the bytes; they are wiped when it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct PskKey(zeroize::Zeroizing<Vec<u8>>);

impl PskKey {
    /// A key from its bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        PskKey(zeroize::Zeroizing::new(bytes.into()))
    }

    /// A key from hexadecimal text (`-k` of libcoap takes the raw bytes; LwM2M tools show hex).
    pub fn from_hex(hex: &str) -> Result<Self, KeyError> {
        let hex = hex.trim();
        if hex.len() % 2 != 0 {
            return Err(KeyError::OddLength(hex.len()));
        }
        let digit = |i: usize| {
            let c = hex.as_bytes()[i];
            (c as char)
                .to_digit(16)
                .map(|d| d as u8)
                .ok_or(KeyError::NotHex { at: i })
        };
        (0..hex.len() / 2)
            .map(|i| Ok(digit(2 * i)? << 4 | digit(2 * i + 1)?))
            .collect::<Result<Vec<u8>, _>>()
            .map(PskKey::new)
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for PskKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PskKey(<{} bytes redacted>)", self.0.len())
    }
}

/// A key that did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Hexadecimal text of odd length.
    #[error("hex key has an odd number of digits ({0})")]
    OddLength(usize),
    /// A character that is not a hex digit.
    #[error("hex key has a non-hex character at offset {at}")]
    NotHex {
        /// Byte offset in the text.
        at: usize,
    },
}

/// Where a DTLS server finds credentials. Shared by the handshakes (hence `&self`, `Sync`).
pub trait SecurityStore: Send + Sync + 'static {
    /// The pre-shared key for a PSK identity; `None` fails the handshake.
    fn psk(&self, identity: &[u8]) -> Option<PskKey>;
    /// The LwM2M endpoint name an authenticated credential may register as. The in-memory store
    /// binds a certificate to its subject CN.
    fn endpoint(&self, identity: &Identity) -> Option<String>;
}

#[derive(Clone)]
struct Entry {
    key: PskKey,
    endpoint: String,
}

/// An in-memory [`SecurityStore`]: PSK identity → (key, endpoint name). Entries can be added and
/// removed while servers use it (through an `Arc`).
#[derive(Default)]
pub struct InMemorySecurityStore {
    entries: RwLock<HashMap<Vec<u8>, Entry>>,
}

impl fmt::Debug for InMemorySecurityStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemorySecurityStore")
            .field("identities", &self.len())
            .finish_non_exhaustive()
    }
}

impl InMemorySecurityStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) `identity` with `key`, bound to the LwM2M `endpoint` name.
    pub fn add_psk(&self, identity: impl Into<Vec<u8>>, key: PskKey, endpoint: impl Into<String>) {
        let entry = Entry {
            key,
            endpoint: endpoint.into(),
        };
        self.write().insert(identity.into(), entry);
    }

    /// Builder form of [`InMemorySecurityStore::add_psk`].
    pub fn with_psk(
        self,
        identity: impl Into<Vec<u8>>,
        key: PskKey,
        endpoint: impl Into<String>,
    ) -> Self {
        self.add_psk(identity, key, endpoint);
        self
    }

    /// Removes `identity`; established sessions stay until they end.
    pub fn remove(&self, identity: &[u8]) -> bool {
        self.write().remove(identity).is_some()
    }

    /// How many identities.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// No identity at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Vec<u8>, Entry>> {
        // A panic while holding the lock cannot leave a map half-written: recover it.
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<Vec<u8>, Entry>> {
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecurityStore for InMemorySecurityStore {
    fn psk(&self, identity: &[u8]) -> Option<PskKey> {
        self.read().get(identity).map(|e| e.key.clone())
    }

    fn endpoint(&self, identity: &Identity) -> Option<String> {
        match identity {
            Identity::Psk(id) => self.read().get(id.as_slice()).map(|e| e.endpoint.clone()),
            // LwM2M: a client certificate's subject CN is the endpoint client name.
            Identity::Certificate { common_name, .. } => common_name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_print() {
        let key = PskKey::from_hex("73656372657431").unwrap();
        assert_eq!(key.as_bytes(), b"secret1");
        let store = InMemorySecurityStore::new().with_psk("dev-1", key.clone(), "ep-1");
        for text in [format!("{key:?}"), format!("{store:?}")] {
            assert!(!text.contains("secret") && !text.contains("7365"), "{text}");
        }
        assert_eq!(
            store.endpoint(&Identity::Psk(b"dev-1".to_vec())).as_deref(),
            Some("ep-1")
        );
        assert_eq!(store.psk(b"dev-2"), None);
    }

    #[test]
    fn hex_errors_say_where() {
        assert_eq!(PskKey::from_hex("abc"), Err(KeyError::OddLength(3)));
        assert_eq!(PskKey::from_hex("a0zz"), Err(KeyError::NotHex { at: 2 }));
    }
}
