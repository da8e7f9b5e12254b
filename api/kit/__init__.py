"""Shared pieces that know no domain: database, errors, list and body conventions, imports,
spreadsheets, Danish numbers, middleware. Domains import from here; nothing here imports one."""
