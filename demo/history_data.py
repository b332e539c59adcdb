"""What the demo's service history is made of (demo/history.py): the extra requesters, the
mix of faults and requests per contract with their weights, resolution notes, survey comments and
complaints. Plain data, Chinese as the client's people write it."""

from tickets.models import Kind, ResolutionCode

# Extra requesters per client (username, name, department, employee no), demo password.
HISTORY_PEOPLE = {
    "MINGYUAN": [
        ("my-zhaolei", "赵磊", "财务部", "MY1001"), ("my-qianfang", "钱芳", "财务部", "MY1002"),
        ("my-sunjie", "孙杰", "人力资源部", "MY1003"),
        ("my-zhoumin", "周敏", "人力资源部", "MY1004"),
        ("my-wutao", "吴涛", "市场部", "MY1005"), ("my-zhengli", "郑丽", "市场部", "MY1006"),
        ("my-fengchao", "冯超", "信息部", "MY1007"), ("my-chenchen", "陈晨", "信息部", "MY1008"),
        ("my-chuqiang", "褚强", "行政部", "MY1009"), ("my-weihong", "卫红", "行政部", "MY1010"),
    ],
    "HENGTONG": [
        ("ht-jiangtao", "蒋涛", "信息技术部", "HT1001"), ("ht-shenjie", "沈洁", "运营部", "HT1002"),
    ],
}

# service type, weight, share resolved at the desk, kind, [(category path, titles, asset tags)]
DESKTOP_MIX = [
    ("hardware", 30, 0.24, Kind.FAULT, [
        (("台式机/笔记本", "无法开机"), ["电脑无法开机", "笔记本按电源键没有反应"],
         ["MY-PC-0001", "MY-PC-0002", "MY-NB-0001"]),
        (("台式机/笔记本", "蓝屏死机"), ["电脑频繁蓝屏", "电脑使用中死机"],
         ["MY-PC-0001", "MY-PC-0002", "MY-NB-0001"]),
        (("台式机/笔记本",), ["电脑运行很慢，风扇噪音大", "笔记本电池无法充电", "键盘部分按键失灵"],
         []),
        (("打印机/扫描仪", "卡纸"), ["打印机卡纸", "打印机频繁卡纸"],
         ["MY-PR-0301", "MY-PR-0301", "MY-PR-0501"]),
        (("打印机/扫描仪", "无法打印"), ["打印机无法打印", "打印机显示脱机", "打印出来有黑条"],
         ["MY-PR-0301", "MY-PR-0501"]),
        (("打印机/扫描仪",), ["扫描仪无法扫描到共享文件夹"], ["MY-SC-0301"]),
        (("显示器及外设",), ["显示器黑屏", "显示器闪烁", "鼠标失灵", "外接显示器无信号"], []),
    ]),
    ("software", 30, 0.63, Kind.FAULT, [
        (("操作系统",), ["Windows 更新失败", "系统启动后黑屏", "系统提示激活失败"], []),
        (("办公软件",), ["Excel 打开文件报错", "WPS 无法保存文档", "Office 激活失效",
                      "PDF 阅读器无法打开文件"], []),
        (("电子邮件",), ["Outlook 无法收取邮件", "邮箱空间已满", "手机无法同步邮件",
                      "邮件发送被退回"], []),
        (("业务系统",), ["财务系统无法登录", "OA 审批页面打不开", "报销系统上传附件失败"], []),
    ]),
    ("network", 12, 0.32, Kind.FAULT, [
        (("有线网络",), ["网口无法上网", "网速很慢", "IP 地址冲突"], ["MY-NW-0001"]),
        (("无线网络",), ["无线网络连接不上", "会议室 Wi-Fi 信号弱", "访客无线无法认证"], []),
        (("VPN 远程接入",), ["VPN 无法连接", "VPN 连接后无法访问内网"], []),
    ]),
    ("security", 12, 0.63, Kind.FAULT, [
        (("病毒查杀",), ["杀毒软件报毒", "电脑弹出广告窗口", "U 盘中毒"], []),
        (("桌面管控",), ["桌面管控客户端安装", "USB 端口被禁用申请开通"], []),
        (("账号与权限",), ["忘记域账号密码", "域账号被锁定", "申请共享文件夹权限"], []),
    ]),
    ("asset", 6, 0.35, Kind.REQUEST, [
        (("新设备登记",), ["新到笔记本登记入库", "新员工电脑登记"], []),
        (("资产变更",), ["电脑调拨至其他部门", "显示器报废登记"], []),
    ]),
    ("meeting", 10, 0.08, Kind.REQUEST, [
        (("视频会议",), ["视频会议保障", "视频会议无声音", "会议投屏连不上"], []),
        (("投影与音响",), ["投影仪无信号", "会议室话筒无声", "会议室音响啸叫"], ["MY-AV-0501"]),
    ]),
]
SERVER_MIX = [
    ("hardware", 50, 0.05, Kind.FAULT, [
        (("服务器", "硬盘故障"), ["服务器硬盘告警", "RAID 阵列降级"],
         ["HT-SV-0001", "HT-SV-0002", "HT-SV-0101"]),
        (("服务器", "电源故障"), ["服务器电源模块告警", "服务器单路供电"],
         ["HT-SV-0001", "HT-SV-0002", "HT-SV-0101"]),
        (("服务器",), ["服务器风扇告警", "服务器内存 ECC 告警"], ["HT-SV-0001", "HT-SV-0002"]),
        (("存储设备",), ["存储控制器告警", "存储硬盘重构", "存储容量告警"], ["HT-ST-0001"]),
    ]),
    ("software", 30, 0.25, Kind.FAULT, [
        (("操作系统",), ["服务器系统补丁安装", "文件系统只读", "系统时间不同步"], []),
        (("业务系统",), ["交易系统响应缓慢", "夜间批处理作业失败", "数据库连接数告警"],
         ["HT-AP-0001"]),
    ]),
    ("network", 20, 0.1, Kind.FAULT, [
        (("有线网络",), ["核心交换机端口告警", "机房链路丢包", "交换机 CPU 使用率高"],
         ["HT-NW-0001"]),
    ]),
]

NOTES = {
    "hardware": [(ResolutionCode.FIXED, "已清理并重新安装，测试正常。"),
                 (ResolutionCode.REPLACED, "更换故障部件后恢复正常。"),
                 (ResolutionCode.FIXED, "重新连接线缆并重启设备，已恢复。")],
    "software": [(ResolutionCode.CONFIGURED, "已修改配置，用户确认可正常使用。"),
                 (ResolutionCode.FIXED, "修复安装后问题解决。"),
                 (ResolutionCode.ADVICE, "已远程指导用户完成操作。")],
    "network": [(ResolutionCode.CONFIGURED, "已调整端口配置，网络恢复。"),
                (ResolutionCode.FIXED, "更换网线后恢复正常。")],
    "security": [(ResolutionCode.FIXED, "已完成查杀并更新病毒库。"),
                 (ResolutionCode.CONFIGURED, "已重置密码并解锁账号。")],
    "asset": [(ResolutionCode.CONFIGURED, "已完成资产登记并粘贴标签。")],
    "meeting": [(ResolutionCode.FIXED, "会前完成设备调试，会议顺利进行。"),
                (ResolutionCode.ADVICE, "已现场指导使用会议设备。")],
}
GOOD_COMMENTS = ["工程师很专业，处理及时。", "服务态度很好，谢谢！", "响应很快。", ""]
BAD_COMMENTS = ["等了很久才有人来处理。", "问题处理后第二天又出现了。", "工程师态度不太耐心。"]
COMPLAINTS = [
    ("上门服务迟到，影响了部门月底结账。", False),
    ("同一台打印机一个月内多次故障，始终没有彻底解决。", False),
    ("工程师处理问题时态度生硬。", False),
    ("电话报修后长时间无人响应。", False),
    ("总经理会议视频中断，会前保障不到位，造成重大影响。", True),
]
