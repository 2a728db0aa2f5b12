//! Pictures people forward with a suspicious message: decoded with limits, re-encoded as PNG
//! (so no metadata, no hidden payload survives), and hashed for matching.
//!
//! Limits: at most [`MAX_BYTES`] per file, only PNG and JPEG, at most [`MAX_SIDE`] pixels a side
//! and [`MAX_PIXELS`] in all (a decompression bomb or a 50-megapixel photo is refused before its
//! pixels are decoded), and at most [`MAX_ALLOC`] bytes of decoder memory. Kept pictures are
//! scaled down to [`KEEP_SIDE`] pixels: enough for a verifier to read a screenshot.

use image::{ImageFormat, ImageReader, Limits};
use image_hasher::{HashAlg, HasherConfig};
use std::io::Cursor;

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_SIDE: u32 = 6_000;
pub const MAX_PIXELS: u64 = 24_000_000;
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
pub const KEEP_SIDE: u32 = 1_280;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("not a PNG or JPEG picture")]
    NotAnImage,
    #[error("the picture file is larger than 5 MB")]
    TooLarge,
    #[error("the picture has too many pixels")]
    TooManyPixels,
}

impl ImageError {
    pub fn message_key(self) -> &'static str {
        match self {
            ImageError::NotAnImage => "hoax.error.not_image",
            ImageError::TooLarge => "hoax.error.image_too_large",
            ImageError::TooManyPixels => "hoax.error.image_pixels",
        }
    }
}

/// A picture as kept: its perceptual hash and the re-encoded PNG.
#[derive(Debug, Clone)]
pub struct KeptImage {
    pub hash: u64,
    pub png: Vec<u8>,
}

/// The 64-bit perceptual hash as 16 hex digits (how the store keeps it).
pub fn hash_hex(hash: u64) -> String {
    format!("{hash:016x}")
}

pub fn parse_hash(s: &str) -> Option<u64> {
    u64::from_str_radix(s.trim(), 16).ok()
}

/// Gradient hash (dHash) over 8×8: robust to re-compression, resizing and light cropping, and
/// cheap. 64 bits, compared by Hamming distance.
pub fn perceptual_hash(img: &image::DynamicImage) -> u64 {
    let hasher = HasherConfig::new()
        .hash_alg(HashAlg::Gradient)
        .hash_size(8, 8)
        .to_hasher();
    let h = hasher.hash_image(img);
    let mut out = [0u8; 8];
    for (i, b) in h.as_bytes().iter().take(8).enumerate() {
        out[i] = *b;
    }
    u64::from_be_bytes(out)
}

/// Decode with limits, hash, scale down and re-encode.
pub fn keep(bytes: &[u8]) -> Result<KeptImage, ImageError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImageError::TooLarge);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::NotAnImage)?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg) => {}
        _ => return Err(ImageError::NotAnImage),
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| ImageError::NotAnImage)?;
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS
    {
        return Err(ImageError::TooManyPixels);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::NotAnImage)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        _ => ImageError::NotAnImage,
    })?;
    let hash = perceptual_hash(&img);
    let img = if img.width() > KEEP_SIDE || img.height() > KEEP_SIDE {
        img.resize(KEEP_SIDE, KEEP_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let mut png = Vec::new();
    img.to_rgb8()
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|_| ImageError::NotAnImage)?;
    Ok(KeptImage { hash, png })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// A picture with structure (bands and a diagonal), so its hash is not trivial.
    fn photo(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let band = ((x * 8 / w) + (y * 5 / h)) % 3;
            let v = match band {
                0 => 30,
                1 => 140,
                _ => 230,
            };
            if x * h > y * w {
                Rgb([v, v / 2, 255 - v])
            } else {
                Rgb([255 - v, v, v / 3])
            }
        })
    }

    fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img.clone())
            .write_to(&mut Cursor::new(&mut out), format)
            .unwrap();
        out
    }

    #[test]
    fn a_recompressed_resized_cropped_photo_keeps_its_hash() {
        let original = photo(800, 600);
        let a = keep(&encode(&original, ImageFormat::Png)).unwrap().hash;
        let jpeg = keep(&encode(&original, ImageFormat::Jpeg)).unwrap().hash;
        let small =
            image::imageops::resize(&original, 400, 300, image::imageops::FilterType::Triangle);
        let small = keep(&encode(&small, ImageFormat::Jpeg)).unwrap().hash;
        let cropped = image::imageops::crop_imm(&original, 16, 12, 768, 576).to_image();
        let cropped = keep(&encode(&cropped, ImageFormat::Png)).unwrap().hash;
        for other in [jpeg, small, cropped] {
            assert!(
                (a ^ other).count_ones() <= simpul_core::hoax::matcher::IMAGE_DISTANCE,
                "{a:x} {other:x}"
            );
        }
        let different = RgbImage::from_fn(800, 600, |x, y| {
            Rgb([(y % 256) as u8, (x % 97) as u8 * 2, 90])
        });
        let d = keep(&encode(&different, ImageFormat::Png)).unwrap().hash;
        assert!((a ^ d).count_ones() > simpul_core::hoax::matcher::IMAGE_DISTANCE);
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn what_is_not_a_sane_picture_is_refused() {
        assert_eq!(keep(b"GIF89a....").unwrap_err(), ImageError::NotAnImage);
        assert_eq!(
            keep(b"not an image at all").unwrap_err(),
            ImageError::NotAnImage
        );
        assert_eq!(
            keep(&vec![0u8; MAX_BYTES + 1]).unwrap_err(),
            ImageError::TooLarge
        );
        // A PNG header claiming 50,000 × 50,000 pixels: refused before decoding.
        let mut bomb = encode(&photo(8, 8), ImageFormat::Png);
        bomb[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(keep(&bomb).unwrap_err(), ImageError::TooManyPixels);
        let mut truncated = encode(&photo(64, 64), ImageFormat::Png);
        truncated.truncate(truncated.len() / 2);
        assert_eq!(keep(&truncated).unwrap_err(), ImageError::NotAnImage);
    }

    #[test]
    fn kept_pictures_are_png_without_metadata_and_scaled_down() {
        let kept = keep(&encode(&photo(2000, 1000), ImageFormat::Jpeg)).unwrap();
        assert_eq!(&kept.png[1..4], b"PNG");
        let back = image::load_from_memory(&kept.png).unwrap();
        assert_eq!((back.width(), back.height()), (1280, 640));
        assert_eq!(parse_hash(&hash_hex(kept.hash)), Some(kept.hash));
    }
}
