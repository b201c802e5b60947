//! Go's escapers behind the `html`, `js` and `urlquery` builtins. (Being written.)

/// Go's `template.HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    s.to_owned()
}

/// Go's `template.JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    s.to_owned()
}

/// Go's `url.QueryEscape`.
pub(crate) fn url_query_escape(s: &str) -> String {
    s.to_owned()
}
