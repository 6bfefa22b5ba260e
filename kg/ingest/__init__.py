"""Files, folders, JSON Lines, article pages, feeds, web archives and stdin -> :class:`kg.records.Document`."""

from kg.ingest.article import article_fields
from kg.ingest.clean import clean_text
from kg.ingest.files import IngestError, content_id, folder_files, normalise_date, read_inputs, read_jsonl, read_path
from kg.ingest.feeds import read_feed
from kg.ingest.html import html_to_document_fields
from kg.ingest.screening import detect_language, screen, split_document
from kg.ingest.warc import read_warc

__all__ = [
    "article_fields",
    "folder_files",
    "IngestError",
    "clean_text",
    "content_id",
    "detect_language",
    "screen",
    "split_document",
    "html_to_document_fields",
    "normalise_date",
    "read_inputs",
    "read_jsonl",
    "read_feed",
    "read_path",
    "read_warc",
]
