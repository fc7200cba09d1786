//! Small real PDFs made on the spot: the demo's proofs, and the tests' files. Each page shows
//! a title and its page number in Helvetica, with a coloured band, on an A4 page.

/// A PDF of `pages` A4 pages titled `title` (ASCII letters, digits and spaces are kept; any
/// other character becomes a space, so the text cannot break the PDF's syntax).
pub fn pdf(title: &str, pages: u32) -> Vec<u8> {
    let title: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == ' ' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let pages = pages.max(1);
    // Objects: 1 catalog, 2 page tree, 3 font, then per page: page, contents.
    let mut objects: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..pages).map(|n| format!("{} 0 R", 4 + 2 * n)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    ));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned());
    for n in 0..pages {
        let contents = 5 + 2 * n;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R \
             /Resources << /Font << /F1 3 0 R >> >> >>"
        ));
        let hue = f64::from(n % 6) / 6.0;
        let stream = format!(
            "{hue:.2} 0.45 0.75 rg 0 700 595 142 re f\n0 0 0 rg\nBT /F1 36 Tf 56 760 Td ({title}) Tj ET\n\
             BT /F1 18 Tf 56 640 Td (Page {} of {pages}) Tj ET\n",
            n + 1
        );
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}endstream",
            stream.len()
        ));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sample_pdf_renders_one_image_per_page() {
        let work = tempfile::tempdir().unwrap();
        let file = work.path().join("sample.pdf");
        std::fs::write(&file, pdf("Spring (catalogue) \\ proof", 3)).unwrap();
        let pages = work.path().join("pages");
        std::fs::create_dir(&pages).unwrap();
        let rendered = crate::previews::render::render_pdf(&file, &pages)
            .await
            .unwrap();
        assert_eq!(rendered.views.len(), 3);
        let first = image::load_from_memory(&rendered.views[0]).unwrap();
        assert_eq!(first.width(), 1200);
        let thumbnail = image::load_from_memory(&rendered.thumbnail).unwrap();
        assert!(thumbnail.width() <= 240 && thumbnail.height() <= 240);
    }

    #[tokio::test]
    async fn a_broken_pdf_is_refused_as_unreadable_not_as_our_failure() {
        let work = tempfile::tempdir().unwrap();
        let file = work.path().join("broken.pdf");
        std::fs::write(&file, b"%PDF-1.4\nnot really\n").unwrap();
        let refused = crate::previews::render::render_pdf(&file, work.path()).await;
        assert!(
            matches!(
                refused,
                Err(crate::previews::render::RenderError::Unreadable(..))
            ),
            "{refused:?}"
        );
    }
}
