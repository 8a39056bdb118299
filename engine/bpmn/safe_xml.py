"""Safe XML intake for uploaded model files (ARCHITECTURE 2, step 1).

Every BPMN or DMN file passes :func:`parse_model_bytes` before SpiffWorkflow's parser sees it:
size cap, no DOCTYPE at all (so no entities, no external DTDs), strict decoding in the declared
encoding, a nesting limit and lxml with entity resolution, DTD loading and network access off.
Every refusal is a :class:`~engine.errors.ModelFileError` naming the file and, when known, the line.
"""
from __future__ import annotations

import codecs
import re
from typing import Any

from lxml import etree

from engine.errors import ModelFileError

MAX_MODEL_BYTES = 5 * 1024 * 1024
MAX_MODEL_DEPTH = 200
MAX_ID_LENGTH = 100

_XML_DECL = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']")
_TEXT_DECL = re.compile(r"^\ufeff?<\?xml[^>]*?\?>")
_UTF8_DECL = '<?xml version="1.0" encoding="UTF-8"?>'
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# XML 1.0 (5th edition) NameStartChar / NameChar without ':' (an NCName).
_NC_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NC_CHAR = _NC_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NCNAME = re.compile(f"[{_NC_START}][{_NC_CHAR}]*")


def parse_model_bytes(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_MODEL_BYTES,
    max_depth: int = MAX_MODEL_DEPTH,
) -> etree._ElementTree:
    """Parse an uploaded model file, refusing anything hostile or broken.

    Args:
        data: The raw file content.
        filename: The name reported in errors.
        max_bytes: Largest accepted size in bytes.
        max_depth: Deepest accepted element nesting (the root element is depth 1).

    Returns:
        The parsed tree; elements keep their ``sourceline``.

    Raises:
        ModelFileError: For a file that is too large (``too_large=True``), has a DOCTYPE, does not
            decode in its declared encoding, nests too deep or is not well-formed XML.
    """
    if len(data) > max_bytes:
        raise ModelFileError(
            filename, None,
            "file_too_large", too_large=True, size=len(data), limit=max_bytes,
        )
    text = _decode(data, filename)
    if not text.strip():
        raise ModelFileError(filename, None, "file_empty")
    doctype = _DOCTYPE.search(text)
    if doctype:
        raise ModelFileError(
            filename, _line_at(text, doctype.start()),
            "doctype_not_allowed",
        )
    try:
        return _parse(data, filename, max_depth)
    except ModelFileError:
        raise
    except etree.XMLSyntaxError as err:  # lxml raises it outside the parse too (rare)
        line = err.position[0] if err.position and err.position[0] else None
        reason, params = malformed(err)
        raise ModelFileError(filename, line, reason, **params) from err
    except Exception as err:  # lxml can raise ValueError/LookupError on odd input
        raise ModelFileError(filename, None, "xml_unreadable", detail=str(err)) from err


# libxml2's commonest complaints, each with a message code of its own (worded by the catalogues);
# any other keeps ``xml_malformed`` with the parser's own text as ``detail``.
_MALFORMED_REASONS = {
    "ERR_TAG_NAME_MISMATCH": "xml_tag_mismatch",
    "ERR_TAG_NOT_FINISHED": "xml_tag_not_closed",
    "ERR_GT_REQUIRED": "xml_start_tag_unfinished",
    "ERR_DOCUMENT_EMPTY": "xml_no_root",
    "ERR_DOCUMENT_END": "xml_extra_content",
    "ERR_ATTRIBUTE_NOT_STARTED": "xml_attribute_unquoted",
    "ERR_ATTRIBUTE_WITHOUT_VALUE": "xml_attribute_unquoted",
    "ERR_UNDECLARED_ENTITY": "xml_undeclared_entity",
    "NS_ERR_UNDEFINED_NAMESPACE": "xml_undeclared_prefix",
    "ERR_INVALID_CHAR": "xml_invalid_character",
    "ERR_INVALID_CHARREF": "xml_invalid_character",
}


# the names a complaint's English text quotes, kept as parameters of its message code
_QUOTED_NAMES = {
    "xml_tag_mismatch": re.compile(r"mismatch: (?P<start>\S+) line \d+ and (?P<end>[^,\s]+)"),
    "xml_undeclared_entity": re.compile(r"Entity '(?P<name>[^']+)'"),
    "xml_undeclared_prefix": re.compile(r"prefix (?P<name>\S+) on"),
}


def malformed(err: etree.XMLSyntaxError, log: etree._ListErrorLog | None = None) -> tuple[str, dict[str, Any]]:
    """The message code and parameters for a parse error of libxml2.

    Args:
        err: The parser's exception.
        log: The parser's own error log: of the errors it holds (the first is often a consequence,
            as "space required" for an unfinished tag), the first with a code of its own is taken.

    Returns:
        The code (``xml_malformed`` for a complaint without one of its own) and its parameters: the
        parser's own text as ``detail`` and the names the complaint quotes.
    """
    entries = [(entry.type_name, entry.message) for entry in log] if log else []
    entries.append((etree.ErrorTypes._getName(err.code), str(err.msg)))
    for name, message in entries:
        reason = _MALFORMED_REASONS.get(name)
        if reason is not None:
            quoted = _QUOTED_NAMES.get(reason)
            found = quoted.search(message) if quoted else None
            if quoted is None or found is not None:
                return reason, {"detail": str(err.msg), **(found.groupdict() if found else {})}
    return "xml_malformed", {"detail": str(err.msg)}


def parse_model_text(xml: str, filename: str = "model.bpmn") -> etree._ElementTree:
    """Parse a model held as text (a stored version, the modeler's editor) with the same checks.

    The text is parsed as UTF-8 whatever its XML declaration names: it has been decoded already.

    Args:
        xml: The model's text.
        filename: The name reported in errors.

    Returns:
        The parsed tree.

    Raises:
        ModelFileError: As :func:`parse_model_bytes`.
    """
    return parse_model_bytes(_TEXT_DECL.sub(_UTF8_DECL, xml, count=1).encode("utf-8"), filename)


def check_ncname_id(process_id: str) -> tuple[str, dict[str, object]] | None:
    """Check that an id is an XML NCName of at most 100 characters.

    Args:
        process_id: The id to check (a process id, element id or file key).

    Returns:
        ``None`` when the id is acceptable, otherwise why not: a message code and its parameters.
    """
    if not process_id:
        return "id_empty", {}
    if len(process_id) > MAX_ID_LENGTH:
        return "id_too_long", {"length": len(process_id), "limit": MAX_ID_LENGTH}
    if not _NCNAME.fullmatch(process_id):
        return "id_not_ncname", {"id": process_id}
    return None


def _declared_encoding(data: bytes) -> str:
    """Return the codec named by the byte-order mark or XML declaration (default UTF-8)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    match = _XML_DECL.match(data)
    return match.group(1).decode("ascii") if match else "utf-8"


def _decode(data: bytes, filename: str) -> str:
    encoding = _declared_encoding(data)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ModelFileError(filename, 1, "xml_unknown_encoding", encoding=encoding) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        before = data[: err.start].decode(encoding, errors="replace")
        line = _line_at(before, len(before))
        bad = data[err.start : err.start + 1].hex()
        raise ModelFileError(
            filename, line,
            "xml_wrong_encoding", byte=f"0x{bad}", offset=err.start, encoding=encoding,
        ) from None


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _parse(data: bytes, filename: str, max_depth: int) -> etree._ElementTree:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        if "Excessive depth" in str(err.msg):  # libxml2's own cap (256 without huge_tree)
            raise ModelFileError(
                filename, err.position[0] or None, "xml_too_deep", limit=max_depth
            ) from err
        line = err.position[0] if err.position and err.position[0] else None
        reason, params = malformed(err, parser.error_log)
        raise ModelFileError(filename, line, reason, **params) from err
    _check_depth(root, filename, max_depth)
    tree = root.getroottree()
    if tree.docinfo.doctype:  # belt and braces: the text check above should have caught it
        raise ModelFileError(filename, None, "doctype_not_allowed")
    return tree


def _check_depth(root: etree._Element, filename: str, max_depth: int) -> None:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > max_depth:
            raise ModelFileError(
                filename, element.sourceline, "xml_too_deep", limit=max_depth
            )
        stack.extend((child, depth + 1) for child in element if isinstance(child.tag, str))
