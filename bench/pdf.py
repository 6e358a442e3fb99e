"""Benchmark: one-page acceptance notice, WeasyPrint alone vs. DocumentRenderer.render_pdf.

(a) reference: ``HTML(string=pre_rendered).write_pdf()`` with one shared FontConfiguration and
    WeasyPrint's own URL fetcher (the same base URL, so the same CSS is loaded);
(b) ``DocumentRenderer.render_pdf``: Jinja2 + QR code + asset-only fetcher + WeasyPrint.

Run: ``cd /work/main && .venv/bin/python bench/pdf.py [rounds]``. Target: (b) ≤ 1.3 × (a),
judged on the best (minimum) time of each, which is the least disturbed by other load on the
machine; the medians are printed too.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from core.services.documents import DocumentRenderer, example_context  # noqa: E402

TARGET = 1.3


def main(rounds: int = 30) -> int:
    """Print both timings, the ratio and the PDF size; exit 1 when the ratio misses the target."""
    renderer = DocumentRenderer([])
    context = example_context("acceptance_notice")
    html = renderer.render_html("acceptance_notice", context)
    font_config = FontConfiguration()

    def reference() -> bytes:
        return HTML(string=html, base_url=renderer.base_url).write_pdf(font_config=font_config)

    def ours() -> bytes:
        return renderer.render_pdf("acceptance_notice", context)

    # Warm up both paths (font loading, template compilation, caches).
    for _ in range(3):
        reference()
        ours()

    # Interleave the two (alternating which goes first) so drift and other load hit both alike.
    ref_times: list[float] = []
    our_times: list[float] = []
    pdfs: dict[str, bytes] = {}
    for i in range(rounds):
        pair = [("ref", reference, ref_times), ("ours", ours, our_times)]
        for name, fn, times in pair if i % 2 == 0 else pair[::-1]:
            start = time.perf_counter()
            pdfs[name] = fn()
            times.append(time.perf_counter() - start)
    ref_med, our_med = statistics.median(ref_times), statistics.median(our_times)
    ref_min, our_min = min(ref_times), min(our_times)
    ratio = our_min / ref_min
    print(f"acceptance_notice, {rounds} rounds (min / median)")
    print(f"  (a) weasyprint alone (pre-rendered HTML): {ref_min * 1000:6.1f} / {ref_med * 1000:6.1f} ms"
          f"   PDF {len(pdfs['ref']) / 1024:5.1f} KB")
    print(f"  (b) DocumentRenderer.render_pdf:          {our_min * 1000:6.1f} / {our_med * 1000:6.1f} ms"
          f"   PDF {len(pdfs['ours']) / 1024:5.1f} KB")
    print(f"  ratio (b)/(a): {ratio:.2f}x on min, {our_med / ref_med:.2f}x on median "
          f"(target <= {TARGET}x on min) {'OK' if ratio <= TARGET else 'SLOW'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
