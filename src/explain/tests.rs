//! End-to-end unit tests of `explain` on whole messages.

use super::*;

#[test]
fn placeholder_compiles() {
    let d = explain("ThrottlingException: Too many requests, please wait before trying again.");
    assert_eq!(d.category, Category::Throttling);
}
