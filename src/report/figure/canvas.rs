//! The supersampled canvas a chart is drawn on and the PNG file it becomes.
//!
//! plotters' bitmap backend does not anti-alias lines, and its thick polylines zig-zag on daily
//! data; each chart is therefore drawn at [`SUPERSAMPLE`] times its size and averaged down.

use super::style::{HEIGHT, SUPERSAMPLE, WIDTH, plot_err, register_fonts};
use anyhow::{Context, anyhow};
use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Writes `WIDTH × HEIGHT` RGB `pixels` (row by row) as the PNG file `path`.
///
/// Encoded in memory and written by the standard library rather than by plotters' backend, whose
/// errors wrap the operating system's in debug text (`ImageError(IoError(Custom { … }))`): a full
/// disk then reads "could not write chart '…': No space left on device". The bytes are the same
/// (the same encoder with the same settings).
pub(crate) fn write_png(pixels: &[u8], path: &Path) -> anyhow::Result<()> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(pixels, WIDTH, HEIGHT, image::ColorType::Rgb8)
        .map_err(|e| anyhow!("could not encode chart '{}': {e}", path.display()))?;
    std::fs::write(path, png).with_context(|| format!("could not write chart '{}'", path.display()))
}

/// The drawing area `paint` draws a chart on: [`SUPERSAMPLE`] times the chart's size, so every
/// coordinate and size given to it is in drawing pixels ([`super::style::z`] of logical pixels).
pub(crate) type Canvas<'a> = DrawingArea<BitMapBackend<'a, RGBPixel>, Shift>;

/// Registers the fonts, lets `paint` draw on a white supersampled canvas, and returns the
/// `WIDTH × HEIGHT` RGB pixels (averaged down), row by row.
pub(crate) fn supersampled(
    paint: impl for<'a> FnOnce(&Canvas<'a>) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<u8>> {
    register_fonts()?;
    let (big_w, big_h) = (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE);
    let mut big = vec![255u8; (big_w * big_h * 3) as usize];
    {
        let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut big, (big_w, big_h))
            .map_err(plot_err("allocating the picture"))?;
        let root = backend.into_drawing_area();
        root.fill(&WHITE)
            .map_err(plot_err("filling the background"))?;
        paint(&root)?;
        root.present().map_err(plot_err("finishing the picture"))?;
    }
    Ok(downsample(
        &big,
        WIDTH as usize,
        HEIGHT as usize,
        SUPERSAMPLE as usize,
    ))
}

/// Averages each `f × f` block of the RGB picture `big` (`w·f × h·f`) into one pixel.
fn downsample(big: &[u8], w: usize, h: usize, f: usize) -> Vec<u8> {
    let big_w = w * f;
    let mut out = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..f {
                    let row = (y * f + dy) * big_w;
                    for dx in 0..f {
                        sum += u32::from(big[(row + x * f + dx) * 3 + c]);
                    }
                }
                let n = (f * f) as u32;
                out.push(((sum + n / 2) / n) as u8);
            }
        }
    }
    out
}

/// Checks that `path` is a PNG of [`WIDTH`]×[`HEIGHT`] (for the tests of every chart).
#[cfg(test)]
pub(crate) fn assert_png_size(path: &Path) {
    let bytes = std::fs::read(path).expect("chart file exists");
    assert!(
        bytes.len() > 24,
        "{} is too short for a PNG",
        path.display()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    assert_eq!((width, height), (WIDTH, HEIGHT));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_that_cannot_be_written_says_why_in_words() {
        let pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
        let path = Path::new("/nonexistent-picsim-folder/users.png");
        let err = format!("{:#}", write_png(&pixels, path).unwrap_err());
        assert_eq!(
            err,
            "could not write chart '/nonexistent-picsim-folder/users.png': No such file or directory (os error 2)"
        );
    }
}
