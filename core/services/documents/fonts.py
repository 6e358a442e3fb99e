"""Whether this machine can print Chinese: a notice laid out without a Chinese font would come out
with empty boxes where its text should be, and nothing else would say so.

Fontconfig (the library WeasyPrint finds its fonts through) is asked for the families that cover
Chinese (``:lang=zh-cn``). A machine without any gets no PDF: the render fails with
:class:`NoChineseFont`, saying what to install, and is retried as any failed render is, so the
documents come out once a font is installed (``govhall serve`` also says so when it starts).

The Hei fonts lack the rare characters (生僻字, CJK Extension A to F) of many names and places: a
name with 𠮷 or 䶮 would print its characters as empty boxes while the text layer, and so any
pdftotext check, still has them. The documents' stylesheet names HanaMinA/HanaMinB (Debian
``fonts-hanazono``) after the Hei fonts for them; ``govhall serve`` warns at start when no font
here draws :data:`RARE_SAMPLE` (the documents still print, with boxes for those characters).
"""

from __future__ import annotations

from functools import cache
from typing import Any

INSTALL_HINT = ("请安装中文字体（Debian/Ubuntu：apt-get install fonts-wqy-microhei 或 fonts-noto-cjk），"
                "然后重启 govhall serve 并执行 govhall documents render --retry-failed")


RARE_SAMPLE = "𠮷䶮𡒄𬱖"  # Extension B (𠮷野家), A, B, E
RARE_HINT = "请安装生僻字字体（Debian/Ubuntu：apt-get install fonts-hanazono），然后重启 govhall serve"


class NoChineseFont(RuntimeError):
    """No font on this machine covers Chinese: a document laid out now would print empty boxes."""

    def __init__(self) -> None:
        super().__init__(f"服务器未安装中文字体，文书无法生成：{INSTALL_HINT}")


_CDEF = """
typedef struct _FcPattern FcPattern;
typedef struct _FcObjectSet FcObjectSet;
typedef struct _FcConfig FcConfig;
typedef struct { int nfont; int sfont; FcPattern **fonts; } FcFontSet;
typedef enum { FcResultMatch, FcResultNoMatch, FcResultTypeMismatch, FcResultNoId, FcResultOutOfMemory } FcResult;
int FcInitBringUptoDate(void);
FcPattern *FcNameParse(const unsigned char *name);
FcObjectSet *FcObjectSetBuild(const char *first, ...);
FcFontSet *FcFontList(FcConfig *config, FcPattern *p, FcObjectSet *os);
FcResult FcPatternGetString(const FcPattern *p, const char *object, int n, unsigned char **s);
void FcFontSetDestroy(FcFontSet *s);
void FcPatternDestroy(FcPattern *p);
void FcObjectSetDestroy(FcObjectSet *os);
"""


@cache
def _fontconfig() -> tuple[Any, Any]:
    from cffi import FFI  # WeasyPrint's own binding library

    ffi = FFI()
    ffi.cdef(_CDEF)
    return ffi, ffi.dlopen("libfontconfig.so.1")


def chinese_font_families() -> list[str]:
    """The font families installed here that cover Chinese (simplified), as fontconfig lists them;
    fonts installed since the last call are seen (fontconfig rescans what changed)."""
    return _families(":lang=zh-cn")


def rare_characters_missing() -> str:
    """The characters of :data:`RARE_SAMPLE` no font installed here draws (empty: all are drawn)."""
    return "".join(ch for ch in RARE_SAMPLE if not _families(f":charset={ord(ch):x}"))


def _families(query: str) -> list[str]:
    """The families of the installed fonts matching a fontconfig pattern (``:lang=zh-cn``)."""
    ffi, lib = _fontconfig()
    lib.FcInitBringUptoDate()
    pattern = lib.FcNameParse(query.encode())
    objects = lib.FcObjectSetBuild(b"family", ffi.NULL)
    found = lib.FcFontList(ffi.NULL, pattern, objects)
    try:
        families = set()
        for i in range(found.nfont if found != ffi.NULL else 0):
            name = ffi.new("unsigned char **")
            if lib.FcPatternGetString(found.fonts[i], b"family", 0, name) == lib.FcResultMatch:
                families.add(ffi.string(name[0]).decode("utf-8", "replace"))
        return sorted(families)
    finally:
        if found != ffi.NULL:
            lib.FcFontSetDestroy(found)
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)


_seen_one = False


def require_chinese_font() -> None:
    """Raise :class:`NoChineseFont` unless a font covers Chinese (once one was found, not asked again)."""
    global _seen_one
    if _seen_one:
        return
    if not chinese_font_families():
        raise NoChineseFont()
    _seen_one = True
