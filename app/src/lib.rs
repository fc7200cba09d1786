//! Entente's user interface.
