package fonts

import (
	"image"
	"image/draw"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbk lists every character GBK encodes, by decoding each two-byte code.
func gbk(t *testing.T) []rune {
	t.Helper()
	dec := simplifiedchinese.GBK.NewDecoder()
	var out []rune
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			s, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if err != nil {
				continue
			}
			r := []rune(string(s))
			if len(r) == 1 && r[0] != '\uFFFD' && (r[0] < 0xE000 || r[0] > 0xF8FF) {
				out = append(out, r[0])
			}
		}
	}
	if len(out) < 21000 {
		t.Fatalf("decoded %d GBK characters, wanted about 21,800", len(out))
	}
	return out
}

// notInNoto are GBK characters that Noto Sans CJK SC itself lacks, so no
// subset can have them: a mathematical sign, never part of a name.
const notInNoto = "≒"

// TestEveryGBKCharacterHasAGlyph: a name on an ID card may hold any GBK
// character (堃, 喆, 昇 are not in GB2312), and a missing glyph is a box
// where a citizen's name should be. Private-use codes are left out: GBK
// maps its user-defined areas there and no font draws them.
func TestEveryGBKCharacterHasAGlyph(t *testing.T) {
	t.Parallel()
	chars := gbk(t)
	for _, face := range []struct {
		name string
		data []byte
	}{{"Regular", Regular}, {"Bold", Bold}} {
		f, err := sfnt.Parse(face.data)
		if err != nil {
			t.Fatalf("%s: %v", face.name, err)
		}
		var buf sfnt.Buffer
		var missing []rune
		for _, r := range append(chars, []rune("0123456789ABCXYZabcxyz，。：；！？（）【】《》“”、·—…★●○✓←→①℃¥×")...) {
			if strings.ContainsRune(notInNoto, r) {
				continue
			}
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			n := min(len(missing), 20)
			t.Errorf("%s lacks %d characters, e.g. %q", face.name, len(missing), string(missing[:n]))
		}
	}
}

// ink draws s and counts the dark pixels.
func ink(t *testing.T, data []byte, s string) (int, *image.Gray) {
	t.Helper()
	f, err := opentype.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 48, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 64*len([]rune(s)), 64))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(4, 52)}
	d.DrawString(s)
	n := 0
	for _, p := range img.Pix {
		if p < 128 {
			n++
		}
	}
	return n, img
}

// TestRareNameCharactersRenderAsThemselves draws each character of names
// with rare characters and checks that it is neither blank nor the box the
// font draws for a character it lacks.
func TestRareNameCharactersRenderAsThemselves(t *testing.T) {
	t.Parallel()
	_, notdef := ink(t, Regular, "\uE000")
	for _, name := range []string{"李堃", "马喆", "赵昇", "欧阳娜仁", "王秀英"} {
		for _, r := range name {
			n, img := ink(t, Regular, string(r))
			if n == 0 {
				t.Errorf("%q in %s draws nothing", r, name)
			}
			if string(img.Pix) == string(notdef.Pix) {
				t.Errorf("%q in %s draws as the missing-glyph box", r, name)
			}
		}
	}
}

// TestBoldIsReallyBold: bold text must stand out (a ticket number, a
// heading), so the bold face must carry clearly more ink than the regular.
func TestBoldIsReallyBold(t *testing.T) {
	t.Parallel()
	regular, _ := ink(t, Regular, "国家政务服务A012")
	bold, _ := ink(t, Bold, "国家政务服务A012")
	if float64(bold) < 1.3*float64(regular) {
		t.Errorf("bold draws %d dark pixels, regular %d; wanted bold at least 1.3 times as heavy", bold, regular)
	}
}
