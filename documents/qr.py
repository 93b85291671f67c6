"""QR codes from ReportLab's own encoder, drawn as one filled path."""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder

# Any of the eight masks gives a valid code that scanners read; searching for the
# best one costs more than the rest of a letter (about 6 ms), so one is fixed.
_MASK_PATTERN = 2


def qr_modules(data: str) -> list[list[bool]]:
    """The dark (True) and light modules of a QR code of `data`, row by row."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.makeImpl(False, _MASK_PATTERN)
    return code.modules


def draw_qr(canvas, modules: list[list[bool]], x: float, y: float, size: float) -> None:
    """Draw the code with its lower left corner at (x, y), `size` points wide: one
    rectangle per horizontal run of dark modules, filled at once."""
    module = size / len(modules)
    ops = []
    for row_index, row in enumerate(modules):
        bottom = y + size - (row_index + 1) * module
        column = 0
        while column < len(row):
            if row[column]:
                end = column
                while end < len(row) and row[end]:
                    end += 1
                left = x + column * module
                ops.append(f"{left:.3f} {bottom:.3f} {(end - column) * module:.3f} {module:.3f} re")
                column = end
            else:
                column += 1
    canvas.addLiteral("\n".join([*ops, "f"]))
