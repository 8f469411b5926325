"""The board report at the edge: one renderer (HTML, PDF via Chromium) of follow-up's content.

:func:`render_board_report` turns the content computed by
:func:`pks.followup.board.board_report_content` into HTML; :func:`pks.report.pdf.html_to_pdf`
prints it. ``pks report`` (:func:`pks.report.source.board_report_from_store`) and the
dashboard's reporting page both go through :func:`render_board_report`.
"""

from pks.report.html import board_report_html as render_board_report
from pks.report.pdf import find_chromium, html_to_pdf

__all__ = ["find_chromium", "html_to_pdf", "render_board_report"]
