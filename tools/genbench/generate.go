package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// seedBase is the first half of every PCG seed; the second half names the
// file (its role and index), so a file's bytes never depend on the others.
const seedBase uint64 = 0x6576_6970_6163_6b21 // "evipack!"

type role uint64

const (
	roleShot role = iota + 1
	roleLong
	rolePhotoBase
	rolePhoto
	roleChat
	roleBill
	rolePDF
	roleVideo
)

func seedOf(r role, i int) uint64 { return uint64(r)<<32 | uint64(i) }

// job writes one file of the case.
type job struct {
	rel   string // slash-separated path inside the case folder
	mtime time.Time
	image bool
	cost  int64 // rough bytes, to start the big files first
	write func(w io.Writer) error
}

// stats summarises a generated case.
type stats struct {
	Files, Images     int
	Bytes, ImageBytes int64
}

// generate writes the case described by sp into dir using up to jobs
// goroutines.
func generate(dir string, sp spec, jobs int) (stats, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return stats{}, fmt.Errorf("generate %s: folder is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return stats{}, fmt.Errorf("generate %s: %w", dir, err)
	}
	bases, err := makeBases(min(sp.BasePhotos, sp.Photos), jobs)
	if err != nil {
		return stats{}, err
	}
	js, refs := plan(sp, bases)
	sort.SliceStable(js, func(a, b int) bool { return js[a].cost > js[b].cost })
	errs := make([]error, len(js))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(jobs, len(js)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = writeJob(dir, js[i])
			}
		}()
	}
	for i := range js {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return stats{}, err
	}
	yml := job{rel: "case.yaml", mtime: tExport, write: func(w io.Writer) error {
		_, err := io.WriteString(w, caseYAML(refs))
		return err
	}}
	if err := writeJob(dir, yml); err != nil {
		return stats{}, err
	}
	var st stats
	for _, j := range js {
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(j.rel)))
		if err != nil {
			return stats{}, fmt.Errorf("generate %s: %w", dir, err)
		}
		st.Files++
		st.Bytes += fi.Size()
		if j.image {
			st.Images++
			st.ImageBytes += fi.Size()
		}
	}
	return st, nil
}

// makeBases encodes the n base photos in parallel.
func makeBases(n, jobs int) ([]*basePhoto, error) {
	bases := make([]*basePhoto, n)
	errs := make([]error, n)
	sem := make(chan struct{}, max(jobs, 1))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			bases[i], errs[i] = makeBasePhoto(i)
		}()
	}
	wg.Wait()
	return bases, errors.Join(errs...)
}

// writeJob creates one file and sets its modification time.
func writeJob(dir string, j job) (err error) {
	path := filepath.Join(dir, filepath.FromSlash(j.rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", path, cerr)
		}
		if err == nil {
			if terr := os.Chtimes(path, j.mtime, j.mtime); terr != nil {
				err = fmt.Errorf("write %s: %w", path, terr)
			}
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := j.write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// shotKinds spreads the interlaced and RGBA screenshots over the n shots.
func shotKinds(n, rgba, interlaced int) []shotKind {
	ks := make([]shotKind, n)
	place := func(count int, kind shotKind, offset int) {
		for j := range count {
			p := ((2*j+offset)*n/(2*count) + 0) % n
			for q := 0; q < n; q++ {
				if k := (p + q) % n; ks[k] == shotRGB {
					ks[k] = kind
					break
				}
			}
		}
	}
	if interlaced > 0 {
		place(min(interlaced, n), shotInterlaced, 1)
	}
	if rgba > 0 {
		place(min(rgba, n), shotRGBA, 0)
	}
	return ks
}

// plan lists the files of the case and the ones case.yaml refers to.
func plan(sp spec, bases []*basePhoto) ([]job, caseRefs) {
	var js []job
	var refs caseRefs
	rnd := func(r role, i int) *rand.Rand { return rand.New(rand.NewPCG(seedBase, seedOf(r, i))) }
	kinds := shotKinds(sp.Screens, sp.RGBA, sp.Interlaced)
	for i := range sp.Screens {
		t := tShots.Add(time.Duration(i) * 173 * time.Second)
		var name string
		switch i % 3 {
		case 0:
			name = fmt.Sprintf("Screenshot_%s-%03d_com.tencent.mm.png", t.Format("2006-01-02-15-04-05"), i%1000)
		case 1:
			name = fmt.Sprintf("Screenshot_%s_com.tencent.mobileqq.png", t.Format("20060102_150405"))
		default:
			name = fmt.Sprintf("Screenshot_%s.png", t.Format("20060102-150405"))
		}
		kind := kinds[i]
		js = append(js, job{rel: "截图/" + name, mtime: t, image: true, cost: 1 << 20, write: func(w io.Writer) error {
			return encodeShot(w, renderChatShot(shotW, shotH, rnd(roleShot, i)), kind)
		}})
		if i == 0 {
			refs.shot = "截图/" + name
			refs.notes = append(refs.notes, note{"截图/" + name, "chat", "与商家客服的聊天截图", "证明商家承诺“自动发卡，付款后5分钟内到账，不到账全额退款”"})
		}
	}
	for i := range sp.Longs {
		t := time.Date(2026, 9, 6, 21, 30, 15, 0, beijing).Add(time.Duration(i) * 37 * time.Second)
		name := fmt.Sprintf("截图/Screenshot_%s_com.tencent.mobileqq.png", t.Format("20060102_150405"))
		js = append(js, job{rel: name, mtime: t, image: true, cost: 3 << 20, write: func(w io.Writer) error {
			return encodeShot(w, renderChatShot(shotW, longShotH, rnd(roleLong, i)), shotRGB)
		}})
		if i == 0 {
			refs.notes = append(refs.notes, note{name, "chat", "与商家客服的QQ聊天长截图", "证明商家发放无效卡密、拖延退款并将我拉黑的全过程"})
		}
	}
	for i := range sp.Photos {
		t := tPhotos.Add(time.Duration(i) * 41 * time.Second)
		name := fmt.Sprintf("照片/IMG_%s.jpg", t.Format("20060102_150405"))
		base := bases[i%len(bases)]
		js = append(js, job{rel: name, mtime: t, image: true, cost: 3 << 20, write: func(w io.Writer) error {
			b, err := derivePhoto(base, i, t)
			if err != nil {
				return err
			}
			_, err = io.Copy(w, bytes.NewReader(b))
			return err
		}})
		if i == 0 {
			refs.photo = name
			refs.notes = append(refs.notes, note{name, "result", "卡密兑换失败照片", "证明商家所发卡密无法兑换，商家未交付可用的商品"})
		}
	}
	for i := range sp.Chats {
		name := "聊天记录/与星辰客服的聊天记录.txt"
		if i > 0 {
			name = fmt.Sprintf("聊天记录/星辰卡盟维权群%d的聊天记录.txt", i)
		}
		js = append(js, job{rel: name, mtime: tExport, cost: int64(sp.ChatMsgs) * 60, write: func(w io.Writer) error {
			return writeQQChat(w, i, sp.ChatMsgs, rnd(roleChat, i))
		}})
		if i == 0 {
			refs.chat = name
			refs.notes = append(refs.notes, note{name, "chat", "QQ聊天记录导出文本", "与截图一致的聊天原文，载有每条消息的时间和双方QQ号"})
		}
	}
	for i := range sp.Bills {
		from, to := billPeriod(i)
		name := fmt.Sprintf("账单/微信支付账单(%s-%s).csv", from.Format("20060102"), to.Format("20060102"))
		js = append(js, job{rel: name, mtime: tExport, cost: int64(sp.BillRows) * 150, write: func(w io.Writer) error {
			return writeWeChatBill(w, i, sp.BillRows, rnd(roleBill, i))
		}})
		if i == 0 {
			refs.bill = name
			refs.notes = append(refs.notes, note{name, "payment", "微信支付账单导出", "账单中载有2026年9月3日20:15:37向星辰卡盟支付128.00元的记录"})
		}
	}
	for i := range sp.PDFs {
		name := "订单/订单详情.pdf"
		if i > 0 {
			name = fmt.Sprintf("订单/订单详情-%03d.pdf", i+1)
		}
		created := time.Date(2026, 9, 4, 8, 32, 47, 0, beijing).Add(time.Duration(i) * time.Hour)
		pages := sp.PDFPages + i%3
		js = append(js, job{rel: name, mtime: created, cost: 400 << 10, write: func(w io.Writer) error {
			return writeOrderPDF(w, i, pages, created, rnd(rolePDF, i))
		}})
		if i == 0 {
			refs.pdf = name
			refs.notes = append(refs.notes, note{name, "document", "订单详情页（浏览器打印）", "订单号、金额、付款时间，以及订单仍为“已付款 / 待发卡”"})
		}
	}
	for i := range sp.Videos {
		t := tVideos.Add(time.Duration(i) * 311 * time.Second)
		name := fmt.Sprintf("录屏/screen-%s.mp4", t.Format("20060102-150405"))
		if i%2 == 1 {
			name = fmt.Sprintf("录屏/VID_%s.mp4", t.Format("20060102_150405"))
		}
		// Sizes vary from 0.6× to 1.4× the mean; copy k of a scaled case
		// repeats the sizes of the base mix, so ×N is exactly N× the bytes.
		u := i / max(sp.Scale, 1)
		size := sp.VideoBytes * int64(6+(u*5+4)%9) / 10
		js = append(js, job{rel: name, mtime: t, cost: size, write: func(w io.Writer) error {
			return writeMP4(w, size, t, i%3 == 2, rnd(roleVideo, i))
		}})
		if i == 0 {
			refs.video = name
			refs.notes = append(refs.notes, note{name, "recording", "兑换过程录屏", "证明兑换商家所发卡密时提示“卡密无效或已被使用”"})
		}
	}
	return js, refs
}
