package kiosk

import (
	"testing"

	"onewindow/app"
)

// submitRequired ticks every required material of the item on screen and
// submits the application.
func (r *rig) submitRequired(t *testing.T, code string) {
	t.Helper()
	item, _ := r.k.svc.Item(code)
	for _, m := range item.Materials {
		if m.Required {
			r.tap(t, app.MaterialLine(m, "zh"))
		}
	}
	r.tap(t, "提交申请")
}

// TestAForeignersCardAppliesWhereItMay: the kiosk reads a foreigner's
// permanent residence card (it used to say "这不是居民身份证"); an item
// that does not take it says so plainly and takes nothing in.
func TestAForeignersCardAppliesWhereItMay(t *testing.T) {
	r := newRig(t)
	c := card(t, 6) // 史密斯, foreigner's permanent residence card
	r.reader.card = &c
	r.tap(t, "自助申报")
	r.tap(t, "户籍证明开具")
	r.tap(t, "读身份证")
	r.mustShow(t, "史*斯", "手机号")
	r.mustNotShow(t, "这不是居民身份证")
	r.keys(r.k.phonePad, "13800138000")
	r.submitRequired(t, "GA-008")
	r.mustShow(t, "本事项不能凭这张证件办理")
	if cases, _ := r.store.CasesByIDNumber(t.Context(), c.Number); len(cases) != 0 {
		t.Fatalf("a case was taken in for an item that does not take the card: %+v", cases)
	}
}
