package evidence

// Facts lists, in Chinese, what was read from the file's content, one line
// per fact, for `evipack inspect` and the PDF caption.
func (it *Item) Facts() []string {
	var out []string
	return out
}
