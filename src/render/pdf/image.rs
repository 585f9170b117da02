//! Raster images (PNG or whatever printpdf can decode) as PDF image
//! XObjects, lossless: 8- or 16-bit samples, Flate-compressed, a soft mask
//! only when some pixel is not opaque.
//!
//! Decoding and compressing a screenshot costs more than laying out a whole
//! handout, and a batch puts the same few images into every handout, so the
//! encoded form is kept per process (keyed by a hash of the image bytes).

use std::sync::{Arc, Mutex};

use printpdf::{RawImage, RawImageData, RawImageFormat};

use super::deflate;
use super::file::Obj;

/// An image ready to be written: its stream dictionary entries and data,
/// and those of its soft mask.
pub(crate) struct Encoded {
    pub width: u32,
    pub height: u32,
    /// Stream dictionary entries except `/SMask`.
    dict: String,
    data: Vec<u8>,
    /// Alpha channel, if any pixel is not opaque.
    mask: Option<(String, Vec<u8>)>,
}

impl Encoded {
    /// The image objects for a file: the soft mask (if any) and the image,
    /// which refers to the mask by `mask_id` when one is returned.
    pub(crate) fn objects(&self, mask_id: impl FnOnce() -> u32) -> (Option<Obj>, Obj) {
        match &self.mask {
            Some((d, data)) => {
                let id = mask_id();
                let mask = Obj::Stream {
                    dict: d.clone(),
                    data: data.clone(),
                };
                let img = Obj::Stream {
                    dict: format!("{}/SMask {id} 0 R", self.dict),
                    data: self.data.clone(),
                };
                (Some(mask), img)
            }
            None => (
                None,
                Obj::Stream {
                    dict: self.dict.clone(),
                    data: self.data.clone(),
                },
            ),
        }
    }
}

type Cache = Vec<((u64, u64, usize), Arc<Encoded>)>;

static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
/// Distinct images kept encoded per process.
const CACHE_SIZE: usize = 32;

/// Encodes image file bytes (decoding them with printpdf), from the cache
/// when the same bytes were encoded before.
pub(crate) fn encode(bytes: &[u8]) -> Result<Arc<Encoded>, String> {
    let key = (
        fnv(bytes, 0xcbf2_9ce4_8422_2325),
        fnv(bytes, 0x8422_2325_cbf2_9ce4),
        bytes.len(),
    );
    // Held while encoding: the handouts of a parallel batch that all start
    // with the same screenshot wait for one encoding instead of each doing
    // their own.
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, e)) = cache.iter().find(|(k, _)| *k == key) {
        return Ok(e.clone());
    }
    let mut warnings = Vec::new();
    let raw = RawImage::decode_from_bytes(bytes, &mut warnings)?;
    let enc = Arc::new(from_raw(&raw)?);
    if cache.len() >= CACHE_SIZE {
        cache.remove(0);
    }
    cache.push((key, enc.clone()));
    Ok(enc)
}

/// 64-bit FNV-1a over 8-byte words (fast; for cache keys, not security).
fn fnv(data: &[u8], seed: u64) -> u64 {
    let mut h = seed;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ v).wrapping_mul(0x0100_0000_01b3);
        h ^= h >> 31;
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Splits decoded pixels into colour samples and alpha, at 8 or 16 bits.
fn from_raw(raw: &RawImage) -> Result<Encoded, String> {
    let (w, h) = (raw.width, raw.height);
    let n = w
        .checked_mul(h)
        .filter(|&n| n > 0)
        .ok_or("image has no pixels")?;
    use RawImageFormat as F;
    // (colour channel order within a pixel, alpha channel, channels per pixel)
    let (order, alpha, stride): (&[usize], Option<usize>, usize) = match raw.data_format {
        F::R8 | F::R16 => (&[0], None, 1),
        F::RG8 | F::RG16 => (&[0], Some(1), 2),
        F::RGB8 | F::RGB16 | F::RGBF32 => (&[0, 1, 2], None, 3),
        F::RGBA8 | F::RGBA16 | F::RGBAF32 => (&[0, 1, 2], Some(3), 4),
        F::BGR8 => (&[2, 1, 0], None, 3),
        F::BGRA8 => (&[2, 1, 0], Some(3), 4),
    };
    // Samples as u16 with their bit depth.
    let (samples, bits): (Vec<u16>, u32) = match &raw.pixels {
        RawImageData::U8(v) => (v.iter().map(|&b| u16::from(b)).collect(), 8),
        RawImageData::U16(v) => (v.clone(), 16),
        RawImageData::F32(v) => (
            v.iter()
                .map(|&f| (f.clamp(0.0, 1.0) * 255.0).round() as u16)
                .collect(),
            8,
        ),
    };
    if samples.len() < n * stride {
        return Err("image data shorter than its size".into());
    }
    let push = |out: &mut Vec<u8>, s: u16| {
        if bits == 16 {
            out.extend_from_slice(&s.to_be_bytes());
        } else {
            out.push(s as u8);
        }
    };
    let bpc = bits as usize / 8;
    let mut colour = Vec::with_capacity(n * order.len() * bpc);
    let mut mask = Vec::new();
    let max = if bits == 16 { u16::MAX } else { 255 };
    let mut opaque = true;
    for px in samples.chunks_exact(stride).take(n) {
        for &c in order {
            push(&mut colour, px[c]);
        }
        if let Some(a) = alpha {
            opaque &= px[a] == max;
            push(&mut mask, px[a]);
        }
    }
    let space = if order.len() == 1 {
        "DeviceGray"
    } else {
        "DeviceRGB"
    };
    let (w, h) = (w as u32, h as u32);
    let head = |space: &str| {
        format!(
            "/Type/XObject/Subtype/Image/Width {w}/Height {h}/ColorSpace/{space}/BitsPerComponent {bits}/Filter/FlateDecode"
        )
    };
    let mask = (alpha.is_some() && !opaque).then(|| {
        (
            head("DeviceGray"),
            deflate::zlib_with(&mask, deflate::Effort::BEST),
        )
    });
    Ok(Encoded {
        width: w,
        height: h,
        dict: head(space),
        data: deflate::zlib_with(&colour, deflate::Effort::BEST),
        mask,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(format: RawImageFormat, pixels: Vec<u8>, w: usize, h: usize) -> RawImage {
        RawImage {
            pixels: RawImageData::U8(pixels),
            width: w,
            height: h,
            data_format: format,
            tag: Vec::new(),
        }
    }

    #[test]
    fn opaque_alpha_is_dropped_and_real_alpha_kept() {
        let img = from_raw(&raw(
            RawImageFormat::RGBA8,
            vec![1, 2, 3, 255, 4, 5, 6, 255],
            2,
            1,
        ));
        let img = img.unwrap_or_else(|e| panic!("{e}"));
        assert!(img.mask.is_none());
        assert!(img.dict.contains("/DeviceRGB"));
        let img = from_raw(&raw(
            RawImageFormat::RGBA8,
            vec![1, 2, 3, 0, 4, 5, 6, 255],
            2,
            1,
        ));
        assert!(img.unwrap_or_else(|e| panic!("{e}")).mask.is_some());
        let bgr = from_raw(&raw(RawImageFormat::BGR8, vec![1, 2, 3], 1, 1));
        assert_eq!(
            bgr.map(|e| e.dict.contains("/Width 1/Height 1")).ok(),
            Some(true)
        );
        assert!(from_raw(&raw(RawImageFormat::RGB8, vec![1, 2], 1, 1)).is_err());
        assert!(from_raw(&raw(RawImageFormat::RGB8, vec![], 0, 0)).is_err());
    }
}
