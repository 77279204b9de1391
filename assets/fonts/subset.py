#!/usr/bin/python3
"""Regenerates the kiosk's embedded CJK fonts from Debian's Noto Sans CJK.

Debian ships Noto Sans CJK only as .ttc collections (fonts-noto-cjk for the
Regular weight, fonts-noto-cjk-extra for Bold), and Fyne cannot load a
collection, so this script takes the Simplified Chinese face out of each and
subsets it to what a hall needs: every character of GBK (GB2312 lacks many
characters of names on ID cards, such as 堃, 喆 and 昇), ASCII, Latin-1,
CJK and general punctuation, full-width forms and the few symbols the
screens use. The result is two single-face .otf files beside this script.

Run from the repository root:  python3 assets/fonts/subset.py
It needs the Debian packages fonts-noto-cjk, fonts-noto-cjk-extra and
python3-fonttools (all in packaging/apt-packages.txt).
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = {
    "NotoSansSC-Regular.otf": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "NotoSansSC-Bold.otf": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
FAMILY = "Noto Sans CJK SC"


def gbk_characters():
    """Every character GBK encodes: lead bytes 0x81-0xFE, trail 0x40-0xFE
    except 0x7F. Decoded both as GBK and as GB 18030, which maps some codes
    (radicals, ideographic description characters, €) to real characters
    where older GBK tables map them to private use: Go's decoder, which the
    readers use, follows GB 18030."""
    chars = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            for codec in ("gbk", "gb18030"):
                try:
                    c = bytes([lead, trail]).decode(codec)
                except UnicodeDecodeError:
                    continue
                if not 0xE000 <= ord(c) <= 0xF8FF:
                    chars.add(c)
    return chars


def wanted_codepoints():
    cps = {ord(c) for c in gbk_characters()}
    ranges = [
        (0x0020, 0x007E),  # ASCII
        (0x00A0, 0x00FF),  # Latin-1: ×, ·, ¥ and names written in Latin letters
        (0x2000, 0x206F),  # general punctuation: dashes, quotes, …, ‰
        (0x2100, 0x214F),  # letterlike symbols: №, ℃
        (0x2150, 0x218F),  # number forms: Ⅰ Ⅱ Ⅲ
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed numbers: ① ②
        (0x2500, 0x257F),  # box drawing
        (0x25A0, 0x25FF),  # geometric shapes: ● ○ ■ □ ▲ ▶
        (0x2600, 0x26FF),  # miscellaneous symbols: ★ ☆
        (0x2700, 0x27BF),  # dingbats: ✓ ✗
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3040, 0x30FF),  # kana, for names and addresses that carry them
        (0x3200, 0x32FF),  # enclosed CJK: ㈠
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFF00, 0xFFEF),  # full-width forms
    ]
    for lo, hi in ranges:
        cps.update(range(lo, hi + 1))
    return cps


def main():
    cps = wanted_codepoints()
    for out_name, ttc in SOURCES.items():
        if not os.path.exists(ttc):
            sys.exit(f"{ttc} is missing: install fonts-noto-cjk and fonts-noto-cjk-extra")
        collection = TTCollection(ttc)
        face = None
        for f in collection.fonts:
            if f["name"].getDebugName(1) == FAMILY:
                face = f
                break
        if face is None:
            sys.exit(f"{ttc} has no face named {FAMILY}")
        options = subset.Options()
        # Only kerning: the screens set text horizontally in one locale, and
        # the other features (locl above all) would keep thousands of
        # Japanese, Korean and traditional variants no screen asks for.
        options.layout_features = ["kern"]
        options.notdef_outline = True
        options.hinting = False  # the screens are large; hints only cost space
        options.desubroutinize = False
        sub = subset.Subsetter(options)
        sub.populate(unicodes=sorted(cps))
        sub.subset(face)
        out = os.path.join(HERE, out_name)
        face.save(out)
        print(f"{out}: {len(face.getGlyphOrder())} glyphs, {os.path.getsize(out) // 1024} KiB")


if __name__ == "__main__":
    main()
