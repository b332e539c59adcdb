"""Reading one RFC 5322 message: who sent it, what it says, what it carries, and whether it is
noise (issue 17.2, 17.4). The stdlib email package (policy=default) does the MIME work; Chinese
charsets are decoded here because mail programs label GBK text "gb2312" (a subset), and the
codec of that name fails on the characters GBK added: GB2312 and GBK are read as GB18030, their
superset."""

from __future__ import annotations

import email
import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3

# Labels mail programs use for GB2312/GBK text: all read as GB18030 (their superset).
_CHINESE = {"gb2312", "gb_2312", "gb_2312-80", "euc-cn", "euccn", "x-euc-cn", "gbk", "x-gbk",
            "cp936", "ms936", "windows-936", "csgb2312", "gb18030"}
# Subjects of out-of-office and other automatic replies that carry none of the headers.
_AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自动答复|自動回覆|out of (the )?office|automatic reply|auto(matic)?[- ]?reply|"
    r"autoreply|auto:|vacation)", re.IGNORECASE)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
# HTML shown to the desk: no images (remote images are trackers), no styles, no scripts.
SAFE_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"img"}
_BLOCK_END = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h[1-6]|/blockquote|/table)\b[^>]*>",
                        re.IGNORECASE)


@dataclass
class Part:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    recipients: list[str]
    text: str
    safe_html: str
    attachments: list[Part] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    noise: str = ""


def decode_bytes(data: bytes, charset: str | None) -> str:
    charset = (charset or "utf-8").strip().lower()
    if charset in _CHINESE:
        charset = "gb18030"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # an unknown label: UTF-8 is the likeliest, then GB18030
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")


def decode_header_value(raw: str) -> str:
    """A header as text: encoded words (=?GBK?B?…?=) in any charset, and raw 8-bit bytes
    (which some senders put in headers) read as UTF-8, else GB18030."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # 8-bit bytes kept as surrogates
        data = raw.encode("ascii", "surrogateescape")
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            raw = data.decode("gb18030", errors="replace")
    try:
        pieces = decode_header(raw)
    except Exception:  # a malformed encoded word: show the header as it came
        return " ".join(raw.split())
    text = "".join(piece if isinstance(piece, str) else decode_bytes(piece, charset)
                   for piece, charset in pieces)
    # No line breaks survive into a subject or a name (they would become header injections
    # when echoed into our own mail).
    return " ".join(text.split())


def message_id_of(message: EmailMessage, raw: bytes) -> str:
    value = _raw_header(message, "Message-ID")
    value = "".join(value.split())[:255]
    if value:
        return value
    # No Message-ID: the same bytes are the same message.
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _raw_header(message: EmailMessage, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _raw_headers(message: EmailMessage) -> list[tuple[str, str]]:
    return [(key, decode_header_value(str(value))) for key, value in message.raw_items()]


def parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=policy.default)
    headers = _raw_headers(message)
    name, address = parseaddr(decode_header_value(_raw_header(message, "From")))
    recipients = [addr.lower() for _n, addr in getaddresses(
        [_raw_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")])
        if addr]
    subject = decode_header_value(_raw_header(message, "Subject"))
    text, html_body, attachments = _walk(message)
    safe_html = nh3.clean(html_body, tags=set(SAFE_TAGS), url_schemes={"http", "https", "mailto"},
                          link_rel="noopener noreferrer nofollow") if html_body else ""
    if not text.strip() and html_body:
        text = html_to_text(html_body)
    parsed = ParsedMail(
        message_id=message_id_of(message, raw), sender=address.strip().lower()[:254],
        sender_name=name[:200], subject=subject[:300], recipients=recipients,
        text=text.replace("\r\n", "\n"), safe_html=safe_html, attachments=attachments,
        headers=headers)
    parsed.noise = noise_of(message, parsed)
    return parsed


def _walk(message: EmailMessage) -> tuple[str, str, list[Part]]:
    text, html_body, attachments = "", "", []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = part.get_filename()
        if filename or part.get_content_disposition() == "attachment" or not (
                content_type.startswith("text/")):
            if content_type.startswith("multipart/") or content_type == "message/rfc822":
                continue
            data = part.get_payload(decode=True) or b""
            if data:
                # An inline image without a name gets one from its type (image.png), so the
                # upload checks judge it by its extension and bytes like any other file.
                name = filename or "attachment" + (
                    mimetypes.guess_extension(content_type) or ".bin")
                attachments.append(Part(name=decode_header_value(name),
                                        content_type=content_type, data=data))
            continue
        body = decode_bytes(part.get_payload(decode=True) or b"", part.get_content_charset())
        if content_type == "text/plain" and not text:
            text = body
        elif content_type == "text/html" and not html_body:
            html_body = body
    return text, html_body, attachments


def html_to_text(markup: str) -> str:
    """The words of an HTML mail: block ends become line breaks, every tag goes."""
    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n", markup)
    stripped = nh3.clean(marked, tags=set(), clean_content_tags={"script", "style", "head",
                                                                 "title"})
    lines = [" ".join(line.split()) for line in html.unescape(stripped).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def noise_of(message: EmailMessage, parsed: ParsedMail) -> str:
    """Why this mail must not become a ticket or an acknowledgement ("" when it may): RFC 3834
    Auto-Submitted, Precedence bulk/junk/list, RFC 3464 delivery reports, out-of-office."""
    auto = _raw_header(message, "Auto-Submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return "auto-reply"
    if _raw_header(message, "X-Autoreply") or _raw_header(message, "X-Autorespond"):
        return "auto-reply"
    if _raw_header(message, "Precedence").strip().lower() in {"bulk", "junk", "list"}:
        return "bulk"
    if message.get_content_type() == "multipart/report" or _BOUNCE_SENDER.match(parsed.sender) \
            or not parsed.sender:
        return "bounce"
    if _AUTO_SUBJECT.match(parsed.subject):
        return "auto-reply"
    return ""
