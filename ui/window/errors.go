package window

import (
	"errors"
	"log/slog"
	"strings"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/ui/theme"
)

// A clerk reads every error in the window's language: each error the use
// cases return (app's sentinels, the desk's, a list of problems with named
// fields) has its words under a key, and an error without words shows as
// "it did not work" in the clerk's language, its detail going to the log
// for the technician. errors_test.go walks the sources of app and app/desk
// for every sentinel and problem field and checks each has words in both
// languages.

// errorKeys are the words of the sentinel errors, the most particular
// first: errors.Is picks the first that matches.
var errorKeys = []struct {
	err error
	key string
}{
	{app.ErrHubUnreachable, "win.err.hubrecords"},
	{desk.ErrLoggedOut, "win.err.loggedout"},
	{desk.ErrMustChangePassword, "win.err.mustchange"},
	{app.ErrNoneWaiting, "win.err.nonewaiting"},
	{app.ErrWindowBusy, "win.err.windowbusy"},
	{app.ErrWindowPaused, "win.err.paused"},
	{app.ErrNoTicket, "win.err.noticket"},
	{app.ErrDocumentNotAccepted, "win.err.document"},
	{app.ErrMaterialsMissing, "win.err.materials"},
	{app.ErrNothingMissing, "win.err.nothingmissing"},
	{app.ErrNoReason, "win.err.noreason"},
	{app.ErrCardExpired, "win.err.cardexpired"},
	{app.ErrInvalidIDNumber, "win.err.idnumber"},
	{app.ErrIllegalTransition, "win.err.transition"},
	{app.ErrChainBroken, "win.err.chain"},
	{app.ErrNotRateable, "win.err.notrateable"},
	{app.ErrCategoryFull, "win.err.categoryfull"},
	{app.ErrCategoryClosed, "win.err.categoryclosed"},
	{app.ErrNotRequeueable, "win.err.notrequeueable"},
	{app.ErrRequestReused, "win.err.requestreused"},
	{app.ErrNoCard, "win.card.none"},
	{app.ErrUnsupportedCard, "win.err.unsupportedcard"},
	{app.ErrBadCardData, "win.err.badcard"},
	{app.ErrPrintFailed, "win.err.printfailed"},
	{app.ErrDeviceTimeout, "win.err.device"},
	{app.ErrPortGone, "win.err.device"},
	{app.ErrBadFrame, "win.err.device"},
	{app.ErrDeviceFault, "win.err.device"},
	{app.ErrDeviceOffline, "win.err.device"},
	{app.ErrBadCredentials, "win.err.badlogin"},
	{app.ErrAccountLocked, "win.err.accountlocked"},
	{app.ErrNoPassword, "win.err.nopassword"},
	{app.ErrNotAllowed, "win.err.notallowed"},
	{app.ErrStaffDisabled, "win.err.staffdisabled"},
	{app.ErrPasswordTooShort, "win.err.passwordshort"},
	{app.ErrSamePassword, "win.err.samepassword"},
	{app.ErrConflict, "win.err.conflict"},
	{app.ErrBookingNotOffered, "win.err.booking"},
	{app.ErrBookingClosed, "win.err.booking"},
	{app.ErrBookingFull, "win.err.booking"},
	{app.ErrBookingTwice, "win.err.booking"},
	{app.ErrBookingNotOpen, "win.err.booking"},
	{app.ErrUnknownCode, "win.err.unknowncode"},
	{app.ErrNotConfigured, "win.err.notconfigured"},
	{app.ErrNotFound, "win.err.notfound"},
	{app.ErrInvalidCatalog, "win.err.setup"},
	{app.ErrStaleCatalog, "win.err.setup"},
	{app.ErrInvalidConfig, "win.err.setup"},
	{app.ErrSchemaTooNew, "win.err.setup"},
	{app.ErrSequenceGap, "win.err.setup"},
	{app.ErrOutboxReplaced, "win.err.setup"},
	{app.ErrTrailingData, "win.err.setup"},
	{app.ErrBadPIN, "win.err.setup"},
	{app.ErrInvalidInput, "win.err.invalid"},
}

// fieldKeys name the fields of app.Problems the use cases can refuse.
var fieldKeys = map[string]string{
	"姓名": "win.field.name", "身份证号": "win.field.idnumber", "applicant": "win.field.applicant",
	"actor": "win.field.actor", "outcome": "win.field.outcome", "materials": "win.field.materials",
	"item": "win.field.item", "phone": "win.field.phone", "priority": "win.field.priority",
	"who": "win.field.who", "who_key": "win.field.who", "level": "win.field.level", "ticket/case": "win.field.ticket",
	"reasons": "win.field.reasons", "comment": "win.field.comment", "window": "win.field.window",
}

// errorText is an error in words for the message bar.
func (t *Terminal) errorText(err error) string {
	var notReady *desk.NotReadyError
	if errors.As(err, &notReady) {
		return t.notReadyText(notReady)
	}
	if fields, ok := t.problemFields(err); ok {
		return t.tr("win.err.problems", fields)
	}
	for _, e := range errorKeys {
		if errors.Is(err, e.err) {
			return t.tr(e.key)
		}
	}
	slog.Warn("window terminal: an error without words for the clerk", "err", err)
	return t.tr("win.err.other")
}

// problemFields names, in the clerk's language, the fields a list of
// problems refuses; false when err is no such list or names a field
// without words.
func (t *Terminal) problemFields(err error) (string, bool) {
	var pe *app.ProblemsError
	if !errors.As(err, &pe) {
		return "", false
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range pe.Problems {
		where, _, _ := strings.Cut(p, ": ")
		key, ok := fieldKeys[where]
		if !ok {
			return "", false
		}
		if !seen[key] {
			seen[key] = true
			names = append(names, t.tr(key))
		}
	}
	slog.Debug("window terminal: input refused", "err", err)
	sep := ", "
	if t.Language() == theme.Chinese {
		sep = "、"
	}
	return strings.Join(names, sep), true
}

// queueErrorText explains a failed queue action; when the hub did not
// answer, pressing the key again retries the same action, which the hub
// carries out at most once.
func (t *Terminal) queueErrorText(err error) string {
	if desk.HubDown(err) {
		slog.Warn("window terminal: the queue server did not answer", "err", err)
		return t.tr("win.err.hubdown")
	}
	return t.errorText(err)
}
