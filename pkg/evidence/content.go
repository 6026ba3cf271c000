package evidence

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/payment"
)

// Content summarises, for evipack.json and inspect, what was parsed from a
// file's content. The parsed rows and messages themselves stay out of the
// manifest: a bill holds the user's unrelated, private transactions.
type Content struct {
	Format   string `json:"format"`
	Label    string `json:"label"`
	Rows     int    `json:"rows,omitempty"`     // payment rows
	Messages int    `json:"messages,omitempty"` // chat messages
	Images   int    `json:"images,omitempty"`   // images embedded in a chat export
	Codec    string `json:"codec,omitempty"`    // voice codec
}

// maxContentBytes is the largest file whose content is parsed; larger files
// are still hashed and carried.
const maxContentBytes = 64 << 20

// parseContent reads bills, chat exports, recordings and voice files. f is
// positioned anywhere; head holds the first bytes.
func parseContent(f *os.File, it *Item, head []byte, warn func(code, msg, zh string)) {
	name := path.Base(it.Path)
	switch it.Type {
	case TypeMP4:
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return
		}
		info, err := ReadMP4(f, it.Size)
		if err != nil {
			warnFormat(err, warn, "media-corrupt", "视频/音频文件结构无法读取")
		}
		if info == nil {
			return
		}
		if info.Truncated {
			warn(CodeMediaTruncated, "the file ends early; the recording may be incomplete", "文件在中途被截断，录像可能不完整；时长按文件头记录显示")
		}
		it.Duration = info.Duration
		if info.AudioOnly() {
			it.MediaType = "audio/mp4"
		}
		it.Content = &Content{Format: "mp4", Label: mp4Label(info)}
		if info.CreatedSet {
			note := "容器记录的 UTC 时间"
			if info.HasOffset {
				note = "苹果设备记录的拍摄时间（含时区）"
			}
			it.Times = append(it.Times, TimeRecord{Time: info.Created.In(CST), Source: SourceContent, Detail: "录制时间（" + info.CreatedSource + "）", Note: note})
		}
		return
	case TypeAMR, TypeSILK:
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return
		}
		info, err := ReadVoice(f, it.Type)
		if err != nil {
			warnFormat(err, warn, "voice-corrupt", "语音文件无法读取")
			return
		}
		it.Duration = info.Duration
		it.Content = &Content{Format: string(it.Type), Label: "语音", Codec: info.Codec}
		if info.Truncated {
			warn("voice-truncated", "the voice file ends in the middle of a frame", "语音文件在中途被截断，时长按已有部分计算")
		}
		return
	case TypeText, TypeOther:
	default:
		return
	}
	isBill := payment.Sniff(name, head)
	isChat := it.Type == TypeText && chat.Sniff(name, head)
	if !isBill && !isChat {
		return
	}
	if it.Size > maxContentBytes {
		warn("content-too-large", fmt.Sprintf("larger than %d MiB: content not parsed", maxContentBytes>>20),
			fmt.Sprintf("文件超过 %d MiB，未解析其内容；原件已保存在证据包中", maxContentBytes>>20))
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, maxContentBytes+1))
	if err != nil {
		return
	}
	if isBill {
		st, err := payment.Parse(name, data)
		switch {
		case err == nil:
			it.Statement = st
			it.Content = &Content{Format: st.Format, Label: st.Label, Rows: len(st.Txns)}
			for _, w := range st.Warnings {
				warn("payment-"+w.Code, lineMsg(w.Line, w.Msg), lineZh(w.Line, w.Zh))
			}
			if !st.To.IsZero() {
				it.Times = append([]TimeRecord{{Time: st.To, Source: SourceContent, Detail: "账单截止时间"}}, it.Times...)
			}
			return
		case !errors.Is(err, payment.ErrNotStatement):
			var pe *payment.ParseError
			if errors.As(err, &pe) {
				warn("payment-unreadable", err.Error(), lineZh(pe.Line, "账单无法解析："+pe.Zh))
			} else {
				warn("payment-unreadable", err.Error(), "账单无法解析："+err.Error())
			}
			return
		}
	}
	if isChat {
		lg, err := chat.Parse(name, data)
		if err != nil {
			var pe *chat.ParseError
			if !errors.Is(err, chat.ErrNotChat) {
				if errors.As(err, &pe) {
					warn("chat-unreadable", err.Error(), lineZh(pe.Line, "聊天记录无法解析："+pe.Zh))
				} else {
					warn("chat-unreadable", err.Error(), "聊天记录无法解析："+err.Error())
				}
			}
			return
		}
		it.Chat = lg
		it.Content = &Content{Format: lg.Format, Label: lg.Label, Messages: len(lg.Messages), Images: len(lg.Images)}
		for _, w := range lg.Warnings {
			warn("chat-"+w.Code, lineMsg(w.Line, w.Msg), lineZh(w.Line, w.Zh))
		}
		first, last := -1, -1
		for i, m := range lg.Messages {
			if m.HasTime {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first >= 0 {
			note := lg.TimeNote
			it.Times = append([]TimeRecord{
				{Time: lg.Messages[first].Time, Source: SourceContent, Detail: "第一条消息时间", Note: note},
				{Time: lg.Messages[last].Time, Source: SourceContent, Detail: "最后一条消息时间", Note: note},
			}, it.Times...)
		}
	}
}

func mp4Label(info *MP4Info) string {
	switch {
	case info.HasVideo:
		return "视频/录屏"
	case info.HasAudio:
		return "音频"
	}
	return "MP4/MOV 文件"
}

func warnFormat(err error, warn func(code, msg, zh string), code, zh string) {
	var fe *FormatError
	if errors.As(err, &fe) {
		warn(fe.Code, fe.Msg, fe.Zh)
		return
	}
	warn(code, err.Error(), zh+"："+err.Error())
}

func lineMsg(line int, msg string) string {
	if line > 0 {
		return fmt.Sprintf("line %d: %s", line, msg)
	}
	return msg
}

func lineZh(line int, zh string) string {
	if line > 0 {
		return fmt.Sprintf("第 %d 行：%s", line, zh)
	}
	return zh
}
