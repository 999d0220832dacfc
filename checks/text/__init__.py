"""The core's words: gettext catalogs, fixed vocabularies, safe terminal text."""
