package evidence

import (
	"crypto/md5"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// NameTime is what a screenshot, recording or export file name says.
type NameTime struct {
	Time       time.Time
	HasTime    bool   // false for counter-only names such as IMG_1234.PNG
	Convention string // Chinese label, e.g. "MIUI/HyperOS 截图文件名"
	Package    string // Android package of the foreground app, when named
	App        string // Chinese app name from the package map, else the label or package
	Epoch      bool   // the number is an epoch value (UTC), not a local wall clock
	Note       string // Chinese: how far to trust the time
}

// Notes attached to file-name times.
const (
	noteLocal     = "文件名中的本地时间，按 UTC+8 计"
	noteMMExport  = "微信保存/导出时间，非拍摄时间"
	noteUnixSecs  = "文件名中的 Unix 时间戳（UTC）"
	noteNoTime    = "文件名仅含序号，不含时间"
	noteWXCamera  = "微信内置相机拍摄时间（文件名中的 Unix 毫秒时间戳）"
	noteQRCode    = "微信面对面收款码保存时间（文件名中的 Unix 毫秒时间戳）"
	noteMicroMsg  = "微信保存时间（文件名中的 Unix 毫秒时间戳），非拍摄时间"
	noteCentisecs = "文件名中的本地时间（精确到 0.01 秒），按 UTC+8 计"
)

// app is one entry of the package map.
type app struct {
	pkg    string
	name   string   // Chinese name shown in the PDF
	labels []string // launcher labels seen in Samsung file names
}

// apps is the package map: a read-only table. ColorOS names screenshots by
// md5(package); lookups hash these names, so no hash is stored.
var apps = []app{
	{"com.tencent.mm", "微信", []string{"WeChat", "微信"}},
	{"com.eg.android.AlipayGphone", "支付宝", []string{"Alipay", "支付宝"}},
	{"com.tencent.mobileqq", "QQ", []string{"QQ"}},
	{"com.ss.android.ugc.aweme", "抖音", []string{"Douyin", "TikTok", "抖音"}},
	{"com.ss.android.ugc.aweme.lite", "抖音极速版", []string{"抖音极速版"}},
	{"com.xingin.xhs", "小红书", []string{"RED", "Xiaohongshu", "小红书"}},
	{"com.taobao.taobao", "淘宝", []string{"Taobao", "淘宝"}},
	{"com.tmall.wireless", "天猫", []string{"Tmall", "天猫"}},
	{"com.taobao.idlefish", "闲鱼", []string{"Xianyu", "闲鱼"}},
	{"com.xunmeng.pinduoduo", "拼多多", []string{"Pinduoduo", "拼多多"}},
	{"com.jingdong.app.mall", "京东", []string{"JD", "京东"}},
	{"com.sankuai.meituan", "美团", []string{"Meituan", "美团"}},
	{"com.sankuai.meituan.takeoutnew", "美团外卖", []string{"美团外卖"}},
	{"me.ele", "饿了么", []string{"Eleme", "饿了么"}},
	{"com.dianping.v1", "大众点评", []string{"Dianping", "大众点评"}},
	{"com.smile.gifmaker", "快手", []string{"Kuaishou", "快手"}},
	{"com.sina.weibo", "微博", []string{"Weibo", "微博"}},
	{"com.tencent.wework", "企业微信", []string{"WeCom", "企业微信"}},
	{"com.unionpay", "云闪付", []string{"UnionPay", "云闪付"}},
	{"ctrip.android.view", "携程旅行", []string{"Trip.com", "Ctrip", "携程旅行"}},
	{"com.MobileTicket", "铁路12306", []string{"12306", "铁路12306"}},
	{"com.sdu.didi.psnger", "滴滴出行", []string{"DiDi", "滴滴出行"}},
	{"com.achievo.vipshop", "唯品会", []string{"Vipshop", "唯品会"}},
	{"com.android.mms", "短信", []string{"Messages", "信息", "短信"}},
	{"com.google.android.apps.messaging", "短信", nil},
	{"com.samsung.android.messaging", "短信", nil},
}

// AppName returns the Chinese name of an Android package, or "" when the
// package is not in the map.
func AppName(pkg string) string {
	for _, a := range apps {
		if a.pkg == pkg {
			return a.name
		}
	}
	return ""
}

// appByMD5 resolves a ColorOS md5(package) file-name part.
func appByMD5(sum string) (app, bool) {
	for _, a := range apps {
		h := md5.Sum([]byte(a.pkg))
		if hex.EncodeToString(h[:]) == sum {
			return a, true
		}
	}
	return app{}, false
}

func appByLabel(label string) (app, bool) {
	for _, a := range apps {
		for _, l := range a.labels {
			if strings.EqualFold(l, label) {
				return a, true
			}
		}
	}
	return app{}, false
}

// nameRule is one file-name convention.
type nameRule struct {
	re    *regexp.Regexp
	parse func(m []string) (NameTime, bool)
}

// Local-time layouts of the captured groups.
func localTime(date8, time6 string) (time.Time, bool) {
	if len(date8) != 8 || len(time6) != 6 {
		return time.Time{}, false
	}
	return validTime(atoi(date8[:4]), atoi(date8[4:6]), atoi(date8[6:]),
		atoi(time6[:2]), atoi(time6[2:4]), atoi(time6[4:]), 0, CST)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// epochMillis converts a 13-digit millisecond count; years outside 1990..2100
// are rejected.
func epochMillis(s string) (time.Time, bool) {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return inRange(time.UnixMilli(ms).UTC())
}

func epochSeconds(s string) (time.Time, bool) {
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return inRange(time.Unix(sec, 0).UTC())
}

func inRange(t time.Time) (time.Time, bool) {
	if t.Year() < 1990 || t.Year() > 2100 {
		return time.Time{}, false
	}
	return t, true
}

// withApp fills Package and App from a package name.
func withApp(nt NameTime, pkg string) NameTime {
	nt.Package = pkg
	if name := AppName(pkg); name != "" {
		nt.App = name
	} else {
		nt.App = pkg
	}
	return nt
}

func local(conv string, t time.Time, ok bool) (NameTime, bool) {
	if !ok {
		return NameTime{}, false
	}
	return NameTime{Time: t, HasTime: true, Convention: conv, Note: noteLocal}, true
}

func noTime(conv string) func([]string) (NameTime, bool) {
	return func([]string) (NameTime, bool) {
		return NameTime{Convention: conv, Note: noteNoTime}, true
	}
}

func wechatEpoch(conv, note string, group int) func([]string) (NameTime, bool) {
	return func(m []string) (NameTime, bool) {
		nt := withApp(NameTime{Convention: conv, Note: note, Epoch: true}, "com.tencent.mm")
		if m[group] == "" {
			nt.Note = noteNoTime
			return nt, true
		}
		t, ok := epochMillis(m[group])
		if !ok {
			return NameTime{}, false
		}
		nt.Time, nt.HasTime = t, true
		return nt, true
	}
}

// ymdhms parses the six separate date and time groups starting at m[i].
func ymdhms(m []string, i int) (time.Time, bool) {
	return validTime(atoi(m[i]), atoi(m[i+1]), atoi(m[i+2]), atoi(m[i+3]), atoi(m[i+4]), atoi(m[i+5]), 0, CST)
}

// packageName matches an Android package name (at least two dot-separated parts).
var packageName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$`)

// nameRules lists the conventions of FORMATS.md §6, most specific first.
// Extensions are matched case-insensitively.
var nameRules = []nameRule{
	{ // MIUI / HyperOS: milliseconds, then the foreground package.
		regexp.MustCompile(`^Screenshot_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{3})_([A-Za-z][\w.]*)\.(?i:jpe?g|png|webp)$`),
		func(m []string) (NameTime, bool) {
			t, ok := ymdhms(m, 1)
			if !ok {
				return NameTime{}, false
			}
			t = t.Add(time.Duration(atoi(m[7])) * time.Millisecond)
			return withApp(NameTime{Time: t, HasTime: true, Convention: "MIUI/HyperOS 截图文件名", Note: noteLocal}, m[8]), true
		},
	},
	{ // ColorOS / OPPO / OnePlus / realme: centiseconds, then md5(package).
		regexp.MustCompile(`^Screenshot_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})_([0-9a-f]{32})\.(?i:jpe?g|png|webp)$`),
		func(m []string) (NameTime, bool) {
			t, ok := ymdhms(m, 1)
			if !ok {
				return NameTime{}, false
			}
			t = t.Add(time.Duration(atoi(m[7])) * 10 * time.Millisecond)
			nt := NameTime{Time: t, HasTime: true, Convention: "ColorOS（OPPO/一加/realme）截图文件名", Note: noteCentisecs}
			return colorOSApp(nt, m[8]), true
		},
	},
	{ // ColorOS screen recording.
		regexp.MustCompile(`^Record_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})_([0-9a-f]{32})\.(?i:mp4)$`),
		func(m []string) (NameTime, bool) {
			t, ok := ymdhms(m, 1)
			if !ok {
				return NameTime{}, false
			}
			nt := NameTime{Time: t, HasTime: true, Convention: "ColorOS（OPPO/一加/realme）录屏文件名", Note: noteLocal}
			return colorOSApp(nt, m[7]), true
		},
	},
	{ // Older MIUI.
		regexp.MustCompile(`^Screenshot_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})\.(?i:jpe?g|png)$`),
		func(m []string) (NameTime, bool) {
			t, ok := ymdhms(m, 1)
			return local("MIUI 截图文件名（旧版）", t, ok)
		},
	},
	{ // AOSP / Pixel / LineageOS.
		regexp.MustCompile(`^Screenshot_(\d{8})-(\d{6})(?:-display-\d+)?\.(?i:png|jpe?g|webp)$`),
		func(m []string) (NameTime, bool) {
			t, ok := localTime(m[1], m[2])
			return local("Android 原生截图文件名", t, ok)
		},
	},
	{ // Underscore + package (Huawei/Honor) or + app label (Samsung One UI).
		regexp.MustCompile(`^Screenshot_(\d{8})_(\d{6})_(.+)\.(?i:jpe?g|png)$`),
		func(m []string) (NameTime, bool) {
			t, ok := localTime(m[1], m[2])
			if !ok {
				return NameTime{}, false
			}
			if packageName.MatchString(m[3]) {
				nt := NameTime{Time: t, HasTime: true, Convention: "截图文件名（含应用包名，常见于华为/荣耀）", Note: noteLocal}
				return withApp(nt, m[3]), true
			}
			nt := NameTime{Time: t, HasTime: true, Convention: "三星 One UI 截图文件名", Note: noteLocal, App: m[3]}
			if a, ok := appByLabel(m[3]); ok {
				nt.App, nt.Package = a.name, a.pkg
			}
			return nt, true
		},
	},
	{ // Samsung / others without an app part.
		regexp.MustCompile(`^Screenshot_(\d{8})_(\d{6})\.(?i:jpe?g|png)$`),
		func(m []string) (NameTime, bool) {
			t, ok := localTime(m[1], m[2])
			return local("安卓截图文件名", t, ok)
		},
	},
	{ // iOS screen recording: Unix seconds.
		regexp.MustCompile(`^RPReplay_Final(\d{10})(?: \d+)?\.(?i:mp4|mov)$`),
		func(m []string) (NameTime, bool) {
			t, ok := epochSeconds(m[1])
			if !ok {
				return NameTime{}, false
			}
			return NameTime{Time: t, HasTime: true, Epoch: true, Convention: "iOS 屏幕录制文件名", Note: noteUnixSecs}, true
		},
	},
	{ // iOS photo or screenshot: a counter.
		regexp.MustCompile(`^IMG_\d{4}(?: \d+)?\.(?i:png|jpe?g|heic|mov)$`),
		noTime("iOS 照片/截图文件名"),
	},
	{ // AOSP screen recorder.
		regexp.MustCompile(`^screen-(\d{8})-(\d{6})\.(?i:mp4)$`),
		func(m []string) (NameTime, bool) {
			t, ok := localTime(m[1], m[2])
			return local("Android 原生录屏文件名", t, ok)
		},
	},
	{ // Windows 11 Snipping Tool.
		regexp.MustCompile(`^(?:屏幕截图|Screenshot) (\d{4})-(\d{2})-(\d{2}) (\d{2})(\d{2})(\d{2})(?:_.*)?\.(?i:png)$`),
		func(m []string) (NameTime, bool) {
			t, ok := ymdhms(m, 1)
			return local("Windows 截图文件名", t, ok)
		},
	},
	{ // Windows Print Screen: a counter.
		regexp.MustCompile(`^(?:屏幕截图|Screenshot) ?[(（]\d+[)）]\.(?i:png)$`),
		noTime("Windows 截图文件名"),
	},
	{ // macOS, Chinese and English, 12- or 24-hour clock.
		regexp.MustCompile(`^(?:截屏 ?|屏幕快照 |Screen Shot |Screenshot )(\d{4})-(\d{2})-(\d{2})(?: at)?[ \x{00A0}\x{202F}](上午|下午)?(\d{1,2})\.(\d{2})\.(\d{2})(?:[ \x{00A0}\x{202F}]?([AP]M))?(?: ?[(（]?\d+[)）]?)?\.(?i:png|jpe?g)$`),
		func(m []string) (NameTime, bool) {
			h := atoi(m[5])
			pm := m[4] == "下午" || m[8] == "PM"
			am := m[4] == "上午" || m[8] == "AM"
			if m[4] != "" && m[8] != "" {
				return NameTime{}, false
			}
			if pm || am {
				if h < 1 || h > 12 {
					return NameTime{}, false
				}
				h %= 12
				if pm {
					h += 12
				}
			}
			t, ok := validTime(atoi(m[1]), atoi(m[2]), atoi(m[3]), h, atoi(m[6]), atoi(m[7]), 0, CST)
			return local("macOS 截图文件名", t, ok)
		},
	},
	{ // WeChat (Android) save/export: epoch milliseconds.
		regexp.MustCompile(`^mmexport(\d{13})(?:_mr\d{13})?(?:_mh\d{13})?\.\w+$`),
		wechatEpoch("微信导出文件名（mmexport）", noteMMExport, 1),
	},
	{
		regexp.MustCompile(`^mmexport[0-9a-f]{32}(?:_(\d{13}))?\.\w+$`),
		wechatEpoch("微信导出文件名（mmexport）", noteMMExport, 1),
	},
	{
		regexp.MustCompile(`^wx_camera_(\d{13})\.(?i:jpe?g|mp4)$`),
		wechatEpoch("微信相机文件名（wx_camera）", noteWXCamera, 1),
	},
	{
		regexp.MustCompile(`^microMsg\.(\d{13})\.(?i:jpe?g)$`),
		wechatEpoch("微信图片文件名（microMsg）", noteMicroMsg, 1),
	},
	{
		regexp.MustCompile(`^mm_facetoface_collect_qrcode_(\d{13})\.(?i:png)$`),
		wechatEpoch("微信收款码文件名", noteQRCode, 1),
	},
	{ // WeChat for Windows.
		regexp.MustCompile(`^微信图片_(\d{8})(\d{6})(?:_\d+_\d+)?\.(?i:jpe?g|png|gif)$`),
		func(m []string) (NameTime, bool) {
			t, ok := localTime(m[1], m[2])
			nt, ok := local("微信电脑版图片文件名", t, ok)
			return withApp(nt, "com.tencent.mm"), ok
		},
	},
	{ // WeChat for Mac: a counter.
		regexp.MustCompile(`^WechatIMG\d+\.(?i:jpe?g|png)$`),
		func(m []string) (NameTime, bool) {
			nt, _ := noTime("微信 Mac 版图片文件名")(m)
			return withApp(nt, "com.tencent.mm"), true
		},
	},
	{ // QQ for PC.
		regexp.MustCompile(`^QQ(图片|截图)(\d{8})(\d{6})\.(?i:jpe?g|png|gif)$`),
		func(m []string) (NameTime, bool) {
			t, ok := localTime(m[2], m[3])
			nt, ok := local("QQ 电脑版"+m[1]+"文件名", t, ok)
			return withApp(nt, "com.tencent.mobileqq"), ok
		},
	},
	{ // Camera photos and videos (Pixel appends milliseconds).
		regexp.MustCompile(`^(?:IMG|VID|PXL|MVIMG)_(\d{8})_(\d{6})`),
		func(m []string) (NameTime, bool) {
			t, ok := localTime(m[1], m[2])
			return local("相机照片/视频文件名", t, ok)
		},
	},
}

func colorOSApp(nt NameTime, sum string) NameTime {
	if a, ok := appByMD5(sum); ok {
		nt.Package, nt.App = a.pkg, a.name
		return nt
	}
	nt.Note += "；应用包名的 MD5 为 " + sum + "（未知应用）"
	return nt
}

// ParseFileName recognises the screenshot, recording and export file-name
// conventions of FORMATS.md §6 in base (a directory part is ignored).
// Local wall-clock names are read as UTC+8; epoch names are UTC. A name
// whose date is impossible (month 13, 25 o'clock …) does not match.
func ParseFileName(base string) (NameTime, bool) {
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if len(base) > 255 {
		return NameTime{}, false
	}
	for _, r := range nameRules {
		m := r.re.FindStringSubmatch(base)
		if m == nil {
			continue
		}
		nt, ok := r.parse(m)
		if !ok {
			return NameTime{}, false
		}
		if nt.HasTime {
			if _, ok := inRange(nt.Time); !ok {
				return NameTime{}, false
			}
		}
		return nt, true
	}
	return NameTime{}, false
}
