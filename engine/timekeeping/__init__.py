"""The engine's clock and Chinese working days."""
