"""A Pillow renderer of the TPI paper's kind, for `npm run bench:render`.

White 336x336 canvas, black text, font size from 32 down until the word-wrapped text fits
(the paper: "font size capped at 32 and shrunk until the text fits"), 8 px margins, line
height 1.2 em, PNG written with Pillow's defaults. Word widths are cached per size, so this is
a fair, reasonably written Pillow renderer rather than a naive one. Debian's python3-pil.

usage: render_pillow.py CORPUS.jsonl OUT_DIR FONT.ttf WORKERS
prints one JSON line: {"images": N, "seconds": S, "cpu_seconds": C}
"""
import json
import os
import resource
import sys
import time
from multiprocessing import Pool

from PIL import Image, ImageDraw, ImageFont

SIZE, MARGIN, MAX_FONT, MIN_FONT, LINE = 336, 8, 32, 6, 1.2
BOX = SIZE - 2 * MARGIN
FONTS = {}
WIDTHS = {}


def width(word, size):
    key = (word, size)
    w = WIDTHS.get(key)
    if w is None:
        w = WIDTHS[key] = FONTS[size].getlength(word)
    return w


def wrap(text, size):
    lines, space = [], width(" ", size)
    for paragraph in text.split("\n"):
        current, used = [], 0.0
        for word in paragraph.split(" "):
            w = width(word, size)
            if current and used + space + w <= BOX:
                current.append(word)
                used += space + w
            else:
                if current:
                    lines.append(" ".join(current))
                current, used = [word], w
        lines.append(" ".join(current))
    return lines


def render(item):
    rid, text, out = item
    for size in range(MAX_FONT, MIN_FONT - 1, -1):
        lines = wrap(text, size)
        if len(lines) * size * LINE <= BOX:
            break
    rows = int(BOX // (size * LINE))
    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines[:rows]):
        draw.text((MARGIN, MARGIN + i * size * LINE), line, font=FONTS[size], fill="black")
    image.save(os.path.join(out, rid + ".png"))


def init(font_path):
    for s in range(MIN_FONT, MAX_FONT + 1):
        FONTS[s] = ImageFont.truetype(font_path, s)


def main():
    corpus, out, font_path, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    with open(corpus, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    items = [(r["id"], r["text"], out) for r in records]
    cpu = lambda: sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    start, cpu0 = time.perf_counter(), cpu()
    with Pool(workers, initializer=init, initargs=(font_path,)) as pool:
        for _ in pool.imap_unordered(render, items, chunksize=16):
            pass
    # CPU time of the pool's processes is counted once they have exited (the with block joins them).
    print(json.dumps({"images": len(items), "seconds": time.perf_counter() - start, "cpu_seconds": cpu() - cpu0}))


if __name__ == "__main__":
    main()
