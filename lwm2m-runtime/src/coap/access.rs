//! Typed option accessors shared by the borrowed and the owned message.

use super::block::BlockValue;
use super::decode::MessageRef;
use super::option::{OptionIter, RawOption, decode_uint, length_ok, number};

/// Typed read access to the options of a message.
///
/// Values whose length is outside the RFC bounds are treated as absent (RFC 7252 §5.4.3; for
/// critical options [`MessageRef::unrecognized_critical`] reports them).
pub trait ReadOptions {
    /// All options in ascending number order.
    fn raw_options(&self) -> impl Iterator<Item = RawOption<'_>>;

    /// The values of every occurrence of option `number`.
    fn option_values(&self, number: u16) -> impl Iterator<Item = &[u8]> {
        self.raw_options()
            .filter(move |o| o.number == number && length_ok(number, o.value.len()))
            .map(|o| o.value)
    }

    /// The first value of option `number`.
    fn option(&self, number: u16) -> Option<&[u8]> {
        self.option_values(number).next()
    }

    /// Whether option `number` is present.
    fn has_option(&self, number: u16) -> bool {
        self.option(number).is_some()
    }

    /// The first value of option `number` read as an unsigned integer.
    fn uint_option(&self, number: u16) -> Option<u32> {
        self.option(number).and_then(|v| decode_uint(v, 4))
    }

    /// Observe (RFC 7641): 0 register, 1 deregister, or a notification sequence number.
    fn observe(&self) -> Option<u32> {
        self.uint_option(number::OBSERVE)
    }

    /// Block1 (RFC 7959), if present and valid.
    fn block1(&self) -> Option<BlockValue> {
        self.option(number::BLOCK1)
            .and_then(|v| BlockValue::decode(v).ok())
    }

    /// Block2 (RFC 7959), if present and valid.
    fn block2(&self) -> Option<BlockValue> {
        self.option(number::BLOCK2)
            .and_then(|v| BlockValue::decode(v).ok())
    }

    /// Content-Format.
    fn content_format(&self) -> Option<u16> {
        self.uint_option(number::CONTENT_FORMAT).map(|v| v as u16)
    }

    /// Accept.
    fn accept(&self) -> Option<u16> {
        self.uint_option(number::ACCEPT).map(|v| v as u16)
    }

    /// Max-Age in seconds (default 60 when absent, RFC 7252 §5.10.5).
    fn max_age(&self) -> u32 {
        self.uint_option(number::MAX_AGE).unwrap_or(60)
    }

    /// Size1 (RFC 7959 §4).
    fn size1(&self) -> Option<u32> {
        self.uint_option(number::SIZE1)
    }

    /// Size2 (RFC 7959 §4).
    fn size2(&self) -> Option<u32> {
        self.uint_option(number::SIZE2)
    }

    /// ETag.
    fn etag(&self) -> Option<&[u8]> {
        self.option(number::ETAG)
    }

    /// If-Match values.
    fn if_match(&self) -> impl Iterator<Item = &[u8]> {
        self.option_values(number::IF_MATCH)
    }

    /// Whether If-None-Match is present.
    fn if_none_match(&self) -> bool {
        self.has_option(number::IF_NONE_MATCH)
    }

    /// Uri-Host, if present and UTF-8.
    fn uri_host(&self) -> Option<&str> {
        self.option(number::URI_HOST)
            .and_then(|v| core::str::from_utf8(v).ok())
    }

    /// Uri-Port.
    fn uri_port(&self) -> Option<u16> {
        self.uint_option(number::URI_PORT).map(|v| v as u16)
    }

    /// Uri-Path segments (segments that are not UTF-8 are skipped).
    fn uri_path(&self) -> impl Iterator<Item = &str> {
        self.option_values(number::URI_PATH)
            .filter_map(|v| core::str::from_utf8(v).ok())
    }

    /// Uri-Query arguments.
    fn uri_query(&self) -> impl Iterator<Item = &str> {
        self.option_values(number::URI_QUERY)
            .filter_map(|v| core::str::from_utf8(v).ok())
    }

    /// Location-Path segments.
    fn location_path(&self) -> impl Iterator<Item = &str> {
        self.option_values(number::LOCATION_PATH)
            .filter_map(|v| core::str::from_utf8(v).ok())
    }
}

impl ReadOptions for MessageRef<'_> {
    fn raw_options(&self) -> impl Iterator<Item = RawOption<'_>> {
        let it: OptionIter<'_> = self.options();
        it
    }
}
