import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest

from notifications.models import ChatWebhook, Notification
from notifications.services import notification_deliver, notifications_sweep, webhook_enqueue
from notifications.webhooks import (
    WECOM_MARKDOWN_MAX_BYTES,
    WebhookError,
    build_request,
    check_reply,
)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
T0_MS = 1772413200000  # T0 in milliseconds since the epoch
SECRET = "SEC4f3c1a9e0b7d2c5e8a6f1b3d9c7e2a4f6b8d0c1e3a5f7b9d2c4e6a8f0b1d3c5e"
OK = (200, {"errcode": 0, "errmsg": "ok"})


def hmac_b64(key: str, message: str) -> str:
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# --- The requests each kind expects ---------------------------------------------------------

def test_t0_ms_is_t0():
    assert int(T0.timestamp() * 1000) == T0_MS


def test_wecom_gets_markdown_and_no_signature():
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
    sent_url, data = build_request("wecom", url, "", "P1 工单 T-9 已超时",
                                   "响应超时 15 分钟\n处理人：王芳", T0_MS)
    assert sent_url == url
    assert json.loads(data) == {
        "msgtype": "markdown",
        "markdown": {"content": "**P1 工单 T-9 已超时**\n> 响应超时 15 分钟\n> 处理人：王芳"},
    }


def test_wecom_cuts_a_long_message_to_what_it_accepts():
    _url, data = build_request("wecom", "https://qyapi.weixin.qq.com/x?key=k", "", "超时",
                               "长" * 5000, T0_MS)
    content = json.loads(data)["markdown"]["content"]
    assert len(content.encode()) <= WECOM_MARKDOWN_MAX_BYTES
    assert content.endswith("…")


def test_dingtalk_gets_markdown_and_a_signed_url():
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc123"
    sent_url, data = build_request("dingtalk", url, SECRET, "P1 工单 T-9 已超时",
                                   "响应超时 15 分钟", T0_MS)

    expected_sign = quote_plus(hmac_b64(SECRET, f"{T0_MS}\n{SECRET}"))
    assert sent_url == f"{url}&timestamp={T0_MS}&sign={expected_sign}"
    query = parse_qs(urlsplit(sent_url).query)
    assert query["access_token"] == ["abc123"]
    assert query["sign"] == [hmac_b64(SECRET, f"{T0_MS}\n{SECRET}")]  # decoded again
    assert json.loads(data) == {
        "msgtype": "markdown",
        "markdown": {"title": "P1 工单 T-9 已超时",
                     "text": "### P1 工单 T-9 已超时\n\n响应超时 15 分钟"},
    }


def test_dingtalk_signs_a_url_without_a_query_with_a_question_mark():
    sent_url, _data = build_request("dingtalk", "https://robot.example/send", SECRET, "s", "b",
                                    T0_MS)
    assert sent_url.startswith(f"https://robot.example/send?timestamp={T0_MS}&sign=")


def test_dingtalk_without_a_secret_leaves_the_url_alone():
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc123"
    assert build_request("dingtalk", url, "", "s", "b", T0_MS)[0] == url


def test_feishu_gets_text_signed_in_the_body():
    url = "https://open.feishu.cn/open-apis/bot/v2/hook/0f8e-11aa"
    sent_url, data = build_request("feishu", url, SECRET, "P1 工单 T-9 已超时",
                                   "响应超时 15 分钟", T0_MS)

    timestamp = str(T0_MS // 1000)
    digest = hmac.new(f"{timestamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert sent_url == url
    assert json.loads(data) == {
        "timestamp": timestamp,
        "sign": base64.b64encode(digest).decode(),
        "msg_type": "text",
        "content": {"text": "P1 工单 T-9 已超时\n响应超时 15 分钟"},
    }


def test_feishu_without_a_secret_sends_no_signature():
    _url, data = build_request("feishu", "https://open.feishu.cn/hook/x", "", "s", "b", T0_MS)
    assert json.loads(data) == {"msg_type": "text", "content": {"text": "s\nb"}}


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://robot.example/send"])
def test_it_refuses_anything_but_http(url):
    with pytest.raises(WebhookError):
        build_request("wecom", url, "", "s", "b", T0_MS)


@pytest.mark.parametrize(("kind", "reply"), [
    ("wecom", {"errcode": 0, "errmsg": "ok"}),
    ("dingtalk", {"errcode": 0, "errmsg": "ok"}),
    ("feishu", {"code": 0, "msg": "success", "data": {}}),
    ("feishu", {"StatusCode": 0, "StatusMessage": "success", "Extra": None}),
])
def test_it_accepts_a_zero_code(kind, reply):
    check_reply(kind, 200, json.dumps(reply).encode())


@pytest.mark.parametrize(("kind", "status", "body", "error"), [
    ("dingtalk", 200, '{"errcode":310000,"errmsg":"sign not match"}',
     "errcode 310000: sign not match"),
    ("wecom", 200, '{"errcode":93000,"errmsg":"invalid webhook url"}',
     "errcode 93000: invalid webhook url"),
    ("feishu", 200, '{"code":19021,"msg":"sign match fail"}', "code 19021: sign match fail"),
    ("feishu", 200, '{"StatusCode":9499,"StatusMessage":"Bad Request"}',
     "StatusCode 9499: Bad Request"),
    ("wecom", 500, "upstream down", "HTTP 500: upstream down"),
    ("feishu", 400, '{"code":9499,"msg":"Bad Request"}', 'HTTP 400: {"code":9499'),
    ("wecom", 200, "<html>login</html>", "not a JSON reply"),
    ("dingtalk", 200, '{"ok":true}', "unexpected reply"),
])
def test_it_refuses_an_error_reply(kind, status, body, error):
    with pytest.raises(WebhookError, match=error.replace("{", r"\{")):
        check_reply(kind, status, body.encode())


# --- Delivery against a real HTTP server ----------------------------------------------------

class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up waiting (the timeout test) breaks the pipe


class Robot:
    """A chat robot on 127.0.0.1: records each request and answers with the queued replies
    (200 {"errcode": 0} once they run out)."""

    def __init__(self):
        self.requests = []
        self.replies = []
        self.delay = 0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "json": json.loads(self.rfile.read(length))})
                time.sleep(robot.delay)
                status, reply = robot.replies.pop(0) if robot.replies else OK
                if isinstance(reply, tuple):  # (status, location) of a redirect
                    self.send_response(status)
                    self.send_header("Location", reply[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                robot.requests.append({"path": self.path, "method": "GET"})
                self.send_response(200)
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, *replies):
        self.replies.extend(replies)


@pytest.fixture
def robot():
    robot = Robot()
    thread = threading.Thread(target=robot.server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield robot
    robot.server.shutdown()
    robot.server.server_close()
    thread.join(timeout=5)


def make_webhook(robot, kind="dingtalk", secret="", **fields):
    paths = {"wecom": "/cgi-bin/webhook/send?key=693a91f6",
             "dingtalk": "/robot/send?access_token=abc123",
             "feishu": "/open-apis/bot/v2/hook/0f8e-11aa"}
    return ChatWebhook.objects.create(name="运维一组", kind=kind, url=robot.base + paths[kind],
                                      secret=secret, **fields)


def enqueue(webhook, **overrides):
    fields = {"event": "sla.breach", "subject": "P1 工单 T-9 响应已超时",
              "body": "超时 15 分钟，处理人：王芳"}
    return webhook_enqueue(webhook=webhook, **(fields | overrides))


def test_it_writes_the_row_in_the_callers_transaction_and_publishes_on_commit(
        db, robot, published, django_capture_on_commit_callbacks):
    webhook = make_webhook(robot)
    with django_capture_on_commit_callbacks() as callbacks:
        notification = enqueue(webhook)
        assert published == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert published == [notification.pk]
    notification.refresh_from_db()
    assert notification.channel == Notification.Channel.WEBHOOK
    assert notification.webhook == webhook
    assert notification.address == webhook.url
    assert notification.recipient is None
    assert notification.status == Notification.Status.PENDING
    assert robot.requests == []


def test_it_queues_a_dedupe_key_only_once(db, robot, published):
    webhook = make_webhook(robot)
    assert enqueue(webhook, dedupe_key="sla-breach:42:1") is not None
    assert enqueue(webhook, dedupe_key="sla-breach:42:1") is None
    assert Notification.objects.count() == 1


def test_it_writes_nothing_for_an_inactive_webhook(db, robot, published,
                                                  django_capture_on_commit_callbacks):
    webhook = make_webhook(robot, active=False)
    with django_capture_on_commit_callbacks() as callbacks:
        assert enqueue(webhook) is None
    assert callbacks == []
    assert not Notification.objects.exists()
    assert notifications_sweep() == 0
    assert robot.requests == []


def test_it_posts_to_a_wecom_robot_and_marks_it_sent(db, robot, published, time_machine):
    time_machine.move_to(T0, tick=False)
    webhook = make_webhook(robot, kind="wecom")
    notification = enqueue(webhook)

    assert notification_deliver(notification.pk) is True

    [request] = robot.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=693a91f6"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["json"] == {"msgtype": "markdown", "markdown": {
        "content": "**P1 工单 T-9 响应已超时**\n> 超时 15 分钟，处理人：王芳"}}
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at == T0
    assert notification.attempts == 1
    assert notification.last_error == ""


def test_it_signs_for_a_dingtalk_robot(db, robot, published, time_machine):
    time_machine.move_to(T0, tick=False)
    notification = enqueue(make_webhook(robot, kind="dingtalk", secret=SECRET))

    assert notification_deliver(notification.pk) is True

    [request] = robot.requests
    query = parse_qs(urlsplit(request["path"]).query)
    assert query == {"access_token": ["abc123"], "timestamp": [str(T0_MS)],
                     "sign": [hmac_b64(SECRET, f"{T0_MS}\n{SECRET}")]}
    assert request["json"]["msgtype"] == "markdown"
    assert request["json"]["markdown"]["title"] == "P1 工单 T-9 响应已超时"


def test_it_signs_for_a_feishu_robot(db, robot, published, time_machine):
    time_machine.move_to(T0, tick=False)
    robot.answer((200, {"code": 0, "msg": "success", "data": {}}))
    notification = enqueue(make_webhook(robot, kind="feishu", secret=SECRET))

    assert notification_deliver(notification.pk) is True

    [request] = robot.requests
    timestamp = str(T0_MS // 1000)
    digest = hmac.new(f"{timestamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert request["json"] == {
        "timestamp": timestamp, "sign": base64.b64encode(digest).decode(),
        "msg_type": "text",
        "content": {"text": "P1 工单 T-9 响应已超时\n超时 15 分钟，处理人：王芳"}}


def test_it_uses_the_webhooks_current_url_and_secret(db, robot, published):
    webhook = make_webhook(robot, kind="wecom")
    notification = enqueue(webhook)
    webhook.url = robot.base + "/cgi-bin/webhook/send?key=corrected"
    webhook.save()

    assert notification_deliver(notification.pk) is True
    assert robot.requests[0]["path"] == "/cgi-bin/webhook/send?key=corrected"


def test_an_error_code_is_a_failure_retried_with_backoff(db, robot, published, time_machine):
    time_machine.move_to(T0, tick=False)
    robot.answer((200, {"errcode": 310000, "errmsg": "sign not match, more: [...]"}))
    notification = enqueue(make_webhook(robot, kind="dingtalk", secret=SECRET))

    assert notification_deliver(notification.pk) is False

    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert notification.last_error == ("WebhookError: errcode 310000: "
                                       "sign not match, more: [...]")
    assert notification.next_attempt_at == T0 + timedelta(seconds=60)
    assert notification.sent_at is None

    time_machine.move_to(notification.next_attempt_at, tick=False)
    assert notifications_sweep() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.last_error == ""
    assert len(robot.requests) == 2


def test_a_server_error_is_retried_and_finally_given_up(db, robot, published, settings,
                                                       time_machine):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    time_machine.move_to(T0, tick=False)
    robot.answer(*[(500, b"upstream connect error")] * 3)
    notification = enqueue(make_webhook(robot, kind="wecom"))

    for attempt in range(1, 4):
        notification.refresh_from_db()
        assert notification.status == Notification.Status.PENDING
        time_machine.move_to(notification.next_attempt_at, tick=False)
        assert notification_deliver(notification.pk) is False
        notification.refresh_from_db()
        assert notification.attempts == attempt
        assert notification.last_error == "WebhookError: HTTP 500: upstream connect error"

    assert notification.status == Notification.Status.FAILED
    assert len(robot.requests) == 3
    time_machine.move_to(T0 + timedelta(days=1), tick=False)
    assert notifications_sweep() == 0
    assert len(robot.requests) == 3


def test_a_feishu_error_code_is_a_failure(db, robot, published):
    robot.answer((200, {"code": 19021, "msg": "sign match fail or timestamp is not within one "
                                              "hour from current time"}))
    notification = enqueue(make_webhook(robot, kind="feishu", secret="wrong"))
    assert notification_deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.last_error.startswith("WebhookError: code 19021: sign match fail")


def test_a_redirect_is_a_failure_and_is_not_followed(db, robot, published):
    robot.answer((302, ("redirect", robot.base + "/login")))
    notification = enqueue(make_webhook(robot, kind="wecom"))
    assert notification_deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.last_error == "WebhookError: HTTP 302"
    assert len(robot.requests) == 1


def test_a_refused_connection_is_a_failure(db, published):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    webhook = ChatWebhook.objects.create(name="x", kind="wecom",
                                         url=f"http://127.0.0.1:{port}/send?key=k")
    notification = enqueue(webhook)
    assert notification_deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.last_error.startswith("URLError: ")


def test_it_gives_up_waiting_after_the_webhook_timeout(db, robot, published, settings):
    settings.WEBHOOK_TIMEOUT = 1
    robot.delay = 3
    notification = enqueue(make_webhook(robot, kind="wecom"))
    started = time.monotonic()
    assert notification_deliver(notification.pk) is False
    assert time.monotonic() - started < 2.5
    notification.refresh_from_db()
    assert "timed out" in notification.last_error


def test_a_webhook_deactivated_after_queueing_gets_nothing(db, robot, published):
    webhook = make_webhook(robot)
    notification = enqueue(webhook)
    webhook.active = False
    webhook.save()

    assert notification_deliver(notification.pk) is False

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert notification.last_error == "DeliveryAbandoned: the chat webhook '运维一组' is inactive"
    assert robot.requests == []


def test_a_deleted_webhook_fails_its_notifications_and_keeps_the_address(db, robot, published):
    webhook = make_webhook(robot)
    notification = enqueue(webhook)
    url = webhook.url
    webhook.delete()

    assert notification_deliver(notification.pk) is False

    notification.refresh_from_db()
    assert notification.webhook is None
    assert notification.address == url
    assert notification.status == Notification.Status.FAILED
    assert notification.last_error == "DeliveryAbandoned: the chat webhook was deleted"


def test_it_commits_quickly_and_leaves_the_row_to_the_sweep_when_the_broker_is_down(
        db, robot, dead_broker, django_capture_on_commit_callbacks, caplog):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(make_webhook(robot, kind="wecom"))
    assert time.monotonic() - started < 5
    assert "the sweep will deliver it" in caplog.text
    assert robot.requests == []
    assert notifications_sweep() == 1
    assert len(robot.requests) == 1


def test_the_sweep_delivers_webhooks_and_mail_together(db, robot, person, published,
                                                      mailoutbox):
    from notifications.services import notification_enqueue

    enqueue(make_webhook(robot, kind="wecom"))
    notification_enqueue(recipient=person, event="sla.breach", subject="超时", body="超时")
    assert notifications_sweep() == 2
    assert len(robot.requests) == 1
    assert len(mailoutbox) == 1


# --- Admin ------------------------------------------------------------------------------------

def test_the_admin_sends_a_test_message_to_active_webhooks_only(demo, login, robot, published):
    active = make_webhook(robot, kind="wecom")
    inactive = make_webhook(robot, kind="feishu", active=False)
    client = login(demo["admin"])

    response = client.post("/admin/notifications/chatwebhook/", {
        "action": "send_test_message", "_selected_action": [active.pk, inactive.pk]},
        follow=True)

    assert response.status_code == 200
    [notification] = Notification.objects.filter(channel=Notification.Channel.WEBHOOK)
    assert notification.webhook == active
    assert notification.event == "webhook.test"
    Notification.objects.exclude(pk=notification.pk).delete()  # the demo's own mail
    assert notifications_sweep() == 1
    assert len(robot.requests) == 1


def test_the_admin_lists_failed_webhook_deliveries(demo, login, robot, published):
    robot.answer((200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    notification = enqueue(make_webhook(robot, kind="wecom"))
    notification_deliver(notification.pk)
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.FAILED)
    client = login(demo["admin"])

    page = client.get("/admin/notifications/notification/",
                      {"channel__exact": "webhook", "status__exact": "failed"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "运维一组" in content
    assert "errcode 93000: invalid webhook url" in content
