//! Go's `fmt` printing of template values. (Being written.)
use crate::value::Value;

/// Go's `fmt.Sprintf(format, args...)`.
pub(crate) fn sprintf(_format: &str, _args: &[Value]) -> String {
    String::new()
}

/// Go's `fmt.Sprint(args...)`.
pub(crate) fn sprint(_args: &[Value]) -> String {
    String::new()
}

/// Go's `fmt.Sprintln(args...)`.
pub(crate) fn sprintln(_args: &[Value]) -> String {
    String::new()
}
