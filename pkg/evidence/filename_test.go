package evidence

import (
	"crypto/md5"
	"encoding/hex"
	"testing"
	"time"
)

func TestParseFileName(t *testing.T) {
	cst := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, CST)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	utc := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04:05.000", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	md5hex := func(s string) string {
		h := md5.Sum([]byte(s))
		return hex.EncodeToString(h[:])
	}
	tests := []struct {
		name    string
		ok      bool
		hasTime bool
		time    time.Time
		conv    string
		pkg     string
		app     string
		epoch   bool
		note    string // "" = not checked
	}{
		// AOSP / Pixel
		{name: "Screenshot_20240305-143012.png", ok: true, hasTime: true, time: cst("2024-03-05 14:30:12.000"), conv: "Android 原生截图文件名", note: noteLocal},
		{name: "Screenshot_20240305-143012-display-1.jpg", ok: true, hasTime: true, time: cst("2024-03-05 14:30:12.000"), conv: "Android 原生截图文件名"},
		{name: "Screenshot_20241305-143012.png"}, // month 13
		{name: "Screenshot_20240230-143012.png"}, // 30 February
		{name: "Screenshot_20240305-253012.png"}, // 25 o'clock
		{name: "Screenshot_19800305-143012.png"}, // before 1990
		{name: "Screenshot_20240305-143012.PNG", ok: true, hasTime: true, time: cst("2024-03-05 14:30:12.000"), conv: "Android 原生截图文件名"},
		// MIUI / HyperOS
		{name: "Screenshot_2025-10-28-19-07-16-918_com.tencent.mm.jpg", ok: true, hasTime: true, time: cst("2025-10-28 19:07:16.918"), conv: "MIUI/HyperOS 截图文件名", pkg: "com.tencent.mm", app: "微信"},
		{name: "Screenshot_2025-10-28-19-07-16-918_com.eg.android.AlipayGphone.png", ok: true, hasTime: true, time: cst("2025-10-28 19:07:16.918"), conv: "MIUI/HyperOS 截图文件名", pkg: "com.eg.android.AlipayGphone", app: "支付宝"},
		{name: "Screenshot_2025-10-28-19-07-16-918_com.example.unknown.jpg", ok: true, hasTime: true, time: cst("2025-10-28 19:07:16.918"), conv: "MIUI/HyperOS 截图文件名", pkg: "com.example.unknown", app: "com.example.unknown"},
		{name: "Screenshot_2025-02-29-19-07-16-918_com.tencent.mm.jpg"}, // 2025 is not a leap year
		{name: "Screenshot_2014-04-01-12-42-54.png", ok: true, hasTime: true, time: cst("2014-04-01 12:42:54.000"), conv: "MIUI 截图文件名（旧版）"},
		// ColorOS
		{name: "Screenshot_2023-06-01-09-15-30-45_e39d2c7de19156b0683cd93e8735f348.jpg", ok: true, hasTime: true, time: cst("2023-06-01 09:15:30.450"), conv: "ColorOS（OPPO/一加/realme）截图文件名", pkg: "com.tencent.mm", app: "微信"},
		{name: "Screenshot_2023-06-01-09-15-30-45_" + md5hex("com.xunmeng.pinduoduo") + ".png", ok: true, hasTime: true, time: cst("2023-06-01 09:15:30.450"), conv: "ColorOS（OPPO/一加/realme）截图文件名", pkg: "com.xunmeng.pinduoduo", app: "拼多多"},
		{name: "Screenshot_2023-06-01-09-15-30-45_0123456789abcdef0123456789abcdef.png", ok: true, hasTime: true, time: cst("2023-06-01 09:15:30.450"), conv: "ColorOS（OPPO/一加/realme）截图文件名"},
		{name: "Record_2023-06-01-09-15-30_" + md5hex("com.taobao.taobao") + ".mp4", ok: true, hasTime: true, time: cst("2023-06-01 09:15:30.000"), conv: "ColorOS（OPPO/一加/realme）录屏文件名", pkg: "com.taobao.taobao", app: "淘宝"},
		// Huawei / Honor, Samsung
		{name: "Screenshot_20201024_161126_com.tencent.mm.jpg", ok: true, hasTime: true, time: cst("2020-10-24 16:11:26.000"), conv: "截图文件名（含应用包名，常见于华为/荣耀）", pkg: "com.tencent.mm", app: "微信"},
		{name: "Screenshot_20230714_093000_Jerboa.png", ok: true, hasTime: true, time: cst("2023-07-14 09:30:00.000"), conv: "三星 One UI 截图文件名", app: "Jerboa"},
		{name: "Screenshot_20230714_093000_WeChat.jpg", ok: true, hasTime: true, time: cst("2023-07-14 09:30:00.000"), conv: "三星 One UI 截图文件名", pkg: "com.tencent.mm", app: "微信"},
		{name: "Screenshot_20230714_093000_Samsung Internet.jpg", ok: true, hasTime: true, time: cst("2023-07-14 09:30:00.000"), conv: "三星 One UI 截图文件名", app: "Samsung Internet"},
		// iOS
		{name: "IMG_0123.PNG", ok: true, conv: "iOS 照片/截图文件名", note: noteNoTime},
		{name: "IMG_4567.HEIC", ok: true, conv: "iOS 照片/截图文件名"},
		{name: "RPReplay_Final1700000000.MP4", ok: true, hasTime: true, time: utc("2023-11-14 22:13:20.000"), conv: "iOS 屏幕录制文件名", epoch: true, note: noteUnixSecs},
		// AOSP screen recorder
		{name: "screen-20240101-080910.mp4", ok: true, hasTime: true, time: cst("2024-01-01 08:09:10.000"), conv: "Android 原生录屏文件名"},
		// Windows 11
		{name: "屏幕截图 2024-05-06 101112.png", ok: true, hasTime: true, time: cst("2024-05-06 10:11:12.000"), conv: "Windows 截图文件名"},
		{name: "Screenshot 2024-05-06 101112_2.png", ok: true, hasTime: true, time: cst("2024-05-06 10:11:12.000"), conv: "Windows 截图文件名"},
		{name: "屏幕截图(1).png", ok: true, conv: "Windows 截图文件名"},
		{name: "Screenshot (12).png", ok: true, conv: "Windows 截图文件名"},
		// macOS
		{name: "截屏2023-02-23 23.22.29.png", ok: true, hasTime: true, time: cst("2023-02-23 23:22:29.000"), conv: "macOS 截图文件名"},
		{name: "截屏2023-05-24 下午7.50.02.png", ok: true, hasTime: true, time: cst("2023-05-24 19:50:02.000"), conv: "macOS 截图文件名"},
		{name: "截屏2023-05-24 上午12.05.02.png", ok: true, hasTime: true, time: cst("2023-05-24 00:05:02.000"), conv: "macOS 截图文件名"},
		{name: "屏幕快照 2019-06-23 下午8.13.58.png", ok: true, hasTime: true, time: cst("2019-06-23 20:13:58.000"), conv: "macOS 截图文件名"},
		{name: "Screen Shot 2020-01-02 at 9.08.07 PM.png", ok: true, hasTime: true, time: cst("2020-01-02 21:08:07.000"), conv: "macOS 截图文件名"},
		{name: "Screenshot 2023-11-20 at 12.00.01\u202fPM.png", ok: true, hasTime: true, time: cst("2023-11-20 12:00:01.000"), conv: "macOS 截图文件名"},
		{name: "Screenshot 2023-11-20 at\u00a012.00.01 AM.png", ok: true, hasTime: true, time: cst("2023-11-20 00:00:01.000"), conv: "macOS 截图文件名"},
		{name: "Screen Shot 2020-01-02 at 9.08.07 PM 2.png", ok: true, hasTime: true, time: cst("2020-01-02 21:08:07.000"), conv: "macOS 截图文件名"},
		{name: "截屏2023-05-24 下午13.50.02.png"}, // 13 PM
		// WeChat
		{name: "mmexport1700000000123.jpg", ok: true, hasTime: true, time: utc("2023-11-14 22:13:20.123"), conv: "微信导出文件名（mmexport）", pkg: "com.tencent.mm", app: "微信", epoch: true, note: noteMMExport},
		{name: "mmexport1700000000123_mr1700000001000.jpg", ok: true, hasTime: true, time: utc("2023-11-14 22:13:20.123"), conv: "微信导出文件名（mmexport）", app: "微信", pkg: "com.tencent.mm", epoch: true},
		{name: "mmexport0123456789abcdef0123456789abcdef_1700000000123.jpeg", ok: true, hasTime: true, time: utc("2023-11-14 22:13:20.123"), conv: "微信导出文件名（mmexport）", app: "微信", pkg: "com.tencent.mm", epoch: true},
		{name: "mmexport0123456789abcdef0123456789abcdef.jpg", ok: true, conv: "微信导出文件名（mmexport）", app: "微信", pkg: "com.tencent.mm", epoch: true, note: noteNoTime},
		{name: "mmexport9999999999999.jpg"}, // year 2286
		{name: "wx_camera_1700000000123.jpg", ok: true, hasTime: true, time: utc("2023-11-14 22:13:20.123"), conv: "微信相机文件名（wx_camera）", app: "微信", pkg: "com.tencent.mm", epoch: true},
		{name: "microMsg.1700000000123.jpg", ok: true, hasTime: true, time: utc("2023-11-14 22:13:20.123"), conv: "微信图片文件名（microMsg）", app: "微信", pkg: "com.tencent.mm", epoch: true},
		{name: "mm_facetoface_collect_qrcode_1700000000123.png", ok: true, hasTime: true, time: utc("2023-11-14 22:13:20.123"), conv: "微信收款码文件名", app: "微信", pkg: "com.tencent.mm", epoch: true},
		{name: "微信图片_20240102030405.jpg", ok: true, hasTime: true, time: cst("2024-01-02 03:04:05.000"), conv: "微信电脑版图片文件名", app: "微信", pkg: "com.tencent.mm"},
		{name: "微信图片_20240102030405_12_34.png", ok: true, hasTime: true, time: cst("2024-01-02 03:04:05.000"), conv: "微信电脑版图片文件名", app: "微信", pkg: "com.tencent.mm"},
		{name: "WechatIMG123.jpeg", ok: true, conv: "微信 Mac 版图片文件名", app: "微信", pkg: "com.tencent.mm"},
		// QQ
		{name: "QQ图片20200101123456.jpg", ok: true, hasTime: true, time: cst("2020-01-01 12:34:56.000"), conv: "QQ 电脑版图片文件名", app: "QQ", pkg: "com.tencent.mobileqq"},
		{name: "QQ截图20200101123456.png", ok: true, hasTime: true, time: cst("2020-01-01 12:34:56.000"), conv: "QQ 电脑版截图文件名", app: "QQ", pkg: "com.tencent.mobileqq"},
		// Camera
		{name: "IMG_20230405_101112.jpg", ok: true, hasTime: true, time: cst("2023-04-05 10:11:12.000"), conv: "相机照片/视频文件名"},
		{name: "PXL_20230405_101112345.jpg", ok: true, hasTime: true, time: cst("2023-04-05 10:11:12.000"), conv: "相机照片/视频文件名"},
		{name: "VID_20230405_101112.mp4", ok: true, hasTime: true, time: cst("2023-04-05 10:11:12.000"), conv: "相机照片/视频文件名"},
		{name: "MVIMG_20230405_101112.jpg", ok: true, hasTime: true, time: cst("2023-04-05 10:11:12.000"), conv: "相机照片/视频文件名"},
		// Directory parts are ignored; unknown names do not match.
		{name: "case/微信/Screenshot_20240305-143012.png", ok: true, hasTime: true, time: cst("2024-03-05 14:30:12.000"), conv: "Android 原生截图文件名"},
		{name: "付款记录.png"},
		{name: "bill.csv"},
		{name: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseFileName(tt.name)
			if ok != tt.ok {
				t.Fatalf("ok = %v (%+v), want %v", ok, got, tt.ok)
			}
			if !ok {
				return
			}
			if got.HasTime != tt.hasTime || !got.Time.Equal(tt.time) {
				t.Errorf("time = %v (has %v), want %v (has %v)", got.Time, got.HasTime, tt.time, tt.hasTime)
			}
			if got.HasTime {
				_, off := got.Time.Zone()
				if want := map[bool]int{true: 0, false: 8 * 3600}[tt.epoch]; off != want {
					t.Errorf("zone offset %d, want %d", off, want)
				}
			}
			if got.Convention != tt.conv || got.Package != tt.pkg || got.App != tt.app || got.Epoch != tt.epoch {
				t.Errorf("got conv %q pkg %q app %q epoch %v, want %q %q %q %v", got.Convention, got.Package, got.App, got.Epoch, tt.conv, tt.pkg, tt.app, tt.epoch)
			}
			if tt.note != "" && got.Note != tt.note {
				t.Errorf("note = %q, want %q", got.Note, tt.note)
			}
		})
	}
}

func TestAppNameByMD5(t *testing.T) {
	// FORMATS.md §6 gives this hash for WeChat.
	a, ok := appByMD5("e39d2c7de19156b0683cd93e8735f348")
	if !ok || a.pkg != "com.tencent.mm" || a.name != "微信" {
		t.Fatalf("appByMD5 = %+v, %v", a, ok)
	}
	if _, ok := appByMD5("00000000000000000000000000000000"); ok {
		t.Fatal("unknown hash resolved")
	}
	if AppName("com.jingdong.app.mall") != "京东" || AppName("com.example") != "" {
		t.Fatal("AppName")
	}
}

func FuzzParseFileName(f *testing.F) {
	for _, s := range []string{
		"Screenshot_20240305-143012.png", "Screenshot_2025-10-28-19-07-16-918_com.tencent.mm.jpg",
		"Screenshot_2023-06-01-09-15-30-45_e39d2c7de19156b0683cd93e8735f348.jpg",
		"Screenshot_20201024_161126_com.tencent.mm.jpg", "RPReplay_Final1700000000.MP4",
		"截屏2023-05-24 下午7.50.02.png", "Screen Shot 2020-01-02 at 9.08.07 PM.png",
		"mmexport1700000000123.jpg", "微信图片_20240102030405.jpg", "QQ图片20200101123456.jpg",
		"PXL_20230405_101112345.jpg", "屏幕截图 2024-05-06 101112.png", "IMG_0123.PNG",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		nt, ok := ParseFileName(name)
		if !ok {
			if nt != (NameTime{}) {
				t.Fatalf("no match but non-zero result %+v", nt)
			}
			return
		}
		if nt.Convention == "" || nt.Note == "" && nt.HasTime {
			t.Fatalf("match without convention or note: %+v", nt)
		}
		if nt.HasTime {
			if y := nt.Time.Year(); y < 1990 || y > 2100 {
				t.Fatalf("year %d out of range for %q", y, name)
			}
		} else if !nt.Time.IsZero() {
			t.Fatalf("time set without HasTime: %+v", nt)
		}
	})
}
