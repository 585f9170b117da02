//! Live-reload preview server (placeholder while being written).
