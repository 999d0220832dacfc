"""Connections from the tools people already run, as observations.

* ``azure``: Azure Migrate agentless dependency analysis, "Export
  application dependencies" (`import_azure`: the documented columns, `Time
  slot` or `Timeslot`, with or without `Source IP`).
* ``aws``: AWS Application Discovery Service agent connections
  (`import_aws`): the export zip's `<account>_sourceProcessConnection.csv`
  and `_destinationProcessConnection.csv` (camelCase), alone, together in
  the zip or in a folder (with `_process.csv` for process names), or the
  Athena tables' snake_case form.
* ``ss``: saved `ss -tunap` (or -tunapH) output (`import_ss`); several runs
  appended to one file count as several snapshots.

Files are streamed and folded into connections as they are read, many rows
at a time (`exportfile.Table.chunks`), or row by row where a problem must be
placed on its line (`Table.rows`): a 50 MB export is never held in memory.
An export covers many servers: `server` says whose connections to compare
(Azure: a server name or address; AWS: an address).  Without it, the one
server every row belongs to is taken when there is exactly one, else
InputError lists the candidates.  Header names are matched without case,
spaces or `_`; unknown columns are ignored; a row that cannot be read is
an error naming its file and line.  Every observation starts its notes
with what was read and what was left out, with counts (`imported` holds
the same for JSON readers).
"""
from __future__ import annotations

import csv
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from ..text.i18n import N_, _
from ..store.problems import InputError, Problem
from .exportfile import NotUtf8, Source, Table, check_size, column_key, file_source, may_fall_back, \
    open_text, read_header_line, regular_file, separator, text_source
from .import_aws import AwsReader, is_aws, is_process_table
from .import_azure import AzureReader, is_azure
from .import_ss import import_ss_stream, is_ss_header, service_port
from .model import Observation
from .procnet import parse_ss

FORMATS = ("azure", "aws", "ss")
AWS_CONNECTION_FILES = ("sourceprocessconnection", "destinationprocessconnection")
_UNKNOWN = N_("cannot tell the format of this file: expected an Azure Migrate dependency CSV, an AWS "
            "Application Discovery connection export or ss -tunap output; give --input-format")


def _detect_line(first: str) -> Optional[str]:
    first = first.replace("\ufeff", "")
    if "," in first or "\t" in first or ";" in first:
        keys = {column_key(h) for h in next(csv.reader([first], delimiter=separator(first)))}
        if is_azure(keys):
            return "azure"
        if is_aws(keys) or is_process_table(keys):
            return "aws"
    if is_ss_header(first):
        return "ss"
    if first.split() and parse_ss(first, service_port):  # headerless (-H), perhaps without -n
        return "ss"
    return None


def detect_format(text: str) -> Optional[str]:
    """azure | aws | ss from the first line, or None when it is not clear."""
    return _detect_line(next((line for line in text.splitlines() if line.strip()), ""))


def _written(path: Path) -> str:
    mtime = datetime.fromtimestamp(os.stat(path).st_mtime, timezone.utc)
    return mtime.isoformat(timespec="seconds").replace("+00:00", "Z")


def import_file(path: str | Path, fmt: str = "auto", server: Optional[str] = None) -> Observation:
    """Read an export file, an AWS export zip or a folder; InputError (file:line: what) for anything unreadable."""
    path = Path(path)
    shown = str(path)
    _check_format(fmt, shown)
    if path.is_dir():
        members = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        sources = [file_source(p, f"{shown}/{p.name}") for p in members]
        return _import_aws_set(sources, shown, server, fmt)
    regular_file(path, shown)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
                check_size(sum(i.file_size for i in members), shown + " (uncompressed)")
                names = sorted(i.filename for i in members)
                sources = [Source(f"{shown}/{n}", (lambda n=n: archive.open(n)), n.rsplit("/", 1)[-1])
                           for n in names]
                return _import_aws_set(sources, shown, server, fmt)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError([Problem(shown, 0, 0, "", _("cannot read the zip: {detail}").format(detail=exc))]) from None
    return _import_source(file_source(path, shown), fmt, server, _written(path))


def import_text(text: str, fmt: str = "auto", origin: str = "<text>", server: Optional[str] = None,
                written: Optional[str] = None) -> Observation:
    _check_format(fmt, origin)
    return _import_source(text_source(text, origin), fmt, server, written)


def _check_format(fmt: Optional[str], origin: str) -> None:
    if fmt not in (None, "", "auto") + FORMATS:
        raise InputError([Problem(origin, 0, 0, "", _("unknown format {format} (known: {known})").format(
            format=repr(fmt), known=", ".join(FORMATS)))])


def _import_source(source: Source, fmt: Optional[str], server: Optional[str],
                   written: Optional[str]) -> Observation:
    if fmt in (None, "", "auto"):
        fmt = _detect_line(read_header_line(source))
        if fmt is None:
            raise InputError([Problem(source.shown, 1, 1, "", _(_UNKNOWN))])
    if fmt == "ss":
        for encoding in (None, "cp1252"):
            with open_text(source, encoding) as stream:
                try:
                    return import_ss_stream(stream, source.shown, written)
                except UnicodeDecodeError:
                    if not may_fall_back(stream):
                        break
        raise InputError([Problem(source.shown, 0, 0, "", _("cannot decode the file"))])
    if fmt == "azure":
        return _read_all(AzureReader, [source], source.shown, server)
    return _import_aws_set([source], source.shown, server, fmt, single=True)


def _read_all(reader_class, sources: list[Source], origin: str, server: Optional[str],
              processes: Optional[list[Source]] = None) -> Observation:
    """Read every source into one reader; a file that is not UTF-8 is read again as Windows-1252."""
    for encoding in (None, "cp1252"):
        reader = reader_class(server) if reader_class is AzureReader else reader_class()
        try:
            for source in processes or ():
                reader.read_processes(Table(source, encoding))
            for source in sources:
                reader.read(Table(source, encoding))
        except NotUtf8:
            continue
        return reader.observe(origin, server)
    raise InputError([Problem(origin, 0, 0, "", _("cannot decode the file"))])


def _import_aws_set(sources: list[Source], origin: str, server: Optional[str], fmt: Optional[str],
                    single: bool = False) -> Observation:
    """AWS connection files (and process files) from a zip, a folder or one file."""
    if fmt not in (None, "", "auto", "aws"):
        raise InputError([Problem(origin, 0, 0, "", _(
            "a zip or a folder is read as an AWS Application Discovery export, not as {format}").format(format=fmt))])
    connections, processes = [], []
    for source in sources:
        name = source.member.lower()
        if any(kind in name for kind in AWS_CONNECTION_FILES):
            connections.append(source)
        elif name.endswith("process.csv") or single:
            header = read_header_line(source) if single else ""
            keys = {column_key(h) for h in next(csv.reader([header], delimiter=separator(header)), [])}
            (processes if not single or is_process_table(keys) else connections).append(source)
    if not connections:
        if single and processes:
            raise InputError([Problem(origin, 0, 0, "", _(
                "this is the export's process file (process names); import it with the connection files: the "
                "export zip, or a folder holding them"))])
        raise InputError([Problem(origin, 0, 0, "", _(
            "no AWS Application Discovery connection file here (expected <account>_sourceProcessConnection.csv "
            "and/or <account>_destinationProcessConnection.csv)"))])
    return _read_all(AwsReader, connections, origin, server, processes)


__all__ = ["FORMATS", "detect_format", "import_file", "import_text"]
