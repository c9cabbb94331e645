"""How static files are stored when deployed: content-hashed names, so the browser may keep them
for a year (WhiteNoise sends `max-age=315360000, immutable` for hashed names) and a repeat visit
downloads the HTML only; compressed copies (gzip, Brotli) beside them."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    # References inside CSS and JS are left as written: KRDS's stylesheets name images its
    # package does not ship, which would stop collectstatic. The files they name are served
    # under their own names (short max-age, then ETag/Last-Modified revalidation, 304).
    patterns = ()
    # A name missing from the manifest is served under its own name rather than failing the page.
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            # Not collected yet (`egov migrate` runs before `collectstatic` on a release): the
            # file's own name, served and revalidated like any unhashed file.
            return name
