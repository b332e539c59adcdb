"""Demo knowledge articles (issue 18): a handful of the desk's real answers, published through
the same services people use, so each has its versions and history."""

from __future__ import annotations

from accounts.models import User
from knowledge.models import Article, Visibility
from knowledge.services.articles import article_act, article_create
from sla.models import Contract
from tickets.models import Category

# title, English title, (category, subcategory), contract code or None, public?, published?,
# symptom, cause, solution
ARTICLES = [
    ("打印机卡纸的处理方法", "Clearing a printer paper jam", ("打印机/扫描仪", "卡纸"), None,
     True, True,
     "打印时提示“卡纸”，打印机停止工作，面板指示灯闪烁；有时能听到搓纸异响。",
     "纸张受潮、纸张过厚或装纸过多；搓纸轮老化；纸张没有对齐导纸板。",
     "1. 关闭打印机电源，打开前盖和后盖。\n"
     "2. 双手握住卡住的纸张，**顺着出纸方向**缓慢拉出，不要撕碎。\n"
     "3. 检查纸盒：纸张不超过最大装纸线，并对齐导纸板。\n"
     "4. 更换干燥的 A4 70–80 克纸张后重新开机打印测试页。\n\n"
     "如果一周内反复卡纸，请报修，工程师会检查搓纸轮。"),
    ("网络打印机无法打印（脱机）", "Network printer offline", ("打印机/扫描仪", "无法打印"), None,
     True, True,
     "打印任务一直排队，打印机显示“脱机”。",
     "打印机 IP 地址变化，或电脑上的打印端口仍指向旧地址。",
     "1. 在打印机面板打印“网络配置页”，记下 IP 地址。\n"
     "2. 在电脑“设备和打印机”中右键该打印机 → 打印机属性 → 端口，确认 IP 一致。\n"
     "3. 清空打印队列后重新打印。"),
    ("电脑蓝屏后自动重启", "Blue screen and automatic restart",
     ("台式机/笔记本", "蓝屏死机"), None, True, True,
     "使用中突然蓝屏，屏幕出现错误代码后自动重启。",
     "多为驱动程序冲突或内存故障；少数为硬盘坏道。",
     "1. 记录蓝屏上的错误代码（如 `MEMORY_MANAGEMENT`）。\n"
     "2. 重启后保存好工作文件，暂停安装新软件。\n"
     "3. 报修时在描述中写上错误代码，工程师将远程检查驱动和内存。"),
    ("VPN 连接失败：提示证书过期", "VPN fails: certificate expired", ("VPN 远程接入", None),
     "DEMO-DESKTOP", True, True,
     "在家连接 VPN 时提示“证书已过期”，无法登录。",
     "VPN 客户端证书每年更新一次，旧证书到期。",
     "1. 在公司内网登录自助门户下载新证书。\n2. 双击导入证书后重新连接 VPN。"),
    ("交易数据库服务器硬盘告警处置流程", "Database server disk alarm procedure",
     ("服务器", "硬盘故障"), "DEMO-SERVER", False, True,
     "存储管理界面出现硬盘预告警（黄色），阵列状态为“降级”。",
     "硬盘出现坏道或达到寿命。",
     "1. 确认阵列热备盘已接管。\n2. 联系厂商送修备件，按变更流程在维护窗口更换。\n"
     "3. 更换后检查阵列重建进度并记录客户服务报告。"),
    ("Outlook 邮箱已满无法收信", "Outlook mailbox full", ("电子邮件", None), None, True, False,
     "Outlook 提示“邮箱已满”，收不到新邮件。",
     "",
     "1. 清理“已删除邮件”和“垃圾邮件”。\n2. 将旧邮件归档到本地 PST 文件。"),
]


def _category(parent: str, name: str | None) -> Category | None:
    if name is None:
        return Category.objects.filter(name=parent, parent__isnull=True).first()
    return Category.objects.filter(name=name, parent__name=parent).first()


def load_articles(people: dict[str, User]) -> None:
    """Create the demo articles once (an article with the same title is left alone)."""
    desk = people["desk"]
    for (title, title_en, (parent, name), code, public, publish, symptom, cause,
            solution) in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        category = _category(parent, name)
        # The server contract's articles come from its second-line engineer (on that contract).
        engineer = people["engineer2" if code == "DEMO-SERVER" else "engineer"]
        article = article_create(
            actor=engineer, title=title, title_en=title_en, symptom=symptom, cause=cause,
            solution=solution, visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
            contract=Contract.objects.get(code=code) if code else None,
            category=category, service_type=category.service_type if category else None)
        # Every article goes through the desk's review; the last one still waits in the queue.
        article_act(actor=engineer, article=article, action="submit")
        if publish:
            article_act(actor=desk, article=article, action="publish")
