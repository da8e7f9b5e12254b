"""The committee report: every goal of a plan with its status, as XLSX and as a print-ready page."""
