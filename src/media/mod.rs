//! Photos: import, EXIF, report-size copies (issue 5).
