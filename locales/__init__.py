"""Message catalogs (gettext .po files) for en, es and fr."""
