package main

// caseYAML is the sample's case.yaml (schema version 1). It is kept as text,
// not marshalled, so that its Chinese comments and key order survive.
const caseYAML = `# evipack 案件描述文件（case.yaml，格式版本 1）
# 本案例为虚构示例：人物、商家、网址、账号和单号均为编造，仅用于演示和测试。
version: 1
# 案件类型：虚拟商品（卡密、会员、游戏点卡等）
type: virtual-goods
# 投诉去向：全国12315平台
target: "12315"

# 投诉人（手机号已打码）
complainant:
  name: 张小明
  phone: "138****5678"
  address: 浙江省杭州市西湖区示例路88号2幢301室
  accounts:
    - platform: QQ
      id: "1234567890"
      name: 张小明
    - platform: 微信
      id: xiaoming_2026
      name: 小明

# 被投诉人：独立网站形式的卡盟，客服通过QQ联系
respondent:
  name: 星辰卡盟
  platform: 独立网站
  url: http://xingchen-km.example
  accounts:
    - platform: QQ
      id: "2876543210"
      name: 星辰客服-小星

# 订单信息（订单号、金额与支付页面、订单详情页一致）
order:
  item: 腾讯视频VIP年卡
  order_no: "KM202609032015370042"
  amount: "128.00"
  paid_at: "2026-09-03 20:15:37"
  payment_method: 微信支付
  promised: 自动发卡，付款后5分钟内到账，不到账全额退款
  # 按“付款后5分钟内到账”计算的最晚交付时间
  promised_by: "2026-09-03 20:20"

# 问题描述
problem: |
  2026年9月3日20时15分，我在“星辰卡盟”网站购买腾讯视频VIP年卡（卡密），通过微信支付128.00元。商家在商品页面和QQ客服中均承诺“自动发卡，付款后5分钟内到账，不到账全额退款”。
  付款后卡密未按时发放，订单一直显示“已付款 / 待发卡”。9月4日客服补发的卡密兑换时提示“卡密无效或已被使用”，9月5日再次兑换结果相同。
  我于9月4日、9月6日两次要求退款，并要求商家于2026年9月8日前退款。商家以“系统维护，明天一定补发”为由拖延，随后将我的QQ拉黑，至今未退款。

# 投诉诉求
demands:
  - 退还货款128元
  - 依法查处商家虚假承诺“自动发卡、不到账全额退款”并拒不退款的行为

# 事实经过（时间均为北京时间）
events:
  - at: "2026-09-03 20:11:05"
    what: 商家客服在QQ中承诺“自动发卡，付款后5分钟内到账，不到账全额退款”，并发送商品链接
    evidence:
      - 聊天记录/与星辰客服的聊天记录.txt
      - 截图/Screenshot_20260906_213015_com.tencent.mobileqq.png
  - at: "2026-09-03 20:12:44"
    what: 打开商品页面，页面“购买须知”载明同一承诺
    evidence:
      - 截图/Screenshot_2026-09-03-20-12-44-518_com.tencent.mobileqq.jpg
  - at: "2026-09-03 20:15:37"
    what: 通过微信支付向星辰卡盟付款128.00元，商户单号即订单号KM202609032015370042
    evidence:
      - 截图/Screenshot_2026-09-03-20-16-02-77_e39d2c7de19156b0683cd93e8735f348.png
      - 订单/订单详情.pdf
  - at: "2026-09-03 20:31:48"
    what: 超过承诺的5分钟仍未收到卡密，向客服催促
    evidence:
      - 聊天记录/与星辰客服的聊天记录.txt
  - at: "2026-09-04 08:32:47"
    what: 订单详情页仍显示“已付款 / 待发卡”，发货数量为0
    evidence:
      - 订单/订单详情.pdf
  - at: "2026-09-04 09:25:41"
    what: 客服补发的卡密兑换失败，提示“卡密无效或已被使用”
    evidence:
      - 聊天记录/与星辰客服的聊天记录.txt
      - 截图/Screenshot_20260906_213015_com.tencent.mobileqq.png
  - at: "2026-09-04 09:27:13"
    what: 第一次要求退款
    evidence:
      - 聊天记录/与星辰客服的聊天记录.txt
  - at: "2026-09-05 10:15:30"
    what: 在电脑上再次兑换，仍提示“卡密无效或已被使用”，拍照留存
    evidence:
      - 照片/IMG_20260905_101530.jpg
  - at: "2026-09-05 14:03:27"
    what: 商家称“系统维护，明天一定补发”，未退款
    evidence:
      - 聊天记录/与星辰客服的聊天记录.txt
  - at: "2026-09-06 20:58:44"
    what: 第二次要求退款，限商家于2026年9月8日前退款，否则向12315投诉
    evidence:
      - 聊天记录/与星辰客服的聊天记录.txt
      - 截图/Screenshot_20260906_213015_com.tencent.mobileqq.png
  - at: "2026-09-06 21:10:52"
    what: 再次要求原路退款，消息被拒收，商家已将我拉黑
    evidence:
      - 截图/Screenshot_20260906_213015_com.tencent.mobileqq.png
      - 聊天记录/与星辰客服的聊天记录.txt

# 证据文件说明：kind 为证据类型，title 为证据名称，proves 为证明目的
files:
  "截图/Screenshot_2026-09-03-20-12-44-518_com.tencent.mobileqq.jpg":
    kind: listing
    title: 商品页面截图
    proves: 商家在商品页面公开承诺“自动发卡，付款后5分钟内到账，不到账全额退款”，证明所售商品、价格（128.00元）和交付期限
  "截图/Screenshot_2026-09-03-20-16-02-77_e39d2c7de19156b0683cd93e8735f348.png":
    kind: payment
    title: 微信支付成功页面截图
    proves: 2026年9月3日20:15:37通过微信支付向星辰卡盟付款128.00元，商户单号与订单号一致，证明交易成立和付款金额
  "截图/Screenshot_20260906_213015_com.tencent.mobileqq.png":
    kind: chat
    title: 与商家客服的QQ聊天长截图
    proves: 证明商家的发货承诺、发放无效卡密、我两次要求退款并限期、商家拖延以及将我拉黑的全过程
  "照片/IMG_20260905_101530.jpg":
    kind: result
    title: 卡密兑换失败照片
    proves: 2026年9月5日再次兑换商家所发卡密，页面提示“卡密无效或已被使用”，证明商家未交付可用的商品
  "聊天记录/与星辰客服的聊天记录.txt":
    kind: chat
    title: QQ聊天记录导出文本
    proves: 与长截图一致的聊天原文，载有每条消息的时间和双方QQ号，证明商家客服账号及沟通、催告经过
  "订单/订单详情.pdf":
    kind: document
    title: 订单详情页（浏览器打印）
    proves: 订单号KM202609032015370042、金额128.00元、付款时间，以及截至2026年9月4日订单仍为“已付款 / 待发卡”、发货数量为0
  "账单/微信支付账单(20260901-20260907).csv":
    kind: payment
    title: 微信支付账单导出
    proves: 微信支付官方导出的账单中载有2026年9月3日20:15:37向星辰卡盟支付128.00元的记录，商户单号与订单号一致，且此后没有任何退款
`
