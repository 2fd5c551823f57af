//! What the tests of every page share: the check that a page stands alone.

/// Checks that a page stands alone: a whole HTML document with no scripts and no references to
/// the network.
pub(crate) fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page references the network"
    );
    assert!(!html.contains("<script"), "the page has a script");
    assert!(html.trim_end().ends_with("</html>"));
}
