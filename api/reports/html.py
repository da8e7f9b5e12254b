"""The report as one self-contained, print-ready HTML page (the browser prints it to PDF)."""

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from api.reports.service import Report


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("api.reports", "templates"),
        autoescape=True,  # every value is text to show, whatever it holds
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_html(report: Report) -> str:
    return _environment().get_template("report.html").render(report=report)
