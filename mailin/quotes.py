"""Trimming the quoted history from a reply (issue 17.3).

A small trimmer rather than a library: the maintained ones (mail-parser-reply, talon) know the
English and European headers but not the Chinese mail programs our requesters use (QQ Mail,
NetEase 163, Foxmail, Outlook in Chinese). The reply is cut at the first line that starts the
quoted mail: a separator ("-----Original Message-----", "------------------ 原始邮件
------------------", Outlook's row of underscores), an attribution ("On … wrote:", "在 … 写道："),
or an Outlook header block ("From:/发件人:" followed within three lines by "Sent:/发送时间:" or
"Date:/日期:"); then trailing "> " lines go. If nothing is left, the whole text is kept: a
reply that is only a quote (forwarded on purpose) is better kept than lost.
"""

from __future__ import annotations

import re

_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(original message|原始邮件|原始郵件|forwarded message|转发的邮件)\s*-{2,}"
    r"|_{20,}|-{20,})\s*$", re.IGNORECASE)
_ATTRIBUTION = re.compile(r"^\s*(on\b.{0,200}\bwrote:|在.{0,200}写道[:：]"
                          r"|.{0,200}于.{0,80}写道[:：])\s*$", re.IGNORECASE)
_FROM = re.compile(r"^\s*\*?(from|发件人|寄件者)\s*\*?\s*[:：]", re.IGNORECASE)
_SENT = re.compile(r"^\s*\*?(sent|date|发送时间|日期|寄件日期)\s*\*?\s*[:：]", re.IGNORECASE)


def trim_quoted(text: str) -> str:
    lines = (text or "").replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _ATTRIBUTION.match(line):
            cut = index
            break
        if _FROM.match(line) and any(_SENT.match(following)
                                     for following in lines[index + 1:index + 4]):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or (text or "").strip()
