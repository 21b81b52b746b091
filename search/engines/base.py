"""What both engines share."""

# Best match first; equal ranks newest first.
ORDERING = ("-rank", "-published_at", "-id")
