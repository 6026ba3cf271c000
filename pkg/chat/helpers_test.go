package chat

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func cst() *time.Location { return time.FixedZone("CST", 8*3600) }

func at(y, mo, d, h, mi, s int) time.Time {
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, cst())
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	u := utf16.Encode([]rune(s))
	var b []byte
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	for _, c := range u {
		if bigEndian {
			b = append(b, byte(c>>8), byte(c))
		} else {
			b = append(b, byte(c), byte(c>>8))
		}
	}
	return b
}

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode gb18030: %v", err)
	}
	return b
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

const qqFixture = `消息记录（此消息记录为文本格式，不支持重新导入）
================================================================
消息分组:我的群聊
================================================================
消息对象:维权群
================================================================

2024-01-02 9:05:07 【管理员】小明(大号)(12345678)
第一行
第二行

2024-01-02 09:06:00 小红<red@example.com>
[图片]

空行之后还是同一条消息
2024-01-02 09:06:30 这一行没有空行在前所以是内容

2024-01-02 21:00:00 系统消息(10000)
小红撤回了一条消息

2024-01-03 8:00:00 张三
私聊没有号码
`

// pngBytes is a small binary payload standing in for an embedded image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image payload that is long enough to wrap the base64 lines of a mime part")

func mhtFixture(imageB64 string, final bool) string {
	var b strings.Builder
	b.WriteString(`From: <Save by Tencent MsgMgr>
Subject: Tencent IM Message
MIME-Version: 1.0
Content-Type:multipart/related;
	charset="utf-8"
	type="text/html";
	boundary="----=_NextPart_TEST"

------=_NextPart_TEST
Content-Type:text/html
Content-Transfer-Encoding:7bit

<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" /><title>QQ Message</title><style type="text/css">body{font-size:12px;}</style></head><body><table width=100% cellspacing=0>
<tr><td><div style=padding-left:10px;><br><b>消息记录</b>（此消息记录为网页格式，不支持重新导入）<br><br></div></td></tr>
<tr><td><div style=padding-left:10px;>消息分组:我的好友</div></td></tr>
<tr><td><div style=padding-left:10px;>消息对象:星辰客服</div></td></tr>
<tr><td style=border-bottom-width:1px;>日期: 2024-01-02</td></tr>
<tr><td><div style=color:#42B475;padding-left:10px;><div style=float:left;margin-right:6px;>张小明</div>9:05:07</div><div style=padding-left:20px;><font style="font-size:10pt;" color='000000'>你好&amp;在吗<br>第二行</font></div></td></tr>
<tr><td><div style=color:#006EFE;padding-left:10px;><div style=float:left;margin-right:6px;>【管理员】客服(2876543210)</div>21:00:00</div><div style=padding-left:20px;><font>看图</font><IMG src="{ABC-1}.dat"></div></td></tr>
<tr><td style=border-bottom-width:1px;>日期: 2024-01-03</td></tr>
<tr><td><div style=color:#006EFE;padding-left:10px;><div style=float:left;margin-right:6px;>系统消息(10000)</div>8:00:00</div><div style=padding-left:20px;>张小明撤回了一条消息</div></td></tr>
</table></body></html>

------=_NextPart_TEST
Content-Type:image/png
Content-Transfer-Encoding:base64
Content-Location:{ABC-1}.dat

`)
	b.WriteString(wrap76(imageB64))
	b.WriteString("\n\n")
	if final {
		b.WriteString("------=_NextPart_TEST--\n")
	}
	return b.String()
}

func goodMHT() string { return mhtFixture(base64.StdEncoding.EncodeToString(pngBytes), true) }

const wechatTXTFixture = `2024-03-01 10:00:00 小王
你好
在吗

2024-03-01 10:01:00 我
在的
引用:小王:你好

2024-03-01 10:02:00 "小王" 撤回了一条消息

2024-03-01 10:03:00 小王
[图片]
`

const wechatCSVHeader = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"

// wechatCSVFixture has StrTime columns written in UTC to prove CreateTime wins.
func wechatCSVFixture() string {
	return "\uFEFF" + wechatCSVHeader +
		"1,5,1,0,0,1704164645,2,\"你好,在吗\",2024-01-02 03:04:05,客服小李,李四,\n" +
		"2,5,3,0,1,1704164700,2,<msg/>,2024-01-02 03:05:00,客服小李,李四,\n" +
		"3,5,10000,0,0,1704164800,2,\"<![CDATA[\"\"客服小李\"\" 撤回了一条消息]]>\",2024-01-02 03:06:40,客服小李,李四,\n" +
		"4,5,49,57,1,,2,好的,2024-01-02 11:10:00,客服小李,李四,\n" +
		"5,5,1,0,0,1704164900,2,\"第一行\n第二行\",2024-01-02 03:08:20,客服小李,李四,\n" +
		"6,5,34,0,0,1704165000,2,,2024-01-02 03:10:00,客服小李,李四,\n"
}

const pyWxDumpFixture = `id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime
1,111,文本,0,wxid_abc123,wxid_abc123,你好,,2024-05-01 08:00:00
2,112,转账,1,我,wxid_abc123,"转账：￥1,288.50
转账说明：VIP年卡
转账时间：2024-05-01 08:01:02",,2024-05-01 08:01:02
3,113,图片,0,wxid_abc123,wxid_abc123,,img/1.jpg,2024-05-01 08:02:00
4,114,系统通知,0,,wxid_abc123,你已添加了客服，现在可以开始聊天了。,,2024-05-01 08:03:00
`

const plainFixture = `聊天截图转写（手工整理）

2024/1/2 下午3:04 客服：明天一定发货
好的
[2024-01-03 10:00:00] 我: 还没收到
2024年1月4日 9:30 对方已拉黑
`
