package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// mp4Epoch is 1904-01-01 in Unix seconds (negative).
const mp4Epoch = -2082844800

// box returns an ISO BMFF box: size, type, payload.
func box(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(make([]byte, 0, n), uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// fullBox is a box with version 0 and flags.
func fullBox(typ string, flags uint32, payload ...[]byte) []byte {
	return box(typ, append([][]byte{binary.BigEndian.AppendUint32(nil, flags&0xFFFFFF)}, payload...)...)
}

func u32s(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

var unityMatrix = u32s(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)

// moovBox describes a screen recording: a 1080×2400 video track and an
// AAC-like audio track with empty sample tables (the mdat is opaque).
func moovBox(created time.Time, durMS uint32) []byte {
	ct := uint32(created.Unix() - mp4Epoch)
	mvhd := fullBox("mvhd", 0, u32s(ct, ct, 1000, durMS, 0x10000), []byte{1, 0, 0, 0}, make([]byte, 8),
		unityMatrix, make([]byte, 24), u32s(3))
	trak := func(id uint32, handler string, w, h uint32, timescale uint32, media []byte) []byte {
		vol := uint32(0)
		if handler == "soun" {
			vol = 0x0100 << 16
		}
		tkhd := fullBox("tkhd", 3, u32s(ct, ct, id, 0, durMS), make([]byte, 8), u32s(0, vol), unityMatrix, u32s(w<<16, h<<16))
		mdhd := fullBox("mdhd", 0, u32s(ct, ct, timescale, uint32(uint64(durMS)*uint64(timescale)/1000)), []byte{0x55, 0xC4, 0, 0})
		hdlr := fullBox("hdlr", 0, u32s(0), []byte(handler), make([]byte, 12), []byte(map[string]string{"vide": "VideoHandle", "soun": "SoundHandle"}[handler]+"\x00"))
		dinf := box("dinf", fullBox("dref", 0, u32s(1), fullBox("url ", 1)))
		stbl := box("stbl", fullBox("stsd", 0, u32s(0)), fullBox("stts", 0, u32s(0)), fullBox("stsc", 0, u32s(0)),
			fullBox("stsz", 0, u32s(0, 0)), fullBox("stco", 0, u32s(0)))
		minf := box("minf", media, dinf, stbl)
		return box("trak", tkhd, box("mdia", mdhd, hdlr, minf))
	}
	video := trak(1, "vide", shotW, shotH, 90000, fullBox("vmhd", 1, make([]byte, 8)))
	audio := trak(2, "soun", 0, 0, 48000, fullBox("smhd", 0, make([]byte, 4)))
	return box("moov", mvhd, video, audio)
}

// writeMP4 writes an MP4 of about size bytes: ftyp, then moov before or
// after an mdat of pseudo-random bytes (phones write it after; "fast start"
// files before). Memory stays constant whatever the size.
func writeMP4(w io.Writer, size int64, created time.Time, moovFirst bool, r *rand.Rand) error {
	ftyp := box("ftyp", []byte("isom"), u32s(0x200), []byte("isomiso2avc1mp41"))
	durMS := uint32(max(size/(1<<20)*1000/2, 1000)) // ≈ 4 Mbit/s
	moov := moovBox(created, durMS)
	mdatLen := size - int64(len(ftyp)+len(moov)) - 8
	mdatLen = max(mdatLen, 0)
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(ftyp); err != nil {
		return fmt.Errorf("write mp4: %w", err)
	}
	if moovFirst {
		if _, err := bw.Write(moov); err != nil {
			return fmt.Errorf("write mp4: %w", err)
		}
	}
	if mdatLen+8 > 1<<32-1 {
		return fmt.Errorf("write mp4: mdat of %d bytes needs a 64-bit box", mdatLen)
	}
	hdr := binary.BigEndian.AppendUint32(nil, uint32(mdatLen+8))
	if _, err := bw.Write(append(hdr, "mdat"...)); err != nil {
		return fmt.Errorf("write mp4: %w", err)
	}
	buf := make([]byte, 64<<10)
	for left := mdatLen; left > 0; {
		n := min(int64(len(buf)), left)
		for i := 0; i < int(n); i += 8 {
			binary.LittleEndian.PutUint64(buf[i:], r.Uint64()) // len(buf) is a multiple of 8
		}
		if _, err := bw.Write(buf[:n]); err != nil {
			return fmt.Errorf("write mp4: %w", err)
		}
		left -= n
	}
	if !moovFirst {
		if _, err := bw.Write(moov); err != nil {
			return fmt.Errorf("write mp4: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write mp4: %w", err)
	}
	return nil
}
