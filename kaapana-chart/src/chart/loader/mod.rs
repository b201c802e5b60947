//! Loading charts from folders and archives. (Being written.)
