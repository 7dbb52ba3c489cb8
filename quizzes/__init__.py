"""dlbench's question banks (TOML files), shipped as data."""
