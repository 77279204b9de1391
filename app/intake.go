package app

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Choice is one entry of a fixed list a clerk picks from: a reason, a note.
// Lists come first because typing Chinese on a hall PC is slow and, on
// Linux, unreliable (docs/window-terminal.md).
type Choice struct {
	Code string
	Text Text
}

// RefusalReasons are the grounds for not taking in an application (不予受理),
// after 《行政许可法》 第三十二条; "other" needs the clerk's own words.
var RefusalReasons = []Choice{
	{"not_competent", Text{"申请事项不属于本机关职权范围", "Not within this office's competence"}},
	{"no_permit_needed", Text{"申请事项依法不需要取得行政许可", "No permit is required by law"}},
	{"not_eligible", Text{"申请人不具备申请资格", "The applicant is not eligible"}},
	{"false_materials", Text{"申请材料存在虚假内容", "The materials contain false statements"}},
	{"already_handled", Text{"同一事项已受理或正在办理", "The same matter is already being handled"}},
	{"out_of_time", Text{"超出法定申请期限", "Past the statutory application period"}},
	{"other", Text{"其他（请说明）", "Other (explain)"}},
}

// SupplementAdvice is what a 一次性告知书 tells the applicant to do next.
var SupplementAdvice = []Choice{
	{"bring", Text{"请补齐上述材料后到任一综合窗口办理，无需重新排队取号。", "Bring the missing materials to any front window; no new queue number is needed."}},
	{"online", Text{"可通过政务服务网上传上述材料的电子件。", "The missing materials may be uploaded on the online service portal."}},
	{"post", Text{"可将上述材料邮寄至本大厅，邮费由本大厅承担。", "The missing materials may be posted to the hall, free of charge."}},
}

// FollowUpActions are what a clerk or manager records when closing the
// follow-up of a bad rating (差评整改).
var FollowUpActions = []Choice{
	{"called_back", Text{"已电话回访，申请人表示理解", "Called the citizen back; they accept the explanation"}},
	{"apologised", Text{"已当面致歉并重新说明", "Apologised in person and explained again"}},
	{"fixed", Text{"已整改并办结", "Rectified and completed"}},
	{"trained", Text{"已对窗口人员进行教育培训", "The clerk was coached"}},
	{"unfounded", Text{"经核实差评理由不成立", "On checking, the complaint was unfounded"}},
}

// ChoiceText returns the text of code in list, or "" when it is not there.
func ChoiceText(list []Choice, code string) Text {
	for _, c := range list {
		if c.Code == code {
			return c.Text
		}
	}
	return Text{}
}

// RefusalNote is what a refusal records and prints: the reason chosen from
// RefusalReasons and the clerk's optional words. "other" without words is
// refused, since a refusal must say why.
func RefusalNote(code, extra string) (string, error) {
	t := ChoiceText(RefusalReasons, code)
	extra = strings.TrimSpace(extra)
	switch {
	case t.Zh == "":
		return "", fmt.Errorf("%w: %q is not a refusal reason on the list", ErrInvalidInput, code)
	case code == "other" && extra == "":
		return "", fmt.Errorf("%w: say in words why the application is refused", ErrInvalidInput)
	case code == "other":
		return extra, nil
	case extra != "":
		return t.Zh + "：" + extra, nil
	}
	return t.Zh, nil
}

// SearchItems finds the items a clerk means by query: a code, pinyin
// initials (hkqy for 户口迁移) or part of the name, in Chinese or English.
// Exact codes come first, then initials that start with the query, then
// names containing it, then codes containing it; catalogue order within each.
// An empty query lists every item.
func SearchItems(items []Item, query string) []Item {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return slices.Clone(items)
	}
	rank := func(it Item) int {
		code := strings.ToLower(it.Code)
		switch {
		case code == q:
			return 0
		case strings.HasPrefix(it.Initials, q):
			return 1
		case strings.Contains(it.Name.Zh, query), strings.Contains(strings.ToLower(it.Name.En), q):
			return 2
		case strings.Contains(code, q), strings.Contains(it.Initials, q):
			return 3
		}
		return -1
	}
	var buckets [4][]Item
	for _, it := range items {
		if r := rank(it); r >= 0 {
			buckets[r] = append(buckets[r], it)
		}
	}
	return slices.Concat(buckets[:]...)
}

// NoticeKindFor is the notice a case in state s was given at intake.
func NoticeKindFor(s CaseState) (NoticeKind, bool) {
	switch s {
	case Accepted, InReview, Approved, Denied, ResultIssued:
		return NoticeAccepted, true
	case SupplementRequested:
		return NoticeMissing, true
	case Refused:
		return NoticeRejected, true
	}
	return 0, false
}

// NoticeFor builds the notice of a case as it goes on paper. advice is what
// a 一次性告知书 says to do next. The printer's layout masks the applicant.
func NoticeFor(c Case, item Item, hallName, advice string, now time.Time) (NoticePrint, error) {
	kind, ok := NoticeKindFor(c.State)
	if !ok {
		return NoticePrint{}, fmt.Errorf("%w: a case that is %s has no intake notice", ErrInvalidInput, c.State)
	}
	n := NoticePrint{
		Kind: kind, HallName: hallName, CaseNumber: c.Number, ItemName: item.Name.Zh,
		Applicant: c.Applicant.Name, ApplicantID: string(c.Applicant.IDNumber),
		Window: fmt.Sprintf("%d号窗口", c.Window), QRPayload: CaseQR(c.Number), Printed: now.In(HallZone),
	}
	for i, m := range item.Materials {
		form := "原件"
		if m.Form == Copy {
			form = "复印件"
		}
		nm := NoticeMaterial{Name: m.Name.Zh, Received: slices.Contains(c.Received, i),
			Note: fmt.Sprintf("%s%d份", form, m.Copies)}
		if kind == NoticeMissing && !nm.Received && !slices.Contains(c.Missing, i) {
			continue // optional and not brought: not asked for, so not listed
		}
		n.Materials = append(n.Materials, nm)
	}
	switch kind {
	case NoticeAccepted:
		due, err := c.Due.Time()
		if err != nil {
			return NoticePrint{}, fmt.Errorf("%w: case %s has no due date", ErrInvalidInput, c.Number)
		}
		n.DueDate = due
	case NoticeMissing:
		n.Reason = advice
	case NoticeRejected:
		n.Reason = c.Reason
	}
	return n, n.Validate()
}

// DepartmentStatus is where one department of a parallel approval (并联审批)
// stands on a case, as the decisions central sent back say.
type DepartmentStatus struct {
	Department string
	Name       Text
	State      CaseState // the state its last decision moved the case to; empty while it has not decided
	At         time.Time
	Note       string
	Given      bool // the department has given its opinion
	Approve    bool // and it approves
}

// ParallelStatus reads, from a case's timeline, what each department that
// decides the item has decided. Central's decisions are the events whose
// actor is "central:<department>"; a department not yet heard from is
// pending (State empty).
func ParallelStatus(item Item, depts []Department, events []CaseEvent) []DepartmentStatus {
	codes := item.Parallel
	if len(codes) == 0 {
		codes = item.Departments
	}
	names := map[string]Text{}
	for _, d := range depts {
		names[d.Code] = d.Name
	}
	out := make([]DepartmentStatus, len(codes))
	for i, code := range codes {
		out[i] = DepartmentStatus{Department: code, Name: names[code]}
		if out[i].Name.Zh == "" {
			out[i].Name = Text{code, code}
		}
		for _, e := range events {
			if e.Actor == "central:"+code {
				out[i].State, out[i].At, out[i].Note = e.State, e.At, e.Note
				out[i].Given = true
				// An opinion's step names it; an older step names the state
				// it moved the case to, which an approval does not deny.
				out[i].Approve = e.Action == ActionApprove || e.Action == string(Approved) ||
					(e.Action != ActionDeny && e.State != Denied)
			}
		}
	}
	return out
}
