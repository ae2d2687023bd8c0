from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, features
from rich.console import Console

from opus_tui.services import images
from opus_tui.services.images import ImageError

LIMIT = 25 * 1024


def _noise_rgb(size: tuple[int, int], sigma: float = 60) -> Image.Image:
    """Busy content (noise over gradients): the hardest case for a small JPEG."""
    red = Image.linear_gradient("L").resize(size)
    green = Image.effect_noise(size, sigma)
    blue = Image.radial_gradient("L").resize(size)
    return Image.merge("RGB", (red, green, blue))


def _px(img: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = img.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def _save(img: Image.Image, path: Path, fmt: str, **kw) -> Path:
    img.save(path, fmt, **kw)
    return path


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _png_bomb(path: Path, side: int) -> Path:
    """A real PNG of side×side 1-bit pixels, all zero: tiny on disk, huge in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" * (1 + (side + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("img")
    out: dict[str, Path] = {}
    out["big_jpeg"] = _save(_noise_rgb((4000, 3000)), d / "big.jpg", "JPEG", quality=95)
    cmyk = _noise_rgb((800, 600)).convert("CMYK")
    out["cmyk_jpeg"] = _save(cmyk, d / "cmyk.jpg", "JPEG", quality=90)
    rgba = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    rgba.paste(Image.new("RGBA", (200, 200), (200, 30, 30, 255)), (200, 200))
    out["transparent_png"] = _save(rgba, d / "transparent.png", "PNG")
    frames = [Image.new("RGB", (320, 240), c) for c in ((220, 0, 0), (0, 220, 0), (0, 0, 220))]
    out["anim_gif"] = d / "anim.gif"
    frames[0].save(out["anim_gif"], "GIF", save_all=True, append_images=frames[1:], duration=100)
    if features.check("webp"):
        out["anim_webp"] = d / "anim.webp"
        frames[0].save(
            out["anim_webp"], "WEBP", save_all=True, append_images=frames[1:], duration=100
        )
    whole = io.BytesIO()
    _noise_rgb((1200, 900)).save(whole, "JPEG", quality=90)
    out["truncated"] = d / "truncated.jpg"
    out["truncated"].write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    out["text_png"] = d / "notes.png"
    out["text_png"].write_text("Det här är ingen bild.\n", encoding="utf-8")
    out["bomb"] = _png_bomb(d / "bomb.png", 20000)
    out["over_own_limit"] = _png_bomb(d / "nine.png", 9000)
    out["huge_file"] = d / "huge.jpg"
    with out["huge_file"].open("wb") as fh:
        fh.write(whole.getvalue()[:100])
        fh.truncate(21 * 1024 * 1024)
    rotated = _noise_rgb((400, 300), sigma=4)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out["exif_rotated"] = _save(rotated, d / "rotated.jpg", "JPEG", exif=exif.tobytes())
    out["small_png"] = _save(_noise_rgb((90, 120)), d / "small.png", "PNG")
    return out


@pytest.fixture
def originals(files):
    before = {name: _fingerprint(p) for name, p in files.items()}
    yield
    assert {name: _fingerprint(p) for name, p in files.items()} == before


def _check_fitted(fitted: images.FittedImage) -> Image.Image:
    assert fitted.bytes <= LIMIT
    assert fitted.format == "JPEG"
    img = Image.open(io.BytesIO(fitted.data))
    img.load()
    assert img.format == "JPEG"
    assert img.mode == "RGB"
    assert img.size == fitted.size
    assert not img.getexif()  # metadata stripped
    return img


@pytest.mark.parametrize(
    "name", ["big_jpeg", "cmyk_jpeg", "transparent_png", "anim_gif", "anim_webp", "small_png"]
)
def test_fitted_under_25_kb(files, originals, name, tmp_path):
    if name not in files:
        pytest.skip("Pillow without WebP")
    src = files[name]
    dest = tmp_path / "out.jpg"
    fitted = images.fit_photo_file(src, dest)
    assert dest.read_bytes() == fitted.data
    img = _check_fitted(fitted)
    w, h = img.size
    assert w <= 300 and h <= 400
    assert abs(w / h - 3 / 4) < 0.02
    assert fitted.quality is not None and 40 <= fitted.quality <= 95
    assert fitted.source_size == Image.open(src).size


def test_big_jpeg_details(files, originals):
    fitted = images.fit_photo(files["big_jpeg"])
    assert fitted.source_size == (4000, 3000)
    assert fitted.size == (300, 400)
    assert any("Beskuren till 3:4" in n for n in fitted.notes)


def test_cmyk_becomes_rgb(files, originals):
    fitted = images.fit_photo(files["cmyk_jpeg"])
    assert fitted.source_format == "JPEG"
    assert any("CMYK" in n for n in fitted.notes)
    _check_fitted(fitted)


def test_transparency_flattened_on_white(files, originals):
    fitted = images.fit_photo(files["transparent_png"])
    img = _check_fitted(fitted)
    r, g, b = _px(img, (2, 2))
    assert min(r, g, b) > 240  # corner was transparent
    r, g, b = _px(img, (img.width // 2, int(img.height * 0.5)))
    assert r > 150 and g < 90 and b < 90
    assert any("vit bakgrund" in n for n in fitted.notes)


@pytest.mark.parametrize("name", ["anim_gif", "anim_webp"])
def test_animated_uses_first_frame(files, originals, name):
    if name not in files:
        pytest.skip("Pillow without WebP")
    fitted = images.fit_photo(files[name])
    img = _check_fitted(fitted)
    r, g, b = _px(img, (img.width // 2, img.height // 2))
    assert r > 180 and g < 60 and b < 60  # the first frame is red
    assert any("3 bildrutor" in n for n in fitted.notes)


def test_exif_orientation_applied(files, originals):
    fitted = images.fit_photo(files["exif_rotated"])
    assert fitted.size == (300, 400)  # landscape 400×300 turned upright: no crop needed
    assert any("EXIF" in n for n in fitted.notes)
    assert not any("Beskuren" in n for n in fitted.notes)


def test_small_photo_not_upscaled(files, originals):
    fitted = images.fit_photo(files["small_png"])
    assert fitted.size == (90, 120)
    assert fitted.quality == 95


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated", "skadad eller ofullständig"),
        ("text_png", "ingen bild som kan läsas"),
        ("bomb", "dekomprimeringsbomb"),
        ("over_own_limit", "dekomprimeringsbomb"),
        ("huge_file", "för stor (21 MB); högst 20 MB"),
    ],
)
def test_refused_with_message(files, originals, name, message, tmp_path):
    dest = tmp_path / "out.jpg"
    with pytest.raises(ImageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        images.fit_photo_file(files[name], dest)
    assert not dest.exists()


@pytest.mark.parametrize("size", [(1, 1), (2, 1), (4000, 10), (59, 2000)])
def test_too_small_refused(size):
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    with pytest.raises(ImageError, match="för liten för ett porträtt"):
        images.fit_photo(buf.getvalue())


@pytest.mark.parametrize(
    ("mode", "kw"),
    [("I;16", {}), ("LA", {}), ("P", {"transparency": 0}), ("1", {}), ("L", {})],
)
def test_other_modes_become_rgb(mode, kw):
    buf = io.BytesIO()
    Image.new(mode, (300, 400), 1).save(buf, "PNG", **kw)
    fitted = images.fit_photo(buf.getvalue())
    assert _check_fitted(fitted).size == (300, 400)


def test_refusals_from_bytes():
    with pytest.raises(ImageError, match="tom"):
        images.fit_photo(b"")
    with pytest.raises(ImageError, match="ingen bild"):
        images.fit_photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "BMP")
    with pytest.raises(ImageError, match="ingen bild"):
        images.fit_photo(buf.getvalue())


def test_original_never_overwritten(files, originals):
    with pytest.raises(ImageError, match="Originalfilen skrivs aldrig över"):
        images.fit_photo_file(files["big_jpeg"], files["big_jpeg"])


def test_best_quality_is_the_highest_that_fits():
    img = _noise_rgb((300, 400), sigma=12)
    found = images._best_jpeg(img, LIMIT)
    assert found is not None
    data, quality = found
    assert len(data) <= LIMIT
    assert quality < 95
    assert len(images._encode_jpeg(img, quality + 1)) > LIMIT


def test_tighter_limit_shrinks_dimensions(files, originals):
    fitted = images.fit_photo(files["big_jpeg"], max_bytes=2 * 1024)
    assert fitted.bytes <= 2 * 1024
    assert fitted.size[0] < 300


# --- logo ---------------------------------------------------------------------------------------


def test_logo_within_limits_kept_as_is(tmp_path):
    path = _save(Image.new("RGBA", (400, 100), (10, 20, 200, 255)), tmp_path / "logo.png", "PNG")
    fitted = images.fit_logo(path)
    assert fitted.data == path.read_bytes()
    assert fitted.notes == ()


def test_large_logo_scaled_down_keeping_png_alpha(tmp_path):
    big = Image.new("RGBA", (3000, 1200), (0, 0, 0, 0))
    big.paste(Image.new("RGBA", (1500, 600), (0, 90, 160, 255)), (750, 300))
    fitted = images.fit_logo(_save(big, tmp_path / "big.png", "PNG"))
    assert fitted.format == "PNG"
    assert fitted.size == (1000, 400)
    img = Image.open(io.BytesIO(fitted.data))
    assert img.mode in ("RGBA", "P")
    assert _px(img.convert("RGBA"), (0, 0))[3] == 0


def test_noisy_logo_fitted_under_200_kb(tmp_path):
    fitted = images.fit_logo(_save(_noise_rgb((1000, 400)), tmp_path / "n.png", "PNG"))
    assert fitted.bytes <= 200 * 1024
    assert fitted.format == "PNG"
    jpeg = images.fit_logo(_save(_noise_rgb((2000, 800)), tmp_path / "n.jpg", "JPEG", quality=98))
    assert jpeg.format == "JPEG" and jpeg.size == (1000, 400) and jpeg.bytes <= 200 * 1024


def test_logo_refuses_other_formats(tmp_path):
    path = _save(Image.new("RGB", (100, 40)), tmp_path / "l.gif", "GIF")
    with pytest.raises(ImageError, match="GIF stöds inte här; använd PNG eller JPEG"):
        images.fit_logo(path)


# --- terminal view ------------------------------------------------------------------------------


def test_terminal_image_fits_cell_box(files):
    pixels = images.terminal_image(files["anim_gif"], 20, 6)
    console = Console(width=80, color_system="truecolor", file=io.StringIO(), record=True)
    console.print(pixels)
    lines = console.export_text().rstrip("\n").split("\n")
    # 320×240 into 20×12 half blocks: height-bound, 16×12 half blocks = 16×6 cells
    assert len(lines) == 6
    assert {len(line) for line in lines} == {16}
    wide = Console(width=80, color_system="truecolor", file=io.StringIO(), record=True)
    wide.print(images.terminal_image(files["anim_gif"], 20, 40))
    assert {len(line) for line in wide.export_text().rstrip("\n").split("\n")} == {20}
    colours = {
        seg.style.color.triplet
        for seg in console.render(pixels)
        if seg.style and seg.style.color and seg.style.color.triplet
    }
    assert colours and all(c.red > 180 and c.green < 60 and c.blue < 60 for c in colours)


def test_terminal_image_refuses_bad_file(files):
    with pytest.raises(ImageError):
        images.terminal_image(files["text_png"], 10, 5)


def test_content_services_import_no_ui_and_no_pillow():
    """Services know no UI, and Pillow/nh3/rich-pixels load only when used (start-up time)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import opus_tui.services.templates, opus_tui.services.sms, opus_tui.services.images\n"
        "import opus_tui.services.colours, opus_tui.services.sanitize\n"
        "import opus_tui.services.analytics\n"
        "print(sorted(m for m in ('textual', 'PIL', 'nh3', 'rich_pixels') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
