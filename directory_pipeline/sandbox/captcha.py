"""Server-drawn captcha images: SVG dot-matrix glyphs with jitter and noise, no text nodes."""

from __future__ import annotations

import random

# 5x7 dot-matrix glyphs for every character of guards.CAPTCHA_ALPHABET.
_GLYPHS: dict[str, tuple[str, ...]] = {
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("####.", "....#", "....#", ".###.", "....#", "....#", "####."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": (".###.", "#....", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "....#", ".###."),
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "##.##", "#...#"),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
}

_CELL = 4
_GLYPH_WIDTH = 5 * _CELL + 10
_HEIGHT = 7 * _CELL + 22


def captcha_svg(text: str, rng: random.Random) -> str:
    """An SVG image of `text` that a person reads easily and a DOM scraper cannot."""
    width = len(text) * _GLYPH_WIDTH + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_HEIGHT}" '
        f'viewBox="0 0 {width} {_HEIGHT}">',
        f'<rect width="{width}" height="{_HEIGHT}" fill="#f3efe2"/>',
    ]
    for _ in range(6):
        parts.append(
            f'<line x1="{rng.uniform(0, width):.1f}" y1="{rng.uniform(0, _HEIGHT):.1f}" '
            f'x2="{rng.uniform(0, width):.1f}" y2="{rng.uniform(0, _HEIGHT):.1f}" '
            f'stroke="#9a8f7a" stroke-width="1"/>'
        )
    for index, char in enumerate(text):
        x0 = 12 + index * _GLYPH_WIDTH + rng.uniform(-2, 2)
        y0 = 11 + rng.uniform(-3, 3)
        angle = rng.uniform(-14, 14)
        colour = rng.choice(("#2b3a67", "#5b2333", "#1e4d2b", "#3d2c5c"))
        cx, cy = x0 + 2.5 * _CELL, y0 + 3.5 * _CELL
        parts.append(f'<g transform="rotate({angle:.1f} {cx:.1f} {cy:.1f})" fill="{colour}">')
        for row, line in enumerate(_GLYPHS[char]):
            for col, dot in enumerate(line):
                if dot == "#":
                    x = x0 + col * _CELL + rng.uniform(-0.6, 0.6)
                    y = y0 + row * _CELL + rng.uniform(-0.6, 0.6)
                    parts.append(
                        f'<rect x="{x:.1f}" y="{y:.1f}" width="{_CELL}" height="{_CELL}"/>'
                    )
        parts.append("</g>")
    for _ in range(40):
        parts.append(
            f'<circle cx="{rng.uniform(0, width):.1f}" cy="{rng.uniform(0, _HEIGHT):.1f}" '
            f'r="{rng.uniform(0.5, 1.4):.1f}" fill="#7d7462"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
