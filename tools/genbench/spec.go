package main

import (
	"fmt"
	"time"
)

// spec is how many files of each sort a generated case holds.
type spec struct {
	Screens    int   // phone screenshots, PNG 1080×2400
	RGBA       int   // of Screens: with a real alpha channel (rounded corners)
	Interlaced int   // of Screens: Adam7-interlaced
	Longs      int   // long screenshots, PNG 1080×8000
	Photos     int   // camera photos, JPEG 4000×3000 with EXIF
	BasePhotos int   // distinct encoded photos the others are derived from
	Chats      int   // QQ TXT exports
	ChatMsgs   int   // messages per QQ export
	Bills      int   // WeChat Pay CSV bills
	BillRows   int   // data rows per bill
	PDFs       int   // order / receipt PDFs
	PDFPages   int   // pages per PDF (the first PDF; later ones vary)
	Videos     int   // screen recordings, MP4
	VideoBytes int64 // mean size of one MP4
	Scale      int   // copies of the base mix (0 means 1); sizes repeat per copy
}

// Files is the number of evidence files (case.yaml excluded).
func (s spec) Files() int {
	return s.Screens + s.Longs + s.Photos + s.Chats + s.Bills + s.PDFs + s.Videos
}

const (
	maxScale = 64
	mib      = 1 << 20
)

// specFor returns the spec of a case kind multiplied by scale.
func specFor(kind string, scale int) (spec, error) {
	if scale < 1 || scale > maxScale {
		return spec{}, fmt.Errorf("spec: scale %d out of range 1-%d", scale, maxScale)
	}
	var s spec
	switch kind {
	case "typical":
		// 30 files, ≈ 40 MB.
		s = spec{Screens: 18, RGBA: 3, Interlaced: 2, Longs: 2, Photos: 5, BasePhotos: 2,
			Chats: 1, ChatMsgs: 600, Bills: 1, BillRows: 3000, PDFs: 2, PDFPages: 3,
			Videos: 1, VideoBytes: 8 * mib}
	case "large":
		// 400 files (330 images), ≈ 1 GB.
		s = spec{Screens: 240, RGBA: 40, Interlaced: 10, Longs: 30, Photos: 60, BasePhotos: 4,
			Chats: 12, ChatMsgs: 2000, Bills: 6, BillRows: 4000, PDFs: 40, PDFPages: 3,
			Videos: 12, VideoBytes: 44 * mib}
	default:
		return spec{}, fmt.Errorf("spec: unknown kind %q (want typical or large)", kind)
	}
	s.Scale = scale
	s.Screens *= scale
	s.RGBA *= scale
	s.Interlaced *= scale
	s.Longs *= scale
	s.Photos *= scale
	s.Chats *= scale
	s.Bills *= scale
	s.PDFs *= scale
	s.Videos *= scale
	return s, nil
}

// beijing is the wall-clock zone of every timestamp in the case.
var beijing = time.FixedZone("CST", 8*3600)

// Fixed points of the story told by case.yaml.
var (
	tOrderPaid = time.Date(2026, 9, 3, 20, 15, 37, 0, beijing)
	tShots     = time.Date(2026, 9, 3, 20, 0, 0, 0, beijing)
	tPhotos    = time.Date(2026, 9, 5, 10, 15, 30, 0, beijing)
	tVideos    = time.Date(2026, 9, 5, 11, 0, 0, 0, beijing)
	tChatStart = time.Date(2026, 9, 3, 20, 11, 5, 0, beijing)
	tExport    = time.Date(2026, 9, 7, 21, 30, 0, 0, beijing)
)

const (
	orderNo      = "KM202609032015370042"
	merchant     = "星辰卡盟"
	merchantQQ   = "2876543210"
	merchantNick = "星辰客服-小星"
	userName     = "张小明"
	userQQ       = "1234567890"
	userNick     = "小明"
)
