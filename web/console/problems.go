package console

import (
	"errors"
	"regexp"
	"strings"

	"onewindow/app"
	"onewindow/app/console"
)

// The rules (app.Account.Validate, app.Hall.Validate, the services) name
// each problem in English, "field: what"; a page shows those its forms can
// meet in the reader's language, and any other as it is.

// problemWords are the problems the console's forms can meet: a pattern of
// the rule's words, and the page's.
var problemWords = []struct {
	re   *regexp.Regexp
	text app.Text
}{
	{regexp.MustCompile(`^login: must be`), app.Text{Zh: "账号须为 2–32 位字母、数字、“.”“_”或“-”，以字母或数字开头", En: "The login has 2–32 letters, digits, '.', '_' or '-', starting with a letter or digit"}},
	{regexp.MustCompile(`^name: must be`), app.Text{Zh: "姓名须为 1–40 个字", En: "The name has 1–40 characters"}},
	{regexp.MustCompile(`^role: `), app.Text{Zh: "请从列表中选择角色", En: "Choose a role from the list"}},
	{regexp.MustCompile(`^department: a reviewer decides`), app.Text{Zh: "部门审批人员须选择所属部门", En: "A department reviewer needs their department"}},
	{regexp.MustCompile(`^department: .* is not a department`), app.Text{Zh: "该部门不在事项目录中", En: "That department is not in the catalogue"}},
	{regexp.MustCompile(`^department: only a reviewer`), app.Text{Zh: "只有部门审批人员选择部门", En: "Only a department reviewer has a department"}},
	{regexp.MustCompile(`^halls: a hall manager`), app.Text{Zh: "大厅管理员须填写至少一个大厅编码", En: "A hall manager needs at least one hall code"}},
	{regexp.MustCompile(`^halls: only a hall manager`), app.Text{Zh: "只有大厅管理员填写大厅编码", En: "Only a hall manager has hall codes"}},
	{regexp.MustCompile(`^halls: .* is not a hall code`), app.Text{Zh: "大厅编码只能含字母、数字、“_”和“-”", En: "A hall code has letters, digits, '_' and '-' only"}},
	{regexp.MustCompile(`^scope: only a supervisor`), app.Text{Zh: "只有监察人员填写监察范围", En: "Only a supervisor has an area"}},
	{regexp.MustCompile(`^scope: `), app.Text{Zh: "监察范围须为大厅编码的开头（字母和数字）", En: "The area is the start of hall codes (letters and digits)"}},
	{regexp.MustCompile(`: id: must be`), app.Text{Zh: "工号须为 1–32 位字母、数字、“-”或“_”", En: "A staff id has 1–32 letters, digits, '-' or '_'"}},
	{regexp.MustCompile(`: id: appears twice`), app.Text{Zh: "工号重复", En: "The staff id appears twice"}},
	{regexp.MustCompile(`: name: is empty`), app.Text{Zh: "姓名不能为空", En: "The name is empty"}},
	{regexp.MustCompile(`: role: `), app.Text{Zh: "岗位须为窗口人员、大厅管理员或技术人员", En: "The post is clerk, manager or technician"}},
	{regexp.MustCompile(`: categories: queue category "([^"]*)" is not`), app.Text{Zh: "业务类别 $1 不在事项目录中", En: "Queue category $1 is not in the catalogue"}},
	{regexp.MustCompile(`: categories: the window serves no`), app.Text{Zh: "窗口至少办理一个业务类别", En: "A window calls at least one category"}},
}

// sentinelWords are the rules' refusals with no field.
var sentinelWords = []struct {
	err  error
	text app.Text
}{
	{app.ErrPasswordTooShort, app.Text{Zh: "密码至少 10 位", En: "A password has at least 10 characters"}},
	{app.ErrSamePassword, app.Text{Zh: "新密码不能与原密码相同", En: "The new password must differ from the old one"}},
	{console.ErrNoSuchStaff, app.Text{Zh: "大厅没有这个工号", En: "The hall has no member of staff with that id"}},
}

// conflictWords are the conflicts the console's forms can meet.
var conflictWords = []struct {
	re   *regexp.Regexp
	text app.Text
}{
	{regexp.MustCompile(`the login is taken`), app.Text{Zh: "该账号已存在", En: "The login is taken"}},
	{regexp.MustCompile(`staff id (\S+) is taken`), app.Text{Zh: "工号 $1 已存在", En: "Staff id $1 is taken"}},
	{regexp.MustCompile(`department \S+ has given its opinion already`), app.Text{Zh: "本部门已提出过意见", En: "Your department has given its opinion already"}},
	{regexp.MustCompile(`it was (approved|denied) already`), app.Text{Zh: "该办件已有审批结论", En: "The case is decided already"}},
}

// inputWords is an input the rules refused, in the reader's language:
// each problem the console knows in words, any other as the rule said it.
func inputWords(lang string, err error) string {
	for _, s := range sentinelWords {
		if errors.Is(err, s.err) {
			return s.text.In(lang)
		}
	}
	var pe *app.ProblemsError
	if !errors.As(err, &pe) {
		return detail(err)
	}
	var out []string
	for _, p := range pe.Problems {
		said := p
		for _, w := range problemWords {
			if m := w.re.FindStringSubmatchIndex(p); m != nil {
				said = string(w.re.ExpandString(nil, w.text.In(lang), p, m))
				break
			}
		}
		out = append(out, said)
	}
	sep := "；"
	if lang == "en" {
		sep = "; "
	}
	return strings.Join(out, sep)
}

// conflictText is a conflict in the reader's language.
func conflictText(lang string, err error) string {
	text := err.Error()
	for _, w := range conflictWords {
		if m := w.re.FindStringSubmatchIndex(text); m != nil {
			return string(w.re.ExpandString(nil, w.text.In(lang), text, m))
		}
	}
	return detail(err)
}
