"""Exports as files: ``GET /exports/<kind>.<format>`` (CSV or XLSX), streamed."""
