//! Randomness as an input: message ID seeds, tokens and retransmission jitter.

/// A source of random numbers injected into the endpoint.
///
/// Tokens should be hard to guess on unsecured transports (RFC 7252 §5.3.1): seed
/// [`SeededRandom`] from the operating system, or implement this trait over a CSPRNG.
pub trait RandomSource {
    /// The next 32 random bits.
    fn next_u32(&mut self) -> u32;

    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(4) {
            let r = self.next_u32().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
    }
}

/// A small deterministic generator (SplitMix64): reproducible tests, or OS-seeded in drivers.
#[derive(Debug, Clone)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// A generator from a 64-bit seed.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl RandomSource for SeededRandom {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}
