package kiosk

// The progress page as the hall's records give it (each department's
// opinion, a result ready at its windows, the supervision light) and the
// kiosk's words when the hall's records cannot be reached or a rating is
// refused. What CaseDetail and Rate answer is app/selfservice's, tested
// there on a real hub (TestTheKioskSeesTheHallsCases); here a fake of the
// hall's records answers, and the screen is held to what it draws.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"onewindow/app"
	"onewindow/app/selfservice"
)

// hallRecords stands in for the hall's records at the hub: its cases and
// their steps, or err for every look-up and rating.
type hallRecords struct {
	cases  map[string]app.Case
	events map[string][]app.CaseEvent
	rated  []app.Rating
	err    error
}

func (h *hallRecords) Case(_ context.Context, number string) (app.Case, error) {
	if h.err != nil {
		return app.Case{}, h.err
	}
	c, ok := h.cases[number]
	if !ok {
		return app.Case{}, fmt.Errorf("case %s: %w", number, app.ErrNotFound)
	}
	return c, nil
}

func (h *hallRecords) CasesByIDNumber(_ context.Context, id app.IDNumber) ([]app.Case, error) {
	if h.err != nil {
		return nil, h.err
	}
	var out []app.Case
	for _, c := range h.cases {
		if c.Applicant.IDNumber == id {
			out = append(out, c)
		}
	}
	return out, nil
}

func (h *hallRecords) CaseWithEvents(ctx context.Context, number string) (app.Case, []app.CaseEvent, error) {
	c, err := h.Case(ctx, number)
	if err != nil {
		return c, nil, err
	}
	return c, h.events[number], nil
}

func (h *hallRecords) Rate(_ context.Context, r app.Rating) (app.Rating, *app.FollowUp, error) {
	if h.err != nil {
		return app.Rating{}, nil, h.err
	}
	h.rated = append(h.rated, r)
	return r, nil, nil
}

// retirement is a case of 退休一件事 (RS-008, category B: windows 1, 3 and
// 4 serve it), which three departments decide in parallel, for card 3
// (马喆), taken in at window 1 on the hall's test morning and due on due.
// Each opinion is "department approve" or "department deny reason".
func (h *hallRecords) retirement(t *testing.T, number string, state app.CaseState, due app.Date, opinions ...[3]string) {
	t.Helper()
	c := card(t, 3)
	at := testNow.Add(-48 * time.Hour)
	h.cases[number] = app.Case{Number: number, ItemCode: "RS-008", ItemName: app.Text{Zh: "退休一件事", En: "Retirement services bundle"},
		Applicant: app.Applicant{Name: c.Name, IDNumber: c.Number}, State: state, Window: 1, Submitted: at, Due: due}
	evs := []app.CaseEvent{
		{Case: number, Seq: 1, Actor: "S1002", Action: string(app.Submitted), State: app.Submitted, At: at},
		{Case: number, Seq: 2, Actor: "S1002", Action: string(app.Accepted), State: app.Accepted, At: at},
	}
	for i, o := range opinions {
		at = at.Add(time.Hour)
		evs = append(evs, app.CaseEvent{Case: number, Seq: 3 + i, Actor: "central:" + o[0], Action: o[1],
			State: app.InReview, At: at, Note: o[2]})
	}
	if len(opinions) > 0 {
		evs[len(evs)-1].State = state
	}
	h.events[number] = evs
}

// hallRig is a kiosk whose progress look-ups and ratings go to records,
// with the hall's set-up (windows, calendar, settings) of its own store.
func hallRig(t *testing.T) (*rig, *hallRecords) {
	t.Helper()
	h := &hallRecords{cases: map[string]app.Case{}, events: map[string][]app.CaseEvent{}}
	r := newRigWith(t, func(svc *selfservice.Services, _ *selfservice.Config) {
		svc.Progress, svc.Ratings = h, h
		svc.Hall = svc.Catalogue.(selfservice.HallSetUp)
	})
	return r, h
}

func (r *rig) mustNotShow(t *testing.T, s ...string) {
	t.Helper()
	for _, x := range s {
		if r.shows(x) {
			t.Fatalf("page %q should not show %q; it shows %q", r.k.Page(), x, r.texts())
		}
	}
}

func TestCaseProgressShowsEachDepartmentsOpinion(t *testing.T) {
	r, h := hallRig(t)
	h.retirement(t, "W01-20261122-000007", app.InReview, "2026-12-18", [3]string{"renshe", app.ActionApprove})
	r.k.Scanned(app.CaseQR("W01-20261122-000007"))
	if r.k.Page() != "case" {
		t.Fatalf("scanning the receipt shows %q (%q), want the case", r.k.Page(), r.texts())
	}
	r.mustShow(t, "退休一件事", "W01-20261122-000007", "马*", "当前状态：审查中",
		"承诺办结日期：2026-12-18  按期办理中", "各部门审批意见：",
		"区人力资源和社会保障局：同意", "区医疗保障局：审批中", "市住房公积金管理中心区管理部：审批中", "审批部门")
	r.mustNotShow(t, "马喆", "结果已出")
	test.AssertImageMatches(t, "case-zh.png", r.w.Canvas().Capture())

	// Denied by one department with its reason: the result (the decision)
	// is ready; a department that gave no opinion is left out.
	h.retirement(t, "W01-20261122-000007", app.Denied, "2026-12-18",
		[3]string{"renshe", app.ActionApprove}, [3]string{"yibao", app.ActionDeny, "缺少医保缴费证明"})
	r.tap(t, "返回首页")
	r.k.Scanned(app.CaseQR("W01-20261122-000007"))
	r.mustShow(t, "区人力资源和社会保障局：同意", "区医疗保障局：不同意。原因：缺少医保缴费证明",
		"结果已出，请到 1、3、4 号窗口领取。", "已办结（不予许可）")
	r.mustNotShow(t, "住房公积金", "按期办理中")
}

func TestAReadyResultNamesTheWindowsThatHandItOut(t *testing.T) {
	r, h := hallRig(t)
	approve := func(d string) [3]string { return [3]string{d, app.ActionApprove} }
	h.retirement(t, "W01-20261122-000007", app.Approved, "2026-12-18", approve("renshe"), approve("yibao"), approve("gjj"))
	h.retirement(t, "W01-20261124-000002", app.InReview, "2026-11-20")
	c := card(t, 3)
	r.reader.card = &c
	r.tap(t, "办件查询")
	r.tap(t, "读身份证查询")
	if r.k.Page() != "cases" {
		t.Fatalf("two cases by card show %q (%q), want the list", r.k.Page(), r.texts())
	}
	r.tap(t, "退休一件事\nW01-20261122-000007")
	r.mustShow(t, "结果已出，请到 1、3、4 号窗口领取。", "区医疗保障局：同意", "市住房公积金管理中心区管理部：同意")
	r.tap(t, "返回上一步")
	r.tap(t, "退休一件事\nW01-20261124-000002")
	r.mustShow(t, "承诺办结日期：2026-11-20  已超过承诺办结日期", "区医疗保障局：审批中")
	r.mustNotShow(t, "结果已出")

	r.tap(t, "返回首页")
	r.tap(t, "English")
	r.k.Scanned(app.CaseQR("W01-20261122-000007"))
	r.mustShow(t, "The result is ready: please collect it at window 1, 3, 4.",
		"District Healthcare Security Bureau: approved")
}

func TestHallOfflineIsSaidPlainly(t *testing.T) {
	const offline = "大厅服务器暂时连接不上，现在查不了办件进度，也不能评价"
	r, h := hallRig(t)
	h.err = fmt.Errorf("case look-up: %w", app.ErrHubUnreachable)
	r.k.Scanned(app.CaseQR("W01-20261122-000007"))
	if r.k.Page() != "progress" {
		t.Fatalf("with the hall's records down a receipt shows %q, want the progress page", r.k.Page())
	}
	r.mustShow(t, offline)
	c := card(t, 3)
	r.reader.card = &c
	r.tap(t, "返回首页")
	r.tap(t, "办件查询")
	r.mustNotShow(t, offline) // the hub answered its last look
	r.tap(t, "读身份证查询")
	r.mustShow(t, offline)

	r.tap(t, "返回首页")
	r.tap(t, "服务评价")
	r.keys(r.k.ratePad, "A012")
	r.tap(t, "下一步")
	r.tap(t, "非常满意")
	if r.k.Page() != "rate" {
		t.Fatalf("a rating not sent shows %q, want the rating page", r.k.Page())
	}
	r.mustShow(t, offline)

	// Once the hub fails to answer, each page says so before anyone tries.
	r.queue.err = fmt.Errorf("queue: %w", app.ErrHubUnreachable)
	r.k.pollQueue()
	r.tap(t, "返回首页")
	r.tap(t, "办件查询")
	r.mustShow(t, offline)
	r.tap(t, "返回首页")
	r.tap(t, "服务评价")
	r.mustShow(t, offline)
}

func TestARefusedRatingSaysWhy(t *testing.T) {
	r, h := hallRig(t)
	h.err = fmt.Errorf("rating: %w", app.ErrNotRateable)
	r.tap(t, "服务评价")
	r.k.Scanned("onewindow:ticket:2026-11-24/B007")
	r.tap(t, "满意")
	if r.k.Page() != "rate" {
		t.Fatalf("a refused rating shows %q, want the rating page to try again", r.k.Page())
	}
	r.mustShow(t, "不能评价：只有今天在本大厅办理过的号票")
	r.mustNotShow(t, "感谢您的评价")
	h.err = nil
	r.keys(r.k.ratePad, "B007")
	r.tap(t, "下一步")
	r.tap(t, "满意")
	r.mustShow(t, "感谢您的评价")
	if len(h.rated) != 1 || h.rated[0].Ticket != "B007" {
		t.Errorf("the hall got %+v, want one rating of B007", h.rated)
	}
}

// TestTheCasePageFitsInElderlyMode: the longest case page, in elderly
// mode's large text, fits the kiosk's 1280×1024 screen; what is long
// scrolls, the case's facts and its result stay in view.
func TestTheCasePageFitsInElderlyMode(t *testing.T) {
	r, h := hallRig(t)
	h.retirement(t, "W01-20261122-000007", app.Denied, "2026-12-18",
		[3]string{"renshe", app.ActionApprove}, [3]string{"yibao", app.ActionDeny, "缺少医保缴费证明"})
	r.tap(t, "长者模式（大字）")
	r.k.Scanned(app.CaseQR("W01-20261122-000007"))
	if !r.k.Elderly() || r.k.Page() != "case" {
		t.Fatalf("elderly %v, page %q; want the case in elderly mode", r.k.Elderly(), r.k.Page())
	}
	if min := r.w.Content().MinSize(); min.Width > 1280 || min.Height > 1024 {
		t.Errorf("the case page needs %v, more than the kiosk's 1280×1024", min)
	}
	r.mustShow(t, "结果已出，请到 1、3、4 号窗口领取。")
	test.AssertImageMatches(t, "case-elderly-zh.png", r.w.Canvas().Capture())
}
