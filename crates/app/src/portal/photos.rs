//! Post and aspiration photos: decoded with limits, resized into responsive sizes and re-encoded
//! as JPEG. Only pixels are copied into the new files, so EXIF (the phone's GPS position, its
//! serial number) and every other metadata block is gone by construction.
//!
//! Limits: [`MAX_BYTES`] per file; PNG, JPEG or WebP only; the dimensions are read from the
//! header first and a picture over [`MAX_SIDE`] a side or [`MAX_PIXELS`] in all is refused before
//! its pixels are decoded (a decompression bomb costs nothing); the decoder may allocate at most
//! 256 MB.

use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

pub const MAX_BYTES: usize = 12 * 1024 * 1024;
pub const MAX_SIDE: u32 = 10_000;
pub const MAX_PIXELS: u64 = 40_000_000;
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// The small size (lists, phones) and the large one (the post's page on wider screens).
pub const SMALL_SIDE: u32 = 480;
pub const LARGE_SIDE: u32 = 1280;

/// A photo in both sizes.
#[derive(Debug, Clone)]
pub struct Resized {
    pub small: Vec<u8>,
    pub large: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decode, resize and re-encode; the error is a catalogue key.
pub fn resize(bytes: &[u8]) -> Result<Resized, &'static str> {
    if bytes.len() > MAX_BYTES {
        return Err("portal.error_photo_large");
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| "portal.error_photo")?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)
    ) {
        return Err("portal.error_photo");
    }
    let (w, h) = reader.into_dimensions().map_err(|_| "portal.error_photo")?;
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS
    {
        return Err("portal.error_photo_pixels");
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| "portal.error_photo")?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => "portal.error_photo_pixels",
        _ => "portal.error_photo",
    })?;
    let encode = |side: u32| -> Result<(Vec<u8>, u32, u32), &'static str> {
        let scaled = if img.width() > side || img.height() > side {
            img.thumbnail(side, side)
        } else {
            img.clone()
        };
        let rgb = scaled.to_rgb8();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 78)
            .encode_image(&rgb)
            .map_err(|_| "portal.error_photo")?;
        Ok((out, rgb.width(), rgb.height()))
    };
    let (small, _, _) = encode(SMALL_SIDE)?;
    let (large, width, height) = encode(LARGE_SIDE)?;
    Ok(Resized {
        small,
        large,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .unwrap();
        // An APP1 "Exif" segment with a GPS marker right after SOI.
        let mut exif = vec![0xFF, 0xE1, 0x00, 0x16];
        exif.extend_from_slice(b"Exif\0\0GPSLatitude-7.7");
        let mut with = out[..2].to_vec();
        with.extend_from_slice(&exif);
        with.extend_from_slice(&out[2..]);
        with
    }

    #[test]
    fn photos_come_out_in_two_sizes_without_metadata() {
        let input = jpeg_with_exif(2000, 1500);
        assert!(input.windows(4).any(|w| w == b"Exif"));
        let r = resize(&input).unwrap();
        assert_eq!((r.width, r.height), (1280, 960));
        let small = image::load_from_memory(&r.small).unwrap();
        assert_eq!((small.width(), small.height()), (480, 360));
        for out in [&r.small, &r.large] {
            assert!(!out.windows(4).any(|w| w == b"Exif"));
            assert!(!out.windows(3).any(|w| w == b"GPS"));
        }
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
    fn fake_huge_and_bomb_pictures_are_refused() {
        assert_eq!(
            resize(b"<script>alert(1)</script>").unwrap_err(),
            "portal.error_photo"
        );
        assert_eq!(resize(b"GIF89a......").unwrap_err(), "portal.error_photo");
        assert_eq!(
            resize(&vec![0u8; MAX_BYTES + 1]).unwrap_err(),
            "portal.error_photo_large"
        );
        // A PNG whose header claims 60,000 × 60,000 pixels.
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(8, 8))
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(resize(&png).unwrap_err(), "portal.error_photo_pixels");
        let mut truncated = jpeg_with_exif(64, 64);
        truncated.truncate(truncated.len() / 2);
        assert!(resize(&truncated).is_err());
    }
}
