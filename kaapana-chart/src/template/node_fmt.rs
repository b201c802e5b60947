//! Go's `Node.String()` forms of AST nodes. (Being written.)
