//! Raster images (PNG or JPEG, decoded with the `image` crate) as PDF image
//! XObjects, lossless: 8- or 16-bit samples, Flate-compressed, a soft mask
//! only when some pixel is not opaque.
//!
//! Decoding and compressing a screenshot costs more than laying out a whole
//! handout, and a batch puts the same few images into every handout, so the
//! encoded form is kept per process (keyed by a hash of the image bytes).

use std::sync::{Arc, Mutex};

use image::DynamicImage;
use pdf_writer::{Filter, Ref};

use super::file::{PdfFile, deflate_best};

/// An image ready to be written: its pixel size, colour samples and alpha.
pub(crate) struct Encoded {
    pub width: u32,
    pub height: u32,
    grey: bool,
    bits: i32,
    /// Flate-compressed colour samples, or a JPEG file's bytes as they are.
    data: Vec<u8>,
    /// `data` is a JPEG (`/DCTDecode`), a photo: embedded as it is.
    dct: bool,
    /// Flate-compressed alpha channel, if any pixel is not opaque.
    mask: Option<Vec<u8>>,
}

impl Encoded {
    /// Writes the image (and its soft mask, if any) as `id` (and `mask_id`).
    pub(crate) fn write(&self, file: &mut PdfFile, id: Ref, mask_id: impl FnOnce() -> Ref) {
        let mask = self.mask.as_ref().map(|m| (mask_id(), m));
        file.stream(|c| {
            let mut img = c.image_xobject(id, &self.data);
            img.filter(if self.dct {
                Filter::DctDecode
            } else {
                Filter::FlateDecode
            });
            img.width(self.width as i32)
                .height(self.height as i32)
                .bits_per_component(self.bits);
            if self.grey {
                img.color_space().device_gray();
            } else {
                img.color_space().device_rgb();
            }
            if let Some((mid, _)) = mask {
                img.s_mask(mid);
            }
        });
        if let Some((mid, data)) = mask {
            file.stream(|c| {
                let mut m = c.image_xobject(mid, data);
                m.filter(Filter::FlateDecode);
                m.width(self.width as i32)
                    .height(self.height as i32)
                    .bits_per_component(self.bits);
                m.color_space().device_gray();
            });
        }
    }

    /// Whether a soft mask is written with the image.
    #[cfg(test)]
    fn has_mask(&self) -> bool {
        self.mask.is_some()
    }
}

type Cache = Vec<((u64, u64, usize), Arc<Encoded>)>;

static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
/// Distinct images kept encoded per process.
const CACHE_SIZE: usize = 32;

/// Encodes image file bytes, from the cache when the same bytes were
/// encoded before.
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
    let img = image::load_from_memory(bytes).map_err(|e| e.to_string())?;
    let enc = Arc::new(match &img {
        // A photo (JPEG) of 8-bit grey or RGB samples: the file is what a
        // PDF reader decodes, a fifth of the samples compressed losslessly.
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) if is_jpeg(bytes) => Encoded {
            width: img.width(),
            height: img.height(),
            grey: !img.color().has_color(),
            bits: 8,
            data: bytes.to_vec(),
            dct: true,
            mask: None,
        },
        _ => from_image(&img)?,
    });
    if cache.len() >= CACHE_SIZE {
        cache.remove(0);
    }
    cache.push((key, enc.clone()));
    Ok(enc)
}

/// Whether image file bytes are a JPEG (they start with its SOI marker).
pub(crate) fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
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
fn from_image(img: &DynamicImage) -> Result<Encoded, String> {
    let (w, h) = (img.width(), img.height());
    if w == 0 || h == 0 {
        return Err("image has no pixels".into());
    }
    let grey = !img.color().has_color();
    let alpha = img.color().has_alpha();
    let wide = img.color().bytes_per_pixel() / img.color().channel_count() > 1;
    let channels = if grey { 1 } else { 3 };
    let (colour, mask, bits): (Vec<u8>, Vec<u8>, i32) = if wide {
        let px = if grey {
            img.to_luma_alpha16().into_raw()
        } else {
            img.to_rgba16().into_raw()
        };
        let stride = channels + 1;
        let mut colour = Vec::with_capacity(px.len() / stride * channels * 2);
        let mut mask = Vec::new();
        for p in px.chunks_exact(stride) {
            for c in &p[..channels] {
                colour.extend_from_slice(&c.to_be_bytes());
            }
            if alpha {
                mask.extend_from_slice(&p[channels].to_be_bytes());
            }
        }
        let opaque = !alpha || px.chunks_exact(stride).all(|p| p[channels] == u16::MAX);
        (colour, if opaque { Vec::new() } else { mask }, 16)
    } else {
        let px = if grey {
            img.to_luma_alpha8().into_raw()
        } else {
            img.to_rgba8().into_raw()
        };
        let stride = channels + 1;
        let mut colour = Vec::with_capacity(px.len() / stride * channels);
        let mut mask = Vec::new();
        for p in px.chunks_exact(stride) {
            colour.extend_from_slice(&p[..channels]);
            if alpha {
                mask.push(p[channels]);
            }
        }
        let opaque = !alpha || mask.iter().all(|a| *a == u8::MAX);
        (colour, if opaque { Vec::new() } else { mask }, 8)
    };
    Ok(Encoded {
        width: w,
        height: h,
        grey,
        bits,
        data: deflate_best(&colour),
        dct: false,
        mask: (!mask.is_empty()).then(|| deflate_best(&mask)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    #[test]
    fn opaque_alpha_is_dropped_and_real_alpha_kept() {
        let opaque: ImageBuffer<Rgba<u8>, Vec<u8>> =
            ImageBuffer::from_raw(2, 1, vec![1, 2, 3, 255, 4, 5, 6, 255]).expect("buffer");
        let img = from_image(&DynamicImage::ImageRgba8(opaque)).expect("encodes");
        assert!(!img.has_mask());
        assert!(!img.grey);
        let holes: ImageBuffer<Rgba<u8>, Vec<u8>> =
            ImageBuffer::from_raw(2, 1, vec![1, 2, 3, 0, 4, 5, 6, 255]).expect("buffer");
        assert!(
            from_image(&DynamicImage::ImageRgba8(holes))
                .expect("encodes")
                .has_mask()
        );
        let rgb: ImageBuffer<Rgb<u8>, Vec<u8>> =
            ImageBuffer::from_raw(1, 1, vec![1, 2, 3]).expect("buffer");
        let e = from_image(&DynamicImage::ImageRgb8(rgb)).expect("encodes");
        assert_eq!((e.width, e.height, e.bits), (1, 1, 8));
        assert!(encode(b"not an image").is_err());
    }
}
