"""Practitioner photos and the logo: checked, fitted and shown in the terminal (Pillow).

Photos (Behandlare, *Maxstorlek på bild som laddas upp är 25 kb*):

* input: JPEG, PNG, WebP or GIF (animated GIF/WebP: the first frame), at most
  :data:`INPUT_MAX_BYTES` (20 MB) and :data:`MAX_PIXELS` (80 megapixels);
* EXIF orientation applied, CMYK and palette converted to RGB, transparency flattened on white;
* centre-cropped to portrait 3:4 (horizontally centred, vertically a little above the middle,
  where faces are), scaled down to at most :data:`PHOTO_SIZE` (300×400), never up;
* re-encoded as baseline JPEG without metadata (EXIF/GPS removed) with the highest quality
  (binary search, 40–95) that fits :data:`PHOTO_MAX_BYTES` (25 kB = 25,600 bytes); when even
  quality 40 is too big, the dimensions shrink by 15 % and the search repeats.

Logo (Media): PNG or JPEG, at most :data:`LOGO_MAX_BYTES` (200 kB) and :data:`LOGO_MAX_SIZE`
(1000×400). A logo within the limits is kept byte for byte; a larger one is scaled down
(PNG stays PNG with its transparency, reduced to 256 colours if still too big; JPEG gets the
best quality that fits).

The original file is never written: functions return bytes, or write to a separate path.
Every refusal is an :class:`ImageError` with a Swedish message. PIL and rich-pixels are
imported inside the functions (start-up time).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

PHOTO_MAX_BYTES = 25 * 1024
PHOTO_ASPECT = (3, 4)  # width : height, portrait
PHOTO_SIZE = (300, 400)
PHOTO_MIN_SIZE = (60, 80)
QUALITY_MIN = 40
QUALITY_MAX = 95

LOGO_MAX_BYTES = 200 * 1024
LOGO_MAX_SIZE = (1000, 400)

INPUT_MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 80_000_000

PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
LOGO_FORMATS = ("PNG", "JPEG")


class ImageError(ValueError):
    """The file cannot be used as a photo or logo (message in Swedish)."""


@dataclass(frozen=True, slots=True)
class FittedImage:
    data: bytes
    format: str  # "JPEG" or "PNG"
    size: tuple[int, int]
    quality: int | None  # JPEG quality used, None when not re-encoded as JPEG
    source_format: str
    source_size: tuple[int, int]
    source_bytes: int
    notes: tuple[str, ...] = field(default=())  # Swedish, what was done

    @property
    def bytes(self) -> int:
        return len(self.data)

    @property
    def suffix(self) -> str:
        return ".png" if self.format == "PNG" else ".jpg"


def _kb(n: int) -> str:
    return f"{n / 1024:.1f}".replace(".", ",") + " kB"


def _read(source: Path | bytes) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise ImageError(f"Filen {source.name} kan inte läsas.") from exc
        if size > INPUT_MAX_BYTES:
            raise ImageError(
                f"Filen är för stor ({size / 1024 / 1024:.0f} MB); högst "
                f"{INPUT_MAX_BYTES // 1024 // 1024} MB."
            )
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ImageError(f"Filen {source.name} kan inte läsas.") from exc
    if not data:
        raise ImageError("Filen är tom.")
    if len(data) > INPUT_MAX_BYTES:
        raise ImageError(
            f"Filen är för stor ({len(data) / 1024 / 1024:.0f} MB); högst "
            f"{INPUT_MAX_BYTES // 1024 // 1024} MB."
        )
    return data


def _format_names(formats: tuple[str, ...]) -> str:
    names = [f.replace("WEBP", "WebP") for f in formats]
    return ", ".join(names[:-1]) + " eller " + names[-1]


def _open(
    data: bytes, formats: tuple[str, ...], draft: tuple[int, int] | None = None
) -> tuple[Image, str, int, tuple[int, int]]:
    """Open, check and fully decode the first frame: (image, format, frames, size in file).
    ``draft``: a JPEG may be decoded at a reduced scale (DCT scaling) as long as both sides
    stay at least this large - much faster for camera photos."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    bomb_text = (
        "Bilden har orimligt många bildpunkter ({w}×{h}) och kan vara en "
        "dekomprimeringsbomb; högst {max} megapixlar."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data), formats=PHOTO_FORMATS)
            fmt = image.format or "?"
            w, h = image.size
            if w * h > MAX_PIXELS:
                raise ImageError(bomb_text.format(w=w, h=h, max=MAX_PIXELS // 1_000_000))
            if fmt not in formats:
                raise ImageError(
                    f"Bildformatet {fmt} stöds inte här; använd {_format_names(formats)}."
                )
            frames = int(getattr(image, "n_frames", 1))
            image.seek(0)
            if draft is not None and fmt == "JPEG":
                image.draft("RGB", draft)
            image.load()
    except ImageError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ImageError(
            "Bilden har orimligt många bildpunkter och kan vara en dekomprimeringsbomb; "
            f"högst {MAX_PIXELS // 1_000_000} megapixlar."
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"Filen är ingen bild som kan läsas ({_format_names(formats)}).") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError("Bildfilen är skadad eller ofullständig och kan inte läsas.") from exc
    return image, fmt, frames, (w, h)


def _to_rgb(image: Image, notes: list[str]) -> Image:
    from PIL import Image as PILImage
    from PIL import ImageOps

    if image.getexif().get(0x0112, 1) not in (1, None):
        notes.append("Bilden vändes rätt enligt EXIF.")
    image = ImageOps.exif_transpose(image) or image
    if image.mode == "CMYK":
        notes.append("CMYK omvandlades till RGB.")
        return image.convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        notes.append("Genomskinlighet ersattes med vit bakgrund.")
        rgba = image.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda v: v / 256).convert("RGB")
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _encode_jpeg(image: Image, quality: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, optimize=True, progressive=False)
    return buf.getvalue()


def _best_jpeg(image: Image, max_bytes: int) -> tuple[bytes, int] | None:
    """The highest quality in [QUALITY_MIN, QUALITY_MAX] that fits, by binary search."""
    lo, hi = QUALITY_MIN, QUALITY_MAX
    best: tuple[bytes, int] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        data = _encode_jpeg(image, mid)
        if len(data) <= max_bytes:
            best = (data, mid)
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def _fit_jpeg(image: Image, max_bytes: int, min_size: tuple[int, int]) -> tuple[bytes, int, Image]:
    from PIL import Image as PILImage

    current = image
    while True:
        found = _best_jpeg(current, max_bytes)
        if found is not None:
            return found[0], found[1], current
        w, h = current.size
        nw, nh = int(w * 0.85), int(h * 0.85)
        if nw < min_size[0] or nh < min_size[1]:
            raise ImageError(
                f"Bilden går inte att få ner till {_kb(max_bytes)} med godtagbar kvalitet."
            )
        current = image.resize((nw, nh), PILImage.Resampling.LANCZOS)


def fit_photo(source: Path | bytes, *, max_bytes: int = PHOTO_MAX_BYTES) -> FittedImage:
    """A practitioner photo fitted to ``max_bytes`` (see the module's rules)."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    data = _read(source)
    side = 2 * max(PHOTO_SIZE)  # either orientation, before EXIF rotation
    image, fmt, frames, source_size = _open(data, PHOTO_FORMATS, draft=(side, side))
    notes: list[str] = []
    if frames > 1:
        notes.append(f"Animerad bild ({frames} bildrutor): första bildrutan används.")
    rgb = _to_rgb(image, notes)
    w, h = rgb.size
    aw, ah = PHOTO_ASPECT
    crop_w, crop_h = (w, w * ah // aw) if w * ah <= h * aw else (h * aw // ah, h)
    if crop_w < PHOTO_MIN_SIZE[0] or crop_h < PHOTO_MIN_SIZE[1]:
        raise ImageError(
            f"Bilden är för liten för ett porträtt ({w}×{h} bildpunkter); beskuren till "
            f"{aw}:{ah} måste den vara minst {PHOTO_MIN_SIZE[0]}×{PHOTO_MIN_SIZE[1]}."
        )
    scale = min(1.0, PHOTO_SIZE[0] / crop_w, PHOTO_SIZE[1] / crop_h)
    target = (max(1, round(crop_w * scale)), max(1, round(crop_h * scale)))
    if (crop_w, crop_h) != (w, h):
        notes.append(f"Beskuren till {aw}:{ah} (stående).")
    fitted = ImageOps.fit(rgb, target, method=PILImage.Resampling.LANCZOS, centering=(0.5, 0.4))
    encoded, quality, final = _fit_jpeg(
        fitted, max_bytes, (min(PHOTO_MIN_SIZE[0], target[0]), min(PHOTO_MIN_SIZE[1], target[1]))
    )
    notes.append(
        f"Sparad som JPEG {final.width}×{final.height}, kvalitet {quality}, {_kb(len(encoded))}."
    )
    return FittedImage(
        data=encoded,
        format="JPEG",
        size=final.size,
        quality=quality,
        source_format=fmt,
        source_size=source_size,
        source_bytes=len(data),
        notes=tuple(notes),
    )


def fit_logo(source: Path | bytes, *, max_bytes: int = LOGO_MAX_BYTES) -> FittedImage:
    """The logo within :data:`LOGO_MAX_SIZE` and ``max_bytes``; unchanged when it already is."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    data = _read(source)
    image, fmt, _frames, source_size = _open(data, LOGO_FORMATS)
    mw, mh = LOGO_MAX_SIZE
    if image.width <= mw and image.height <= mh and len(data) <= max_bytes:
        return FittedImage(data, fmt, image.size, None, fmt, source_size, len(data), ())
    notes: list[str] = []
    image = ImageOps.exif_transpose(image) or image
    if image.width > mw or image.height > mh:
        image = image.copy()
        image.thumbnail(LOGO_MAX_SIZE, PILImage.Resampling.LANCZOS)
        notes.append(f"Förminskad till {image.width}×{image.height}.")
    if fmt == "JPEG":
        encoded, quality, final = _fit_jpeg(_to_rgb(image, notes), max_bytes, (50, 20))
        notes.append(f"Sparad som JPEG, kvalitet {quality}, {_kb(len(encoded))}.")
        return FittedImage(
            encoded, "JPEG", final.size, quality, fmt, source_size, len(data), tuple(notes)
        )
    if image.mode not in ("RGB", "RGBA", "P", "L", "LA"):
        image = image.convert("RGBA")
    current = image
    while True:
        encoded = _encode_png(current)
        if len(encoded) > max_bytes and current.mode != "P":
            quantized = current.quantize(256, method=PILImage.Quantize.FASTOCTREE)
            encoded = _encode_png(quantized)
            if len(encoded) <= max_bytes:
                notes.append("Reducerad till 256 färger.")
                current = quantized
        if len(encoded) <= max_bytes:
            notes.append(f"Sparad som PNG, {_kb(len(encoded))}.")
            return FittedImage(
                encoded, "PNG", current.size, None, fmt, source_size, len(data), tuple(notes)
            )
        nw, nh = int(current.width * 0.85), int(current.height * 0.85)
        if nw < 50 or nh < 20:
            raise ImageError(f"Logotypen går inte att få ner till {_kb(max_bytes)}.")
        current = image.resize((nw, nh), PILImage.Resampling.LANCZOS)


def _encode_png(image: Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def write_fitted(fitted: FittedImage, dest: Path, *, source: Path | None = None) -> Path:
    """Write ``fitted`` to ``dest`` (atomically); refuses to overwrite ``source``."""
    if source is not None and dest.resolve() == source.resolve():
        raise ImageError("Originalfilen skrivs aldrig över; välj en annan målfil.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_bytes(fitted.data)
    tmp.replace(dest)
    return dest


def fit_photo_file(source: Path, dest: Path) -> FittedImage:
    """Fit the photo at ``source`` and write it to ``dest`` (never ``source``)."""
    if dest.resolve() == source.resolve():
        raise ImageError("Originalfilen skrivs aldrig över; välj en annan målfil.")
    fitted = fit_photo(source)
    write_fitted(fitted, dest, source=source)
    return fitted


# --- terminal view ---------------------------------------------------------------------------


def terminal_image(source: Path | bytes, width: int, height: int) -> Any:
    """A Rich renderable (rich-pixels half blocks) of the image, fitted inside ``width`` ×
    ``height`` cells keeping its aspect (a half block is about square). Raises ImageError."""
    from PIL import Image as PILImage
    from rich_pixels import HalfcellRenderer, Pixels

    if width < 1 or height < 1:
        raise ValueError("the cell box must be at least 1×1")
    data = _read(source)
    side = 2 * max(width, 2 * height)
    image, _fmt, _frames, _size = _open(data, PHOTO_FORMATS, draft=(side, side))
    rgb = _to_rgb(image, [])
    box_w, box_h = width, height * 2
    scale = min(box_w / rgb.width, box_h / rgb.height)
    size = (max(1, round(rgb.width * scale)), max(2, round(rgb.height * scale)))
    small = rgb.resize(size, PILImage.Resampling.LANCZOS)
    return Pixels.from_image(small, renderer=HalfcellRenderer())
