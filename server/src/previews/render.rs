//! Making preview images (SPEC 3.1): a thumbnail and a readable view of an image, and page
//! images of a PDF, each a PNG. Hostile files are bounded: an image is decoded under size and
//! memory limits (a decompression bomb is refused before it is decoded), and a PDF is rendered
//! by Debian's `pdftoppm` (poppler-utils) in a child process with a time limit, an address
//! space limit and a page limit.

use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 240;
/// The width of a page image or of an image's larger view, in pixels.
pub const VIEW_WIDTH: u32 = 1200;
/// The largest image file read for a preview.
pub const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;
/// The widest or tallest image decoded.
const MAX_IMAGE_SIDE: u32 = 20_000;
/// The memory an image decoder may allocate.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// How many pages of a PDF get an image.
pub const MAX_PDF_PAGES: u32 = 20;
/// How long rendering one PDF may take.
pub const PDF_TIME_LIMIT: Duration = Duration::from_secs(60);
/// The address space the PDF renderer may use.
const PDF_MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;

/// Why a preview could not be made (the file still downloads; the page says so).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The file is not what its type says, or is damaged.
    #[error("the file could not be read as {0}: {1}")]
    Unreadable(&'static str, String),
    /// The image is larger than the limits allow.
    #[error("the image is too large to preview: {0}")]
    TooLarge(String),
    /// The renderer took too long (a PDF that loops).
    #[error("the preview took longer than {} seconds", PDF_TIME_LIMIT.as_secs())]
    TimedOut,
    /// The renderer could not run.
    #[error("the renderer failed: {0}")]
    Renderer(String),
}

/// The images of one preview: a thumbnail, and the views (one for an image, one per page for a
/// PDF), all PNG.
#[derive(Debug)]
pub struct Rendered {
    /// The thumbnail (at most [`THUMBNAIL_SIDE`] on its longest side).
    pub thumbnail: Vec<u8>,
    /// The larger views, in order.
    pub views: Vec<Vec<u8>>,
}

fn png(image: &DynamicImage) -> Result<Vec<u8>, RenderError> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .map_err(|error| RenderError::Renderer(error.to_string()))?;
    Ok(bytes)
}

/// A thumbnail and a view of an image file's bytes, decoded under limits.
pub fn render_image(bytes: &[u8]) -> Result<Rendered, RenderError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|error| RenderError::Unreadable("an image", error.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|error| match error {
        image::ImageError::Limits(limit) => RenderError::TooLarge(limit.to_string()),
        other => RenderError::Unreadable("an image", other.to_string()),
    })?;
    let thumbnail = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    let view = if image.width() > VIEW_WIDTH {
        let height =
            (u64::from(image.height()) * u64::from(VIEW_WIDTH) / u64::from(image.width())).max(1);
        image.resize(
            VIEW_WIDTH,
            u32::try_from(height).unwrap_or(u32::MAX),
            FilterType::Triangle,
        )
    } else {
        image
    };
    Ok(Rendered {
        thumbnail: png(&thumbnail)?,
        views: vec![png(&view)?],
    })
}

/// Page images of the PDF at `pdf` (the first [`MAX_PDF_PAGES`]) and a thumbnail of its first
/// page, rendered by `pdftoppm` into `work` (a folder the caller removes).
pub async fn render_pdf(pdf: &Path, work: &Path) -> Result<Rendered, RenderError> {
    let pages_prefix = work.join("page");
    let scale = VIEW_WIDTH.to_string();
    let last = MAX_PDF_PAGES.to_string();
    run_pdftoppm(&[
        "-png",
        "-scale-to-x",
        &scale,
        "-scale-to-y",
        "-1",
        "-f",
        "1",
        "-l",
        &last,
        &pdf.display().to_string(),
        &pages_prefix.display().to_string(),
    ])
    .await?;
    // pdftoppm names pages page-1.png … page-20.png, zero-padded to the page count's width.
    let mut pages: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir(work)
        .map_err(|error| RenderError::Renderer(error.to_string()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            let number = name
                .strip_prefix("page-")?
                .strip_suffix(".png")?
                .parse()
                .ok()?;
            Some((number, path))
        })
        .collect();
    pages.sort();
    if pages.is_empty() {
        return Err(RenderError::Unreadable(
            "a PDF",
            "no page could be rendered".to_owned(),
        ));
    }
    let mut views = Vec::with_capacity(pages.len());
    for (_, path) in &pages {
        views.push(std::fs::read(path).map_err(|error| RenderError::Renderer(error.to_string()))?);
    }
    let first = image::load_from_memory_with_format(&views[0], ImageFormat::Png)
        .map_err(|error| RenderError::Renderer(error.to_string()))?;
    Ok(Rendered {
        thumbnail: png(&first.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE))?,
        views,
    })
}

/// Runs `pdftoppm` with `args`, under the time and memory limits; its own refusal of a damaged
/// file is [`RenderError::Unreadable`].
async fn run_pdftoppm(args: &[&str]) -> Result<(), RenderError> {
    let mut command = tokio::process::Command::new("pdftoppm");
    command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    // SAFETY: between fork and exec the child only calls setrlimit, which is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: PDF_MEMORY_LIMIT,
                rlim_max: PDF_MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn().map_err(|error| {
        RenderError::Renderer(format!(
            "pdftoppm could not start ({error}); install poppler-utils"
        ))
    })?;
    let output = tokio::time::timeout(PDF_TIME_LIMIT, child.wait_with_output())
        .await
        .map_err(|_| RenderError::TimedOut)?
        .map_err(|error| RenderError::Renderer(error.to_string()))?;
    if output.status.success() {
        Ok(())
    } else {
        let reason = String::from_utf8_lossy(&output.stderr)
            .trim()
            .chars()
            .take(300)
            .collect();
        Err(RenderError::Unreadable("a PDF", reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::new_rgb8(width, height);
        png(&image).unwrap()
    }

    #[test]
    fn an_image_gets_a_thumbnail_and_a_view_no_wider_than_the_page() {
        let rendered = render_image(&encoded(3000, 1500)).unwrap();
        let thumbnail = image::load_from_memory(&rendered.thumbnail).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), (240, 120));
        let view = image::load_from_memory(&rendered.views[0]).unwrap();
        assert_eq!((view.width(), view.height()), (1200, 600));
        let small = render_image(&encoded(100, 50)).unwrap();
        let view = image::load_from_memory(&small.views[0]).unwrap();
        assert_eq!(view.width(), 100, "a small image is not enlarged");
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        // A PNG header claiming 100,000 × 100,000 pixels (30 GB decoded) and no data.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bomb.extend_from_slice(&100_000_u32.to_be_bytes());
        bomb.extend_from_slice(&100_000_u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc32(&bomb[12..]);
        bomb.extend_from_slice(&crc.to_be_bytes());
        assert!(
            matches!(render_image(&bomb), Err(RenderError::TooLarge(_))),
            "{:?}",
            render_image(&bomb)
        );
        assert!(matches!(
            render_image(b"not an image"),
            Err(RenderError::Unreadable(..))
        ));
    }

    /// CRC-32 (IEEE), for a well-formed PNG chunk.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFF_u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
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
}
