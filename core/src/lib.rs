//! Entente's rules: partnership state machine, validation and permissions.
