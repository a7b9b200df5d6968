"""QR codes as inline SVG, shared by every page that shows one (member QR, certificate, drive poster)."""
from __future__ import annotations

import re

import qrcode
import qrcode.constants
from markupsafe import Markup, escape
from qrcode.image.svg import SvgPathImage

_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def svg(url: str, label: str = "Mã QR", css_class: str = "qr") -> Markup:
    """An inline <svg> QR code for `url`, sized by CSS (class `qr`), with an accessible label."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=SvgPathImage)
    code.add_data(url)
    code.make(fit=True)
    text = code.make_image().to_string(encoding="unicode")
    head, sep, body = text.partition(">")
    # Fixed millimetre sizes would overflow a 360 px screen; the viewBox keeps it square.
    head = _SIZE.sub("", head)
    head += f' class="{escape(css_class)}" role="img" aria-label="{escape(label)}"'
    # Several codes may share a page (a class poster); element ids must stay unique.
    body = body.replace(' id="qr-path"', "")
    return Markup(head + sep + body)
