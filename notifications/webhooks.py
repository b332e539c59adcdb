"""Chat-robot webhooks: the request each kind expects and how it says a message failed.

Pure functions, no ORM and no network, so the formats and signatures can be checked against
known values. The kinds:

- WeCom (企业微信) group robot: the key is part of the URL, there is no signing.
- DingTalk (钉钉) custom robot, "加签": HMAC-SHA256 keyed with the secret over
  "{timestamp_ms}\\n{secret}", base64, URL-encoded, sent as `timestamp` and `sign` in the query.
- Feishu (飞书) custom bot, "签名校验": HMAC-SHA256 keyed with "{timestamp_s}\\n{secret}" over an
  empty message, base64, sent as `timestamp` and `sign` in the JSON body.

None of the three group-robot webhooks takes an idempotency key (Feishu's application message
API has `uuid`, its custom-bot webhook does not), so a message resent after a worker died
between the robot's answer and the outbox recording it can appear twice in the chat; e-mail
and SMS carry the outbox row's stable key instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import quote_plus, urlsplit

WECOM = "wecom"
DINGTALK = "dingtalk"
FEISHU = "feishu"
KINDS = (WECOM, DINGTALK, FEISHU)

# What each service accepts; a longer message is refused on every retry, so it is cut here.
WECOM_MARKDOWN_MAX_BYTES = 4096
DINGTALK_TEXT_MAX_BYTES = 20_000
FEISHU_TEXT_MAX_BYTES = 19_000  # the whole request must stay under 20 KB
ELLIPSIS = "…"
REPLY_EXCERPT_CHARS = 300


class WebhookError(Exception):
    """The service did not take the message: an HTTP error status or an error code in the reply."""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk "加签": the value of the `sign` query parameter, already URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int | str) -> str:
    """Feishu "签名校验": the `sign` field of the body (the key is the string to sign)."""
    string_to_sign = f"{timestamp_s}\n{secret}"
    digest = hmac.new(string_to_sign.encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def truncate_utf8(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, marked with an ellipsis when cut."""
    encoded = text.encode()
    if len(encoded) <= max_bytes:
        return text
    room = max_bytes - len(ELLIPSIS.encode())
    return encoded[:room].decode(errors="ignore") + ELLIPSIS


def build_request(kind: str, url: str, secret: str, subject: str, body: str,
                  now_ms: int) -> tuple[str, bytes]:
    """The URL to POST to and the JSON body, for a message of `kind` sent at `now_ms`
    (milliseconds since the epoch; the signatures depend on it)."""
    if urlsplit(url).scheme not in ("http", "https"):
        # urllib would also open file:// and ftp:// URLs.
        raise WebhookError(f"not an http(s) URL: {url.split(':', 1)[0]}:…")
    secret = secret.strip()
    if kind == WECOM:
        quoted = "\n".join(f"> {line}" for line in body.splitlines())
        content = f"**{subject}**\n{quoted}" if quoted else f"**{subject}**"
        payload = {"msgtype": "markdown",
                   "markdown": {"content": truncate_utf8(content, WECOM_MARKDOWN_MAX_BYTES)}}
    elif kind == DINGTALK:
        text = truncate_utf8(f"### {subject}\n\n{body}", DINGTALK_TEXT_MAX_BYTES)
        payload = {"msgtype": "markdown", "markdown": {"title": subject, "text": text}}
        if secret:
            separator = "&" if urlsplit(url).query else "?"
            url = (f"{url}{separator}timestamp={now_ms}"
                   f"&sign={dingtalk_sign(secret, now_ms)}")
    elif kind == FEISHU:
        payload = {"msg_type": "text",
                   "content": {"text": truncate_utf8(f"{subject}\n{body}",
                                                     FEISHU_TEXT_MAX_BYTES)}}
        if secret:
            timestamp = str(now_ms // 1000)
            payload = {"timestamp": timestamp, "sign": feishu_sign(secret, timestamp)} | payload
    else:
        raise WebhookError(f"unknown webhook kind {kind!r}")
    return url, json.dumps(payload, ensure_ascii=False).encode()


def check_reply(kind: str, status: int, body: bytes) -> None:
    """Raise WebhookError unless the reply says the message was taken.

    WeCom and DingTalk answer {"errcode": 0, "errmsg": "ok"}; Feishu {"code": 0, "msg": …} or,
    from older bots, {"StatusCode": 0, "StatusMessage": …}. All of them answer JSON, so anything
    else (an HTML page from a wrong URL, say) is a failure too.
    """
    text = body.decode(errors="replace").strip()
    excerpt = text[:REPLY_EXCERPT_CHARS]
    if not 200 <= status < 300:
        raise WebhookError(f"HTTP {status}: {excerpt}" if excerpt else f"HTTP {status}")
    try:
        reply = json.loads(text)
    except ValueError:
        raise WebhookError(f"HTTP {status}, not a JSON reply: {excerpt}") from None
    if not isinstance(reply, dict):
        raise WebhookError(f"unexpected reply: {excerpt}")
    if kind == FEISHU:
        code_key = "code" if "code" in reply else "StatusCode"
        message_key = "msg" if code_key == "code" else "StatusMessage"
    else:
        code_key, message_key = "errcode", "errmsg"
    if code_key not in reply:
        raise WebhookError(f"unexpected reply: {excerpt}")
    if reply[code_key] != 0:
        raise WebhookError(f"{code_key} {reply[code_key]}: {reply.get(message_key, excerpt)}")
