"""Images for the image library's tests, drawn with Pillow."""

import io

from PIL import ExifTags, Image


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png(width: int, height: int, color: str = "#1d4e89") -> bytes:
    return encode(Image.new("RGB", (width, height), color), "PNG")


def photo_with_gps(width: int = 800, height: int = 600, orientation: int = 1) -> bytes:
    """A JPEG as a phone takes it: camera, orientation and where it was taken, in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Fono"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (12.0, 2.0, 45.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (77.0, 1.0, 42.0),
    }
    return encode(Image.new("RGB", (width, height), "#f2a900"), "JPEG", exif=exif)


def animation(image_format: str, width: int = 120, height: int = 80) -> bytes:
    """Three frames of different colours, looping."""
    frames = [Image.new("RGB", (width, height), color) for color in ("red", "green", "blue")]
    return encode(
        frames[0], image_format, save_all=True, append_images=frames[1:], duration=200, loop=0
    )
