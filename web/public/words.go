package public

import (
	"fmt"
	"net/http"

	"onewindow/app"
)

// words are the pages' texts, Chinese first.
var words = map[string]app.Text{
	"site":                    {Zh: "政务服务网", En: "Government services"},
	"lang":                    {Zh: "English", En: "中文"},
	"err.notfound.title":      {Zh: "未找到", En: "Not found"},
	"err.notfound":            {Zh: "没有找到这个页面。请核对您扫描的二维码，或到大厅服务台咨询。", En: "There is no such page. Check the code you scanned, or ask at the hall's help desk."},
	"err.internal":            {Zh: "系统暂时出现问题，请稍后再试。", En: "Something went wrong; please try again later."},
	"err.toomany":             {Zh: "请求过于频繁，请稍等几秒再试。", En: "Too many requests; please wait a few seconds and try again."},
	"err.csrf":                {Zh: "页面已过期，请返回重新提交。", En: "The page has expired; go back and submit it again."},
	"ticket.title":            {Zh: "排队号 %s", En: "Ticket %s"},
	"ticket.near":             {Zh: "即将叫到您，请到等候区留意叫号", En: "You will be called soon: please wait near the windows"},
	"ticket.ahead":            {Zh: "前面还有", En: "Ahead of you"},
	"ticket.people":           {Zh: "%d 人", En: "%d people"},
	"ticket.wait":             {Zh: "预计等待", En: "Estimated wait"},
	"ticket.minutes":          {Zh: "约 %d 分钟", En: "about %d min"},
	"ticket.called":           {Zh: "请到 %d 号窗口办理", En: "Please go to window %d"},
	"ticket.serving":          {Zh: "正在 %d 号窗口办理", En: "Being served at window %d"},
	"ticket.done":             {Zh: "已办理完毕，感谢您的耐心等待", En: "Served: thank you for waiting"},
	"ticket.no_show":          {Zh: "已过号。如需办理，请到服务台或自助机重新排队", En: "Missed. To be served, queue again at the help desk or a kiosk"},
	"ticket.unknown":          {Zh: "已取号。大厅的排队信息尚未同步，请稍后刷新", En: "Number taken. The hall's queue has not reached this page yet; check again shortly"},
	"ticket.stale":            {Zh: "数据更新于 %s。大厅网络暂时中断，排队位置可能已变化，请以大厅叫号为准", En: "Updated at %s. The hall's link is down: your place may have changed; listen for the hall's calls"},
	"ticket.stale.never":      {Zh: "暂未收到大厅的排队数据，请以大厅叫号为准", En: "No queue data from the hall yet: listen for the hall's calls"},
	"ticket.fresh":            {Zh: "实时更新 · %s", En: "Live · %s"},
	"ticket.past":             {Zh: "这是 %s 的排队号", En: "This ticket is of %s"},
	"ticket.priority":         {Zh: "优先", En: "Priority"},
	"state.waiting":           {Zh: "等候中", En: "Waiting"},
	"state.called":            {Zh: "正在叫号", En: "Called"},
	"state.serving":           {Zh: "办理中", En: "Being served"},
	"state.done":              {Zh: "已办结", En: "Served"},
	"state.no_show":           {Zh: "已过号", En: "Missed"},
	"case.title":              {Zh: "办件进度", En: "Case progress"},
	"case.number":             {Zh: "办件编号", En: "Case number"},
	"case.item":               {Zh: "事项", En: "Service"},
	"case.applicant":          {Zh: "申请人", En: "Applicant"},
	"case.hall":               {Zh: "受理地点", En: "Taken in at"},
	"case.state":              {Zh: "当前状态", En: "State"},
	"case.accepted":           {Zh: "受理时间", En: "Accepted"},
	"case.due":                {Zh: "承诺办结日期", En: "Promised by"},
	"case.opinions":           {Zh: "部门意见", En: "Departments' opinions"},
	"case.approve":            {Zh: "同意", En: "Approved"},
	"case.deny":               {Zh: "不同意", En: "Refused"},
	"case.none":               {Zh: "尚无部门意见。", En: "No department has given its opinion yet."},
	"case.pickup":             {Zh: "办理结果已出，请携带受理回执和本人身份证到%s统一出件窗口领取（法定工作日办公时间）。", En: "The result is ready: bring the receipt and your ID card to the results window of %s (working days, office hours)."},
	"case.pickedup":           {Zh: "办理结果已领取。", En: "The result has been handed out."},
	"cs.submitted":            {Zh: "已收件", En: "Received"},
	"cs.accepted":             {Zh: "已受理", En: "Accepted"},
	"cs.supplement_requested": {Zh: "待补正材料", En: "Materials missing"},
	"cs.refused":              {Zh: "不予受理", En: "Not accepted"},
	"cs.in_review":            {Zh: "审查中", En: "In review"},
	"cs.approved":             {Zh: "准予许可（已办结）", En: "Approved"},
	"cs.denied":               {Zh: "不予许可（已办结）", En: "Refused"},
	"cs.result_issued":        {Zh: "已出件", En: "Result handed out"},
	"cs.closed":               {Zh: "已归档", En: "Filed"},
	"gs.title":                {Zh: "办件公示", En: "Completed cases"},
	"gs.day":                  {Zh: "日期", En: "Day"},
	"gs.show":                 {Zh: "查看", En: "Show"},
	"gs.none":                 {Zh: "当日没有办结的办件。", En: "No case was completed that day."},
	"gs.number":               {Zh: "办件编号", En: "Case"},
	"gs.item":                 {Zh: "事项", En: "Service"},
	"gs.applicant":            {Zh: "申请人", En: "Applicant"},
	"gs.outcome":              {Zh: "结果", En: "Outcome"},
	"gs.at":                   {Zh: "办结时间", En: "Completed"},
}

// tr is a text in the request's language, formatted with args.
func (s *Server) tr(r *http.Request, key string, args ...any) string {
	return s.trLang(s.lang(r), key, args...)
}

func (s *Server) trLang(lang, key string, args ...any) string {
	t, ok := words[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return t.In(lang)
	}
	return fmt.Sprintf(t.In(lang), args...)
}
