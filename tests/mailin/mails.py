"""Mails as the requesters' programs write them, for the e-mail channel's tests."""

from __future__ import annotations

import base64
import uuid
from email import encoders
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

# A tiny real PNG (1×1), so the upload content check accepts it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f3a1c80000000049454e44ae426082")


def mail(*, sender: str, subject: str, body: str = "打印机无法打印，提示卡纸。",
         charset: str = "utf-8", to: str = "desk@huaxin.example", headers: dict | None = None,
         attachments=(), message_id: str | None = "auto", html: str | None = None,
         name: str = "") -> bytes:
    """One message as bytes; `charset` labels the text, the subject and the sender's name."""
    if attachments or html:
        message = MIMEMultipart("mixed")
        if html:
            alternative = MIMEMultipart("alternative")
            alternative.attach(_text(body, charset))
            alternative.attach(MIMEText(html, "html", "utf-8"))
            message.attach(alternative)
        else:
            message.attach(_text(body, charset))
        for filename, data, content_type in attachments:
            part = MIMEApplication(data, _subtype=content_type.split("/")[1])
            part.replace_header("Content-Type", content_type)
            part.add_header("Content-Disposition", "attachment",
                            filename=filename if filename.isascii()
                            else (_codec(charset), "", filename))
            message.attach(part)
    else:
        message = _text(body, charset)
    message["From"] = formataddr((_word(name, charset), sender)) if name else sender
    message["To"] = to
    message["Subject"] = _word(subject, charset)
    if message_id == "auto":
        message_id = f"<{uuid.uuid4().hex}@client.example>"
    if message_id:
        message["Message-ID"] = message_id
    message["Date"] = "Mon, 1 Jun 2026 10:00:00 +0800"
    for key, value in (headers or {}).items():
        message[key] = value
    return message.as_bytes()


def _codec(charset: str) -> str:
    # Mail programs label GBK text "gb2312"; the bytes are what GB18030 writes.
    return "gb18030" if charset.lower() in {"gb2312", "gbk"} else charset


def _word(text: str, charset: str) -> str:
    """An encoded word (=?gb2312?B?…?=) carrying the text's bytes under the charset's label."""
    if text.isascii():
        return text
    return f"=?{charset}?B?{base64.b64encode(text.encode(_codec(charset))).decode()}?="


def _text(body: str, charset: str) -> MIMEText:
    part = MIMEText("", "plain")
    part.set_payload(body.encode(_codec(charset)))
    part.replace_header("Content-Type", f'text/plain; charset="{charset}"')
    del part["Content-Transfer-Encoding"]
    encoders.encode_base64(part)
    return part
