package console

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"onewindow/app"
	"onewindow/app/console"
)

// words are the console's texts, Chinese first.
var words = map[string]app.Text{
	"app.title":        {Zh: "政务服务管理平台", En: "Service hall console"},
	"nav.review":       {Zh: "待审批", En: "Worklist"},
	"nav.supervise":    {Zh: "电子监察", En: "Supervision"},
	"nav.halls":        {Zh: "大厅看板", En: "Hall dashboard"},
	"nav.accounts":     {Zh: "账号管理", En: "Accounts"},
	"nav.audit":        {Zh: "审计日志", En: "Audit log"},
	"nav.password":     {Zh: "修改密码", En: "Change password"},
	"nav.logout":       {Zh: "退出", En: "Log out"},
	"nav.lang":         {Zh: "English", En: "中文"},
	"login.title":      {Zh: "登录", En: "Log in"},
	"login.login":      {Zh: "账号", En: "Login"},
	"login.password":   {Zh: "密码", En: "Password"},
	"login.submit":     {Zh: "登录", En: "Log in"},
	"password.title":   {Zh: "修改密码", En: "Change password"},
	"password.must":    {Zh: "您的密码由管理员设置，请先设置自己的密码。", En: "Your password was set by an administrator: choose your own first."},
	"password.old":     {Zh: "当前密码", En: "Present password"},
	"password.new":     {Zh: "新密码（至少10位）", En: "New password (10 characters or more)"},
	"password.again":   {Zh: "再次输入新密码", En: "New password again"},
	"password.submit":  {Zh: "修改", En: "Change"},
	"password.done":    {Zh: "密码已修改。", En: "The password was changed."},
	"role.reviewer":    {Zh: "部门审批人员", En: "Department reviewer"},
	"role.manager":     {Zh: "大厅管理员", En: "Hall manager"},
	"role.supervisor":  {Zh: "监察人员", En: "Supervisor"},
	"role.admin":       {Zh: "系统管理员", En: "Administrator"},
	"review.title":     {Zh: "待本部门审批的办件", En: "Cases waiting for your department"},
	"review.none":      {Zh: "没有待审批的办件。", En: "No case is waiting."},
	"col.light":        {Zh: "状态灯", En: "Light"},
	"col.case":         {Zh: "办件编号", En: "Case"},
	"col.item":         {Zh: "事项", En: "Item"},
	"col.hall":         {Zh: "大厅", En: "Hall"},
	"col.applicant":    {Zh: "申请人", En: "Applicant"},
	"col.accepted":     {Zh: "受理时间", En: "Accepted"},
	"col.due":          {Zh: "承诺办结", En: "Due"},
	"col.state":        {Zh: "状态", En: "State"},
	"light.red":        {Zh: "红灯（超期）", En: "Red (late)"},
	"light.yellow":     {Zh: "黄灯（临近）", En: "Yellow (near)"},
	"light.green":      {Zh: "绿灯（正常）", En: "Green (on time)"},
	"light.":           {Zh: "—", En: "—"},
	"case.title":       {Zh: "办件 %s", En: "Case %s"},
	"case.item":        {Zh: "事项", En: "Item"},
	"case.hall":        {Zh: "受理大厅", En: "Hall"},
	"case.window":      {Zh: "受理窗口", En: "Window"},
	"case.applicant":   {Zh: "申请人", En: "Applicant"},
	"case.idnumber":    {Zh: "证件号码", En: "ID number"},
	"case.phone":       {Zh: "联系电话", En: "Phone"},
	"case.reveal":      {Zh: "查看完整信息（将记入审计日志）", En: "Show in full (written to the audit log)"},
	"case.materials":   {Zh: "收取材料", En: "Materials received"},
	"case.received":    {Zh: "已收", En: "received"},
	"case.notreceived": {Zh: "未收", En: "not received"},
	"case.opinions":    {Zh: "各部门意见", En: "Departments' opinions"},
	"case.noopinion":   {Zh: "尚无部门意见。", En: "No department has given its opinion yet."},
	"case.approve":     {Zh: "同意", En: "Approve"},
	"case.deny":        {Zh: "不同意", En: "Deny"},
	"case.waiting":     {Zh: "待审批", En: "waiting"},
	"case.timeline":    {Zh: "办理过程（全程留痕）", En: "Timeline"},
	"case.decide":      {Zh: "本部门意见", En: "Your department's opinion"},
	"case.reason":      {Zh: "理由（不同意时必填）", En: "Reason (required to deny)"},
	"case.decided":     {Zh: "本部门已提出意见。", En: "Your department has given its opinion."},
	"case.done":        {Zh: "意见已提交，将以本部门名义送达大厅。", En: "The opinion was recorded; it reaches the hall as your department's."},
	"case.decision":    {Zh: "审批结论", En: "Decision"},
	"sup.title":        {Zh: "电子监察：在办件", En: "Supervision: cases under way"},
	"sup.all":          {Zh: "全部", En: "All"},
	"sup.filter":       {Zh: "筛选", En: "Filter"},
	"sup.dept":         {Zh: "部门", En: "Department"},
	"sup.trend":        {Zh: "近30天受理与办结", En: "Accepted and decided, last 30 days"},
	"sup.accepted":     {Zh: "受理", En: "Accepted"},
	"sup.decided":      {Zh: "办结", En: "Decided"},
	"sup.more":         {Zh: "只显示前 %d 件。", En: "Only the first %d are shown."},
	"halls.title":      {Zh: "大厅", En: "Halls"},
	"dash.title":       {Zh: "%s · %s", En: "%s · %s"},
	"dash.day":         {Zh: "日期", En: "Day"},
	"dash.show":        {Zh: "查看", En: "Show"},
	"dash.tickets":     {Zh: "取号", En: "Tickets"},
	"dash.served":      {Zh: "办结", En: "Served"},
	"dash.ratings":     {Zh: "评价", En: "Ratings"},
	"dash.rate":        {Zh: "满意率", En: "Satisfaction"},
	"dash.waiting":     {Zh: "当前等候（按业务类别）", En: "Waiting now, by category"},
	"dash.waits":       {Zh: "等候时间（分钟，按取号时段）", En: "Waits in minutes, by the hour of the ticket"},
	"dash.windows":     {Zh: "各窗口（忙闲）", En: "Windows (busy and idle)"},
	"dash.clerks":      {Zh: "各工作人员", En: "Clerks"},
	"dash.followups":   {Zh: "待整改差评", En: "Bad ratings to follow up"},
	"dash.overdue":     {Zh: "已超期", En: "overdue"},
	"dash.none":        {Zh: "无", En: "None"},
	"col.category":     {Zh: "类别", En: "Category"},
	"col.count":        {Zh: "人数", En: "Count"},
	"col.hour":         {Zh: "时段", En: "Hour"},
	"col.p50":          {Zh: "中位数", En: "p50"},
	"col.p90":          {Zh: "90分位", En: "p90"},
	"col.window":       {Zh: "窗口", En: "Window"},
	"col.served":       {Zh: "办结", En: "Served"},
	"col.busy":         {Zh: "忙（分钟）", En: "Busy (min)"},
	"col.idle":         {Zh: "闲（分钟）", En: "Idle (min)"},
	"col.ratings":      {Zh: "评价数", En: "Ratings"},
	"col.rate":         {Zh: "满意率", En: "Satisfaction"},
	"col.clerk":        {Zh: "工号", En: "Clerk"},
	"col.cases":        {Zh: "受理件数", En: "Cases"},
	"col.level":        {Zh: "评价", En: "Rating"},
	"col.at":           {Zh: "时间", En: "When"},
	"col.followdue":    {Zh: "整改期限", En: "Follow up by"},
	"acct.title":       {Zh: "账号", En: "Accounts"},
	"acct.new":         {Zh: "新建账号", En: "New account"},
	"acct.name":        {Zh: "姓名", En: "Name"},
	"acct.role":        {Zh: "角色", En: "Role"},
	"acct.dept":        {Zh: "部门（审批人员）", En: "Department (reviewer)"},
	"acct.halls":       {Zh: "大厅编码（管理员，逗号分隔）", En: "Halls (manager, comma-separated)"},
	"acct.scope":       {Zh: "监察范围（大厅编码前缀，空为全省）", En: "Area (start of hall codes; empty: the province)"},
	"acct.password":    {Zh: "初始密码（首次登录须修改）", En: "First password (changed at the first login)"},
	"acct.create":      {Zh: "创建", En: "Create"},
	"acct.created":     {Zh: "账号 %s 已创建。", En: "Account %s was created."},
	"acct.reset":       {Zh: "重置密码", En: "Reset password"},
	"acct.resetdone":   {Zh: "账号 %s 的密码已重置，首次登录须修改。", En: "The password of %s was reset; it must be changed at the next login."},
	"acct.disable":     {Zh: "停用", En: "Disable"},
	"acct.enable":      {Zh: "启用", En: "Enable"},
	"acct.disabled":    {Zh: "已停用", En: "disabled"},
	"acct.locked":      {Zh: "锁定至 %s", En: "locked until %s"},
	"acct.status":      {Zh: "状态", En: "Status"},
	"acct.for":         {Zh: "负责范围", En: "For"},
	"acct.newpass":     {Zh: "新的初始密码", En: "New first password"},
	"acct.active":      {Zh: "正常", En: "active"},
	"audit.title":      {Zh: "审计日志（最近500条）", En: "Audit log (newest 500)"},
	"audit.who":        {Zh: "账号", En: "Login"},
	"audit.action":     {Zh: "操作", En: "Action"},
	"audit.target":     {Zh: "对象", En: "Target"},
	"audit.from":       {Zh: "来源地址", En: "From"},
	"audit.detail":     {Zh: "说明", En: "Detail"},
	"err.title":        {Zh: "未能完成", En: "Not done"},
	"err.notfound":     {Zh: "没有这个页面。", En: "There is no such page."},
	"err.session":      {Zh: "登录已过期，请重新登录。未作任何更改。", En: "Your session is over: log in again. Nothing was changed."},
	"err.csrf":         {Zh: "表单已失效（缺少或错误的校验码），请返回刷新后重试。未作任何更改。", En: "The form has expired (its check token is missing or wrong): go back, reload and try again. Nothing was changed."},
	"err.forbidden":    {Zh: "您的账号无权查看或办理此项。", En: "Your account may not see or do this."},
	"err.internal":     {Zh: "服务器出错，未作更改。请稍后重试或联系系统管理员。", En: "The server failed and changed nothing. Try again later or call the administrator."},
	"err.bad":          {Zh: "账号或密码错误。连续输错 %d 次，账号将锁定 %d 分钟。", En: "The login or password is wrong. %d wrong tries in a row lock the account for %d minutes."},
	"err.locked":       {Zh: "密码错误次数过多，账号锁定至 %s。", En: "Too many wrong passwords: the account is locked until %s."},
	"err.disabled":     {Zh: "此账号已停用。", En: "This account is disabled."},
	"err.input":        {Zh: "输入有误，未作更改：%s", En: "The input is not valid; nothing was changed: %s"},
	"err.conflict":     {Zh: "与现有记录冲突，未作更改：%s", En: "This conflicts with the records; nothing was changed: %s"},
	"err.short":        {Zh: "密码至少 %d 位。", En: "A password has at least %d characters."},
	"err.mismatch":     {Zh: "两次输入的新密码不一致。", En: "The two new passwords differ."},
	"err.oldwrong":     {Zh: "当前密码不正确。", En: "The present password is wrong."},
	"err.reason":       {Zh: "不同意时须填写理由。", En: "A denial must give its reason."},
	"err.back":         {Zh: "返回", En: "Back"},
	"err.file":         {Zh: "请选择要发布的文件。", En: "Choose the file to publish."},

	"staff.title":      {Zh: "%s · 工作人员", En: "%s · staff"},
	"staff.link":       {Zh: "工作人员与窗口", En: "Staff and windows"},
	"staff.id":         {Zh: "工号", En: "Staff id"},
	"staff.role":       {Zh: "岗位", En: "Post"},
	"staff.clerk":      {Zh: "窗口人员", En: "clerk"},
	"staff.manager":    {Zh: "大厅管理员", En: "manager"},
	"staff.technician": {Zh: "技术人员", En: "technician"},
	"staff.must":       {Zh: "待本人改密", En: "one-time password"},
	"staff.nopass":     {Zh: "未设密码", En: "no password"},
	"staff.new":        {Zh: "新增工作人员", En: "New member of staff"},
	"staff.password":   {Zh: "一次性密码（首次在窗口登录时须修改）", En: "One-time password (changed at the first login at a window)"},
	"staff.added":      {Zh: "已新增 %s，已发布到大厅各终端。", En: "%s was added and published to the hall's terminals."},
	"staff.resetdone":  {Zh: "%s 的一次性密码已设置并发布；本人首次登录窗口时须修改。", En: "%s has a one-time password, published; it must be changed at the next login at a window."},
	"staff.changed":    {Zh: "已发布到大厅各终端。", En: "Published to the hall's terminals."},
	"staff.save":       {Zh: "保存", En: "Save"},
	"staff.catnote":    {Zh: "每个窗口按填写顺序叫号的业务类别：", En: "The categories each window calls, in this order:"},
	"staff.winname":    {Zh: "名称", En: "Name"},
	"staff.windows":    {Zh: "窗口与业务类别", En: "Windows and categories"},
	"staff.note":       {Zh: "更改随大厅设置发布，各终端联网后生效；本人在窗口修改的密码不会被再次发布覆盖。", En: "Changes are published with the hall's set-up and reach each terminal when it is online; a password a clerk changed at a window is never overwritten by a later publish."},
	"nav.publish":      {Zh: "发布", En: "Publish"},
	"pub.title":        {Zh: "发布到各大厅", En: "Publish to the halls"},
	"pub.catalog":      {Zh: "事项目录（办事指南）", En: "Service catalogue"},
	"pub.hall":         {Zh: "大厅设置（窗口、类别、人员）", En: "A hall's set-up (windows, categories, staff)"},
	"pub.calendar":     {Zh: "节假日安排", En: "Holiday calendar"},
	"pub.submit":       {Zh: "发布", En: "Publish"},
	"pub.done":         {Zh: "已发布（变更 %d），各大厅联网后自动获取。", En: "Published as change %d; the halls take it when they are online."},
	"pub.current":      {Zh: "当前发布", En: "Published now"},
	"pub.name":         {Zh: "名称", En: "Name"},
	"pub.version":      {Zh: "版本", En: "Version"},
	"pub.update":       {Zh: "终端升级包（已签名的 .owu）", En: "Terminals' update package (signed .owu)"},
	"pub.downgrade":    {Zh: "允许回退到较旧版本（上线版本有问题时）", En: "Allow an older version (going back after a bad release)"},
	"pub.updated":      {Zh: "已发布 onewindow %s（%s），各终端将自动下载安装。", En: "Published onewindow %s (%s); the terminals fetch and install it."},
	"pub.packages":     {Zh: "已发布的升级包", En: "Update packages published"},
	"pub.machine":      {Zh: "机型", En: "Machine"},
	"pub.size":         {Zh: "大小（KiB）", En: "Size (KiB)"},
	"pub.signed":       {Zh: "签名时间", En: "Signed"},
	"pub.note":         {Zh: "与命令 onewindow central publish 相同：文件有误时不作任何更改。", En: "As 'onewindow central publish': a file with errors changes nothing."},
	"sup.bad":          {Zh: "近30天差评及整改", En: "Bad ratings of the last 30 days and their follow-ups"},
	"sup.resolved":     {Zh: "已整改", En: "followed up"},
	"sup.open":         {Zh: "待整改", En: "to follow up"},
	"dash.terminals":   {Zh: "终端状态", En: "Terminals"},
	"col.terminal":     {Zh: "终端", En: "Terminal"},
	"col.role":         {Zh: "类型", En: "Role"},
	"col.seen":         {Zh: "最近联系", En: "Last heard"},
	"col.health":       {Zh: "自检", En: "Health"},
	"term.silent":      {Zh: "失联", En: "silent"},
	"term.revoked":     {Zh: "已吊销", En: "revoked"},
	"term.unreported":  {Zh: "未上报", En: "not reported"},
	"term.ok":          {Zh: "正常", En: "ok"},

	"state.submitted":            {Zh: "已收件", En: "received"},
	"state.accepted":             {Zh: "已受理", En: "accepted"},
	"state.supplement_requested": {Zh: "一次性告知", En: "materials asked for"},
	"state.refused":              {Zh: "不予受理", En: "refused"},
	"state.in_review":            {Zh: "审查中", En: "in review"},
	"state.approved":             {Zh: "准予许可", En: "approved"},
	"state.denied":               {Zh: "不予许可", En: "denied"},
	"state.result_issued":        {Zh: "已出件", En: "result handed out"},
	"state.closed":               {Zh: "已归档", En: "filed"},
	"action.approve":             {Zh: "同意", En: "approved"},
	"action.deny":                {Zh: "不同意", En: "denied"},
	"action.note":                {Zh: "备注", En: "note"},
}

// step is a timeline step's action or a case's state in words, or as it is
// when it has none.
func step(l, what string) string {
	for _, key := range []string{"state." + what, "action." + what} {
		if w, ok := words[key]; ok {
			return w.In(l)
		}
	}
	return what
}

// lang is the request's language: the cookie's, else Chinese.
func lang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

func (s *Server) tr(r *http.Request, key string, args ...any) string {
	return tr(lang(r), key, args...)
}

func tr(l, key string, args ...any) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	text := w.In(l)
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// explain is an error of the use cases in the reader's language.
func (s *Server) explain(r *http.Request, err error) string {
	var bad *app.BadCredentialsError
	var locked *app.LockedError
	switch {
	case errors.As(err, &locked):
		return s.tr(r, "err.locked", locked.Until.In(app.HallZone).Format("15:04"))
	case errors.As(err, &bad):
		// Never how many tries are left: an unknown login and a known one
		// must read alike.
		return s.tr(r, "err.bad", s.svc.Policy.MaxFailures, int(s.svc.Policy.LockFor.Minutes()))
	case errors.Is(err, app.ErrBadCredentials):
		return s.tr(r, "err.oldwrong")
	case errors.Is(err, console.ErrDisabled):
		return s.tr(r, "err.disabled")
	case errors.Is(err, app.ErrConflict):
		return s.tr(r, "err.conflict", conflictText(lang(r), err))
	}
	return s.tr(r, "err.input", inputWords(lang(r), err))
}

// detail is an error's own words without the wrapping of the layers.
func detail(err error) string {
	text := err.Error()
	if i := strings.LastIndex(text, ": "); i >= 0 && i+2 < len(text) {
		return text[i+2:]
	}
	return text
}
