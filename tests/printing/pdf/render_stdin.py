"""Renders the HTML read from stdin to PDF on stdout, in a process of its own: the font tests run
it under different fontconfig set-ups (`python -m tests.printing.pdf.render_stdin`)."""

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    django.setup()
    from printing.pdf.renderer import render_pdf  # noqa: PLC0415 - after django.setup()

    sys.stdout.buffer.write(render_pdf(sys.stdin.buffer.read().decode("utf-8")))


if __name__ == "__main__":
    main()
